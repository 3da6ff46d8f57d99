"""Distribution decisions: does a sample come from a stated law, and is its variance the stated one?"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from verdicts.power import ks_detectable_distance
from verdicts.record import INCONCLUSIVE, REFUTED, SUPPORTED, Verdict, equivalence


def fits_law_by_ks(samples, law, *, alpha: float, beta: float, min_effect: float, law_name: str) -> Verdict:
    """One-sample Kolmogorov-Smirnov test of `samples` against the frozen scipy distribution `law`.

    Rejection refutes the law. Non-rejection supports it only when the sample was large enough to
    detect a CDF sup-distance of `min_effect` with power 1 - beta (DKW); otherwise it is inconclusive.
    """
    x = np.asarray(samples, dtype=float).ravel()
    result = stats.ks_1samp(x, law.cdf)
    detectable = ks_detectable_distance(x.size, alpha, beta)
    if result.pvalue < alpha:
        decision = REFUTED
    elif detectable <= min_effect:
        decision = SUPPORTED
    else:
        decision = INCONCLUSIVE
    # DKW band: the true CDF's sup-distance from the law lies within D ± eps with probability 1 - alpha.
    eps = math.sqrt(math.log(2 / alpha) / (2 * x.size))
    return Verdict(
        decision=decision, test=f"Kolmogorov-Smirnov goodness of fit to {law_name}",
        statistic_name="D", statistic=float(result.statistic), p_value=float(result.pvalue),
        alpha=alpha, beta=beta, effect_name="CDF sup-distance", effect=float(result.statistic),
        ci_low=float(max(0.0, result.statistic - eps)), ci_high=float(min(1.0, result.statistic + eps)),
        ci_level=1 - alpha, n=x.size, min_effect=min_effect, detectable_effect=detectable,
    )


def variance_interval(samples, *, alpha: float, kurtosis: float | None = None) -> tuple[float, float, float]:
    """Sample variance with a two-sided (1 - 2 alpha) interval.

    With `kurtosis` (the law's, non-excess: 3 for the normal, 1.8 for the uniform) the interval uses
    Var(s²) ≈ σ⁴ (kurtosis - 1 + 2/(n-1)) / n, which is right for non-normal laws where the
    chi-square interval is not; without it, the chi-square interval for normal data.
    """
    x = np.asarray(samples, dtype=float).ravel()
    n = x.size
    s2 = float(x.var(ddof=1))
    if kurtosis is None:
        low = (n - 1) * s2 / stats.chi2.ppf(1 - alpha, n - 1)
        high = (n - 1) * s2 / stats.chi2.ppf(alpha, n - 1)
        return s2, float(low), float(high)
    # On the log scale the interval is close to symmetric and never negative.
    se_log = math.sqrt((kurtosis - 1 + 2 / (n - 1)) / n)
    z = stats.norm.ppf(1 - alpha)
    return s2, s2 * math.exp(-z * se_log), s2 * math.exp(z * se_log)


def variance_equivalent_by_ci(samples, *, target: float, rel_margin: float, alpha: float, beta: float,
                              kurtosis: float | None = None) -> Verdict:
    """Equivalence of the variance to `target` within a relative margin, on the log ratio:
    supported when the interval of s²/target lies in [1/(1+m), 1+m], refuted when outside it."""
    s2, low, high = variance_interval(samples, alpha=alpha, kurtosis=kurtosis)
    n = np.asarray(samples).size
    log_margin = math.log1p(rel_margin)
    log_low, log_high = math.log(low / target), math.log(high / target)
    decision = equivalence(log_low, log_high, -log_margin, log_margin)
    se_log = (log_high - log_low) / (2 * stats.norm.ppf(1 - alpha))
    detectable = math.expm1(log_margin - (stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta / 2)) * se_log)
    return Verdict(
        decision=decision, test="variance interval against a target (log-ratio equivalence)",
        statistic_name="s²", statistic=s2, p_value=None, alpha=alpha, beta=beta,
        effect_name="variance ratio s²/target", effect=s2 / target, ci_low=low / target,
        ci_high=high / target, ci_level=1 - 2 * alpha, n=n, min_effect=rel_margin,
        detectable_effect=float(detectable),
        notes=(f"target variance {target:.6g}, margin ×(1 ± {rel_margin:g})",
               "interval from the law's kurtosis" if kurtosis else "chi-square interval (normal data)"),
    )
