"""Paired comparisons of runs that can fail, with one rule for a run that diverged.

The rule: a run that fails the way a claim predicts is counted, never dropped. A diverged run (its loss
non-finite, or above the probe's divergence threshold, which the probe reports as NaN) is the worst outcome:
its cost is censored at +inf, above every finite cost, and it ranks last. A run that never reached a target
(steps to target +inf) ranks last in the same way, tied with a diverged one.

Rank-based decisions need only the order, so a censored cost enters them as any cost L above every finite
one would; every statistic here is the same for every L above `CENSORING_FACTOR` times the largest finite
cost, and is reported as its limit: an effect or interval bound that depends on a censored run is +inf or
-inf. Seeds pair the runs: run i of one arm shares its seed (batch order, initial weights) with run i of the
other.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from verdicts.location import mean_greater_by_t, shift_greater_by_wilcoxon
from verdicts.power import rank_detectable_shift
from verdicts.record import Verdict, one_sided

# A censored cost stands in as L = this factor times (1 + the largest finite |cost|). The Walsh averages and
# ranks of paired differences then fall into levels (both finite, one censored, ...) at least L/4 apart, while
# the finite parts span at most 4 (1 + largest |cost|): the order, and so every rank statistic, is the limit's.
CENSORING_FACTOR = 1e6
BOOTSTRAP_RESAMPLES = 2000  # as verdicts.location's Hodges-Lehmann intervals
BATCH_VALUES = 4_000_000  # Walsh averages computed at once (memory, not accuracy)


def censored(costs) -> np.ndarray:
    """Costs (lower is better: a loss, a gap, steps to a target) with every diverged run at +inf.

    NaN marks a diverged run; +inf a run censored already (never reached the target). -inf is no cost."""
    values = np.asarray(costs, dtype=float)
    if np.any(values == -np.inf):
        raise ValueError("a cost of -inf is no outcome of a run")
    return np.where(np.isnan(values), np.inf, values)


def _censored_differences(claimed_lower: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, float]:
    """other - claimed_lower per pair with each censored cost at L, and the magnitude above which a value
    depends on a censored cost (its limit is infinite)."""
    finite = np.concatenate([claimed_lower[np.isfinite(claimed_lower)], other[np.isfinite(other)]])
    scale = 1.0 + (float(np.abs(finite).max()) if finite.size else 0.0)
    stand_in = CENSORING_FACTOR * scale
    differences = np.where(np.isfinite(other), other, stand_in) - np.where(np.isfinite(claimed_lower),
                                                                           claimed_lower, stand_in)
    return differences, 4 * scale


def _limit(value: float, finite_bound: float) -> float:
    return value if abs(value) <= finite_bound else math.copysign(math.inf, value)


def _hodges_lehmann(d: np.ndarray, axis: int = -1) -> np.ndarray:
    """The median of the Walsh averages (d_i + d_j) / 2, i <= j, along `axis` (vectorized over resamples)."""
    d = np.moveaxis(d, axis, -1)
    upper = np.triu_indices(d.shape[-1])
    return np.median((d[..., :, None] + d[..., None, :])[..., upper[0], upper[1]] / 2, axis=-1)


def lower_by_paired_wilcoxon(claimed_lower, other, *, alpha: float, beta: float, min_effect: float,
                             seed: int) -> Verdict:
    """Wilcoxon signed-rank test that `claimed_lower` costs less than `other`, pair by pair, with every
    diverged run counted as the worst outcome (`censored`).

    The effect is the Hodges-Lehmann median of other - claimed_lower, with a percentile bootstrap interval
    over pairs at 1 - 2 alpha (as `verdicts.location.shift_greater_by_wilcoxon`, which decides when no run is
    censored). A pair where both runs are censored is a tie: zero difference, counted half for and half
    against (Wilcoxon's zsplit), not dropped. `detectable_effect` is from the spread of the uncensored pairs.
    """
    a, b = censored(claimed_lower).ravel(), censored(other).ravel()
    if a.shape != b.shape or a.size < 2:
        raise ValueError(f"need the same runs (at least 2) in both arms, got {a.size} and {b.size}")
    if np.isfinite(a).all() and np.isfinite(b).all():
        return shift_greater_by_wilcoxon(b - a, alpha=alpha, beta=beta, min_effect=min_effect, seed=seed)
    d, finite_bound = _censored_differences(a, b)
    result = stats.wilcoxon(d, alternative="greater", zero_method="zsplit")
    boot = stats.bootstrap((d,), _hodges_lehmann, confidence_level=1 - 2 * alpha, vectorized=True,
                           batch=max(1, BATCH_VALUES // d.size**2), method="percentile",
                           n_resamples=BOOTSTRAP_RESAMPLES, rng=np.random.default_rng(seed))
    low = _limit(float(boot.confidence_interval.low), finite_bound)
    high = _limit(float(boot.confidence_interval.high), finite_bound)
    uncensored = b[np.isfinite(a) & np.isfinite(b)] - a[np.isfinite(a) & np.isfinite(b)]
    spread = uncensored.std(ddof=1) / math.sqrt(uncensored.size) if uncensored.size >= 2 else math.inf
    return Verdict(
        decision=one_sided(result.pvalue < alpha, high, min_effect),
        test="one-sided Wilcoxon signed-rank test, diverged runs ranked last", statistic_name="W",
        statistic=float(result.statistic), p_value=float(result.pvalue), alpha=alpha, beta=beta,
        effect_name="Hodges-Lehmann median difference", effect=_limit(float(_hodges_lehmann(d)), finite_bound),
        ci_low=low, ci_high=high, ci_level=1 - 2 * alpha, n=int(d.size), min_effect=min_effect,
        detectable_effect=rank_detectable_shift(spread, alpha, beta) if math.isfinite(spread) else math.inf,
        notes=(f"diverged or censored runs, counted as the worst outcome: {int((~np.isfinite(a)).sum())} of "
               f"{a.size} claimed lower, {int((~np.isfinite(b)).sum())} of {b.size} other",),
    )


def higher_by_paired_t(claimed_higher, other, *, alpha: float, beta: float, min_effect: float,
                       diverged_score: float) -> Verdict:
    """One-sided paired t-test that `claimed_higher` scores above `other` (higher is better: an accuracy),
    pair by pair, with a diverged run (NaN) counted at `diverged_score`, the worst score the metric has (0 for
    an accuracy), never dropped."""
    a, b = np.asarray(claimed_higher, dtype=float).ravel(), np.asarray(other, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"need the same runs in both arms, got {a.size} and {b.size}")
    diverged = np.isnan(a), np.isnan(b)
    scored = np.where(diverged[0], diverged_score, a) - np.where(diverged[1], diverged_score, b)
    verdict = mean_greater_by_t(scored, alpha=alpha, beta=beta, min_effect=min_effect)
    if diverged[0].any() or diverged[1].any():
        verdict = verdict.noting(f"diverged runs scored {diverged_score:g} (the worst score), not dropped: "
                                 f"{int(diverged[0].sum())} of {a.size} claimed higher, "
                                 f"{int(diverged[1].sum())} of {b.size} other")
    return verdict
