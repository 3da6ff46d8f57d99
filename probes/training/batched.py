"""Many copies of one MLP shape as one set of stacked variables, trained by real Keras optimizers.

A `Variant` is an activation, an initializer and a learning rate; every variant is trained from the
same S seeds. Variants that share a learning rate form a group: the group's kernels are variables of
shape [models, fan_in, fan_out] and its biases [models, 1, fan_out], updated by one Keras optimizer;
since every Keras optimizer updates elementwise, applying it to stacked variables is exactly applying
it to each model. The forward pass concatenates the groups' weights and runs one batched matmul per
layer, each model on its own weights and batch, and each variant's activation on its own slice; the
summed loss gives each model's variables the gradient of that model's own mean loss.

Fewer, larger variables (one per layer and learning rate) keep the number of operations per step,
and so the per-operation overhead, independent of the number of variants.

Internally models are ordered by group; `to_variant_order` maps any per-model array back to the
variant order the caller gave (variant-major: variant v holds rows v·S .. v·S + S - 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from probes.keras_api import KERAS_MAJOR, keras, tf
from probes.seeding import keyed_seed, uint32_seeds
from probes.training.spec import MLP, Optimizer, initial_weights


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
    def __init__(self, variants, features: int, classes: int, seeds, optimizer: Optimizer, adjust_initial=None):
        shapes = {(v.mlp.hidden_layers, v.mlp.width) for v in variants}
        if len(shapes) != 1:
            raise ValueError(f"variants must share depth and width to be stacked, got {sorted(shapes)}")
        self.mlp = variants[0].mlp
        self.layers = self.mlp.hidden_layers
        self.variants, self.seeds = len(variants), len(seeds)
        self.models = self.variants * self.seeds
        rates = list(dict.fromkeys(v.learning_rate for v in variants))
        # Internal order: by learning-rate group, then as given.
        self.order = sorted(range(len(variants)), key=lambda i: rates.index(variants[i].learning_rate))
        internal = [variants[i] for i in self.order]
        drawn = {}
        for variant in internal:
            key = (variant.mlp.kernel_initializer, variant.mlp.output_initializer)
            if key not in drawn:
                drawn[key] = [initial_weights(variant.mlp, features, classes, seed) for seed in seeds]
                if adjust_initial is not None:
                    drawn[key] = [adjust_initial(weights) for weights in drawn[key]]
        activation_seed = keyed_seed(int(uint32_seeds(list(seeds), 1)[0]), "activation")
        self.activations = []  # internal variant -> one layer per hidden layer
        for index, variant in zip(self.order, internal):
            layers = []
            for layer in range(self.layers):
                activation = variant.mlp.activation_layer(seed=keyed_seed(activation_seed, f"variant {index}", layer))
                activation.build((None, self.seeds, self.mlp.width))
                layers.append(activation)
            self.activations.append(layers)
        self.kernels, self.biases, self.optimizers, self.group_variables = [], [], [], []
        for group, rate in enumerate(rates):
            members = [k for k, v in enumerate(internal) if v.learning_rate == rate]
            weights = [drawn[(internal[k].mlp.kernel_initializer, internal[k].mlp.output_initializer)] for k in members]
            kernels = [_variable(np.concatenate([np.stack([w[layer][0] for w in per_seed]) for per_seed in weights]),
                                 f"g{group}_kernel{layer}") for layer in range(self.layers + 1)]
            biases = [_variable(np.concatenate([np.stack([w[layer][1] for w in per_seed])
                                                for per_seed in weights])[:, None, :],
                                f"g{group}_bias{layer}") for layer in range(self.layers + 1)]
            variables = kernels + biases + [w for k in members for a in self.activations[k]
                                            for w in a.trainable_weights]
            optimizer_instance = optimizer.build(rate)
            optimizer_instance.build(variables)
            self.kernels.append(kernels)
            self.biases.append(biases)
            self.optimizers.append(optimizer_instance)
            self.group_variables.append(variables)
        # One activation call on the whole stack when every variant's is the same weightless one.
        specs = {(v.mlp.activation, v.mlp.slope) for v in variants}
        self.shared_activation = len(specs) == 1 and not any(a.weights for a in self.activations[0])

    def to_variant_order(self, per_model: np.ndarray) -> np.ndarray:
        """[M, ...] in internal order -> [V, S, ...] in the caller's variant order."""
        per_model = np.asarray(per_model)
        internal = per_model.reshape((self.variants, self.seeds) + per_model.shape[1:])
        return internal[np.argsort(self.order)]

    @property
    def trainable(self) -> list:
        return [v for group in self.group_variables for v in group]

    def _stacked(self, per_group, layer: int):
        if len(per_group) == 1:
            return per_group[0][layer]
        return tf.concat([group[layer] for group in per_group], axis=0)

    def activate(self, layer: int, pre: tf.Tensor, training: bool) -> tf.Tensor:
        if self.shared_activation:
            return self.activations[0][layer](pre, training=training)
        parts = tf.split(pre, self.variants, axis=0)
        return tf.concat([_apply(layers[layer], part, training) for layers, part in zip(self.activations, parts)],
                         axis=0)

    def forward(self, inputs: tf.Tensor, training: bool):
        """Logits [M, B, classes] and the hidden pre-activations [M, B, width] per layer (internal
        order). `inputs` is [M, B, features] (a batch per model) or [1, B, features] (shared)."""
        hidden, pre_activations = inputs, []
        for layer in range(self.layers):
            pre = tf.matmul(hidden, self._stacked(self.kernels, layer)) + self._stacked(self.biases, layer)
            pre_activations.append(pre)
            hidden = self.activate(layer, pre, training)
        logits = tf.matmul(hidden, self._stacked(self.kernels, self.layers)) + self._stacked(self.biases, self.layers)
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
        per_group, start = [], 0
        for variables in self.group_variables:
            kernel_grads = gradients[start:start + self.layers]
            bias_grads = gradients[start + self.layers + 1:start + 2 * self.layers + 1]
            per_group.append(tf.stack([
                tf.maximum(tf.reduce_max(tf.abs(k), axis=1), tf.reduce_max(tf.abs(b), axis=1))
                for k, b in zip(kernel_grads, bias_grads)], axis=1))
            start += len(variables)
        return per_group[0] if len(per_group) == 1 else tf.concat(per_group, axis=0)

    def activation_weights(self) -> np.ndarray | None:
        """[M, hidden_layers, width] (internal order): each unit's trainable activation weight
        (PReLU's slope); NaN for variants whose activation has none; None when no variant has any."""
        if not any(a.trainable_weights for layers in self.activations for a in layers):
            return None
        weights = np.full((self.models, self.layers, self.mlp.width), np.nan)
        for k, layers in enumerate(self.activations):
            for layer, activation in enumerate(layers):
                if activation.trainable_weights:
                    rows = slice(k * self.seeds, (k + 1) * self.seeds)
                    weights[rows, layer] = np.asarray(activation.trainable_weights[0]).reshape(self.seeds, -1)
        return weights

    def weights(self) -> list[list[tuple[np.ndarray, np.ndarray]]]:
        """Per model in the caller's variant order (variant-major), [(kernel, bias)] per Dense layer."""
        kernels = [np.concatenate([np.asarray(g[layer]) for g in self.kernels]) for layer in range(self.layers + 1)]
        biases = [np.concatenate([np.asarray(g[layer])[:, 0, :] for g in self.biases])
                  for layer in range(self.layers + 1)]
        internal = [[(k[m], b[m]) for k, b in zip(kernels, biases)] for m in range(self.models)]
        position = {index: k for k, index in enumerate(self.order)}
        return [internal[position[v] * self.seeds + s] for v in range(self.variants) for s in range(self.seeds)]
