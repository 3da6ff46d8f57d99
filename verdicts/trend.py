"""Monotone-trend decisions: does a quantity rise along an ordered condition?

Spearman's rho for one series of (condition, value) pairs; Page's L for a predicted order of k
treatments measured in n blocks (seeds), with the mean per-block Spearman correlation as its effect.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from verdicts.record import Verdict, one_sided, three_way


def increasing_by_spearman(conditions, values, *, alpha: float, beta: float, min_effect: float) -> Verdict:
    """One-sided Spearman test that `values` increase with `conditions`; effect rho, Fisher-z interval
    (Bonett & Wright 2000 variance 1.06/(n-3))."""
    x, y = np.asarray(conditions, dtype=float), np.asarray(values, dtype=float)
    n = x.size
    result = stats.spearmanr(x, y, alternative="greater")
    rho = float(np.clip(result.statistic, -0.999999, 0.999999))
    se = math.sqrt(1.06 / (n - 3))
    z = stats.norm.ppf(1 - alpha)
    low, high = math.tanh(math.atanh(rho) - z * se), math.tanh(math.atanh(rho) + z * se)
    detectable = math.tanh((z + stats.norm.ppf(1 - beta)) * se)
    return Verdict(
        decision=three_way(low, high, min_effect), test="one-sided Spearman rank correlation",
        statistic_name="rho", statistic=rho, p_value=float(result.pvalue), alpha=alpha, beta=beta,
        effect_name="Spearman rho", effect=rho, ci_low=low, ci_high=high, ci_level=1 - 2 * alpha,
        n=n, min_effect=min_effect, detectable_effect=float(detectable),
    )


def ordered_by_page(table, *, alpha: float, beta: float, min_effect: float, seed: int = 0) -> Verdict:
    """Page's L test that the columns of `table` (rows: blocks such as seeds) increase left to right.

    Effect: the mean Spearman correlation between each block's ranking and the predicted order, with a
    percentile bootstrap interval over blocks. Refuted when that interval lies below `min_effect`.
    """
    data = np.asarray(table, dtype=float)
    n, k = data.shape
    result = stats.page_trend_test(data)
    ranks = stats.rankdata(data, axis=1)
    order = np.arange(1, k + 1)
    per_block = np.array([stats.spearmanr(order, row).statistic if np.ptp(row) > 0 else 0.0 for row in ranks])
    boot = stats.bootstrap((per_block,), np.mean, confidence_level=1 - 2 * alpha, method="percentile",
                           n_resamples=2000, rng=np.random.default_rng(seed))
    low, high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    decision = one_sided(result.pvalue < alpha, high, min_effect)
    # Under H0 each block's rho has variance 1/(k-1); the mean over n blocks detects this much.
    se = math.sqrt(1 / ((k - 1) * n))
    detectable = (stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) * se
    return Verdict(
        decision=decision, test="Page's L trend test", statistic_name="L", statistic=float(result.statistic),
        p_value=float(result.pvalue), alpha=alpha, beta=beta, effect_name="mean per-block Spearman rho",
        effect=float(per_block.mean()), ci_low=low, ci_high=high, ci_level=1 - 2 * alpha, n=n,
        min_effect=min_effect, detectable_effect=float(detectable),
        notes=(f"{n} blocks × {k} ordered treatments",),
    )
