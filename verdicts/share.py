"""Counterfactual decisions: does a change remove more than a stated share of an effect?

`each_cause_a_part` decides "A and B were each part of the reason" from a 2 x 2 design by each cause's
Shapley share (`shapley_share_by_fieller`), so an interaction between the causes is split evenly rather
than credited to whichever change is made first.

The share removed is 1 - mean(counterfactual) / mean(baseline), from two independent samples (e.g. the
per-draw gradient decay of a baseline network and of one with a single cause changed). Its interval is
Fieller's (1954) for a ratio of means, which stays right when the counterfactual mean is near zero,
where the delta method is not.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np
from scipy import stats

from verdicts.family import every_part_holds
from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED, Verdict


def _fieller_ratio_interval(m_cf, v_cf, m_base, v_base, t, cov=0.0):
    """Interval of rho = mu_cf / mu_base: {rho : (m_cf - rho m_base)^2 <= t^2 (v_cf - 2 rho cov + rho^2 v_base)},
    `cov` the covariance of the two means (0 for independent samples), or None when the baseline mean is not
    itself significantly nonzero (the set is unbounded)."""
    a = m_base**2 - t**2 * v_base
    if a <= 0:
        return None
    b = m_cf * m_base - t**2 * cov
    c = m_cf**2 - t**2 * v_cf
    root = math.sqrt(max(b * b - a * c, 0.0))
    return (b - root) / a, (b + root) / a


def _share_decision(low: float, high: float, share: float) -> str:
    """Support needs the share shown above the claimed one; a share shown above 0 but below it is a part,
    smaller than claimed: negligible; shown below it and not above 0: refuted."""
    if low > share:
        return SUPPORTED
    if high < share:
        return NEGLIGIBLE if low > 0 else REFUTED
    return INCONCLUSIVE


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
    decision = _share_decision(low, high, share)
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


def _cell_moments(cells: Mapping[tuple[bool, bool], object]):
    arrays = {key: np.asarray(values, dtype=float).ravel() for key, values in cells.items()}
    if set(arrays) != {(False, False), (False, True), (True, False), (True, True)}:
        raise ValueError("cells are keyed (first cause changed, second cause changed), all four")
    if not all(np.all(np.isfinite(a)) and a.size >= 2 for a in arrays.values()):
        raise ValueError("every cell needs at least two finite values")
    means = {key: a.mean() for key, a in arrays.items()}
    variances = {key: a.var(ddof=1) / a.size for key, a in arrays.items()}
    return arrays, means, variances


def shapley_share_by_fieller(cells: Mapping[tuple[bool, bool], object], *, cause: int, share: float, alpha: float,
                             beta: float) -> Verdict:
    """The share of the baseline effect that one of two causes accounts for, split fairly where they interact.

    `cells[(a, b)]` holds independent draws of the effect with the first cause changed (a) and the second
    changed (b); the baseline is (False, False). Cause `cause` (0 or 1)'s Shapley share is the effect its
    change removes, averaged over the two orders in which the changes can be made, over the baseline mean:
    theta = (1/2)[(m00 - m_c) + (m_o - m_11)] / m00, with m_c the cell where only this cause changed and
    m_o the one where only the other did. Fieller interval for the ratio (numerator and denominator share
    the baseline mean, so their covariance enters); supported when it lies above `share`, negligible when it
    lies between 0 and `share`, refuted when below `share` and not above 0, inconclusive otherwise.
    """
    arrays, m, v = _cell_moments(cells)
    alone, other = ((True, False), (False, True)) if cause == 0 else ((False, True), (True, False))
    base, both = (False, False), (True, True)
    weights = {base: 0.5, alone: -0.5, other: 0.5, both: -0.5}
    numerator = sum(w * m[key] for key, w in weights.items())
    v_num = sum(w**2 * v[key] for key, w in weights.items())
    cov = weights[base] * v[base]
    denominator, v_den = m[base], v[base]
    df = min(a.size for a in arrays.values()) - 1
    t = stats.t.ppf(1 - alpha, df)
    theta = numerator / denominator
    interval = _fieller_ratio_interval(numerator, v_num, denominator, v_den, t, cov=cov)
    low, high = (-math.inf, math.inf) if interval is None else interval  # None: the baseline is not told from 0
    decision = _share_decision(low, high, share)
    se0 = math.sqrt(max(v_num - 2 * share * cov + share**2 * v_den, 1e-300))
    statistic = (numerator - share * denominator) / se0 * math.copysign(1.0, denominator)
    se_theta = math.sqrt(max(v_num - 2 * theta * cov + theta**2 * v_den, 0.0)) / abs(denominator)
    return Verdict(
        decision=decision, test="Shapley share of a two-cause effect, Fieller interval for a ratio of means",
        statistic_name="t (share - threshold)", statistic=float(statistic), p_value=float(stats.t.sf(statistic, df)),
        alpha=alpha, beta=beta, effect_name="Shapley share", effect=float(theta), ci_low=float(low),
        ci_high=float(high), ci_level=1 - 2 * alpha, n=int(sum(x.size for x in arrays.values())), min_effect=share,
        detectable_effect=float((stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) * se_theta),
        notes=(f"cell means: baseline {m[base]:.4g}, this cause alone {m[alone]:.4g}, the other alone "
               f"{m[other]:.4g}, both {m[both]:.4g}; threshold share {share:g}",),
    )


def each_cause_a_part(cells: Mapping[tuple[bool, bool], object], *, causes: tuple[str, str], share: float,
                      alpha: float, beta: float) -> Verdict:
    """Both causes' Shapley shares shown above `share`, at family-wise error rate alpha (Bonferroni)."""
    return every_part_holds({f"{name}: Shapley share": functools.partial(_shapley_at, cells, index, share, beta)
                             for index, name in enumerate(causes)}, alpha=alpha)


def _shapley_at(cells, cause: int, share: float, beta: float, level: float) -> Verdict:
    return shapley_share_by_fieller(cells, cause=cause, share=share, alpha=level, beta=beta)
