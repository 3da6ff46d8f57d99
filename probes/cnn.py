"""Small convolutional nets trained on digits' 8x8 images with Keras's own `fit`, many at once.

`train_cnns` trains one independent tower per (arm, seed) in a single Keras model: the towers share only the
input, and the model's loss is the sum of the towers' losses, so each tower's gradient is exactly that of its
own loss (Keras optimizers update elementwise) and one `fit` trains them all, with one batch order for every
tower (paired comparisons by seed). Each tower: `conv_layers` Conv2D-equivalent 3x3 'same' layers of
`channels` filters with the arm's activation and kernel initializer, then a Dense softmax-logit head.

The towers of one arm run as one grouped program (`ConvTowers`): a 3x3 'same' convolution is each position's
3x3 neighbourhood of the zero-padded maps times the kernel, computed for every tower at once with one batched
matmul per layer (towers as the batch). Separate Keras Conv2D layers per tower (and Conv2D(groups=...), which TF
does not run on CPU) cost one kernel launch per tower and layer; this is the same function with the same
initial weights (suite/selftest/test_cnn_towers.py checks it against Keras Conv2D towers) at a fraction of
the time. Validation loss and accuracy are computed per tower from its logits; a tower whose validation loss
is not finite (or above `divergence_loss`) has diverged.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from probes.datasets import Dataset
from probes.initializers import seeded_initializer
from probes.keras_api import keras, tf
from probes.seeding import tower_layer_seed

KERNEL_SIDE = 3


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


def initial_weights(arm: ConvArm, seed: int, conv_layers: int, channels: int, classes: int, side: int) -> list:
    """One tower's initial kernels, [conv 1, ..., conv n, head], drawn as Keras Conv2D and Dense layers with
    these initializers and seeds would draw them (biases start at zero)."""
    kernels, fan_in = [], 1
    for index in range(conv_layers):
        initializer = seeded_initializer(arm.kernel_initializer, tower_layer_seed(seed, index, arm.draw))
        kernels.append(np.asarray(initializer((KERNEL_SIDE, KERNEL_SIDE, fan_in, channels), dtype="float32")))
        fan_in = channels
    head = seeded_initializer("glorot_uniform", tower_layer_seed(seed, conv_layers, arm.draw))
    kernels.append(np.asarray(head((side * side * channels, classes), dtype="float32")))
    return kernels


class ConvTowers(keras.layers.Layer):
    """Every seed's tower of one arm: [batch, side, side, 1] images in, [batch, towers, classes] logits out."""

    def __init__(self, arm: ConvArm, seeds, *, conv_layers: int, channels: int, classes: int, side: int, **kwargs):
        super().__init__(**kwargs)
        self.arm, self.seeds = arm, tuple(int(s) for s in seeds)
        self.conv_layers, self.channels, self.classes, self.side = conv_layers, channels, classes, side
        self.activation = keras.activations.get(arm.activation)

    def build(self, input_shape):
        towers = [initial_weights(self.arm, seed, self.conv_layers, self.channels, self.classes, self.side)
                  for seed in self.seeds]
        self.kernels, self.biases = [], []
        for index in range(self.conv_layers + 1):
            stacked = np.stack([tower[index] for tower in towers])  # [towers, 3, 3, in, out] or [towers, in, out]
            if index < self.conv_layers:
                stacked = stacked.reshape(len(self.seeds), KERNEL_SIDE * KERNEL_SIDE, *stacked.shape[-2:])
            kernel = self.add_weight(name=f"kernel_{index}", shape=stacked.shape, initializer="zeros")
            kernel.assign(stacked)
            self.kernels.append(kernel)
            self.biases.append(self.add_weight(name=f"bias_{index}", shape=(len(self.seeds), stacked.shape[-1]),
                                               initializer="zeros"))
        super().build(input_shape)

    def _patches(self, h):
        """[towers, batch, side, side, c] maps -> [towers, batch * side * side, 9 * c]: each position's 3x3
        neighbourhood of the zero-padded maps, tap-major (the kernels' [towers, 9, c, out] order flattened)."""
        pad = KERNEL_SIDE // 2
        padded = tf.pad(h, [[0, 0], [0, 0], [pad, pad], [pad, pad], [0, 0]])
        taps = tf.concat([padded[:, :, row:row + self.side, column:column + self.side]
                          for row in range(KERNEL_SIDE) for column in range(KERNEL_SIDE)], axis=-1)
        return tf.reshape(taps, [len(self.seeds), -1, KERNEL_SIDE * KERNEL_SIDE * h.shape[-1]])

    def call(self, images):
        # Tower-major throughout, so that each layer is one batched matmul over the towers (about 1.6x faster
        # under XLA on the CPU than an einsum over taps in batch-major layout; the same sums in another order).
        towers = len(self.seeds)
        h = tf.broadcast_to(images[None], [towers, *tf.unstack(tf.shape(images))])  # the input is shared
        for index in range(self.conv_layers):
            kernel = tf.reshape(self.kernels[index], [towers, -1, self.channels])
            h = self.activation(tf.matmul(self._patches(h), kernel) + self.biases[index][:, None, :])
            h = tf.reshape(h, [towers, -1, self.side, self.side, self.channels])
        flat = tf.reshape(h, [towers, -1, self.side * self.side * self.channels])  # as Keras's Flatten orders it
        return tf.transpose(tf.matmul(flat, self.kernels[-1]) + self.biases[-1][:, None, :], [1, 0, 2])


