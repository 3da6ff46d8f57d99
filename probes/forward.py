"""Forward-pass probes: how the variance of signals changes from layer to layer at initialization."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from probes.dense_stack import DenseStack, Init, draw_seeds, shared_stack
from probes.keras_api import tf
from probes.seeding import kernel_seed_and_data_rng


@dataclass(frozen=True)
class ForwardMoments:
    """Per draw (rows) and hidden layer (columns), pooled over the batch and the units.

    `input_var`: variance of the network's input, one per draw. `pre_var`, `pre_second_moment`: the
    pre-activations z_l = W_l h_(l-1) + b_l; `post_var`: the layer outputs h_l = f(z_l).
    """

    input_var: np.ndarray
    pre_var: np.ndarray
    pre_second_moment: np.ndarray
    post_var: np.ndarray

    @property
    def layer_input_var(self) -> np.ndarray:
        """The variance of each hidden layer's input: the network input, then the previous outputs."""
        return np.column_stack([self.input_var, self.post_var[:, :-1]])


@functools.cache
def _moments_function(stack: DenseStack):
    @tf.function
    def moments(x):
        pre, post, _ = stack.trace(x)
        return (tf.math.reduce_variance(x), tf.stack([tf.math.reduce_variance(z) for z in pre]),
                tf.stack([tf.reduce_mean(tf.square(z)) for z in pre]),
                tf.stack([tf.math.reduce_variance(h) for h in post]))

    return moments


def forward_moments(*, width: int, depth: int, activation: str, init: Init, draws: int, batch: int,
                    seed: int) -> ForwardMoments:
    """Push `batch` standard-normal inputs through `draws` independently initialized networks."""
    stack = shared_stack(width, depth, activation)
    moments = _moments_function(stack)
    kernel_seed, inputs = kernel_seed_and_data_rng(seed)
    layer_seeds = draw_seeds(kernel_seed, draws, depth)
    rows = []
    for index, seeds in enumerate(layer_seeds):
        stack.redraw(init, seeds, coming=len(layer_seeds) - index)
        x = inputs.standard_normal((batch, width), dtype=np.float32)
        rows.append([np.asarray(value, dtype=float) for value in moments(tf.constant(x))])
    input_var, pre_var, pre_m2, post_var = (np.array(part) for part in zip(*rows))
    return ForwardMoments(input_var=input_var, pre_var=pre_var, pre_second_moment=pre_m2, post_var=post_var)
