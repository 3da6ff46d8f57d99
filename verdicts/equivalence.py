"""Equivalence decisions: a quantity equals a target up to a margin that is fixed in advance.

Two one-sided tests (TOST, Schuirmann 1987): equivalence is supported when the (1 - 2 alpha) interval
lies inside the margins, refuted when it lies entirely outside them.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from verdicts.power import detectable_shift
from verdicts.record import Verdict, equivalence


def mean_equivalent_by_tost(values, *, target: float, margin: float, alpha: float, beta: float) -> Verdict:
    """TOST that the mean of `values` lies within `target` ± `margin`."""
    x = np.asarray(values, dtype=float).ravel()
    n = x.size
    se = x.std(ddof=1) / np.sqrt(n)
    diff = x.mean() - target
    t_crit = stats.t.ppf(1 - alpha, n - 1)
    low, high = diff - t_crit * se, diff + t_crit * se
    p_lower = stats.t.sf((diff + margin) / se, n - 1) if se > 0 else float(abs(diff) >= margin)
    p_upper = stats.t.cdf((diff - margin) / se, n - 1) if se > 0 else float(abs(diff) >= margin)
    t_stat = (abs(diff) - margin) / se if se > 0 else -np.inf
    return Verdict(
        decision=equivalence(low, high, -margin, margin), test="TOST equivalence of a mean",
        statistic_name="t (|diff| - margin)/se", statistic=float(t_stat),
        p_value=float(max(p_lower, p_upper)), alpha=alpha, beta=beta,
        effect_name=f"mean - {target:g}", effect=float(diff), ci_low=float(low), ci_high=float(high),
        ci_level=1 - 2 * alpha, n=n, min_effect=margin,
        # TOST has power 1 - beta when the true difference is at most this far inside the margin.
        detectable_effect=float(margin - detectable_shift(se, n - 1, alpha, beta / 2)),
        notes=(f"equivalence margin ±{margin:g} around {target:g}",),
    )


def slope_equivalent_by_tost(x, y, *, target: float, margin: float, alpha: float, beta: float) -> Verdict:
    """TOST that the least-squares slope of `y` on `x` lies within `target` ± `margin`."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fit = stats.linregress(x, y)
    n = x.size
    t_crit = stats.t.ppf(1 - alpha, n - 2)
    diff = fit.slope - target
    low, high = diff - t_crit * fit.stderr, diff + t_crit * fit.stderr
    se = max(fit.stderr, np.finfo(float).tiny)
    p = max(stats.t.sf((diff + margin) / se, n - 2), stats.t.cdf((diff - margin) / se, n - 2))
    return Verdict(
        decision=equivalence(low, high, -margin, margin), test="TOST equivalence of a regression slope",
        statistic_name="slope", statistic=float(fit.slope), p_value=float(p), alpha=alpha, beta=beta,
        effect_name=f"slope - {target:g}", effect=float(diff), ci_low=float(low), ci_high=float(high),
        ci_level=1 - 2 * alpha, n=n, min_effect=margin,
        detectable_effect=float(margin - detectable_shift(fit.stderr, n - 2, alpha, beta / 2)),
        notes=(f"equivalence margin ±{margin:g} around slope {target:g}",),
    )
