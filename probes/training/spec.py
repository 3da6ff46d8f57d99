"""What to train: the MLP, the optimizer, and the per-seed seeds derived for weights and batch order."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from probes.activations import activation_layer
from probes.keras_api import keras
from probes.seeding import keyed_seed

# A training loss above this (nats) counts as diverged, as NaN and inf always do: 400 times the chance-level
# loss ln 10 of ten classes. The claims that train pass it as `divergence_loss`.
DIVERGED_ABOVE = 1e3


@dataclass(frozen=True)
class MLP:
    """A plain MLP: `hidden_layers` Dense layers of `width` units, each followed by `activation`
    (a name of `probes.activations.NAMES`; `slope` for leaky_relu), then a Dense output layer giving
    logits. Hidden kernels come from the Keras initializer `kernel_initializer` (a Keras name such as
    "he_normal"), the output kernel from `output_initializer` (Keras's Dense default), biases are 0."""

    hidden_layers: int
    width: int
    activation: str
    kernel_initializer: str
    slope: float | None = None
    output_initializer: str = "glorot_uniform"

    def activation_layer(self, seed: int = 0) -> keras.layers.Layer:
        return activation_layer(self.activation, slope=self.slope, seed=seed)

    @property
    def label(self) -> str:
        slope = f"({self.slope:g})" if self.slope is not None else ""
        return f"{self.activation}{slope}/{self.kernel_initializer}, {self.hidden_layers}x{self.width}"


@dataclass(frozen=True)
class Optimizer:
    """A Keras optimizer by class name with its config, the learning rate excepted (that is varied)."""

    name: str = "SGD"
    config: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def build(self, learning_rate: float):
        return getattr(keras.optimizers, self.name)(learning_rate=float(learning_rate), **dict(self.config))

    @property
    def label(self) -> str:
        extra = ", ".join(f"{key}={value}" for key, value in self.config.items())
        return f"{self.name}({extra})"


def optimizer(name: str = "SGD", **config) -> Optimizer:
    return Optimizer(name, MappingProxyType(dict(config)))


def initial_weights(mlp: MLP, features: int, classes: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(kernel, bias)] per Dense layer, hidden then output, drawn by the real Keras initializers,
    each layer with its own seed derived from `seed`."""
    sizes = [features] + [mlp.width] * mlp.hidden_layers + [classes]
    weights = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        name = mlp.kernel_initializer if index < mlp.hidden_layers else mlp.output_initializer
        default = keras.initializers.get(name)
        initializer = type(default).from_config({**default.get_config(), "seed": keyed_seed(seed, "kernel", index)})
        kernel = np.asarray(initializer((fan_in, fan_out), dtype="float32"), dtype=np.float32)
        weights.append((kernel, np.zeros(fan_out, np.float32)))
    return weights


def batch_orders(seed: int, train_size: int, epochs: int) -> np.ndarray:
    """[epochs, train_size]: the order each epoch visits the training set in (a fresh permutation
    per epoch, as `fit(shuffle=True)` does), drawn from a generator seeded by `seed`."""
    rng = np.random.default_rng(keyed_seed(seed, "batch order"))
    return np.stack([rng.permutation(train_size) for _ in range(epochs)]).astype(np.int32)
