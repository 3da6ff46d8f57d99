"""Timing decisions on interleaved rounds, one comparison each: is variant A slower than B, or within a
margin of it? (A speed claim's family of them is `verdicts.timing.time_ratio_family`.)

The speed probes time one sample of every variant per round, their calls shuffled together, so a
burst of load on a shared machine lands on both sides of a comparison in the same round. The
decisions therefore pair the samples by round and work on the log time ratio of each round,
`d = log(a / b)`:

- the test is the one-sided Wilcoxon signed-rank test on `d` (a rank test: a round that a timer
  hiccup or a context switch ruined moves it by one rank, not by its size);
- the effect is the median per-round ratio `exp(median(d))`, with a percentile bootstrap interval
  over rounds at level 1 - 2 alpha, so each bound is a one-sided level-alpha test, as in
  `verdicts.record.three_way`.

A whole model's time also depends on its build (its weights' memory layout, its traced graph), by a
few percent: for model levels the replicates are builds, not rounds (`*_by_builds`: each build pair's
median log ratio over its rounds, then a t-test and t interval over builds).

The bootstrap draws enough resamples that each tail of the interval rests on at least
`MIN_TAIL_RESAMPLES` of them, even at a Bonferroni-split alpha (36,000 at alpha = 0.01 / 18). The
median, not the Hodges-Lehmann estimate, is bootstrapped: HL costs n^2 per resample, too slow for
hundreds of rounds at those resample counts.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from verdicts.record import Verdict, equivalence, three_way, unless_significant

MIN_RESAMPLES = 2000
# Fewest builds a decision over builds accepts: a t interval needs a spread, and 2 builds give 1 df.
MIN_BUILDS = 3
MIN_TAIL_RESAMPLES = 20
# Bootstrap resamples are processed in chunks of about this many values (memory, not accuracy).
CHUNK_VALUES = 4_000_000


def paired_log_ratios(numerator, denominator) -> np.ndarray:
    """log(a_r / b_r) for each round r; both sides must hold one positive, finite time per round."""
    a = np.asarray(numerator, dtype=float).ravel()
    b = np.asarray(denominator, dtype=float).ravel()
    if a.shape != b.shape or a.size < 5:
        raise ValueError(f"need the same rounds (at least 5) on both sides, got {a.size} and {b.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b)) and np.all(a > 0) and np.all(b > 0)):
        raise ValueError("times must be positive and finite")
    return np.log(a) - np.log(b)


def _bootstrap_log_ratio(d: np.ndarray, alpha: float, seed: int) -> tuple[float, float, float]:
    """Percentile interval (1 - 2 alpha) of median(d) over rounds resampled with replacement, and its SD."""
    resamples = max(MIN_RESAMPLES, math.ceil(MIN_TAIL_RESAMPLES / alpha))
    rng = np.random.default_rng(seed)
    chunk = max(1, CHUNK_VALUES // d.size)
    estimates = np.concatenate([
        np.median(d[rng.integers(0, d.size, (min(chunk, resamples - start), d.size))], axis=1)
        for start in range(0, resamples, chunk)
    ])
    low, high = np.quantile(estimates, [alpha, 1 - alpha])
    return float(low), float(high), float(estimates.std(ddof=1))


def _detectable_excess(log_sd: float, alpha: float, beta: float) -> float:
    """The ratio excess over 1 that a level-alpha test finds with power 1 - beta at this spread."""
    return float(math.expm1((stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)) * log_sd))


def _verdict(decision, test_name, result, d, alpha, beta, min_effect, interval, notes) -> Verdict:
    low, high, log_sd = interval
    return Verdict(
        decision=decision, test=test_name, statistic_name="W", statistic=float(result.statistic),
        p_value=float(result.pvalue), alpha=alpha, beta=beta, effect_name="median per-round time ratio",
        effect=float(np.exp(np.median(d))), ci_low=math.exp(low), ci_high=math.exp(high),
        ci_level=1 - 2 * alpha, n=int(d.size), min_effect=min_effect,
        detectable_effect=_detectable_excess(log_sd, alpha, beta), notes=notes,
    )


def time_ratio_greater_by_rounds(slower, faster, *, alpha: float, beta: float, min_effect: float,
                                 seed: int = 0) -> Verdict:
    """The claim "`slower` takes more time than `faster`, by a ratio excess that matters".

    Supported when the signed-rank test finds the round ratios above 1 (p < alpha) and the interval's
    lower end is above 1; refuted when the interval's upper end is below 1 + `min_effect` (any excess is
    smaller than what matters, including none or the reverse); inconclusive otherwise.
    """
    d = paired_log_ratios(slower, faster)
    result = stats.wilcoxon(d, alternative="greater")
    interval = _bootstrap_log_ratio(d, alpha, seed)
    decision = unless_significant(three_way(interval[0], interval[1], math.log1p(min_effect)),
                                  result.pvalue < alpha)
    return _verdict(decision, "one-sided Wilcoxon signed-rank on per-round log time ratios", result, d,
                    alpha, beta, min_effect, interval, (f"ratio excess that matters: {min_effect:.0%}",))


def time_ratio_within_margin_by_rounds(candidate, rival, *, alpha: float, beta: float, margin: float,
                                       seed: int = 0) -> Verdict:
    """The claim "`candidate` is at most `margin` slower than `rival`" (non-inferiority on time).

    Supported when the signed-rank test finds the round ratios below 1 + `margin` (p < alpha) and the
    interval's upper end is below it; refuted when the interval's lower end is above 1 + `margin`
    (the candidate is shown slower by more than the margin); inconclusive otherwise.
    """
    d = paired_log_ratios(candidate, rival)
    bound = math.log1p(margin)
    result = stats.wilcoxon(d - bound, alternative="less")
    interval = _bootstrap_log_ratio(d, alpha, seed)
    decision = unless_significant(equivalence(interval[0], interval[1], -math.inf, bound), result.pvalue < alpha)
    return _verdict(decision, f"one-sided Wilcoxon signed-rank that the time ratio is below {1 + margin:g}",
                    result, d, alpha, beta, margin, interval, (f"margin: {margin:.0%} slower",))


def build_log_ratios(numerator_builds, denominator_builds) -> np.ndarray:
    """Per build b, the median over its rounds of log(a_b / b_b): one value per independently built pair."""
    if len(numerator_builds) != len(denominator_builds) or len(numerator_builds) < MIN_BUILDS:
        raise ValueError(f"need the same builds (at least {MIN_BUILDS}) on both sides, got "
                         f"{len(numerator_builds)} and {len(denominator_builds)}")
    return np.array([np.median(paired_log_ratios(a, b)) for a, b in zip(numerator_builds, denominator_builds)])


def _over_builds(d: np.ndarray, result, decide, *, alpha: float, beta: float, min_effect: float, test_name: str,
                 notes: tuple[str, ...]) -> Verdict:
    """A decision over builds: the mean log ratio with its Student t interval (1 - 2 alpha), decided by
    `decide(low, high)` on the log scale; support also needs the t-test's p below alpha."""
    n, mean, se = d.size, float(np.mean(d)), float(np.std(d, ddof=1) / math.sqrt(d.size))
    half = stats.t.ppf(1 - alpha, n - 1) * se
    decision = unless_significant(decide(mean - half, mean + half), result.pvalue < alpha)
    return Verdict(
        decision=decision, test=test_name, statistic_name="t", statistic=float(result.statistic),
        p_value=float(result.pvalue), alpha=alpha, beta=beta, effect_name="geometric mean time ratio over builds",
        effect=math.exp(mean), ci_low=math.exp(mean - half), ci_high=math.exp(mean + half), ci_level=1 - 2 * alpha,
        n=n, min_effect=min_effect,
        detectable_effect=float(math.expm1((stats.t.ppf(1 - alpha, n - 1) + stats.t.ppf(1 - beta, n - 1)) * se)),
        notes=notes + (f"{n} builds; per-build ratios {', '.join(f'{math.exp(v):.3f}' for v in d)}",),
    )


