"""Many copies of one MLP as one set of stacked variables, trained by real Keras optimizers.

Models sit on a leading axis M = V·S, variant-major: variant v (one learning rate) holds S seeds.
Each variant's kernels are variables of shape [S, fan_in, fan_out] and its biases [S, 1, fan_out];
each variant has its own Keras optimizer (learning rates differ), and since every Keras optimizer
updates elementwise, applying it to the stacked variables is exactly applying it to each model.
The forward pass concatenates the variants' weights and runs one batched matmul per layer, so each
model sees only its own weights and its own batch; the summed loss gives each model's variables the
gradient of that model's own mean loss.
"""
from __future__ import annotations

import numpy as np

from probes.keras_api import KERAS_MAJOR, keras, tf
from probes.training.spec import MLP, Optimizer, derived_seed, initial_weights


def _variable(value: np.ndarray, name: str):
    # Keras 3 optimizers track keras.Variable; Keras 2 optimizers take tf.Variable.
    if KERAS_MAJOR >= 3:
        return keras.Variable(value, name=name)
    return tf.Variable(value, name=name)


def _per_model(tensor: tf.Tensor, variants: int, activate):
    """Apply `activate` to each variant's slice of [M, B, W] laid out as [B, S, W], so that a layer
    with weights (PReLU) has one weight per model and unit."""
    parts = tf.split(tensor, variants, axis=0)
    return tf.concat([tf.transpose(layer(tf.transpose(part, [1, 0, 2])), [1, 0, 2])
                      for layer, part in zip(activate, parts)], axis=0)


class BatchedMLP:
    def __init__(self, mlp: MLP, features: int, classes: int, learning_rates, seeds, optimizer: Optimizer):
        self.mlp = mlp
        self.variants, self.seeds = len(learning_rates), len(seeds)
        self.models = self.variants * self.seeds
        per_seed = [initial_weights(mlp, features, classes, seed) for seed in seeds]
        self.initial = per_seed
        self.kernels, self.biases, self.optimizers, self.group_variables = [], [], [], []
        activation_seed = derived_seed(int(np.random.SeedSequence(list(seeds)).generate_state(1)[0]), "activation")
        self.activations = []  # per hidden layer: one layer per variant (weighted) or one shared
        for variant, rate in enumerate(learning_rates):
            kernels = [_variable(np.stack([w[layer][0] for w in per_seed]), f"v{variant}_kernel{layer}")
                       for layer in range(mlp.hidden_layers + 1)]
            biases = [_variable(np.stack([w[layer][1] for w in per_seed])[:, None, :], f"v{variant}_bias{layer}")
                      for layer in range(mlp.hidden_layers + 1)]
            self.kernels.append(kernels)
            self.biases.append(biases)
        for layer in range(mlp.hidden_layers):
            probe = mlp.activation_layer(seed=derived_seed(activation_seed, "layer", layer))
            probe.build((None, self.seeds, mlp.width))
            if probe.weights:
                extra = [mlp.activation_layer() for _ in range(self.variants - 1)]
                for other in extra:
                    other.build((None, self.seeds, mlp.width))
                self.activations.append([probe, *extra])
            else:
                self.activations.append([probe])
        self.weighted_activation = bool(self.activations and len(self.activations[0]) > 1)
        for variant, rate in enumerate(learning_rates):
            variables = self.kernels[variant] + self.biases[variant]
            if self.weighted_activation:
                variables += [w for layers in self.activations for w in layers[variant].trainable_weights]
            optimizer_instance = optimizer.build(rate)
            optimizer_instance.build(variables)
            self.optimizers.append(optimizer_instance)
            self.group_variables.append(variables)

    @property
    def trainable(self) -> list:
        return [v for group in self.group_variables for v in group]

    def _stacked(self, per_variant, layer: int):
        if self.variants == 1:
            return per_variant[0][layer]
        return tf.concat([group[layer] for group in per_variant], axis=0)

    def activate(self, layer: int, pre: tf.Tensor, training: bool) -> tf.Tensor:
        layers = self.activations[layer]
        if len(layers) == 1:
            if self.weighted_activation:  # one variant with a weighted activation
                return _per_model(pre, 1, [lambda t: layers[0](t, training=training)])
            return layers[0](pre, training=training)
        return _per_model(pre, self.variants, [lambda t, a=a: a(t, training=training) for a in layers])

    def forward(self, inputs: tf.Tensor, training: bool):
        """Logits [M, B, classes] and the hidden pre-activations [M, B, width] per layer.
        `inputs` is [M, B, features] (a batch per model) or [1, B, features] (shared)."""
        hidden, pre_activations = inputs, []
        for layer in range(self.mlp.hidden_layers):
            pre = tf.matmul(hidden, self._stacked(self.kernels, layer)) + self._stacked(self.biases, layer)
            pre_activations.append(pre)
            hidden = self.activate(layer, pre, training)
        last = self.mlp.hidden_layers
        logits = tf.matmul(hidden, self._stacked(self.kernels, last)) + self._stacked(self.biases, last)
        return logits, pre_activations

    def train_step(self, inputs: tf.Tensor, labels: tf.Tensor):
        """One optimizer step of every model on its own batch; returns each model's mean batch loss
        [M] and the gradients, in `trainable` order."""
        with tf.GradientTape() as tape:
            logits, _ = self.forward(inputs, training=True)
            losses = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), axis=1)
            total = tf.reduce_sum(losses)
        gradients = tape.gradient(total, self.trainable)
        start = 0
        for optimizer_instance, variables in zip(self.optimizers, self.group_variables):
            optimizer_instance.apply_gradients(zip(gradients[start:start + len(variables)], variables))
            start += len(variables)
        return losses, gradients

    def unit_gradient_max(self, gradients) -> tf.Tensor:
        """[M, hidden_layers, width]: per unit, the largest |gradient| over its incoming weights and bias."""
        per_variant = []
        for variant, variables in enumerate(self.group_variables):
            offset = sum(len(v) for v in self.group_variables[:variant])
            layers = self.mlp.hidden_layers
            kernel_grads = gradients[offset:offset + layers]
            bias_grads = gradients[offset + layers + 1:offset + 2 * layers + 1]
            per_variant.append(tf.stack([
                tf.maximum(tf.reduce_max(tf.abs(k), axis=1), tf.reduce_max(tf.abs(b), axis=1))
                for k, b in zip(kernel_grads, bias_grads)], axis=1))
        return tf.concat(per_variant, axis=0)

    def activation_weights(self) -> np.ndarray | None:
        """[M, hidden_layers, width]: each unit's trainable activation weight (PReLU's slope), or None."""
        if not self.weighted_activation:
            return None
        per_layer = [np.concatenate([np.asarray(layer.trainable_weights[0]).reshape(self.seeds, -1)
                                     for layer in layers]) for layers in self.activations]
        return np.stack(per_layer, axis=1)

    def weights(self) -> list[list[tuple[np.ndarray, np.ndarray]]]:
        """Per model (variant-major), [(kernel, bias)] per Dense layer, as numpy arrays."""
        models = []
        for variant in range(self.variants):
            kernels = [np.asarray(k) for k in self.kernels[variant]]
            biases = [np.asarray(b)[:, 0, :] for b in self.biases[variant]]
            models += [[(k[s], b[s]) for k, b in zip(kernels, biases)] for s in range(self.seeds)]
        return models
