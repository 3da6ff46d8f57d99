"""Backward-pass probes: gradient sizes per layer, gradient variance through layers, learning per layer.

Tasks are synthetic and drawn per draw: standard-normal inputs, labels from a random linear teacher
(argmax of x T with T standard normal), so every layer has a well-defined loss gradient at initialization.
"""
from __future__ import annotations

import functools

import numpy as np

from probes.dense_stack import DenseStack, Init, draw_seeds, shared_stack
from probes.initializers import seeded_initializer
from probes.keras_api import keras, tf
from probes.seeding import kernel_seed_and_data_rng


def _streams(seed: int, draws: int, layers: int):
    kernel_seed, data = kernel_seed_and_data_rng(seed)
    return draw_seeds(kernel_seed, draws, layers), data


def _teacher_task(rng: np.random.Generator, examples: int, width: int, classes: int):
    x = rng.standard_normal((examples, width), dtype=np.float32)
    labels = np.argmax(x @ rng.standard_normal((width, classes)), axis=1).astype(np.int32)
    return tf.constant(x), tf.constant(labels)


def _loss(stack: DenseStack, x, labels):
    _, _, logits = stack.trace(x)
    return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))


@functools.cache
def _gradient_rms_function(stack: DenseStack):
    @tf.function
    def rms(x, labels):
        with tf.GradientTape() as tape:
            loss = _loss(stack, x, labels)
        grads = tape.gradient(loss, stack.kernels)
        return tf.stack([tf.sqrt(tf.reduce_mean(tf.square(g))) for g in grads])

    return rms


def weight_gradient_rms(*, width: int, depth: int, activation: str, init: Init, classes: int, draws: int,
                        batch: int, seed: int, start: int = 0) -> np.ndarray:
    """Root-mean-square entry of dLoss/dW for every Dense kernel (hidden layers from the input up, then
    the softmax head), one row per independently initialized network: shape (draws - start, depth + 1).

    `start` skips the first draws (their tasks are drawn and dropped, cheap in numpy), so draws start..draws-1
    are the rows a call from 0 would give them: a sample measured in stages equals one measured at once."""
    stack = shared_stack(width, depth, activation, classes)
    rms = _gradient_rms_function(stack)
    layer_seeds, data = _streams(seed, draws, depth + 1)
    rows = []
    for index, seeds in enumerate(layer_seeds):
        task = _teacher_task(data, batch, width, classes)
        if index >= start:
            stack.redraw(init, seeds, coming=len(layer_seeds) - index)
            rows.append(np.asarray(rms(*task), dtype=float))
    return np.array(rows).reshape(-1, depth + 1)


@functools.cache
def _backward_variances_function(stack: DenseStack):
    @tf.function
    def variances(x, upstream):
        with tf.GradientTape() as tape:
            tape.watch(x)
            _, post, _ = stack.trace(x)
            loss = tf.reduce_sum(post[-1] * upstream)
        grads = tape.gradient(loss, [x] + post[:-1])
        return tf.stack([tf.math.reduce_variance(g) for g in grads] + [tf.math.reduce_variance(upstream)])

    return variances


def backward_variances(*, width: int, depth: int, activation: str, init: Init, draws: int, batch: int,
                       seed: int) -> np.ndarray:
    """Variance of dLoss/dh_l for the input h_0 and every hidden output h_1..h_depth, under a loss
    sum(h_depth * g) whose upstream gradient g is standard normal: shape (draws, depth + 1)."""
    stack = shared_stack(width, depth, activation)
    variances = _backward_variances_function(stack)
    layer_seeds, data = _streams(seed, draws, depth)
    rows = []
    for index, seeds in enumerate(layer_seeds):
        stack.redraw(init, seeds, coming=len(layer_seeds) - index)
        x = data.standard_normal((batch, width), dtype=np.float32)
        upstream = data.standard_normal((batch, width), dtype=np.float32)
        rows.append(np.asarray(variances(tf.constant(x), tf.constant(upstream)), dtype=float))
    return np.array(rows)


def dense_layer_gains(*, fan_in: int, fan_out: int, init: Init, draws: int, batch: int,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One Keras Dense(fan_out) layer on fan_in standard-normal features, redrawn `draws` times.

    Forward gain: Var(outputs) / Var(inputs). Backward gain: Var(dLoss/dinputs) / Var(dLoss/doutputs)
    under a loss sum(outputs * g) with standard-normal g. Both arrays have shape (draws,).
    """
    layer = keras.layers.Dense(fan_out)
    layer.build((None, fan_in))
    kernel_seeds, data = _streams(seed, draws, 1)
    forward, backward = [], []
    for (kernel_seed,) in kernel_seeds:
        layer.kernel.assign(seeded_initializer(init.name, int(kernel_seed), **init.config)((fan_in, fan_out)))
        x = tf.constant(data.standard_normal((batch, fan_in), dtype=np.float32))
        upstream = tf.constant(data.standard_normal((batch, fan_out), dtype=np.float32))
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = layer(x)
            loss = tf.reduce_sum(z * upstream)
        dx = tape.gradient(loss, x)
        forward.append(float(tf.math.reduce_variance(z) / tf.math.reduce_variance(x)))
        backward.append(float(tf.math.reduce_variance(dx) / tf.math.reduce_variance(upstream)))
    return np.array(forward), np.array(backward)


@functools.cache
def _sgd_step_function(stack: DenseStack, learning_rate: float):
    """One step of Keras's plain SGD (no momentum: no state but its step counter, which nothing reads)."""
    variables = [v for layer in stack.dense_layers for v in (layer.kernel, layer.bias)]
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    optimizer.build(variables)

    @tf.function
    def step(x, labels):
        with tf.GradientTape() as tape:
            loss = _loss(stack, x, labels)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

    return step


def sgd_relative_changes(*, width: int, depth: int, activation: str, init: Init, classes: int, steps: int,
                         batch: int, learning_rate: float, draws: int, seed: int) -> np.ndarray:
    """||W_l(after) - W_l(before)|| / ||W_l(before)|| for every Dense kernel after `steps` steps of
    Keras's plain SGD on fresh mini-batches of the teacher task: shape (draws, depth + 1)."""
    stack = shared_stack(width, depth, activation, classes)
    step = _sgd_step_function(stack, learning_rate)
    layer_seeds, data = _streams(seed, draws, depth + 1)
    rows = []
    for index, seeds in enumerate(layer_seeds):
        stack.redraw(init, seeds, coming=len(layer_seeds) - index)
        before = [kernel.numpy() for kernel in stack.kernels]
        x, labels = _teacher_task(data, steps * batch, width, classes)
        for step_index in range(steps):
            step(x[step_index * batch:(step_index + 1) * batch], labels[step_index * batch:(step_index + 1) * batch])
        rows.append([np.linalg.norm(kernel.numpy() - start) / np.linalg.norm(start)
                     for kernel, start in zip(stack.kernels, before)])
    return np.array(rows)
