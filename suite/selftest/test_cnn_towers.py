"""`probes.cnn` trains every (arm, seed) tower as one grouped program (3x3 patches and one batched matmul per
layer). Checked here against the plain construction it replaces: one Keras model of separate Conv2D 3x3
'same' + Dense towers with the same seeded initializers. Same initial weights, so the logits must agree at
initialization and after a few SGD steps of the summed loss (float32 noise only). Uses TensorFlow; seconds.
"""
import numpy as np
import pytest

from probes.cnn import ConvArm, summed_cross_entropy, tower_model
from probes.initializers import seeded_initializer
from probes.keras_api import keras
from probes.seeding import tower_layer_seed as layer_seed

ARMS = (ConvArm("selu", "lecun_normal"), ConvArm("relu", "he_normal", draw=1))
SIDE, CLASSES, CONV_LAYERS, CHANNELS, BATCH = 8, 10, 3, 4, 16
FLOAT32_AGREEMENT = 1e-4  # relative: three layers of float32 sums in another order


def _keras_towers(seeds):
    """The towers as separate Keras layers: the construction `probes.cnn` replaces."""
    inputs = keras.Input(shape=(SIDE, SIDE, 1))
    outputs = []
    for arm in ARMS:
        for seed in seeds:
            x = inputs
            for index in range(CONV_LAYERS):
                x = keras.layers.Conv2D(CHANNELS, 3, padding="same", activation=arm.activation,
                                        kernel_initializer=seeded_initializer(arm.kernel_initializer,
                                                                              layer_seed(seed, index, arm.draw)))(x)
            head = keras.initializers.GlorotUniform(seed=layer_seed(seed, CONV_LAYERS, arm.draw))
            outputs.append(keras.layers.Dense(CLASSES, kernel_initializer=head)(keras.layers.Flatten()(x)))
    return keras.Model(inputs, outputs)


@pytest.fixture
def batch(rng):
    images = rng.standard_normal((BATCH, SIDE, SIDE, 1)).astype(np.float32)
    return images, rng.integers(CLASSES, size=BATCH)


def _relative_gap(grouped, separate) -> float:
    separate = np.stack(separate, axis=1)
    return float(np.abs(grouped - separate).max() / np.abs(separate).max())


def test_grouped_towers_compute_what_separate_keras_towers_compute(batch):
    seeds = (3, 11)
    grouped = tower_model(ARMS, seeds, side=SIDE, classes=CLASSES, conv_layers=CONV_LAYERS, channels=CHANNELS)
    images, _ = batch
    assert _relative_gap(np.asarray(grouped(images)), [np.asarray(t) for t in _keras_towers(seeds)(images)]) \
        < FLOAT32_AGREEMENT


def test_grouped_towers_train_as_separate_keras_towers_do(batch):
    """The summed loss gives each tower its own loss's gradient: three SGD steps agree, with two towers per arm
    (so each tower's bias must move with its own gradient) and under XLA, as `train_cnns` compiles it."""
    seeds = (5, 7)
    images, labels = batch
    grouped = tower_model(ARMS, seeds, side=SIDE, classes=CLASSES, conv_layers=CONV_LAYERS, channels=CHANNELS)
    separate = _keras_towers(seeds)
    grouped.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=summed_cross_entropy, jit_compile=True)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    separate.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=[loss] * (len(ARMS) * len(seeds)))
    for _ in range(3):
        grouped.train_on_batch(images, labels)
        separate.train_on_batch(images, [labels] * (len(ARMS) * len(seeds)))
    assert _relative_gap(np.asarray(grouped(images)), [np.asarray(t) for t in separate(images)]) \
        < FLOAT32_AGREEMENT
