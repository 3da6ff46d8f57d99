"""Many copies of one MLP shape as one set of stacked variables, trained by real Keras optimizers.

Models sit on a leading axis M = V·S, variant-major: variant v (an activation, initializer and
learning rate: a `Variant`) holds S seeds. Each variant's kernels are variables of shape
[S, fan_in, fan_out] and its biases [S, 1, fan_out]; each variant has its own Keras optimizer, and
since every Keras optimizer updates elementwise, applying it to the stacked variables is exactly
applying it to each model. The forward pass concatenates the variants' weights and runs one batched
matmul per layer, so each model sees only its own weights and its own batch; the summed loss gives
each model's variables the gradient of that model's own mean loss. Stacking more models costs
little: with 64-unit layers a step's time is mostly per-operation overhead, not arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from probes.keras_api import KERAS_MAJOR, keras, tf
from probes.training.spec import MLP, Optimizer, derived_seed, initial_weights


@dataclass(frozen=True)
class Variant:
    """One arm of a run: an MLP (its activation and initializer) trained at one learning rate."""

    mlp: MLP
    learning_rate: float

    @property
    def label(self) -> str:
        return f"{self.mlp.label}, lr {self.learning_rate:g}"


def _variable(value: np.ndarray, name: str):
    # Keras 3 optimizers track keras.Variable; Keras 2 optimizers take tf.Variable.
    if KERAS_MAJOR >= 3:
        return keras.Variable(value, name=name)
    return tf.Variable(value, name=name)


def _apply(layer, part: tf.Tensor, training: bool) -> tf.Tensor:
    """A layer with weights (PReLU) sees [B, S, W], so it holds one weight per model and unit."""
    if not layer.weights:
        return layer(part, training=training)
    return tf.transpose(layer(tf.transpose(part, [1, 0, 2]), training=training), [1, 0, 2])


class BatchedMLP:
    def __init__(self, variants, features: int, classes: int, seeds, optimizer: Optimizer):
        shapes = {(v.mlp.hidden_layers, v.mlp.width) for v in variants}
        if len(shapes) != 1:
            raise ValueError(f"variants must share depth and width to be stacked, got {sorted(shapes)}")
        self.mlp = variants[0].mlp
        self.variant_specs = list(variants)
        self.variants, self.seeds = len(variants), len(seeds)
        self.models = self.variants * self.seeds
        self.kernels, self.biases, self.activations, self.optimizers, self.group_variables = [], [], [], [], []
        activation_seed = derived_seed(int(np.random.SeedSequence(list(seeds)).generate_state(1)[0]), "activation")
        drawn = {}
        for index, variant in enumerate(variants):
            mlp = variant.mlp
            key = (mlp.kernel_initializer, mlp.output_initializer)
            if key not in drawn:
                drawn[key] = [initial_weights(mlp, features, classes, seed) for seed in seeds]
            per_seed = drawn[key]
            kernels = [_variable(np.stack([w[layer][0] for w in per_seed]), f"v{index}_kernel{layer}")
                       for layer in range(mlp.hidden_layers + 1)]
            biases = [_variable(np.stack([w[layer][1] for w in per_seed])[:, None, :], f"v{index}_bias{layer}")
                      for layer in range(mlp.hidden_layers + 1)]
            layers = []
            for layer in range(mlp.hidden_layers):
                activation = mlp.activation_layer(seed=derived_seed(activation_seed, f"variant {index}", layer))
                activation.build((None, self.seeds, mlp.width))
                layers.append(activation)
            variables = kernels + biases + [w for a in layers for w in a.trainable_weights]
            optimizer_instance = optimizer.build(variant.learning_rate)
            optimizer_instance.build(variables)
            self.kernels.append(kernels)
            self.biases.append(biases)
            self.activations.append(layers)
            self.optimizers.append(optimizer_instance)
            self.group_variables.append(variables)
        # One activation call on the whole stack when every variant's is the same weightless one.
        specs = {(v.mlp.activation, v.mlp.slope) for v in variants}
        self.shared_activation = len(specs) == 1 and not self.group_variables[0][2 * (self.mlp.hidden_layers + 1):]

    @property
    def trainable(self) -> list:
        return [v for group in self.group_variables for v in group]

    def _stacked(self, per_variant, layer: int):
        if self.variants == 1:
            return per_variant[0][layer]
        return tf.concat([group[layer] for group in per_variant], axis=0)

    def activate(self, layer: int, pre: tf.Tensor, training: bool) -> tf.Tensor:
        if self.shared_activation:
            return self.activations[0][layer](pre, training=training)
        parts = tf.split(pre, self.variants, axis=0)
        return tf.concat([_apply(self.activations[v][layer], part, training) for v, part in enumerate(parts)], axis=0)

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
        """[M, hidden_layers, width]: each unit's trainable activation weight (PReLU's slope); NaN for
        variants whose activation has none; None when no variant has any."""
        if not any(a.trainable_weights for layers in self.activations for a in layers):
            return None
        weights = np.full((self.models, self.mlp.hidden_layers, self.mlp.width), np.nan)
        for v, layers in enumerate(self.activations):
            for layer, activation in enumerate(layers):
                if activation.trainable_weights:
                    rows = slice(v * self.seeds, (v + 1) * self.seeds)
                    weights[rows, layer] = np.asarray(activation.trainable_weights[0]).reshape(self.seeds, -1)
        return weights

    def weights(self) -> list[list[tuple[np.ndarray, np.ndarray]]]:
        """Per model (variant-major), [(kernel, bias)] per Dense layer, as numpy arrays."""
        models = []
        for variant in range(self.variants):
            kernels = [np.asarray(k) for k in self.kernels[variant]]
            biases = [np.asarray(b)[:, 0, :] for b in self.biases[variant]]
            models += [[(k[s], b[s]) for k, b in zip(kernels, biases)] for s in range(self.seeds)]
        return models
