"""Counterfactual decisions: does a change remove more than a stated share of an effect?

The share removed is 1 - mean(counterfactual) / mean(baseline), from two independent samples (e.g. the
per-draw gradient decay of a baseline network and of one with a single cause changed). Its interval is
Fieller's (1954) for a ratio of means, which stays right when the counterfactual mean is near zero,
where the delta method is not.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED, Verdict


def _fieller_ratio_interval(m_cf, v_cf, m_base, v_base, t):
    """Interval of rho = mu_cf / mu_base: {rho : (m_cf - rho m_base)^2 <= t^2 (v_cf + rho^2 v_base)},
    or None when the baseline mean is not itself significantly nonzero (the set is unbounded)."""
    a = m_base**2 - t**2 * v_base
    if a <= 0:
        return None
    b = m_cf * m_base
    c = m_cf**2 - t**2 * v_cf
    root = math.sqrt(max(b * b - a * c, 0.0))
    return (b - root) / a, (b + root) / a


def share_removed_by_fieller(baseline, counterfactual, *, share: float, alpha: float, beta: float) -> Verdict:
    """Supported when the (1 - 2 alpha) interval of the share removed lies above `share`, refuted when it
    lies below, inconclusive otherwise (including a baseline effect indistinguishable from zero)."""
    base = np.asarray(baseline, dtype=float).ravel()
    cf = np.asarray(counterfactual, dtype=float).ravel()
    if not (np.all(np.isfinite(base)) and np.all(np.isfinite(cf))):
        raise ValueError("baseline and counterfactual must be finite")
    m_base, m_cf = base.mean(), cf.mean()
    v_base, v_cf = base.var(ddof=1) / base.size, cf.var(ddof=1) / cf.size
    df = min(base.size, cf.size) - 1
    t = stats.t.ppf(1 - alpha, df)
    ratio = m_cf / m_base
    interval = _fieller_ratio_interval(m_cf, v_cf, m_base, v_base, t)
    low, high = (-math.inf, math.inf) if interval is None else (1 - interval[1], 1 - interval[0])
    # Support needs the share shown above the claimed one; a share shown above 0 but below it is a part,
    # smaller than claimed: negligible.
    if low > share:
        decision = SUPPORTED
    elif high < share:
        decision = NEGLIGIBLE if low > 0 else REFUTED
    else:
        decision = INCONCLUSIVE
    # One-sided test of H0: share removed <= `share`, i.e. mu_cf >= (1 - share) mu_base (baseline > 0).
    rho0 = 1 - share
    se0 = math.sqrt(v_cf + rho0**2 * v_base)
    statistic = (m_cf - rho0 * m_base) / se0 * math.copysign(1.0, m_base)
    se_share = math.sqrt(v_cf + ratio**2 * v_base) / abs(m_base)
    return Verdict(
        decision=decision, test="share of an effect removed, Fieller interval for a ratio of means",
        statistic_name="t (cf - (1 - share) baseline)", statistic=float(statistic),
        p_value=float(stats.t.cdf(statistic, df)), alpha=alpha, beta=beta, effect_name="share removed",
        effect=float(1 - ratio), ci_low=float(low), ci_high=float(high), ci_level=1 - 2 * alpha,
        n=base.size + cf.size, min_effect=share,
        detectable_effect=float((stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) * se_share),
        notes=(f"baseline mean {m_base:.4g}, counterfactual mean {m_cf:.4g}; threshold share {share:g}",),
    )