def summed_cross_entropy(labels, logits):
    """Per example, the sum over towers of their cross-entropies: Keras's mean over the batch then gives
    the sum of the towers' own mean losses."""
    labels = tf.cast(tf.reshape(labels, [-1, 1]), tf.int32)
    labels = tf.broadcast_to(labels, tf.shape(logits)[:2])
    return tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), axis=1)


def _images(x: np.ndarray) -> np.ndarray:
    side = int(round(np.sqrt(x.shape[1])))
    return x.reshape(-1, side, side, 1).astype(np.float32)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(len(labels)), labels].mean())
    return loss, float((logits.argmax(axis=1) == labels).mean())


def tower_model(arms, seeds, *, side: int, classes: int, conv_layers: int = 3, channels: int = 16):
    """The Keras model of every (arm, seed) tower: logits [batch, arm * seed, classes], arm-major."""
    inputs = keras.Input(shape=(side, side, 1))
    outputs = [ConvTowers(arm, seeds, conv_layers=conv_layers, channels=channels, classes=classes, side=side)(inputs)
               for arm in arms]
    return keras.Model(inputs, outputs[0] if len(outputs) == 1 else keras.layers.Concatenate(axis=1)(outputs))


def train_cnns(data: Dataset, arms, seeds, *, optimizer_name: str, learning_rate: float, epochs: int,
               conv_layers: int = 3, channels: int = 16, batch_size: int = 32, divergence_loss: float = 1e3,
               optimizer_config: dict | None = None, shuffle_seed: int = 0) -> CNNRun:
    """Train one tower per (arm, seed) on `data`'s images together; see the module docstring."""
    started = time.perf_counter()
    arms, seeds = tuple(arms), tuple(int(s) for s in seeds)
    keras.utils.set_random_seed(int(shuffle_seed) % 2**31)  # a claim seed, already below 2**31 - 1
    x_train, x_val = _images(data.x_train), _images(data.x_val)
    model = tower_model(arms, seeds, side=x_train.shape[1], classes=data.classes, conv_layers=conv_layers,
                        channels=channels)
    optimizer = getattr(keras.optimizers, optimizer_name)(learning_rate=learning_rate, **(optimizer_config or {}))
    # XLA fuses the patches' pads, slices and reshapes into the matmuls: about 2.6x faster on the CPU than without.
    model.compile(optimizer=optimizer, loss=summed_cross_entropy, jit_compile=True)
    model.fit(x_train, data.y_train, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    # One eager call on the validation images, not an XLA-compiled `predict`: compiling it cost 1.3 to 2.6 s a
    # run for one batch; the logits differ from XLA's in float rounding only.
    logits = np.asarray(model(x_val, training=False))
    scores = np.array([_cross_entropy(logits[:, tower], data.y_val) for tower in range(logits.shape[1])])
    scores = scores.reshape(len(arms), len(seeds), 2)
    val_loss, val_accuracy = scores[..., 0], scores[..., 1]
    diverged = ~np.isfinite(val_loss) | (val_loss > divergence_loss)
    return CNNRun(arms, seeds, val_loss, val_accuracy, diverged, time.perf_counter() - started)
