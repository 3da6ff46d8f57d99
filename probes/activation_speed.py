"""The speed claims' workloads, each a zero-argument callable on one device, compiled on its first call.

Levels, and what one call's time means:
- op: `chain` applications of the activation, one after another, to a (rows, 128) float32 tensor
  inside one compiled call. `empty_call` is the same compiled call doing no work; its time is the
  per-call dispatch cost (about 0.2 ms on a shared 2-core machine, as much as a few hundred ReLUs on
  a cache-resident tensor), which the speed claims subtract before dividing by `chain` and elements.
  The input is an argument of the compiled function, never a captured constant, so graph
  optimization cannot fold the work away.
- inference: one compiled forward pass, `model(x, training=False)`, of a deep MLP on a batch; an
  inference regime (`regime_inference_call`) names its model (an MLP of `depth` Dense(`width`) layers, or
  a CNN of `depth` full-resolution 3x3 convolutions of `filters` channels on `image` x `image` inputs:
  large activation maps) and its batch (1: the latency of one request).
- train_step: one compiled forward pass, backward pass and Keras optimizer update on a batch.

The activations are Keras's own layers (probes.activations); the MLP is Dense layers each followed by
its activation layer (the CNN Conv2D layers), with the kernel initializer the note pairs with the activation.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from probes.activations import activation_layer
from probes.keras_api import keras, tf
from probes.seeding import int31_seeds

COLUMNS = 128
# The book's LeakyReLU(alpha=0.2); also tf.nn.leaky_relu's default and Keras 3's "leaky_relu" string.
LEAKY_SLOPE = 0.2
# The note: LeCun normal for SELU; He for the ReLU family and ELU; Keras's default Glorot otherwise.
KERNEL_INITIALIZERS = {"selu": "LecunNormal", "tanh": "GlorotUniform", "sigmoid": "GlorotUniform"}
DEFAULT_KERNEL_INITIALIZER = "HeNormal"
# Fashion-MNIST's shape, the data of the note's chapter.
FEATURES, CLASSES = 784, 10
# The CNN's input: colour images.
CHANNELS = 3


def devices() -> list[str]:
    """The CPU always, then every GPU TensorFlow sees."""
    return ["/CPU:0"] + [f"/GPU:{index}" for index, _ in enumerate(tf.config.list_physical_devices("GPU"))]


def settle_for(device: str) -> Callable[[object], object]:
    """What waits until a call's work is done: CPU calls return finished; GPU kernels run
    asynchronously, so a GPU sample ends only after the device has drained its queue."""
    if device.upper().startswith("/CPU"):
        return lambda result: result

    def synchronized(result):
        tf.test.experimental.sync_devices()
        return result
    return synchronized


def make_activation(name: str, seed: int):
    return activation_layer(name, slope=LEAKY_SLOPE if name == "leaky_relu" else None, seed=seed)


def on_device(device: str, function, *args) -> Callable[[], object]:
    """A call of `function` on `device` that returns only when the device has finished it."""
    settle = settle_for(device)

    def call():
        with tf.device(device):
            return settle(function(*args))
    return call


def standard_normal(shape, seed: int, device: str):
    values = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    with tf.device(device):
        return tf.constant(values)


def op_call(name: str, elements: int, chain: int, device: str, seed: int) -> Callable[[], object]:
    """`chain` applications of activation `name` in one compiled call on `elements` floats."""
    if elements % COLUMNS:
        raise ValueError(f"elements must be a multiple of {COLUMNS}, got {elements}")
    x = standard_normal((elements // COLUMNS, COLUMNS), seed, device)
    with tf.device(device):
        activation = make_activation(name, seed)
        activation.build(x.shape)

    @tf.function
    def applied(inputs):
        # The layer's `call` (its ops) rather than `__call__` (which adds Keras's per-call bookkeeping):
        # the same graph, traced in a fraction of the time for chains of hundreds.
        for _ in range(chain):
            inputs = activation.call(inputs)
        return inputs

    return on_device(device, applied, x)


def empty_call(elements: int, device: str, seed: int) -> Callable[[], object]:
    """The op level's compiled call with no work in it: its time is the per-call overhead."""
    x = standard_normal((elements // COLUMNS, COLUMNS), seed, device)
    return on_device(device, tf.function(lambda inputs: inputs), x)


def _initializer(name: str):
    return getattr(keras.initializers, KERNEL_INITIALIZERS.get(name, DEFAULT_KERNEL_INITIALIZER))


def mlp(name: str, depth: int, width: int, seed: int) -> keras.Model:
    """FEATURES inputs, `depth` hidden Dense(width) + activation layers, a softmax Dense(CLASSES) head."""
    seeds = int31_seeds(seed, depth + 1)
    initializer = _initializer(name)
    layers = [keras.Input(shape=(FEATURES,))]
    for index in range(depth):
        layers += [keras.layers.Dense(width, kernel_initializer=initializer(seed=int(seeds[index]))),
                   make_activation(name, int(seeds[index]))]
    layers.append(keras.layers.Dense(CLASSES, activation="softmax",
                                     kernel_initializer=keras.initializers.GlorotUniform(seed=int(seeds[-1]))))
    return keras.Sequential(layers)


def cnn(name: str, depth: int, filters: int, image: int, seed: int) -> keras.Model:
    """`image` x `image` x CHANNELS inputs, `depth` Conv2D(filters, 3x3, same padding) + activation layers
    at full resolution (every activation map image x image x filters), global average pooling, a softmax
    Dense(CLASSES) head."""
    seeds = int31_seeds(seed, depth + 1)
    initializer = _initializer(name)
    layers = [keras.Input(shape=(image, image, CHANNELS))]
    for index in range(depth):
        layers += [keras.layers.Conv2D(filters, 3, padding="same",
                                       kernel_initializer=initializer(seed=int(seeds[index]))),
                   make_activation(name, int(seeds[index]))]
    layers += [keras.layers.GlobalAveragePooling2D(),
               keras.layers.Dense(CLASSES, activation="softmax",
                                  kernel_initializer=keras.initializers.GlorotUniform(seed=int(seeds[-1])))]
    return keras.Sequential(layers)


def regime_model(name: str, regime, seed: int) -> tuple[keras.Model, tuple[int, ...]]:
    """An inference regime's model with activation `name`, and the shape of one input."""
    if regime["model"] == "mlp":
        return mlp(name, regime["depth"], regime["width"], seed), (FEATURES,)
    if regime["model"] == "cnn":
        image = regime["image"]
        return cnn(name, regime["depth"], regime["filters"], image, seed), (image, image, CHANNELS)
    raise ValueError(f"an inference regime's model is 'mlp' or 'cnn', got {regime['model']!r}")


def regime_inference_call(name: str, regime, device: str, seed: int) -> Callable[[], object]:
    """One compiled forward pass of the regime's model on a batch of `regime["batch"]` standard-normal inputs."""
    with tf.device(device):
        model, shape = regime_model(name, regime, seed)
    x = standard_normal((regime["batch"], *shape), seed, device)
    return on_device(device, tf.function(lambda inputs: model(inputs, training=False)), x)


def inference_call(name: str, depth: int, width: int, batch: int, device: str, seed: int) -> Callable[[], object]:
    """One compiled forward pass of the MLP on a batch of standard-normal inputs."""
    return regime_inference_call(name, {"model": "mlp", "depth": depth, "width": width, "batch": batch}, device,
                                 seed)


def _compiled_step(model, optimizer, features: int, classes: int, batch: int, from_logits: bool,
                   device: str, seed: int) -> Callable[[], object]:
    x = standard_normal((batch, features), seed, device)
    labels = np.random.default_rng(seed + 1).integers(0, classes, batch).astype(np.int32)
    with tf.device(device):
        y = tf.constant(labels)
        optimizer.build(model.trainable_variables)
    loss_function = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)

    @tf.function
    def step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = loss_function(targets, model(inputs, training=True))
        weights = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    return on_device(device, step, x, y)


def train_step_call(name: str, depth: int, width: int, batch: int, learning_rate: float, device: str,
                    seed: int) -> Callable[[], object]:
    """One compiled training step of the MLP: cross-entropy, gradients of every weight, Keras's SGD."""
    with tf.device(device):
        model = mlp(name, depth, width, seed)
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    return _compiled_step(model, optimizer, FEATURES, CLASSES, batch, False, device, seed)


def protocol_train_step_call(make_model: Callable[[], object], make_optimizer: Callable[[], object],
                             features: int, classes: int, batch: int, device: str,
                             seed: int) -> Callable[[], object]:
    """One compiled training step of a logits model and Keras optimizer built on `device` by the given
    factories: the step a training protocol's models take (what `fit` runs per batch, without its loop)."""
    with tf.device(device):
        model, optimizer = make_model(), make_optimizer()
    return _compiled_step(model, optimizer, features, classes, batch, True, device, seed)
