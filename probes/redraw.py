"""Fresh kernels for a built network, drawn by its Keras initializers with a seed per kernel, fast.

Claims that measure many independently initialized networks build the network once and redraw its
kernels per replicate (SELU stacks of 100 layers, the gradient stacks). Called eagerly, each kernel costs an
initializer call and an assignment, a few eager ops: about 1.7 ms a layer on two cores, most of a SELU
claim's time. On Keras 3 `SeededKernels` makes one traced call per replicate instead: each kernel's
initializer is built once with its own `keras.random.SeedGenerator`, and the traced function sets that
generator's state to [seed, 0], which is what `keras.random` turns an integer seed into, before the
initializer draws. The draws are bit-identical to calling the initializer with `seed=int` (a self-test
checks every initializer family the claims use), about 3.5 times faster per draw; but tracing a 100-layer
draw costs about as much as 20 eager draws, so a caller says how many draws are coming and the traced path is
taken only when at least TRACING_PAYS are (the draws are the same either way). The first traced draw is
checked against the eager one, kernel by kernel: a Keras whose seeding differs (Keras 2, tf.keras, seeds
its initializers another way) keeps drawing eagerly, so the claims' numbers never depend on the path.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from probes.keras_api import KERAS_MAJOR, keras, tf

# Draws coming (this one included) from which tracing pays: measured on 2 cores, a 100 x Dense(100) draw costs
# 0.11 s eagerly and 0.03 s traced, and its tracing 1.7 s.
TRACING_PAYS = 25


class SeededKernels:
    """Assigns `variables[i]` a draw of `templates[i]` (a Keras initializer; its own seed is ignored) seeded by
    the i-th seed of each `draw`, and zeroes `zeroed` (biases) with it."""

    def __init__(self, variables: Sequence, templates: Sequence, zeroed: Sequence = ()):
        if len(variables) != len(templates):
            raise ValueError(f"{len(variables)} variables but {len(templates)} initializers")
        self.variables, self.templates, self.zeroed = list(variables), list(templates), list(zeroed)
        self._traced = None
        self._untraceable = KERAS_MAJOR < 3

    def _assign_all(self, states):
        for index, (variable, generator, initializer) in enumerate(
                zip(self.variables, self._generators, self._initializers)):
            generator.state.assign(tf.cast(states[index], generator.state.dtype))
            variable.assign(initializer(tuple(variable.shape), dtype=variable.dtype))
        for variable in self.zeroed:
            variable.assign(tf.zeros_like(variable))

    def _trace(self):
        self._generators = [keras.random.SeedGenerator(seed=0) for _ in self.variables]
        self._initializers = [_with_seed(template, generator)
                              for template, generator in zip(self.templates, self._generators)]
        self._traced = tf.function(self._assign_all)

    def draw(self, seeds, *, coming: int = 1) -> None:
        """One replicate's kernels; `coming`: the draws the caller is about to make, this one included."""
        seeds = [int(seed) for seed in seeds]
        if len(seeds) != len(self.variables):
            raise ValueError(f"{len(seeds)} seeds for {len(self.variables)} kernels")
        if self._traced is None and not self._untraceable and coming >= TRACING_PAYS:
            self._trace()
            self._traced_draw(seeds)
            if all(np.array_equal(np.asarray(variable), eager) for variable, eager in
                   zip(self.variables, self._eager_draws(seeds))):
                return
            self._traced, self._untraceable = None, True  # this Keras seeds otherwise: draw eagerly from now on
        if self._traced is not None:
            self._traced_draw(seeds)
            return
        for variable, draw in zip(self.variables, self._eager_draws(seeds)):
            variable.assign(draw)
        for variable in self.zeroed:
            variable.assign(tf.zeros_like(variable))

    def _traced_draw(self, seeds: list[int]) -> None:
        states = np.stack([np.array(seeds, dtype=np.int64), np.zeros(len(seeds), dtype=np.int64)], axis=1)
        self._traced(tf.constant(states))

    def _eager_draws(self, seeds: list[int]):
        for variable, template, seed in zip(self.variables, self.templates, seeds):
            yield _with_seed(template, seed)(tuple(variable.shape), dtype=variable.dtype)


def _with_seed(template, seed):
    """The initializer `template` with `seed` (an integer or a SeedGenerator) in place of its own."""
    return type(template).from_config({**template.get_config(), "seed": seed})
