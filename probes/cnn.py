"""Small convolutional nets trained on digits' 8x8 images with Keras's own `fit`, many at once.

`train_cnns` builds one Keras model holding one independent tower per (arm, seed): the towers share only
the input, and the model's loss is the sum of the towers' losses, so each tower's gradient is exactly that
of its own loss (Keras optimizers update elementwise) and one `fit` trains them all, with one batch order
for every tower (paired comparisons by seed). Each tower: `conv_layers` Conv2D 3x3 'same' layers of
`channels` filters with the arm's activation and kernel initializer, then a Dense softmax-logit head.
Validation loss and accuracy are computed per tower from its logits; a tower whose validation loss is not
finite (or above `divergence_loss`) has diverged.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from probes.datasets import Dataset
from probes.keras_api import keras


@dataclass(frozen=True)
class ConvArm:
    """An activation with its kernel initializer; `draw` > 0 draws other initial weights from the same
    seeds (the same arm again, as a control with no difference by construction)."""

    activation: str
    kernel_initializer: str
    draw: int = 0


@dataclass(frozen=True)
class CNNRun:
    arms: tuple[ConvArm, ...]
    seeds: tuple[int, ...]
    val_loss: np.ndarray      # [arm, seed]
    val_accuracy: np.ndarray  # [arm, seed]
    diverged: np.ndarray      # [arm, seed] bool
    wall_time_s: float


def _images(x: np.ndarray) -> np.ndarray:
    side = int(round(np.sqrt(x.shape[1])))
    return x.reshape(-1, side, side, 1).astype(np.float32)


def _tower(inputs, arm: ConvArm, seed: int, conv_layers: int, channels: int, classes: int):
    x = inputs
    for index in range(conv_layers):
        initializer = keras.initializers.get(arm.kernel_initializer)
        initializer = type(initializer).from_config({**initializer.get_config(),
                                                     "seed": (seed * 101 + index + 7919 * arm.draw) % 2**31})
        x = keras.layers.Conv2D(channels, 3, padding="same", activation=arm.activation,
                                kernel_initializer=initializer)(x)
    x = keras.layers.Flatten()(x)
    head = keras.initializers.GlorotUniform(seed=(seed * 101 + conv_layers + 7919 * arm.draw) % 2**31)
    return keras.layers.Dense(classes, kernel_initializer=head)(x)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(len(labels)), labels].mean())
    return loss, float((logits.argmax(axis=1) == labels).mean())


def train_cnns(data: Dataset, arms, seeds, *, optimizer_name: str, learning_rate: float, epochs: int,
               conv_layers: int = 3, channels: int = 16, batch_size: int = 32, divergence_loss: float = 1e3,
               optimizer_config: dict | None = None, shuffle_seed: int = 0) -> CNNRun:
    """Train one tower per (arm, seed) on `data`'s images together; see the module docstring."""
    started = time.perf_counter()
    arms, seeds = tuple(arms), tuple(int(s) for s in seeds)
    keras.utils.set_random_seed(int(shuffle_seed) % 2**31)
    x_train, x_val = _images(data.x_train), _images(data.x_val)
    inputs = keras.Input(shape=x_train.shape[1:])
    outputs = [_tower(inputs, arm, seed, conv_layers, channels, data.classes) for arm in arms for seed in seeds]
    model = keras.Model(inputs, outputs)
    optimizer = getattr(keras.optimizers, optimizer_name)(learning_rate=learning_rate, **(optimizer_config or {}))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=optimizer, loss=[loss] * len(outputs))
    model.fit(x_train, [data.y_train] * len(outputs), epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    logits = model.predict(x_val, batch_size=512, verbose=0)
    logits = logits if isinstance(logits, list) else [logits]
    scores = np.array([_cross_entropy(np.asarray(tower), data.y_val) for tower in logits])
    scores = scores.reshape(len(arms), len(seeds), 2)
    val_loss, val_accuracy = scores[..., 0], scores[..., 1]
    diverged = ~np.isfinite(val_loss) | (val_loss > divergence_loss)
    return CNNRun(arms, seeds, val_loss, val_accuracy, diverged, time.perf_counter() - started)
