"""Group-sequential decisions: draw a claim's sample in stages and stop at the first stage that decides.

Stage k of K decides on the first n_k samples (information fraction t_k = n_k / n_K) at level
alpha_k = A(t_k) - A(t_k-1), where A is the Lan-DeMets spending function of O'Brien-Fleming type,
A(t) = 2 - 2 Phi(z_(1 - alpha/2) / sqrt(t)), A(1) = alpha (Lan & DeMets 1983, Biometrika 70, 659-663).
Sampling stops at the first stage whose verdict is decided (supported, negligible or refuted); the last
stage's verdict stands whatever it is.

Why the error rates hold for any decision: a run ends on a wrong conclusion (a false support, a false
refutation, a false "negligible") only if some stage's level-alpha_k decision was wrong in that way, so its
probability is at most the sum of the stage levels, A(1) = alpha (Bonferroni over stages). This ignores the
positive correlation between stages, which exact boundaries would use to leave the last stage a little more
(2 stages at half the sample decide at 0.0056 then 0.0444 here), but it needs no normal approximation of
the statistic: it holds for any decision that keeps its own level at each stage's alpha_k and size, as t
tests, Fieller intervals and exact rank p-values do. It does not hold for an interval read off a bootstrap
with too few resamples for alpha_k (a percentile at 0.0056 of 2000 resamples rests on 11 of them): such a
decision (the Hodges-Lehmann intervals of verdicts.location) is not staged unless it resamples at least
20 / alpha_k times. O'Brien-Fleming's shape spends almost nothing early: a claim far from its margin stops
at the first stage, one near it keeps nearly all of alpha for the full sample.

A stage stops on "supported" too, which includes a non-rejection (the effect not shown below its margin): a
later stage might have shown it negligible. That is the one-shot design's reading at that stage's level,
and the claims staged so far sit far above their margins.

Power: the last stage decides at alpha_K < alpha, so what it can detect is a little more than the one-shot
design's; its record says so (its `detectable_effect` is computed at alpha_K). Stopping early never changes
a decision's direction: a stage that decides is itself a level-alpha_k test.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats

from verdicts.record import INCONCLUSIVE, Verdict

OBRIEN_FLEMING = "O'Brien-Fleming"
POCOCK = "Pocock"
SPENDINGS = (OBRIEN_FLEMING, POCOCK)


def spent(alpha: float, fraction: float, spending: str = OBRIEN_FLEMING) -> float:
    """The alpha spent by information fraction t in (0, 1]: A(t), with A(1) = alpha.

    O'Brien-Fleming type: 2 - 2 Phi(z_(1 - alpha/2) / sqrt(t)); Pocock type: alpha ln(1 + (e - 1) t)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"an information fraction lies in (0, 1], not {fraction}")
    if spending == OBRIEN_FLEMING:
        return float(2 * stats.norm.sf(stats.norm.isf(alpha / 2) / math.sqrt(fraction)))
    if spending == POCOCK:
        return float(alpha * math.log(1 + (math.e - 1) * fraction))
    raise ValueError(f"spending must be one of {SPENDINGS}, not {spending!r}")


def stage_levels(alpha: float, sizes: Sequence[int], spending: str = OBRIEN_FLEMING) -> tuple[float, ...]:
    """Each stage's level: what the spending function spends between the stage before and this one."""
    sizes = tuple(int(n) for n in sizes)
    if not sizes or any(n <= 0 for n in sizes) or list(sizes) != sorted(set(sizes)):
        raise ValueError(f"stage sizes must be positive and increasing, not {sizes}")
    cumulative = [spent(alpha, n / sizes[-1], spending) for n in sizes]
    return tuple(now - before for before, now in zip([0.0, *cumulative[:-1]], cumulative))


def decide_in_stages(decide: Callable[[int, float], Verdict], sizes: Sequence[int], *, alpha: float,
                     spending: str = OBRIEN_FLEMING) -> Verdict:
    """`decide(n, level)`: the claim's decision on its first n samples at `level` (measuring only what it has
    not measured yet). Returns the first decided stage's verdict (else the last stage's), noting the stage,
    the samples used and the spending, and recording them in `stage`."""
    sizes = tuple(int(n) for n in sizes)
    levels = stage_levels(alpha, sizes, spending)
    for index, (n, level) in enumerate(zip(sizes, levels)):
        verdict = decide(n, level)
        last = index == len(sizes) - 1
        if verdict.decision != INCONCLUSIVE or last:
            stage = {"stage": index + 1, "stages": len(sizes), "n": n, "n_planned": sizes[-1],
                     "sizes": list(sizes), "levels": list(levels), "spending": spending, "alpha": alpha}
            return verdict.at_stage(stage).noting(
                f"group-sequential ({spending} spending of alpha = {alpha:g} over stages of "
                f"{', '.join(map(str, sizes))}): stopped at stage {index + 1} of {len(sizes)}, "
                f"{'decided' if verdict.decision != INCONCLUSIVE else 'the last stage'} at level {level:.3g} "
                f"on {n} of {sizes[-1]} samples")
    raise AssertionError("unreachable: the last stage always returns")


class StagedSample:
    """A sample measured in stages: `measure(start, stop)` measures samples start..stop-1 (each seeded by its
    own index, so a sample is the same whichever stage measures it) and returns a tuple of arrays, samples
    along axis 0. `first(n)` gives the first n, measuring only those not measured yet."""

    def __init__(self, measure: Callable[[int, int], tuple]):
        self._measure = measure
        self._parts: list[tuple] = []
        self.measured = 0

    def first(self, n: int) -> tuple:
        if n > self.measured:
            self._parts.append(tuple(np.asarray(a) for a in self._measure(self.measured, n)))
            self.measured = n
        joined = tuple(np.concatenate(arrays, axis=0) for arrays in zip(*self._parts))
        return tuple(a[:n] for a in joined)
