"""Ratio decisions: is A larger than B by a factor, e.g. ELU's time per call against ReLU's?

The effect is the ratio of medians with a percentile bootstrap interval; the test is one-sided
Mann-Whitney on the raw samples, so a few outliers (a timer hiccup) move neither much.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from verdicts.record import Verdict, one_sided


def _median_ratio(a, b, axis=-1):
    return np.median(a, axis=axis) / np.median(b, axis=axis)


def ratio_greater_by_bootstrap(numerator, denominator, *, alpha: float, beta: float, min_effect: float,
                               seed: int = 0) -> Verdict:
    """Supported when `numerator` is significantly larger than `denominator` (rank test) and the
    ratio's interval lies above 1; refuted when the interval's upper end is below 1 + `min_effect`
    (any excess is smaller than what matters); inconclusive otherwise."""
    a = np.asarray(numerator, dtype=float).ravel()
    b = np.asarray(denominator, dtype=float).ravel()
    test = stats.mannwhitneyu(a, b, alternative="greater")
    boot = stats.bootstrap((a, b), _median_ratio, confidence_level=1 - 2 * alpha, method="percentile",
                           n_resamples=2000, rng=np.random.default_rng(seed), vectorized=True)
    low, high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    decision = one_sided(test.pvalue < alpha and low > 1, high, 1 + min_effect)
    half_width = (high - low) / 2
    detectable = half_width * (stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) / stats.norm.ppf(1 - alpha)
    return Verdict(
        decision=decision, test="one-sided Mann-Whitney U with bootstrap ratio of medians",
        statistic_name="U", statistic=float(test.statistic), p_value=float(test.pvalue), alpha=alpha,
        beta=beta, effect_name="ratio of medians", effect=float(_median_ratio(a, b)), ci_low=low,
        ci_high=high, ci_level=1 - 2 * alpha, n=a.size + b.size, min_effect=min_effect,
        detectable_effect=float(detectable),
        notes=(f"ratio excess that matters: {min_effect:.0%}",),
    )
