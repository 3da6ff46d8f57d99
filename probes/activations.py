"""Activation functions as Keras layers, by name, with every slope set explicitly; an RReLU layer.

Keras's leaky ReLU defaults differ by entry point (`LeakyReLU()` is 0.3, the string "leaky_relu" is
0.2 in Keras 3, absent in Keras 2.15) and Keras 3 renamed `alpha` to `negative_slope`: `leaky_relu`
here always takes the slope it is given, under either name.

Keras has no RReLU. `RReLU` follows Xu et al. 2015 ("Empirical Evaluation of Rectified Activations"):
y = x for x ≥ 0 and y = x / a for x < 0, with a ~ U(lower, upper) drawn per element in training and
fixed to (lower + upper) / 2 at inference; their lower = 3, upper = 8 give the inference slope 1/5.5.
"""
from __future__ import annotations

import functools

import numpy as np

from probes.keras_api import KERAS_MAJOR, keras, tf

# Plain Keras activations, looked up by their Keras names.
STATELESS = ("relu", "elu", "selu", "tanh", "sigmoid")
NAMES = STATELESS + ("leaky_relu", "prelu", "rrelu")
# Xu et al. 2015, section 2.4: a ~ U(3, 8) in training.
RRELU_LOWER, RRELU_UPPER = 3.0, 8.0


def leaky_relu(slope: float) -> keras.layers.Layer:
    """Keras's LeakyReLU with this negative slope, whatever the argument is called in this Keras."""
    key = "negative_slope" if KERAS_MAJOR >= 3 else "alpha"
    return keras.layers.LeakyReLU(**{key: float(slope)})


class RReLU(keras.layers.Layer):
    """Randomized leaky ReLU: random divisor a ~ U(lower, upper) per element in training, its mean
    (lower + upper) / 2 at inference (Xu et al. 2015). Draws come from a seeded tf.random.Generator,
    so a run is reproducible from `seed`."""

    def __init__(self, lower: float = RRELU_LOWER, upper: float = RRELU_UPPER, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not 1.0 <= lower <= upper:
            raise ValueError(f"RReLU needs 1 <= lower <= upper, got {lower}, {upper}")
        self.lower, self.upper, self.seed = float(lower), float(upper), int(seed)
        self._generator = tf.random.Generator.from_seed(self.seed)

    @property
    def inference_slope(self) -> float:
        return 2.0 / (self.lower + self.upper)

    def call(self, inputs, training=None):
        if training:
            divisor = self._generator.uniform(tf.shape(inputs), self.lower, self.upper, dtype=inputs.dtype)
            negative = inputs / divisor
        else:
            negative = inputs * self.inference_slope
        return tf.where(inputs >= 0, inputs, negative)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "lower": self.lower, "upper": self.upper, "seed": self.seed}


def activation_layer(name: str, *, slope: float | None = None, seed: int = 0) -> keras.layers.Layer:
    """A fresh layer computing the named activation.

    `slope` is required for "leaky_relu" (no hidden default); for "elu" it is ELU's alpha (Keras's
    ELU layer) instead of the plain activation's alpha = 1. `seed` seeds RReLU's draws. "prelu" is
    Keras's PReLU, whose slopes start at 0 (so it starts as ReLU) and are trained.
    """
    if name == "elu" and slope is not None:
        return keras.layers.ELU(alpha=float(slope))
    if name in STATELESS:
        return keras.layers.Activation(name)
    if name == "leaky_relu":
        if slope is None:
            raise ValueError("leaky_relu needs an explicit slope (Keras's defaults differ by entry point)")
        return leaky_relu(slope)
    if name == "prelu":
        return keras.layers.PReLU()
    if name == "rrelu":
        return RReLU(seed=seed)
    raise ValueError(f"unknown activation {name!r}; known: {', '.join(NAMES)}")


@functools.lru_cache(maxsize=64)
def _probe_layer(name: str, slope: float | None) -> keras.layers.Layer:
    """A layer reused across probe calls: used in inference mode only, it never changes."""
    return activation_layer(name, slope=slope)


def values_and_gradients(name: str, z, *, slope: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and df/dz elementwise (float32), by automatic differentiation through the real Keras
    layer (inference mode, so RReLU uses its mean slope)."""
    layer = _probe_layer(name, None if slope is None else float(slope))
    z = tf.constant(np.asarray(z, dtype=np.float32).reshape(-1, 1))
    with tf.GradientTape() as tape:
        tape.watch(z)
        value = layer(z, training=False)
    gradient = tape.gradient(value, z)
    return np.asarray(value).ravel(), np.asarray(gradient).ravel()
