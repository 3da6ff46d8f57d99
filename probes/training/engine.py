"""The training loop: compiled multi-step training of a `BatchedMLP`, evaluations, divergence, progress."""
from __future__ import annotations

import logging
import math
import time

import numpy as np

from probes.keras_api import tf
from probes.training.batched import BatchedMLP, Variant
from probes.training.run import TrainingRun
from probes.training.spec import MLP, Optimizer, batch_orders
from probes.training.spec import optimizer as make_optimizer

LOG = logging.getLogger("probes.training")
# Whole-set evaluation in slices, so that [models, slice, width] stays a few tens of MB.
EVAL_ELEMENTS = 2**23
# Progress lines are logged at evaluations once a run has lasted this long.
PROGRESS_AFTER_S = 5.0


def _step_blocks(order: np.ndarray, batch_size: int, evals_per_epoch: int) -> list[np.ndarray]:
    """Split one epoch's [M, n] visiting order into blocks of [steps, M, batch] index arrays, one
    block per evaluation interval; the last, smaller batch (as in `fit`) is a block of its own."""
    models, n = order.shape
    full = n // batch_size
    steps = order[:, :full * batch_size].reshape(models, full, batch_size).transpose(1, 0, 2)
    bounds = np.linspace(0, full, evals_per_epoch + 1).round().astype(int)
    blocks = [steps[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    if n % batch_size:
        blocks.append(order[:, full * batch_size:][None])
    return blocks


class _Compiled:
    """The compiled training block and evaluation for one model stack and its input views (one data set's
    examples in one or more featurizations): a model of view d reads rows offset by d training-set lengths."""

    def __init__(self, model: BatchedMLP, x_views, y_train, view_of_model: np.ndarray, record_units: bool):
        self.model = model
        self.views = len(x_views)
        self.x_train = tf.constant(np.concatenate(x_views))
        self.y_train = tf.constant(y_train)
        self.view_of_model = tf.constant(view_of_model, tf.int32)
        self.row_offset = tf.constant(view_of_model[:, None] * len(y_train), tf.int32)
        self.gradient_max = tf.Variable(tf.zeros([model.models, model.mlp.hidden_layers, model.mlp.width]),
                                        trainable=False) if record_units else None
        signature = [tf.TensorSpec([None, model.models, None], tf.int32)]
        self.run_block = tf.function(self._run_block, input_signature=signature)
        self.evaluate_slice = tf.function(self._evaluate_slice, input_signature=[
            tf.TensorSpec([self.views, None, x_views[0].shape[1]], tf.float32), tf.TensorSpec([None], tf.int32)])

    def _run_block(self, indices):
        losses = tf.TensorArray(tf.float32, size=tf.shape(indices)[0])
        for step in tf.range(tf.shape(indices)[0]):
            batch = indices[step]
            rows = batch if self.views == 1 else batch + self.row_offset
            step_losses, gradients = self.model.train_step(tf.gather(self.x_train, rows),
                                                           tf.gather(self.y_train, batch))
            if self.gradient_max is not None:
                self.gradient_max.assign(tf.maximum(self.gradient_max, self.model.unit_gradient_max(gradients)))
            losses = losses.write(step, step_losses)
        return losses.stack()

    def _evaluate_slice(self, x, y):
        # One view: every model reads the same [1, B, features]; several: each model its own view's rows.
        inputs = x if self.views == 1 else tf.gather(x, self.view_of_model)
        logits, pre_activations = self.model.forward(inputs, training=False)
        labels = tf.broadcast_to(y[None], tf.shape(logits)[:2])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        correct = tf.cast(tf.equal(tf.argmax(logits, axis=-1, output_type=tf.int32), labels), tf.float32)
        positive = tf.stack([tf.reduce_sum(tf.cast(pre > 0, tf.float32), axis=1) for pre in pre_activations], axis=1)
        return tf.reduce_sum(loss, axis=1), tf.reduce_sum(correct, axis=1), positive

    def evaluate(self, x_views, y: np.ndarray):
        """Mean loss [M], accuracy [M], share of inputs with positive pre-activation [M, L, W]."""
        size = max(1, EVAL_ELEMENTS // (self.model.models * self.model.mlp.width))
        totals = None
        for start in range(0, len(y), size):
            parts = self.evaluate_slice(np.stack([x[start:start + size] for x in x_views]), y[start:start + size])
            parts = [np.asarray(p, dtype=np.float64) for p in parts]
            totals = parts if totals is None else [t + p for t, p in zip(totals, parts)]
        return [t / len(y) for t in totals]


def _input_views(data) -> tuple:
    """`data` as a tuple of data sets that hold the same examples (the same labels and split) in their own
    features of one width; a single data set is a tuple of one."""
    views = tuple(data) if isinstance(data, (tuple, list)) else (data,)
    first = views[0]
    for view in views[1:]:
        if not (np.array_equal(view.y_train, first.y_train) and np.array_equal(view.y_val, first.y_val)
                and view.x_train.shape == first.x_train.shape and view.x_val.shape == first.x_val.shape):
            raise ValueError(f"input views must hold the same examples in features of one width: {view.name} "
                             f"does not match {first.name}")
    return views


def train_seeds(data, mlp: MLP, *, seeds, learning_rates, **options) -> TrainingRun:
    """Train len(learning_rates) × len(seeds) copies of `mlp` on `data` together; see the package
    docstring. Seed s fixes a model's initial weights and batch order for every learning rate."""
    return train_variants(data, [Variant(mlp, float(rate)) for rate in learning_rates], seeds=seeds, **options)


def train_variants(data, variants, *, seeds, epochs: int, batch_size: int = 32, optimizer: Optimizer | None = None,
                   evals_per_epoch: int = 1, epochs_per_eval: int = 1, record_units: bool = True,
                   divergence_loss: float = math.inf, adjust_initial=None, initial_evaluation: bool = True,
                   train_split_evaluation: bool = True, label: str = "") -> TrainingRun:
    """Train len(variants) × len(seeds) models together: each `Variant` (an MLP of a common depth and
    width, with its own activation and initializer, and a learning rate) from every seed. Seed s
    fixes the batch order of all variants, and the initial weights of variants sharing an initializer.
    `data` may be a tuple of data sets holding the same examples in other features (raw and standardized
    pixels): every variant is then trained on each, the run's variants being view-major (view d's copy of
    variant v is variant d·len(variants) + v), each seed with the same initial weights and batch order (a random
    activation, RReLU, draws its own noise per view). A finite `divergence_loss` is then checked on every batch
    loss, and on the training split's evaluations only where `train_split_evaluation` keeps them.
    Evaluations: `evals_per_epoch` per epoch, or one every `epochs_per_eval` epochs (and at the end), and
    one of the initial weights unless `initial_evaluation` is False; with `train_split_evaluation` False they
    score the validation split only (train_loss and train_accuracy are NaN), for claims that read nothing else.
    `adjust_initial`, if given, maps each seed's drawn [(kernel, bias)] to the weights to start from
    (an intervention, e.g. `units.silence_first_layer_units`)."""
    started = time.perf_counter()
    if record_units and not train_split_evaluation:
        raise ValueError("record_units reads the training split's evaluations: keep train_split_evaluation")
    optimizer = optimizer or make_optimizer("SGD")
    views = _input_views(data)
    data = views[0]
    seeds, variants = [int(s) for s in seeds], list(variants)
    per_view = len(variants)
    variants = [v for _ in views for v in variants]
    label = label or f"{'; '.join(v.label for v in variants[:per_view])}, {optimizer.label}"
    variant_labels = [v.label + (f" on {views[k // per_view].name}" if len(views) > 1 else "")
                      for k, v in enumerate(variants)]
    model = BatchedMLP(variants, data.features, data.classes, seeds, optimizer, adjust_initial)
    view_of_variant = np.array(model.order) // per_view  # internal order
    compiled = _Compiled(model, [view.x_train for view in views], data.y_train,
                         np.repeat(view_of_variant, len(seeds)), record_units)
    orders = np.stack([batch_orders(seed, len(data.y_train), epochs) for seed in seeds], axis=1)  # [epochs, S, n]
    models = model.models
    batch_losses, eval_steps, evaluations, unit_records = [], [], [], []
    diverged_step = np.full(models, -1)
    train_time = eval_time = 0.0
    step = 0

    def record_evaluation():
        nonlocal eval_time
        began = time.perf_counter()
        val_loss, val_accuracy, _ = compiled.evaluate([view.x_val for view in views], data.y_val)
        if train_split_evaluation:
            train_loss, train_accuracy, active = compiled.evaluate([view.x_train for view in views], data.y_train)
        else:
            train_loss = train_accuracy = np.full(models, np.nan)
        eval_time += time.perf_counter() - began
        eval_steps.append(step)
        evaluations.append((train_loss, train_accuracy, val_loss, val_accuracy))
        bad = ~np.isfinite(val_loss) | (train_loss > divergence_loss)
        if train_split_evaluation:
            bad |= ~np.isfinite(train_loss)
        diverged_step[(diverged_step < 0) & bad] = step
        if record_units:
            gradient = np.asarray(compiled.gradient_max) if step else np.full(active.shape, np.nan)
            compiled.gradient_max.assign(tf.zeros_like(compiled.gradient_max))
            unit_records.append((active, gradient, model.activation_weights()))

    if initial_evaluation:
        record_evaluation()
    for epoch in range(epochs):
        order = np.tile(orders[epoch], (len(variants), 1))
        evaluate_now = (epoch + 1) % epochs_per_eval == 0 or epoch + 1 == epochs
        blocks = _step_blocks(order, batch_size, evals_per_epoch if evaluate_now else 1)
        for index, block in enumerate(blocks):
            began = time.perf_counter()
            losses = np.asarray(compiled.run_block(tf.constant(block)))  # [steps, M]
            train_time += time.perf_counter() - began
            bad = ~np.isfinite(losses) | (losses > divergence_loss)
            first_bad = np.where(bad.any(axis=0), step + np.argmax(bad, axis=0), -1)
            diverged_step[(diverged_step < 0) & (first_bad >= 0)] = first_bad[(diverged_step < 0) & (first_bad >= 0)]
            batch_losses.append(losses)
            step += len(block)
            partial_next = index + 1 < len(blocks) and blocks[index + 1].shape[2] != block.shape[2]
            if evaluate_now and not partial_next:
                record_evaluation()
        elapsed = time.perf_counter() - started
        if elapsed > PROGRESS_AFTER_S and evaluate_now:
            split, loss = (("train", evaluations[-1][0]) if train_split_evaluation
                           else ("validation", evaluations[-1][2]))
            median = np.nanmedian(loss) if np.isfinite(loss).any() else np.nan
            LOG.info("%s: epoch %d/%d, %.1f s, median %s loss %.4g, diverged %d/%d", label, epoch + 1, epochs,
                     elapsed, split, median, int((diverged_step >= 0).sum()), models)

    def per_model(values, over_evaluations: bool = False) -> np.ndarray:  # [(E,) M, ...] -> [V, S, (E,) ...]
        values = np.moveaxis(np.asarray(values), 0, 1) if over_evaluations else np.asarray(values)
        return model.to_variant_order(values)

    stacked = [per_model(np.stack([e[i] for e in evaluations]), True) for i in range(4)]
    units = [None] * 3
    if record_units:
        units = [per_model(np.stack([u[i] for u in unit_records]), True) if unit_records[0][i] is not None
                 else None for i in range(3)]
    return TrainingRun(
        label=label, variant_labels=variant_labels,
        learning_rates=np.array([v.learning_rate for v in variants]), seeds=np.array(seeds), epochs=epochs,
        batch_size=batch_size, steps_per_epoch=math.ceil(len(data.y_train) / batch_size),
        eval_steps=np.array(eval_steps), batch_loss=per_model(np.concatenate(batch_losses).T),
        train_loss=stacked[0], train_accuracy=stacked[1], val_loss=stacked[2], val_accuracy=stacked[3],
        diverged=per_model(diverged_step >= 0), diverged_step=per_model(diverged_step),
        active_share=units[0], unit_gradient_max=units[1], activation_weights=units[2],
        wall_time_s=time.perf_counter() - started, train_time_s=train_time, eval_time_s=eval_time,
    )
