"""The naive way the engine replaces: one Keras model per seed, trained with `model.fit`.

Used by the equivalence self-test (same initial weights, same batches, so the two must agree to float
tolerance) and by the benchmark (the speed the engine is measured against).
"""
from __future__ import annotations

import numpy as np

from probes.keras_api import keras
from probes.training.spec import MLP, Optimizer, batch_orders, initial_weights


def keras_mlp(mlp: MLP, features: int, classes: int, weights=None, activation_seed: int = 0):
    """The Keras Sequential model the engine stacks: Dense → activation layer, ..., Dense logits."""
    layers = [keras.Input((features,))]
    for index in range(mlp.hidden_layers):
        layers += [keras.layers.Dense(mlp.width, kernel_initializer=mlp.kernel_initializer),
                   mlp.activation_layer(seed=activation_seed + index)]
    layers.append(keras.layers.Dense(classes, kernel_initializer=mlp.output_initializer))
    model = keras.Sequential(layers)
    if weights is not None:
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        for layer, (kernel, bias) in zip(dense, weights, strict=True):
            layer.set_weights([kernel, bias])
    return model


def fit_one_seed(data, mlp: MLP, seed: int, *, learning_rate: float, epochs: int, batch_size: int,
                 optimizer: Optimizer):
    """Train one model with `fit`, from the engine's initial weights for this seed and on the engine's
    batch order (each epoch one `fit` with shuffle=False on that epoch's permutation). Returns the
    trained Keras model."""
    model = keras_mlp(mlp, data.features, data.classes, initial_weights(mlp, data.features, data.classes, seed))
    model.compile(optimizer=optimizer.build(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    for order in batch_orders(seed, len(data.y_train), epochs):
        model.fit(data.x_train[order], data.y_train[order], epochs=1, batch_size=batch_size,
                  shuffle=False, verbose=0)
    return model


def dense_weights(model) -> list[tuple[np.ndarray, np.ndarray]]:
    return [tuple(np.asarray(w) for w in layer.get_weights())
            for layer in model.layers if isinstance(layer, keras.layers.Dense)]
