"""Unit fates in a `TrainingRun`: which hidden units went silent, whether they got gradient afterwards,
and whether they came back.

A unit is *silent* at an evaluation when its pre-activation is ≤ 0 on every training input: for ReLU
it then outputs 0 everywhere (dead); for leaky ReLU it is merely inactive. Each unit is followed from
the first evaluation at which it is silent, provided that is not the last evaluation (so there is a
"later"). Diverged models are left out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from probes.training.run import TrainingRun


@dataclass(frozen=True)
class SilentUnits:
    """One row per followed unit (all arrays the same length)."""

    variant: np.ndarray
    seed: np.ndarray
    layer: np.ndarray
    unit: np.ndarray
    silent_at: np.ndarray           # evaluation index at which it first was silent
    zero_gradient_after: np.ndarray  # its incoming weights and bias got exactly 0 gradient on every later step
    silent_after: np.ndarray         # silent at every later evaluation
    seeds_followed: int              # non-diverged models looked at

    @property
    def count(self) -> int:
        return int(self.unit.size)

    def revived(self) -> np.ndarray:
        return ~self.silent_after

    def revival_share_per_model(self, variants: int, seeds: int) -> np.ndarray:
        """[variants, seeds]: share of each model's followed units that were active again later;
        NaN where a model had none to follow."""
        share = np.full((variants, seeds), np.nan)
        for v in range(variants):
            for s in range(seeds):
                mine = (self.variant == v) & (self.seed == s)
                if mine.any():
                    share[v, s] = self.revived()[mine].mean()
        return share


def silent_units(run: TrainingRun, layers=None) -> SilentUnits:
    """Follow every unit (of `layers`, default all hidden layers) that is silent at an evaluation
    before the last one."""
    if run.active_share is None or run.unit_gradient_max is None:
        raise ValueError("silent_units needs a run with record_units=True")
    active, gradient = run.active_share, run.unit_gradient_max  # [V, S, E, L, W]
    silent = active == 0
    layers = range(active.shape[3]) if layers is None else layers
    rows = []
    for v, s in zip(*np.nonzero(~run.diverged)):
        for layer in layers:
            for unit in range(active.shape[4]):
                history = silent[v, s, :, layer, unit]
                if not history[:-1].any():
                    continue
                first = int(np.argmax(history))
                later_gradient = gradient[v, s, first + 1:, layer, unit]
                rows.append((v, s, layer, unit, first, bool(np.all(later_gradient == 0)),
                             bool(history[first:].all())))
    columns = list(zip(*rows)) if rows else [()] * 7
    return SilentUnits(*(np.array(column, dtype=kind) for column, kind in
                         zip(columns, (int, int, int, int, int, bool, bool))),
                       seeds_followed=int((~run.diverged).sum()))


def silent_share(run: TrainingRun, eval_index: int = -1) -> np.ndarray:
    """[V, S]: share of all hidden units silent at an evaluation; NaN for diverged models."""
    share = (run.active_share[:, :, eval_index] == 0).mean(axis=(-2, -1)).astype(float)
    share[run.diverged] = np.nan
    return share


def silent_share_curve(run: TrainingRun, variant: int = 0) -> np.ndarray:
    """[S, E]: share of all hidden units silent at each evaluation, NaN for diverged seeds."""
    share = (run.active_share[variant] == 0).mean(axis=(-2, -1)).astype(float)
    share[run.diverged[variant]] = np.nan
    return share


def silence_first_layer_units(weights, x_train: np.ndarray, units: int, margin: float = 1.0):
    """An intervention: the first `units` first-layer units get the bias -(max over training inputs of
    x·w) - margin, so their pre-activation is ≤ -margin on every training input from the start."""
    kernel, bias = weights[0]
    bias = bias.copy()
    bias[:units] = -(x_train @ kernel[:, :units]).max(axis=0) - margin
    return [(kernel, bias), *weights[1:]]