def time_ratio_greater_by_builds(slower_builds, faster_builds, *, alpha: float, beta: float,
                                 min_effect: float) -> Verdict:
    """`time_ratio_greater_by_rounds` with builds, not rounds, as the replicates.

    A model's time depends on its build (its weights' memory layout, its traced graph): in one
    interleaved run, six ELU/ReLU inference pairs built from different seeds gave ratios with an SD of
    0.019, against a within-build interval of about ±0.006 from 400 rounds, and a second build of the
    same ReLU MLP ran up to 3% faster than the first. An interval over one build's rounds is therefore
    too narrow for the model's speed, and verdicts flipped between runs. Here each build pair gives one
    log ratio (the median over its rounds); the one-sided t-test and the t interval are over builds.
    """
    d = build_log_ratios(slower_builds, faster_builds)
    bound = math.log1p(min_effect)
    return _over_builds(d, stats.ttest_1samp(d, 0.0, alternative="greater"),
                        lambda low, high: three_way(low, high, bound), alpha=alpha, beta=beta,
                        min_effect=min_effect, test_name="one-sided t-test over builds of the log time ratio",
                        notes=(f"ratio excess that matters: {min_effect:.0%}",))


def time_ratio_within_margin_by_builds(candidate_builds, rival_builds, *, alpha: float, beta: float,
                                       margin: float) -> Verdict:
    """`time_ratio_within_margin_by_rounds` with builds as the replicates (see
    `time_ratio_greater_by_builds`): non-inferiority on the per-build log ratios, t-test and t interval."""
    d = build_log_ratios(candidate_builds, rival_builds)
    bound = math.log1p(margin)
    return _over_builds(d, stats.ttest_1samp(d, bound, alternative="less"),
                        lambda low, high: equivalence(low, high, -math.inf, bound), alpha=alpha, beta=beta,
                        min_effect=margin,
                        test_name=f"one-sided t-test over builds that the time ratio is below {1 + margin:g}",
                        notes=(f"margin: {margin:.0%} slower",))


