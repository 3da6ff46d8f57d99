"""Proportion decisions: does an event happen in more than a stated share of independent runs?"""
from __future__ import annotations

import math

from scipy import stats

from verdicts.record import Verdict, three_way


def proportion_above_by_binomial(successes: int, trials: int, *, share: float, alpha: float, beta: float,
                                 min_effect: float) -> Verdict:
    """Exact one-sided binomial test that the success probability exceeds `share`.
    Effect: the observed share minus `share`, with the Clopper-Pearson (1 - 2 alpha) interval."""
    result = stats.binomtest(successes, trials, share, alternative="greater")
    interval = stats.binomtest(successes, trials, share).proportion_ci(confidence_level=1 - 2 * alpha)
    observed = successes / trials
    low, high = interval.low - share, interval.high - share
    se = math.sqrt(max(share * (1 - share), 1e-12) / trials)
    detectable = (stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) * se
    return Verdict(
        decision=three_way(low, high, min_effect), test="one-sided exact binomial test",
        statistic_name="successes", statistic=float(successes), p_value=float(result.pvalue), alpha=alpha,
        beta=beta, effect_name=f"share - {share:g}", effect=float(observed - share), ci_low=float(low),
        ci_high=float(high), ci_level=1 - 2 * alpha, n=trials, min_effect=min_effect,
        detectable_effect=float(detectable),
    )


def agreement_interval(agreed: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval of a rate from `agreed` of `trials` (a claim's seed agreement)."""
    interval = stats.binomtest(agreed, trials).proportion_ci(confidence_level=confidence)
    return float(interval.low), float(interval.high)
