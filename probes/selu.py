"""Probes of Keras's SELU: its constants, and the per-layer moments of SELU networks at initialization.

Each architecture is built and traced once; each replicate then redraws every kernel from that layer's own
initializer (same class and config, a fresh seed) and feeds freshly drawn inputs, so replicates are
independent networks measured by Keras's own layers, at the cost of one trace per architecture.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from probes.keras_api import keras, tf
from probes.redraw import SeededKernels
from probes.seeding import uint32_seeds

# Kernels a replicate redraws: (variable, its initializer) on a layer or on its recurrent cell.
_KERNELS = (("kernel", "kernel_initializer"), ("recurrent_kernel", "recurrent_initializer"))


def keras_selu_constants() -> tuple[float, float]:
    """(alpha, scale) as Keras's selu computes them, read off the function in float64:
    selu(1) = scale and selu(-40) = -scale * alpha (exp(-40) ~ 4e-18 is below float64's resolution of 1)."""
    values = keras.activations.selu(tf.constant([1.0, -40.0], dtype=tf.float64)).numpy()
    scale = float(values[0])
    return float(-values[1] / scale), scale


def keras_selu(x: np.ndarray) -> np.ndarray:
    return np.asarray(keras.activations.selu(tf.constant(x, dtype=tf.float32)))


def keras_scaled_elu(x: np.ndarray, alpha: float, scale: float) -> np.ndarray:
    """scale * keras.activations.elu(x, alpha), in float32 like selu."""
    return scale * np.asarray(keras.activations.elu(tf.constant(x, dtype=tf.float32), alpha=alpha))


@dataclass(frozen=True)
class LayerMoments:
    """Moments of each layer's activations, arrays of shape (replicates, layers).

    `mean`, `variance`: pooled over examples and units, the paper's mu and nu. `unit_std`: the mean over
    units of each unit's std over examples, what the notebook behind the note prints. `input_mean`,
    `input_variance`: the inputs' pooled moments, shape (replicates,)."""

    mean: np.ndarray
    variance: np.ndarray
    unit_std: np.ndarray
    input_mean: np.ndarray
    input_variance: np.ndarray

    @property
    def std(self) -> np.ndarray:
        return np.sqrt(self.variance)


def _moments(activations: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled mean and variance, and the mean over units of each unit's std, of each activation."""
    means, variances, unit_stds = [], [], []
    for activation in activations:
        flat = activation.reshape(activation.shape[0], -1).astype(np.float64)
        means.append(flat.mean())
        variances.append(flat.var())
        unit_stds.append(flat.std(axis=0).mean())
    return np.array(means), np.array(variances), np.array(unit_stds)


@dataclass(frozen=True)
class Network:
    """Built Keras layers and the loop that runs them: `forward(inputs, training)` returns the list of
    activations to measure (for a recurrent network, one sequence whose time steps are measured)."""

    layers: tuple
    forward: Callable
    input_shape: tuple
    time_as_layers: bool = False


def redraw_kernels(layers, seed: int, initializer=None, *, coming: int = 1) -> None:
    """Give every kernel a fresh draw seeded from `seed`, from its layer's own initializer or, when given,
    from `initializer` (a name or config that keras.initializers.get accepts) instead. `coming`: the draws
    the caller is about to make, this one included (probes.redraw)."""
    redraw = _kernel_redraw(tuple(layers), _hashable(initializer))
    redraw.draw(uint32_seeds(seed, len(redraw.variables)), coming=coming)


def _kernel_slots(layers) -> list[tuple]:
    owners = [owner for layer in layers for owner in (layer, getattr(layer, "cell", None)) if owner is not None]
    return [(owner, variable, init) for owner in owners for variable, init in _KERNELS
            if getattr(owner, variable, None) is not None and hasattr(owner, init)]


def _hashable(initializer):
    """A name, or a config dict as a JSON string, so that each (layers, initializer) is traced once."""
    return json.dumps(initializer, sort_keys=True) if isinstance(initializer, dict) else initializer


@functools.lru_cache(maxsize=32)
def _kernel_redraw(layers: tuple, initializer) -> SeededKernels:
    override = None
    if initializer is not None:
        override = keras.initializers.get(json.loads(initializer) if initializer.startswith("{") else initializer)
    slots = _kernel_slots(layers)
    return SeededKernels([getattr(owner, variable) for owner, variable, _ in slots],
                         [override if override is not None and variable == "kernel" else getattr(owner, init)
                          for owner, variable, init in slots])


class MomentsProbe:
    """Per-layer moments of one network over independent replicates; `training` runs dropout as in training."""

    def __init__(self, network: Network, *, training: bool = False):
        self.network = network
        # Traced once; the moments are taken in numpy, as tracing a hundred moment ops costs seconds.
        self._forward = tf.function(lambda inputs: network.forward(inputs, training))

    def _activations(self, inputs: np.ndarray) -> list[np.ndarray]:
        outputs = [output.numpy() for output in self._forward(tf.constant(inputs))]
        return list(np.moveaxis(outputs[0], 1, 0)) if self.network.time_as_layers else outputs

    def activations(self, seed: int, batch: int, *, initializer=None, inputs=None,
                    coming: int = 1) -> tuple[np.ndarray, list]:
        """One replicate: redraw the kernels, draw a batch of inputs (standardized normal unless `inputs`
        draws them), run the network; returns the inputs and every measured activation."""
        redraw_kernels(self.network.layers, seed, initializer, coming=coming)
        draw = inputs or standardized_normal
        x = draw(np.random.default_rng(seed), (batch, *self.network.input_shape)).astype(np.float32)
        return x, self._activations(x)

    def run(self, seeds, batch: int, *, initializer=None,
            inputs: Callable[[np.random.Generator, tuple], np.ndarray] | None = None) -> LayerMoments:
        """The moments of every measured activation, one replicate per seed (see `activations`)."""
        rows, input_means, input_variances = [], [], []
        for index, seed in enumerate(seeds):
            x, activations = self.activations(seed, batch, initializer=initializer, inputs=inputs,
                                              coming=len(seeds) - index)
            rows.append(_moments(activations))
            input_means.append(x.mean())
            input_variances.append(x.var())
        mean, variance, unit_std = (np.array([row[index] for row in rows]) for index in range(3))
        return LayerMoments(mean, variance, unit_std, np.array(input_means), np.array(input_variances))


def standardized_normal(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Normal inputs standardized per feature over the batch, as a StandardScaler would leave them."""
    x = rng.standard_normal(shape)
    return (x - x.mean(axis=0)) / x.std(axis=0)


def dense_layers(input_dim: int, widths, *, activation: str = "selu", initializer="lecun_normal") -> tuple:
    layers, fan_in = [], input_dim
    for width in widths:
        layer = keras.layers.Dense(width, activation=activation, kernel_initializer=initializer)
        layer.build((None, fan_in))
        layers.append(layer)
        fan_in = width
    return tuple(layers)


def _chain(layers, after=None) -> Callable:
    """forward() running `layers` in sequence, each followed by its `after` layer (dropout) when given."""
    def forward(inputs, training):
        h, outputs = inputs, []
        for index, layer in enumerate(layers):
            h = layer(h)
            if after:
                h = after[index](h, training=training)
            outputs.append(h)
        return outputs

    return forward


def sequential(dense: tuple, *, dropout: str | None = None, rate: float = 0.0, dropout_seed: int = 0) -> Network:
    """The Dense layers in sequence; each measured activation is a layer's output, after its `dropout`
    layer ("Dropout" or "AlphaDropout") when one is given."""
    drops = [getattr(keras.layers, dropout)(rate, seed=dropout_seed + index) for index in range(len(dense))
             ] if dropout else None
    return Network(dense, _chain(dense, drops), (int(dense[0].kernel.shape[0]),))


def residual(dense: tuple) -> Network:
    """Skip-connected: each block adds a layer's output to its input, h + selu(W h) (square layers)."""
    adds = [keras.layers.Add() for _ in dense]

    def forward(inputs, training):
        h, outputs = inputs, []
        for layer, add in zip(dense, adds):
            h = add([h, layer(h)])
            outputs.append(h)
        return outputs

    return Network(dense, forward, (int(dense[0].kernel.shape[0]),))


def wide_and_deep(dense: tuple, *, initializer="lecun_normal") -> Network:
    """The book's Wide & Deep shape: the input skips the deep path and is concatenated with its output,
    which feeds one more SELU layer. Measured: the deep layers, the concatenation, the layer after it."""
    width = int(dense[0].kernel.shape[0])
    head = dense_layers(width + int(dense[-1].kernel.shape[1]), [width], initializer=initializer)[0]
    concatenate = keras.layers.Concatenate()
    deep_path = _chain(dense)

    def forward(inputs, training):
        deep = deep_path(inputs, training)
        merged = concatenate([inputs, deep[-1]])
        return deep + [merged, head(merged)]

    return Network((*dense, head), forward, (width,))


def recurrent(units: int, steps: int, input_dim: int, *, initializer="lecun_normal") -> Network:
    """A SELU SimpleRNN set up as the note says (kernel lecun_normal; the recurrent kernel keeps Keras's
    default); each time step's state is measured."""
    layer = keras.layers.SimpleRNN(units, activation="selu", kernel_initializer=initializer, return_sequences=True)
    layer.build((None, steps, input_dim))
    return Network((layer,), lambda inputs, training: [layer(inputs)], (steps, input_dim), time_as_layers=True)


def conv_stack(image_size: int, channels: int, depth: int, *, initializer="lecun_normal") -> Network:
    """Conv2D 3x3 'same' layers with SELU, each output pooled over examples, positions and channels."""
    layers = []
    for _ in range(depth):
        layer = keras.layers.Conv2D(channels, 3, padding="same", activation="selu", kernel_initializer=initializer)
        layer.build((None, image_size, image_size, channels))
        layers.append(layer)
    return Network(tuple(layers), _chain(layers), (image_size, image_size, channels))


def std_by_border_distance(activation: np.ndarray) -> np.ndarray:
    """The std over examples and channels of an image activation [batch, H, W, C], by a pixel's distance
    from the nearest border (0 = the outer ring), where 'same' padding's zeros reach."""
    height, width = activation.shape[1:3]
    rows, columns = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    distance = np.minimum.reduce([rows, columns, height - 1 - rows, width - 1 - columns])
    return np.array([activation[:, distance == ring, :].std() for ring in range(int(distance.max()) + 1)])


def has_alpha_dropout() -> bool:
    """Keras 3.0.0 shipped without AlphaDropout."""
    return hasattr(keras.layers, "AlphaDropout")
