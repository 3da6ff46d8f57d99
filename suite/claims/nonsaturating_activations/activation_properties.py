"""Hypothesis properties of the activations' gradients, evaluated through the real Keras layers.

ACT-PROPERTIES decides on leaky ReLU alone (`leaky_checks`): below 0 its output is slope·z, negative, and
its gradient the slope, to float32's rounding (1 ulp), over inputs whose product slope·z is a normal
float32 (TensorFlow's CPU kernels flush subnormals to 0; what they give is recorded by `subnormal_flush`).
The other activations' properties (`recorded_checks`) are recorded beside it, not decided.

Saturation bounds, derived so that the gradient is provably below 1e-3 beyond them:
  sigmoid'(z) = s(1 - s) = e^-|z| / (1 + e^-|z|)^2 < e^-|z|, below 1e-3 once |z| > ln(1000) ≈ 6.908;
  tanh'(z) = 1 - tanh(z)^2 = 4 / (e^z + e^-z)^2 < 4 e^-2|z|, below 1e-3 once |z| > ln(4000)/2 ≈ 4.147.
The contrasts show the bounds are not loose and the checks can fail: at 0.9 × bound both gradients
still exceed 1e-3, and ELU with alpha = 0.5 is not continuous in its gradient at 0.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from probes.activations import values_and_gradients
from reports import series

SATURATED_BELOW = 1e-3
SIGMOID_BOUND = math.log(1000)
TANH_BOUND = math.log(4000) / 2
# Inputs stay where float32 exp neither overflows nor underflows to 0 (|z| < 87).
Z_LIMIT = 50.0
# float32 relative rounding of exp and of a product, with room for one more operation.
FLOAT32_RTOL = 4 * np.finfo(np.float32).eps


def _inputs(low: float = -Z_LIMIT, high: float = Z_LIMIT):
    return arrays(np.float32, st.integers(1, 64), elements=st.floats(low, high, width=32))


def _holds(prop, strategy, examples: int, seed: int) -> bool:
    """Whether `prop` held for every example Hypothesis drew (and shrank towards, on failure)."""
    @hypothesis_seed(seed)
    # No shrinking: the check needs whether a counterexample exists, not the smallest one.
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate))
    @given(strategy)
    def run(example):
        prop(example)

    try:
        run()
    except AssertionError:
        return False
    return True


def _relu(z):
    _, gradient = values_and_gradients("relu", z)
    assert np.all(gradient[z < 0] == 0) and np.all(gradient[z > 0] == 1)


LEAKY_SLOPES = st.floats(0.01, 0.5)
# Magnitudes whose product with any drawn slope (>= 0.01) is a normal float32 (>= 2^-126).
NORMAL_PRODUCT_FLOOR = float(np.finfo(np.float32).tiny) / 0.01


def _signed_normal_inputs():
    magnitude = st.floats(NORMAL_PRODUCT_FLOOR, Z_LIMIT, width=32)
    return arrays(np.float32, st.integers(1, 64), elements=magnitude).flatmap(
        lambda z: arrays(np.bool_, z.shape).map(lambda flip: np.where(flip, -z, z)))


def _within_one_ulp(actual: np.ndarray, exact: np.ndarray) -> bool:
    return bool(np.all(np.abs(actual.astype(np.float64) - exact) <= np.spacing(np.abs(actual))))


def _negative_below_zero(name: str):
    """For z < 0: output negative (never 0) and within 1 ulp of slope·z; for z > 0: output z."""
    def prop(args):
        slope, z = args
        value, _ = values_and_gradients(name, z, slope=slope if name == "leaky_relu" else None)
        negative, exact = z < 0, np.float64(np.float32(slope)) * z.astype(np.float64)
        assert np.all(value[negative] < 0) and _within_one_ulp(value[negative], exact[negative])
        assert np.all(value[~negative] == z[~negative])
    return prop


def _slope_gradient_below_zero(name: str):
    """For z < 0: gradient the slope (never 0) within 1 ulp; for z > 0: gradient 1."""
    def prop(args):
        slope, z = args
        _, gradient = values_and_gradients(name, z, slope=slope if name == "leaky_relu" else None)
        negative = z < 0
        assert np.all(gradient[negative] != 0)
        assert _within_one_ulp(gradient[negative], np.full(negative.sum(), np.float64(np.float32(slope))))
        assert np.all(gradient[~negative] == 1)
    return prop


def leaky_checks(name: str, examples: int, seed: int) -> dict[str, bool]:
    """The sentence's properties, checked on activation `name` (leaky_relu; relu as the control, which
    fails them by construction) over Hypothesis slopes in [0.01, 0.5] and normal-product float32 inputs."""
    label = "leaky ReLU" if name == "leaky_relu" else name
    inputs = st.tuples(LEAKY_SLOPES, _signed_normal_inputs())
    return {f"{label}: output negative and slope·z (1 ulp) for z < 0, z for z > 0":
            _holds(_negative_below_zero(name), inputs, examples, seed),
            f"{label}: gradient = slope, never 0 (1 ulp) for z < 0, 1 for z > 0":
            _holds(_slope_gradient_below_zero(name), inputs, examples, seed)}


def _elu_gradient(z):
    _, gradient = values_and_gradients("elu", z)
    negative = z < 0
    assert np.allclose(gradient[negative], np.exp(z[negative].astype(np.float64)), rtol=FLOAT32_RTOL, atol=0)


def _elu_positive(z):
    _, gradient = values_and_gradients("elu", z)
    assert np.all(gradient > 0)


def elu_gradient_underflow() -> dict:
    """Where float32 ELU's gradient leaves alpha·exp(z): TensorFlow computes it from the output as
    y + alpha, so once exp(z) is below float32's resolution near 1 it is rounded, then exactly 0."""
    z = -np.arange(0, 30.01, 0.25, dtype=np.float32)
    _, gradient = values_and_gradients("elu", z)
    exact = np.exp(z.astype(np.float64))
    relative = np.abs(gradient - exact) / exact
    return {"largest_z_with_zero_gradient": float(z[gradient == 0].max()) if (gradient == 0).any() else None,
            "largest_relative_error_for_z_in_[-10,0]": float(relative[z >= -10].max()),
            "largest_relative_error_for_z_in_[-15,0]": float(relative[z >= -15].max())}


