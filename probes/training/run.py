"""What a batched training run returns: per-model curves and unit statistics as numpy arrays.

Every array is indexed [variant, seed, ...]: variant = a learning rate of `train_seeds`, or a
`Variant` of `train_variants` (in the order given), seed = the run's seeds (in the order given).
Evaluations happen at `eval_steps` (step 0 = the initial weights).
A model that diverged (a non-finite loss, or one above `divergence_loss`) is NaN in every derived
metric below and must never be counted as alive, dead, better or worse: `diverged` says which.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrainingRun:
    label: str
    variant_labels: list            # [V]
    learning_rates: np.ndarray      # [V]
    seeds: np.ndarray               # [S]
    epochs: int
    batch_size: int
    steps_per_epoch: int
    eval_steps: np.ndarray          # [E] optimizer steps taken at each evaluation
    batch_loss: np.ndarray          # [V, S, T] mean loss of each training batch, before its update
    train_loss: np.ndarray          # [V, S, E] on the whole training set (inference mode)
    train_accuracy: np.ndarray      # [V, S, E]
    val_loss: np.ndarray            # [V, S, E]
    val_accuracy: np.ndarray        # [V, S, E]
    diverged: np.ndarray            # [V, S] bool
    diverged_step: np.ndarray       # [V, S] first step seen diverged, -1 if never
    active_share: np.ndarray | None      # [V, S, E, L, W] share of training inputs with pre-activation > 0
    unit_gradient_max: np.ndarray | None  # [V, S, E, L, W] max |grad| since the previous evaluation
    activation_weights: np.ndarray | None  # [V, S, E, L, W] trainable activation slopes (PReLU)
    wall_time_s: float              # whole run: building, tracing, training, evaluating
    train_time_s: float             # inside the compiled training steps (first trace included)
    eval_time_s: float

    def _masked(self, values: np.ndarray) -> np.ndarray:
        values = np.array(values, dtype=float)
        values[self.diverged] = np.nan
        return values

    def final(self, metric: str) -> np.ndarray:
        """[V, S]: a per-evaluation metric (train_loss, val_loss, ...) at the last evaluation."""
        return self._masked(getattr(self, metric)[:, :, -1])

    def generalization_gap(self) -> np.ndarray:
        """[V, S]: final validation loss minus final training loss."""
        return self.final("val_loss") - self.final("train_loss")

    def dead_units(self, eval_index: int = -1) -> np.ndarray:
        """[V, S, L, W] bool: units whose pre-activation is ≤ 0 on every training input. Diverged
        models are all False here: use `dead_fraction`, which is NaN for them."""
        if self.active_share is None:
            raise ValueError("this run did not record unit statistics (record_units=False)")
        dead = self.active_share[:, :, eval_index] == 0
        dead[self.diverged] = False
        return dead

    def dead_fraction(self, eval_index: int = -1) -> np.ndarray:
        """[V, S, L]: share of each layer's units that are dead; NaN for diverged models."""
        return self._masked(self.dead_units(eval_index).mean(axis=-1))

    def steps_to_target(self, target_loss: float) -> np.ndarray:
        """[V, S]: optimizer steps until the whole-training-set loss first reaches `target_loss`
        (at evaluation granularity); inf if never reached, NaN if diverged."""
        reached = self.train_loss <= target_loss
        first = np.where(reached.any(axis=-1), self.eval_steps[np.argmax(reached, axis=-1)], np.inf)
        return self._masked(first)

    def curve(self, metric: str, variant: int = 0) -> np.ndarray:
        """[S, E]: one variant's per-seed learning curve, NaN for diverged seeds."""
        values = np.array(getattr(self, metric)[variant], dtype=float)
        values[self.diverged[variant]] = np.nan
        return values
