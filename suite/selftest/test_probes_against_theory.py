"""Probes that compute something theory predicts, checked against it. Uses TensorFlow (about a second each
after the import).

* `probes.gradients.dense_layer_gains`: one linear Dense layer's forward gain Var(out)/Var(in) is
  fan_in Var(W) and its backward gain fan_out Var(W); Glorot's Var(W) = 2/(fan_in + fan_out) at fans
  256 -> 64 gives 1.6 and 0.4, He's 2/fan_in gives 2 and 0.5.
* `probes.selu.keras_selu`: Keras's SELU applied to N(mu, nu) draws has the mean and variance of the
  moment map computed by quadrature (verdicts/theory/selu.py), across the paper's domain.

Each check is a two-sided test at level CHECK_ALPHA: the claimed law must not be rejected, and the nearest
wrong law (5% off for the gains, SELU's scale 2% off for the map) must be.
"""
import numpy as np
import pytest
from scipy import stats

from probes.dense_stack import Init
from probes.gradients import dense_layer_gains
from probes.selu import keras_selu
from verdicts.theory import selu as theory

CHECK_ALPHA = 1e-3  # a false alarm once in a thousand runs of the self-tests
FAN_IN, FAN_OUT, DRAWS, BATCH = 256, 64, 30, 256
NEAREST_WRONG_GAIN = 1.05  # a law 5% off
DRAWS_PER_POINT = 400_000


def _p_mean(values, target) -> float:
    return float(stats.ttest_1samp(values, target).pvalue)


@pytest.mark.parametrize("init, forward, backward", [
    (Init("glorot_uniform"), 2 * FAN_IN / (FAN_IN + FAN_OUT), 2 * FAN_OUT / (FAN_IN + FAN_OUT)),
    (Init("he_normal"), 2.0, 2 * FAN_OUT / FAN_IN),
], ids=["glorot_uniform 1.6 / 0.4", "he_normal 2 / 0.5"])
def test_a_linear_dense_layers_gains_are_fan_times_weight_variance(rng, init, forward, backward):
    measured = dense_layer_gains(fan_in=FAN_IN, fan_out=FAN_OUT, init=init, draws=DRAWS, batch=BATCH,
                                 seed=int(rng.integers(2**31)))
    for gains, law in zip(measured, (forward, backward)):
        assert _p_mean(gains, law) > CHECK_ALPHA
        assert _p_mean(gains, law * NEAREST_WRONG_GAIN) < CHECK_ALPHA
        assert _p_mean(gains, law / NEAREST_WRONG_GAIN) < CHECK_ALPHA


def _moment_p_values(outputs: np.ndarray, mean: float, variance: float) -> tuple[float, float]:
    """Two-sided z-tests of the sample mean and variance against (mean, variance); the variance's standard
    error from the sample's fourth central moment."""
    n = outputs.size
    centred = outputs - outputs.mean()
    z_mean = (outputs.mean() - mean) / (outputs.std(ddof=1) / np.sqrt(n))
    z_variance = (outputs.var(ddof=1) - variance) / np.sqrt((np.mean(centred**4) - outputs.var() ** 2) / n)
    return tuple(float(2 * stats.norm.sf(abs(z))) for z in (z_mean, z_variance))


@pytest.mark.parametrize("mean, variance", [(0.0, 1.0), (0.1, 0.8), (-0.1, 1.5)])
def test_keras_selu_has_the_moment_maps_mean_and_variance(rng, mean, variance):
    z = rng.normal(mean, np.sqrt(variance), DRAWS_PER_POINT).astype(np.float32)
    outputs = keras_selu(z).astype(np.float64)
    claimed = theory.moment_map(mean, variance, omega=1.0, tau=1.0)
    assert min(_moment_p_values(outputs, *claimed)) > CHECK_ALPHA
    off = theory.ScaledElu(alpha=theory.SELU_ALPHA, scale=theory.SELU_SCALE * 1.02)
    wrong = theory.moment_map(mean, variance, omega=1.0, tau=1.0, activation=off)
    assert min(_moment_p_values(outputs, *wrong)) < CHECK_ALPHA
