"""A multilayer perceptron of real Keras layers whose weights are redrawn for every independent draw.

Each hidden layer is a linear `Dense` followed by an `Activation` layer (the same function as
`Dense(activation=...)`, with the pre-activations in view), optionally topped by a linear `Dense` head.
Building and tracing once, then reassigning kernels from a seeded Keras initializer per draw, lets one
graph measure many independent networks quickly. `shared_stack` keeps one stack per architecture for the
session: every probe redraws all kernels and zeroes all biases before each use, so no state carries over.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from probes.initializers import seeded_initializer
from probes.keras_api import keras
from probes.redraw import SeededKernels
from probes.seeding import int31_seeds


@dataclass(frozen=True)
class Init:
    """A Keras initializer by name and config, e.g. Init("variance_scaling", {"scale": 1/3, ...})."""

    name: str
    config: dict = field(default_factory=dict)

    def make(self, seed: int):
        return seeded_initializer(self.name, seed, **self.config)


# Glorot & Bengio (2010), eq. 1: the "commonly used heuristic" W ~ U(-1/sqrt(n), 1/sqrt(n)), n = fan_in;
# a variance-scaling uniform draws U(±sqrt(3 scale / fan_in)), so scale 1/3 is exactly that law.
OLD_UNIFORM = Init("variance_scaling", {"scale": 1 / 3, "mode": "fan_in", "distribution": "uniform"})
STANDARD_NORMAL = Init("random_normal", {"mean": 0.0, "stddev": 1.0})


def draw_seeds(seed: int, draws: int, per_draw: int) -> np.ndarray:
    """Independent 31-bit seeds, one row per draw and one column per layer."""
    return int31_seeds(seed, draws * per_draw).reshape(draws, per_draw)


class DenseStack:
    """`depth` hidden layers of `width` units with `activation`, on inputs of `width` features (so every
    hidden layer is square: fan_in == fan_out), plus an optional linear head of `head_units`."""

    def __init__(self, width: int, depth: int, activation: str, head_units: int = 0):
        self.width, self.depth, self.activation_name = width, depth, activation
        self.hidden = [keras.layers.Dense(width) for _ in range(depth)]
        for layer in self.hidden:
            layer.build((None, width))
        self.activation = keras.layers.Activation(activation)
        self.head = keras.layers.Dense(head_units) if head_units else None
        if self.head is not None:
            self.head.build((None, width))
        self._redraws = {}  # per Init, the traced redraw of every kernel (probes.redraw)

    @property
    def dense_layers(self) -> list:
        return self.hidden + ([self.head] if self.head is not None else [])

    @property
    def kernels(self) -> list:
        return [layer.kernel for layer in self.dense_layers]

    def redraw(self, init: Init, seeds, *, coming: int = 1) -> None:
        """New kernels from `init`, one seed per Dense layer (hidden first, then the head); zero biases.
        `coming`: the draws the caller is about to make, this one included (probes.redraw)."""
        key = (init.name, tuple(sorted(init.config.items())))
        if key not in self._redraws:
            layers = self.dense_layers
            self._redraws[key] = SeededKernels([layer.kernel for layer in layers], [init.make(0)] * len(layers),
                                               zeroed=[layer.bias for layer in layers])
        self._redraws[key].draw(seeds, coming=coming)

    def trace(self, x):
        """Pre-activations and outputs of every hidden layer, and the head's output (or None)."""
        pre, post, h = [], [], x
        for layer in self.hidden:
            z = layer(h)
            h = self.activation(z)
            pre.append(z)
            post.append(h)
        return pre, post, (self.head(h) if self.head is not None else None)


@functools.cache
def shared_stack(width: int, depth: int, activation: str, head_units: int = 0) -> DenseStack:
    """The session's stack of this architecture (building and tracing a deep one takes seconds)."""
    return DenseStack(width, depth, activation, head_units)