def _continuous_at_zero(alpha):
    def prop(epsilon):
        # |f'(-e) - f'(e)| = |alpha e^-e - 1| <= 2e when alpha = 1; about |alpha - 1| otherwise.
        z = np.array([-epsilon, epsilon], dtype=np.float32)
        _, gradient = values_and_gradients("elu", z, slope=alpha)
        assert abs(float(gradient[0]) - float(gradient[1])) <= 2 * epsilon + FLOAT32_RTOL
    return prop


def _saturated(name: str):
    def prop(z):
        _, gradient = values_and_gradients(name, z)
        assert np.all(gradient < SATURATED_BELOW)
    return prop


def _beyond(bound: float, scale: float = 1.0):
    """|z| above scale × bound, either sign."""
    low = np.float32(scale * bound)
    low = np.nextafter(low, np.float32(np.inf)) if low < scale * bound else low  # float32, not below the bound
    magnitude = st.floats(float(low), Z_LIMIT, width=32, exclude_min=True)
    return arrays(np.float32, st.integers(1, 64), elements=magnitude).flatmap(
        lambda z: arrays(np.bool_, z.shape).map(lambda flip: np.where(flip, -z, z)))


def recorded_checks(examples: int, seed: int) -> tuple[dict[str, bool], dict[str, bool]]:
    """The other activations' defining properties and their contrasts, recorded beside ACT-PROPERTIES'
    verdict (not decided): did each hold for every drawn example?"""
    epsilon = st.floats(1e-6, 1e-2)
    checks = {
        "ReLU: gradient 0 for z < 0, 1 for z > 0": _holds(_relu, _inputs(), examples, seed),
        "ELU: gradient alpha·exp(z) for z < 0 (float32 rounding)": _holds(_elu_gradient, _inputs(), examples, seed),
        "ELU: gradient positive everywhere": _holds(_elu_positive, _inputs(), examples, seed),
        "ELU (alpha = 1): gradient continuous at 0": _holds(_continuous_at_zero(None), epsilon, examples, seed),
        f"sigmoid: gradient < 1e-3 for |z| > {SIGMOID_BOUND:.3f}": _holds(
            _saturated("sigmoid"), _beyond(SIGMOID_BOUND), examples, seed),
        f"tanh: gradient < 1e-3 for |z| > {TANH_BOUND:.3f}": _holds(
            _saturated("tanh"), _beyond(TANH_BOUND), examples, seed),
    }
    contrasts = {
        "ELU (alpha = 0.5): gradient continuous at 0": _holds(_continuous_at_zero(0.5), epsilon, examples, seed),
        "sigmoid: gradient < 1e-3 already for |z| > 0.9 bound": _holds(
            _saturated("sigmoid"), _beyond(SIGMOID_BOUND, 0.9), examples, seed),
        "tanh: gradient < 1e-3 already for |z| > 0.9 bound": _holds(
            _saturated("tanh"), _beyond(TANH_BOUND, 0.9), examples, seed),
    }
    return checks, contrasts


def subnormal_flush() -> dict:
    """TensorFlow's CPU kernels flush float32 subnormals (|z| < 1.18e-38) to zero: ReLU's output and
    gradient at a positive subnormal are 0, leaky ReLU's gradient there is its slope."""
    z = np.array([1e-45, 1e-39, np.finfo(np.float32).tiny], dtype=np.float32)
    relu_value, relu_gradient = values_and_gradients("relu", z)
    _, leaky_gradient = values_and_gradients("leaky_relu", z, slope=0.2)
    return {"z": z.astype(float).tolist(), "relu": relu_value.astype(float).tolist(),
            "relu_gradient": relu_gradient.astype(float).tolist(),
            "leaky_0.2_gradient": leaky_gradient.astype(float).tolist()}


def saturation_series() -> dict:
    """Each activation's gradient over z in [-8, 8], with the 1e-3 saturation level."""
    z = np.linspace(-8, 8, 161, dtype=np.float32)
    lines = {}
    for name, slope in (("relu", None), ("leaky_relu", 0.2), ("elu", None), ("sigmoid", None), ("tanh", None)):
        label = f"{name} ({slope})" if slope else name
        gradient = values_and_gradients(name, z, slope=slope)[1].astype(float)
        lines[label] = [value if value > 0 else None for value in gradient]  # log scale: 0 is not drawn
    return series.lines(z.astype(float).tolist(), lines, title="activation gradients", x_label="z", y_label="df/dz",
                        log_y=True, reference={"saturated below": SATURATED_BELOW})
