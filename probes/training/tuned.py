"""The tuned performance protocol: every activation the note ranks, each at a learning rate it can train
at, chosen on held-out data by a rule fixed before any result was seen.

Rule: on a tuning split of the training set (80% to train, 20% to score; drawn once from `split_seed`),
each activation trains at every rate of `RATES` from `tuning_seeds`; its rate is the one with the lowest
median final tuning loss (a diverged run scores +inf; ties go to the smaller rate). Then every activation
trains at its rate on the whole training set from `seeds` (paired: one batch order per seed, one set of
initial weights per initializer) and is scored on the validation split.

A diverged run is counted, never dropped: `final` censors its loss at the divergence threshold and its
accuracy at 0, so in a rank comparison it comes last. ACT-RANKING and SELU-OUTPERFORMS read one
`tuned_runs` result per session.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from probes.datasets import Dataset, digits
from probes.training.batched import Variant
from probes.training.engine import train_variants
from probes.training.run import TrainingRun
from probes.training.spec import DIVERGED_ABOVE, MLP, optimizer

DEPTH, WIDTH = 8, 64
OPTIMIZER = optimizer("SGD", momentum=0.9)
RATES = (0.001, 0.003, 0.01, 0.03, 0.1)
TUNING_SHARE = 0.8
# Worst to best, as the note orders them; each with its recommended initializer.
ACTIVATIONS = (("logistic", MLP(DEPTH, WIDTH, "sigmoid", "glorot_uniform")),
               ("tanh", MLP(DEPTH, WIDTH, "tanh", "glorot_uniform")),
               ("ReLU", MLP(DEPTH, WIDTH, "relu", "he_normal")),
               ("leaky ReLU 0.2", MLP(DEPTH, WIDTH, "leaky_relu", "he_normal", slope=0.2)),
               ("ELU", MLP(DEPTH, WIDTH, "elu", "he_normal")),
               ("SELU", MLP(DEPTH, WIDTH, "selu", "lecun_normal")))


@dataclass(frozen=True)
class TunedRuns:
    names: tuple[str, ...]
    rates: dict            # name -> chosen learning rate
    tuning_median_loss: dict  # name -> [median final tuning loss per rate of RATES]
    run: TrainingRun       # the main run, variants in `names` order
    repeat: TrainingRun    # SELU again at its rate from other seeds: a control with no difference by construction

    def final(self, metric: str, run: TrainingRun | None = None) -> np.ndarray:
        """[V, S]: a final metric with diverged runs censored (loss at the threshold, accuracy at 0)."""
        run = run or self.run
        values = np.array(getattr(run, metric)[:, :, -1], dtype=float)
        worst = DIVERGED_ABOVE if metric.endswith("loss") else 0.0
        values[run.diverged] = worst
        return np.where(np.isfinite(values), values, worst)

    def diverged(self) -> dict:
        return {name: int(self.run.diverged[index].sum()) for index, name in enumerate(self.names)}


def tuning_split(data: Dataset, split_seed: int) -> Dataset:
    """The tuning split: TUNING_SHARE of the training set to train on, the rest to score on."""
    order = np.random.default_rng(split_seed).permutation(len(data.y_train))
    cut = int(TUNING_SHARE * len(order))
    fit, score = order[:cut], order[cut:]
    return Dataset(f"{data.name}[tuning]", data.x_train[fit], data.y_train[fit], data.x_train[score],
                   data.y_train[score], data.classes)


def choose_rates(run: TrainingRun, names, rates=RATES) -> tuple[dict, dict]:
    """The rule: per activation, the rate with the lowest median final tuning loss (diverged = +inf)."""
    loss = np.array(run.val_loss[:, :, -1], dtype=float)
    loss[run.diverged | ~np.isfinite(loss)] = np.inf
    medians = np.median(loss, axis=1).reshape(len(names), len(rates))  # variants were name-major
    chosen = {name: float(rates[int(np.argmin(row))]) for name, row in zip(names, medians)}
    return chosen, {name: row.tolist() for name, row in zip(names, medians)}


@functools.lru_cache(maxsize=24)  # a 20-round calibration of the two claims tunes and trains once per round
def tuned_runs(tuning_seeds: tuple[int, ...], seeds: tuple[int, ...], repeat_seeds: tuple[int, ...], epochs: int,
               split_seed: int) -> TunedRuns:
    names = tuple(name for name, _ in ACTIVATIONS)
    mlps = dict(ACTIVATIONS)
    tuning = train_variants(tuning_split(digits(), split_seed),
                            [Variant(mlps[name], rate) for name in names for rate in RATES], seeds=list(tuning_seeds),
                            epochs=epochs, optimizer=OPTIMIZER, divergence_loss=DIVERGED_ABOVE, record_units=False,
                            epochs_per_eval=epochs, label="tuned protocol: tuning")
    rates, medians = choose_rates(tuning, names)
    main = train_variants(digits(), [Variant(mlps[name], rates[name]) for name in names], seeds=list(seeds),
                          epochs=epochs, optimizer=OPTIMIZER, divergence_loss=DIVERGED_ABOVE, record_units=False,
                          epochs_per_eval=2, label="tuned protocol")
    repeat = train_variants(digits(), [Variant(mlps["SELU"], rates["SELU"])], seeds=list(repeat_seeds), epochs=epochs,
                            optimizer=OPTIMIZER, divergence_loss=DIVERGED_ABOVE, record_units=False,
                            epochs_per_eval=epochs, label="tuned protocol: SELU again")
    return TunedRuns(names, rates, medians, main, repeat)
