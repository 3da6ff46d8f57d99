"""Location decisions: is one quantity larger than another, or different from it?

One-sided claims ("ELU's validation loss is lower than ReLU's") use `three_way`: supported when the
effect is significantly positive, refuted when its upper bound lies below the smallest effect that
matters, inconclusive otherwise. Rank tests report the Hodges-Lehmann shift with a bootstrap interval.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from verdicts.power import detectable_shift, rank_detectable_shift
from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED, Verdict, one_sided, three_way


def _as_array(values) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size < 2 or not np.all(np.isfinite(array)):
        raise ValueError(f"need at least two finite values, got {array.size} with non-finite ones "
                         f"{int(np.sum(~np.isfinite(array)))}")
    return array


def mean_greater_by_t(values, *, alpha: float, beta: float, min_effect: float, null: float = 0.0) -> Verdict:
    """One-sample (or paired, on differences) t-test that the mean of `values` exceeds `null`."""
    x = _as_array(values) - null
    n = x.size
    se = x.std(ddof=1) / np.sqrt(n)
    if se > 0:
        result = stats.ttest_1samp(x, 0.0, alternative="greater")
        statistic, p_value = float(result.statistic), float(result.pvalue)
    else:  # every value equal (a control that is 0 by construction): the mean is known exactly
        statistic = float(np.sign(x.mean()) * np.inf) if x.mean() != 0 else 0.0
        p_value = 0.0 if x.mean() > 0 else 1.0
    t_crit = stats.t.ppf(1 - alpha, n - 1)
    low, high = x.mean() - t_crit * se, x.mean() + t_crit * se
    return Verdict(
        decision=three_way(low, high, min_effect), test="one-sided one-sample t-test",
        statistic_name="t", statistic=statistic, p_value=p_value,
        alpha=alpha, beta=beta, effect_name=f"mean - {null:g}", effect=float(x.mean()),
        ci_low=float(low), ci_high=float(high), ci_level=1 - 2 * alpha, n=n, min_effect=min_effect,
        detectable_effect=detectable_shift(se, n - 1, alpha, beta),
    )


def mean_greater_by_welch(treated, control, *, alpha: float, beta: float, min_effect: float) -> Verdict:
    """Welch's two-sample t-test that mean(treated) exceeds mean(control)."""
    a, b = _as_array(treated), _as_array(control)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else a.size + b.size - 2
    result = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    diff = a.mean() - b.mean()
    t_crit = stats.t.ppf(1 - alpha, df)
    low, high = diff - t_crit * se, diff + t_crit * se
    return Verdict(
        decision=three_way(low, high, min_effect), test="one-sided Welch t-test",
        statistic_name="t", statistic=float(result.statistic), p_value=float(result.pvalue),
        alpha=alpha, beta=beta, effect_name="difference of means", effect=float(diff),
        ci_low=float(low), ci_high=float(high), ci_level=1 - 2 * alpha, n=a.size + b.size,
        min_effect=min_effect, detectable_effect=detectable_shift(se, df, alpha, beta),
    )


def mean_differs_by_t(values, *, alpha: float, beta: float, min_effect: float, null: float = 0.0) -> Verdict:
    """Two-sided one-sample t-test: supported when the mean differs from `null`, refuted when the
    interval shows |mean - null| below `min_effect`."""
    x = _as_array(values) - null
    n = x.size
    se = x.std(ddof=1) / np.sqrt(n)
    result = stats.ttest_1samp(x, 0.0)
    t_crit = stats.t.ppf(1 - alpha / 2, n - 1)
    low, high = x.mean() - t_crit * se, x.mean() + t_crit * se
    shown, small = low > 0 or high < 0, -min_effect < low and high < min_effect
    if small:
        decision = NEGLIGIBLE if shown else REFUTED
    else:
        decision = SUPPORTED if shown else INCONCLUSIVE
    return Verdict(
        decision=decision, test="two-sided one-sample t-test", statistic_name="t",
        statistic=float(result.statistic), p_value=float(result.pvalue), alpha=alpha, beta=beta,
        effect_name=f"mean - {null:g}", effect=float(x.mean()), ci_low=float(low), ci_high=float(high),
        ci_level=1 - alpha, n=n, min_effect=min_effect,
        detectable_effect=detectable_shift(se, n - 1, alpha / 2, beta),
    )


def _hodges_lehmann_interval(statistic, samples, alpha: float, seed: int):
    boot = stats.bootstrap(samples, statistic, confidence_level=1 - 2 * alpha, vectorized=False,
                           method="percentile", n_resamples=2000, rng=np.random.default_rng(seed))
    return float(boot.confidence_interval.low), float(boot.confidence_interval.high)


def _shift_two_sample(a, b):
    return float(np.median(np.subtract.outer(a, b)))


def hodges_lehmann_paired(differences) -> float:
    """The Hodges-Lehmann estimate of paired differences' centre (the median of the Walsh averages): the
    effect `shift_greater_by_wilcoxon` reports, without its test or its bootstrap interval."""
    d = np.asarray(differences, dtype=float).ravel()
    walsh = np.add.outer(d, d)[np.triu_indices(d.size)] / 2
    return float(np.median(walsh))


def shift_greater_by_mann_whitney(treated, control, *, alpha: float, beta: float, min_effect: float,
                                  seed: int = 0) -> Verdict:
    """Mann-Whitney U that `treated` tends to exceed `control`; effect: Hodges-Lehmann shift."""
    a, b = _as_array(treated), _as_array(control)
    result = stats.mannwhitneyu(a, b, alternative="greater")
    low, high = _hodges_lehmann_interval(_shift_two_sample, (a, b), alpha, seed)
    decision = _rank_decision(result.pvalue, alpha, high, min_effect)
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return Verdict(
        decision=decision, test="one-sided Mann-Whitney U test", statistic_name="U",
        statistic=float(result.statistic), p_value=float(result.pvalue), alpha=alpha, beta=beta,
        effect_name="Hodges-Lehmann shift", effect=_shift_two_sample(a, b), ci_low=low, ci_high=high,
        ci_level=1 - 2 * alpha, n=a.size + b.size, min_effect=min_effect,
        detectable_effect=rank_detectable_shift(se, alpha, beta),
    )


def shift_greater_by_wilcoxon(differences, *, alpha: float, beta: float, min_effect: float,
                              seed: int = 0) -> Verdict:
    """Wilcoxon signed-rank test that paired `differences` are centred above 0."""
    d = _as_array(differences)
    result = stats.wilcoxon(d, alternative="greater")
    low, high = _hodges_lehmann_interval(hodges_lehmann_paired, (d,), alpha, seed)
    decision = _rank_decision(result.pvalue, alpha, high, min_effect)
    return Verdict(
        decision=decision, test="one-sided Wilcoxon signed-rank test", statistic_name="W",
        statistic=float(result.statistic), p_value=float(result.pvalue), alpha=alpha, beta=beta,
        effect_name="Hodges-Lehmann median difference", effect=hodges_lehmann_paired(d), ci_low=low,
        ci_high=high, ci_level=1 - 2 * alpha, n=d.size, min_effect=min_effect,
        detectable_effect=rank_detectable_shift(d.std(ddof=1) / np.sqrt(d.size), alpha, beta),
    )


def _rank_decision(p_value: float, alpha: float, upper: float, min_effect: float) -> str:
    return one_sided(p_value < alpha, upper, min_effect)
