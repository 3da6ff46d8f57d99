"""The dying protocol: ReLU (and leaky ReLU) MLPs trained with the optimizers people use, at learning
rates up to and past the edge of divergence, and what became of their hidden units.

One call trains everything the four dying claims read (ACT-RELU-DIES-AT-HIGH-LR, ACT-RELU-HUGE-PORTIONS-DIE,
ACT-DEAD-RELU-STAYS-DEAD, ACT-LEAKY-REVIVES); `dying_runs` keeps the result for the session, so a serial
run trains once. A diverged run is never dropped: its units are read at its last evaluation before the
divergence (`last_sane_evaluation`), and `TrainingRun.diverged` counts it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from probes.datasets import digits
from probes.training.batched import Variant
from probes.training.engine import train_variants
from probes.training.run import TrainingRun
from probes.training.spec import DIVERGED_ABOVE, MLP, optimizer
from probes.training.units import silence_first_layer_units

RELU = MLP(5, 64, "relu", "he_normal")
LEAKY = MLP(5, 64, "leaky_relu", "he_normal", slope=0.01)
EVALS_PER_EPOCH = 4
# Each grid starts at 0, the no-training control; leaky ReLU runs at the two highest rates.
GRIDS = {"SGD": (0.0, 0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 1.0), "Adam": (0.0, 0.001, 0.003, 0.01, 0.03, 0.1)}
LEAKY_RATES = 2


@dataclass(frozen=True)
class OptimizerRuns:
    """One optimizer's run: ReLU at every rate of its grid, then leaky ReLU at its highest rates."""

    name: str
    rates: tuple[float, ...]
    run: TrainingRun

    def relu(self, rate: float) -> int:
        """The variant index of ReLU at `rate`."""
        return self.rates.index(rate)

    def leaky(self, rate: float) -> int:
        return len(self.rates) + self.rates[-LEAKY_RATES:].index(rate)

    @property
    def trained_rates(self) -> tuple[float, ...]:
        return tuple(rate for rate in self.rates if rate > 0)

    @property
    def high_rates(self) -> tuple[float, ...]:
        return self.rates[-LEAKY_RATES:]


@functools.lru_cache(maxsize=24)  # a 20-round calibration of four claims trains once per round
def dying_runs(seeds: tuple[int, ...], epochs: int) -> dict[str, OptimizerRuns]:
    """Train the protocol from `seeds` (each seed: the same initial weights and batch order at every rate,
    for ReLU and leaky ReLU alike) for `epochs` epochs under plain SGD and under Adam."""
    runs = {}
    for name, rates in GRIDS.items():
        variants = [Variant(RELU, rate) for rate in rates] + [Variant(LEAKY, rate) for rate in rates[-LEAKY_RATES:]]
        run = train_variants(digits(), variants, seeds=list(seeds), epochs=epochs, optimizer=optimizer(name),
                             divergence_loss=DIVERGED_ABOVE, evals_per_epoch=EVALS_PER_EPOCH,
                             label=f"dying protocol, {name}")
        runs[name] = OptimizerRuns(name, rates, run)
    return runs


def silenced_relu_run(seeds: tuple[int, ...], epochs: int, units: int, rate: float) -> TrainingRun:
    """ReLU under plain SGD with the first `units` first-layer units silenced at the start: on fixed inputs
    they get zero gradient, so none can come back (a control by construction)."""
    return train_variants(digits(), [Variant(RELU, rate)], seeds=list(seeds), epochs=epochs, optimizer=optimizer("SGD"),
                          divergence_loss=DIVERGED_ABOVE, evals_per_epoch=EVALS_PER_EPOCH,
                          adjust_initial=lambda w: silence_first_layer_units(w, digits().x_train, units),
                          label="dying protocol, silenced first-layer units")


def last_sane_evaluation(run: TrainingRun) -> np.ndarray:
    """[V, S]: the index of each model's last evaluation before it diverged (its last one if it never did).
    An evaluation at step e used the weights after e updates; the batch that first diverged was computed
    with the weights after `diverged_step` updates, so evaluations strictly before it are sane."""
    finite = np.isfinite(run.train_loss) & (run.train_loss <= DIVERGED_ABOVE)  # [V, S, E]
    before = np.where(run.diverged[..., None], run.eval_steps[None, None, :] < run.diverged_step[..., None], True)
    sane = finite & before
    sane[..., 0] = True  # the initial weights are sane by construction
    return sane.shape[-1] - 1 - np.argmax(sane[..., ::-1], axis=-1)


def _at(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """values [V, S, E, ...] taken at index [V, S] along E."""
    return np.take_along_axis(values, index[:, :, None, None, None], axis=2)[:, :, 0]


def died_in_training(run: TrainingRun) -> np.ndarray:
    """[V, S, L, W] bool: units alive at step 0 (active on some training input) and silent (pre-activation
    <= 0 on every training input) at the model's last sane evaluation."""
    alive_at_start = run.active_share[:, :, 0] > 0
    return alive_at_start & (_at(run.active_share, last_sane_evaluation(run)) == 0)


def died_share(run: TrainingRun) -> np.ndarray:
    """[V, S]: share of all hidden units that died in training."""
    return died_in_training(run).mean(axis=(-2, -1))


def worst_layer_died_share(run: TrainingRun) -> np.ndarray:
    """[V, S]: the largest share of any one hidden layer's units that died in training."""
    return died_in_training(run).mean(axis=-1).max(axis=-1)


def dead_at_start_share(run: TrainingRun) -> np.ndarray:
    """[V, S]: share of hidden units silent on every training input at initialization."""
    return (run.active_share[:, :, 0] == 0).mean(axis=(-2, -1))


@dataclass(frozen=True)
class Fates:
    """Units followed from the first evaluation (after step 0, before the model's last sane one) at which
    they were silent on every training input, having been alive at step 0; [V, S] counts."""

    followed: np.ndarray
    stayed_silent: np.ndarray

    def stayed_share(self) -> np.ndarray:
        """[V, S]: share of followed units silent at every later sane evaluation (NaN with none followed)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.followed > 0, self.stayed_silent / np.maximum(self.followed, 1), np.nan)


def unit_fates(run: TrainingRun, layers=None, *, silent_from_start: bool = False) -> Fates:
    """Follow every unit of `layers` (default: all hidden layers) that went silent during training, or with
    `silent_from_start`, every unit silent at step 0 (those an intervention silenced)."""
    silent = run.active_share == 0  # [V, S, E, L, W]
    if layers is not None:
        silent = silent[..., list(layers), :]
    last = last_sane_evaluation(run)
    evaluations = np.arange(silent.shape[2])
    within = evaluations[None, None, :] <= last[..., None]  # [V, S, E]
    # A unit is followed when it is silent at some evaluation 1 <= e < last (e = 0 with silent_from_start);
    # it stayed silent when it is silent at every sane evaluation from the first such e on.
    start = 0 if silent_from_start else 1
    candidate = silent & (evaluations[None, None, :, None, None] >= start) & \
        (evaluations[None, None, :, None, None] < last[..., None, None, None])
    eligible = silent[:, :, 0] if silent_from_start else ~silent[:, :, 0]
    followed = eligible & candidate.any(axis=2)
    first = np.argmax(candidate, axis=2)  # [V, S, L, W]
    after_first = evaluations[None, None, :, None, None] >= first[:, :, None]
    relevant = after_first & within[..., None, None]
    stayed = followed & np.all(silent | ~relevant, axis=2)
    return Fates(followed=followed.sum(axis=(-2, -1)), stayed_silent=stayed.sum(axis=(-2, -1)))