def wall_time_ratio_within_margin(steps_candidate, steps_rival, step_seconds_candidate, step_seconds_rival, *,
                                  alpha: float, beta: float, margin: float, seed: int = 0) -> Verdict:
    """The claim "training with `candidate` reaches the target in at most 1 + `margin` times the wall
    time `rival` takes", where wall time = optimizer steps to the target × the time of one step.

    Steps come one per seed (paired: the same initial weights and batches for both), step times one per
    timing round (paired: interleaved). The effect is the ratio of mean wall times, (mean steps ratio) ×
    (median per-round step-time ratio), with a percentile bootstrap interval (1 - 2 alpha) that resamples
    seeds and rounds independently; p is the bootstrap share of ratios at or above 1 + `margin`.
    Supported when the interval lies below 1 + `margin`, refuted when it lies above, inconclusive otherwise.
    """
    steps_a, steps_b = _step_counts(steps_candidate), _step_counts(steps_rival)
    if steps_a.shape != steps_b.shape:
        raise ValueError(f"need the same seeds on both sides, got {steps_a.size} and {steps_b.size}")
    d = paired_log_ratios(step_seconds_candidate, step_seconds_rival)
    resamples = max(MIN_RESAMPLES, math.ceil(MIN_TAIL_RESAMPLES / alpha))
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, steps_a.size, (resamples, steps_a.size))
    rounds = rng.integers(0, d.size, (resamples, d.size))
    log_ratios = (np.log(steps_a[seeds].mean(axis=1)) - np.log(steps_b[seeds].mean(axis=1))
                  + np.median(d[rounds], axis=1))
    low, high = np.quantile(log_ratios, [alpha, 1 - alpha])
    bound = math.log1p(margin)
    steps_ratio, step_time_ratio = steps_a.mean() / steps_b.mean(), math.exp(float(np.median(d)))
    effect = steps_ratio * step_time_ratio
    return Verdict(
        decision=equivalence(low, high, -math.inf, bound),
        test="bootstrap over seeds and timing rounds of the wall time to target",
        statistic_name="log wall-time ratio - log(1 + margin)", statistic=math.log(effect) - bound,
        p_value=float((np.sum(log_ratios >= bound) + 1) / (resamples + 1)), alpha=alpha, beta=beta,
        effect_name="wall-time-to-target ratio", effect=effect, ci_low=math.exp(low), ci_high=math.exp(high),
        ci_level=1 - 2 * alpha, n=int(steps_a.size), min_effect=margin,
        detectable_effect=_detectable_excess(float(log_ratios.std(ddof=1)), alpha, beta),
        notes=(f"margin: {margin:.0%} slower", f"{steps_a.size} seeds, {d.size} timing rounds",
               f"steps ratio {steps_ratio:.3g}, step-time ratio {step_time_ratio:.3g}"),
    )


def _step_counts(values) -> np.ndarray:
    steps = np.asarray(values, dtype=float).ravel()
    if steps.size < 5 or not np.all(np.isfinite(steps)) or np.any(steps <= 0):
        raise ValueError(f"need at least 5 finite, positive step counts, got {steps.size}")
    return steps


# How each relation reads in a comparison's record, and its decisions over rounds and over builds with the
# keyword that takes the claim's margin.
RELATIONS = {
    "greater": ("slower than", time_ratio_greater_by_rounds, time_ratio_greater_by_builds, "min_effect"),
    "within": ("within margin of", time_ratio_within_margin_by_rounds, time_ratio_within_margin_by_builds, "margin"),
}


def given_as_builds(samples) -> bool:
    """Builds are given as a list of per-round series, one per build; rounds as one series."""
    return isinstance(samples, (list, tuple))


def time_ratio_comparison(relation: str, numerator, denominator, *, alpha: float, beta: float, min_effect: float,
                          seed: int) -> Verdict:
    """One comparison, `"greater"` (the numerator slower by a ratio that matters) or `"within"` (the numerator
    at most `min_effect` slower), over builds when both sides are lists of builds, else over rounds."""
    _, by_rounds, by_builds, margin_key = RELATIONS[relation]
    limits = {"alpha": alpha, "beta": beta, margin_key: min_effect}
    if given_as_builds(numerator):
        return by_builds(numerator, denominator, **limits)
    return by_rounds(numerator, denominator, seed=seed, **limits)
