"""Paired comparisons with diverged runs (verdicts/paired.py): counted as the worst outcome, never dropped.

Sizes mirror the training claims' (10 to 30 seeds per arm). The claimed law: the claimed-better arm costs
less, and the other arm's failures (divergence) are part of the effect. The nearest wrong laws: equal arms
that diverge equally often, and a claimed-better arm that is the one diverging.
"""
import math

import numpy as np
import pytest
from scipy import stats

from verdicts.location import mean_greater_by_t, shift_greater_by_wilcoxon
from verdicts.paired import censored, higher_by_paired_t, lower_by_paired_wilcoxon
from verdicts.trend import ordered_by_page

ALPHA, BETA, MIN_EFFECT, SEED = 0.05, 0.2, 0.05, 7
REPLICATES = 100
ERROR_BOUND = int(stats.binom.ppf(0.999, REPLICATES, ALPHA))


def _decide(claimed_lower, other):
    return lower_by_paired_wilcoxon(claimed_lower, other, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT, seed=SEED)


def _diverging(values, rng, share):
    values = np.array(values, dtype=float)
    values[rng.random(values.size) < share] = np.nan
    return values


def test_with_no_diverged_run_it_is_the_wilcoxon_decision_on_the_differences(rng):
    claimed, other = rng.normal(0.5, 0.1, 10), rng.normal(0.6, 0.1, 10)
    assert _decide(claimed, other) == shift_greater_by_wilcoxon(other - claimed, alpha=ALPHA, beta=BETA,
                                                                min_effect=MIN_EFFECT, seed=SEED)


def test_diverged_runs_of_the_other_arm_count_for_the_claim_where_dropping_them_hides_it(rng):
    claimed = rng.normal(0.5, 0.1, 10)
    other = claimed + rng.normal(0.0, 0.1, 10)
    other[:6] = np.nan  # the failure the claim predicts, in 6 of 10 seeds
    counted = _decide(claimed, other)
    assert counted.decision == "supported" and counted.n == 10 and counted.ci_high == math.inf
    kept = np.isfinite(other)
    dropped = shift_greater_by_wilcoxon(other[kept] - claimed[kept], alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT,
                                        seed=SEED)
    assert dropped.decision != "supported"


def test_a_claimed_better_arm_that_diverges_is_not_supported(rng):
    other = rng.normal(0.6, 0.1, 20)
    claimed = other - 0.1
    claimed[:8] = np.nan
    verdict = _decide(claimed, other)
    assert verdict.decision in ("refuted", "inconclusive") and verdict.p_value > 0.5
    claimed[:14] = np.nan
    assert _decide(claimed, other).decision == "refuted"


def test_equal_arms_diverging_equally_often_are_falsely_supported_at_most_at_alpha(rng):
    false = 0
    for _ in range(REPLICATES):
        shared = rng.normal(0.5, 0.1, 20)
        false += _decide(_diverging(shared + rng.normal(0, 0.1, 20), rng, 0.2),
                         _diverging(shared + rng.normal(0, 0.1, 20), rng, 0.2)).decision == "supported"
    assert false <= ERROR_BOUND


def test_both_runs_diverged_is_a_tie_that_is_counted_not_dropped(rng):
    # 14 pairs: above 13, scipy's p with zeros is its normal approximation (an exact permutation below).
    claimed, other = rng.normal(0.5, 0.1, 14), rng.normal(0.7, 0.1, 14)
    claimed[:2] = other[:2] = np.nan
    verdict = _decide(claimed, other)
    assert verdict.n == 14
    d = other[2:] - claimed[2:]
    split = stats.wilcoxon(np.concatenate([[0.0, 0.0], d]), alternative="greater", zero_method="zsplit")
    assert verdict.p_value == pytest.approx(split.pvalue)


@pytest.mark.parametrize("stand_in", [1e8, 1e12])
def test_the_verdict_is_the_same_for_any_censoring_loss_above_the_finite_ones(rng, stand_in):
    claimed, other = rng.normal(0.5, 0.2, 15), rng.normal(0.6, 0.2, 15)
    other[[1, 4]] = np.nan
    claimed[7] = np.nan
    verdict = _decide(claimed, other)
    explicit = shift_greater_by_wilcoxon(np.where(np.isnan(other), stand_in, other)
                                         - np.where(np.isnan(claimed), stand_in, claimed),
                                         alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT, seed=SEED)
    assert verdict.p_value == pytest.approx(explicit.p_value) and verdict.statistic == explicit.statistic
    assert verdict.effect == pytest.approx(explicit.effect)  # the median lies among the uncensored pairs here
    assert verdict.as_dict()["ci_high"] in (None, pytest.approx(explicit.ci_high))


def test_censoring_maps_a_diverged_run_to_infinite_cost_and_rejects_negative_infinity():
    assert censored([0.3, np.nan, np.inf]).tolist() == [0.3, math.inf, math.inf]
    with pytest.raises(ValueError):
        censored([-np.inf])


def test_a_ranking_ranks_a_diverged_run_last(rng):
    """Page's test on -cost per seed: the predicted-best treatment diverging is evidence against the order."""
    losses = np.sort(rng.normal(1.0, 0.3, (12, 4)), axis=1)[:, ::-1] + np.arange(4) * -0.2  # worst to best
    assert ordered_by_page(-censored(losses), alpha=ALPHA, beta=BETA, min_effect=0.3).decision == "supported"
    best_diverges = losses.copy()
    best_diverges[:, -1] = np.nan
    assert ordered_by_page(-censored(best_diverges), alpha=ALPHA, beta=BETA,
                           min_effect=0.3).decision != "supported"
    worst_diverges = losses.copy()
    worst_diverges[:, 0] = np.nan
    assert ordered_by_page(-censored(worst_diverges), alpha=ALPHA, beta=BETA, min_effect=0.3).decision == "supported"


def test_paired_t_scores_a_diverged_run_at_the_worst_score(rng):
    claimed, other = rng.uniform(0.80, 0.90, 10), rng.uniform(0.70, 0.80, 10)
    plain = higher_by_paired_t(claimed, other, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT, diverged_score=0.0)
    assert plain == mean_greater_by_t(claimed - other, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
    other[:3] = np.nan
    counted = higher_by_paired_t(claimed, other, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT, diverged_score=0.0)
    assert counted.decision == "supported" and counted.n == 10 and counted.effect > plain.effect
    equal = rng.uniform(0.70, 0.80, 10)
    assert higher_by_paired_t(equal, equal + rng.normal(0, 0.01, 10), alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT,
                              diverged_score=0.0).decision == "refuted"


@pytest.mark.parametrize("diverging", [0.0, 0.1])
def test_paired_t_on_equal_arms_falsely_shows_higher_at_most_alpha_often(rng, diverging):
    """SELU-NEEDS-STANDARDIZED-INPUTS's size, 20 seeds: equal accuracies with a shared seed effect, and the same
    share of runs diverging in both arms (each scored 0), show 'higher' (supported, or negligible where the
    interval also lies below the margin) at most alpha often (2000 draws)."""
    draws, false = 2000, 0
    for _ in range(draws):
        shared = rng.uniform(0.70, 0.90, 20)
        claimed = _diverging(shared + rng.normal(0, 0.02, 20), rng, diverging)
        other = _diverging(shared + rng.normal(0, 0.02, 20), rng, diverging)
        false += higher_by_paired_t(claimed, other, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT,
                                    diverged_score=0.0).decision in ("supported", "negligible")
    assert false <= stats.binom.ppf(0.999, draws, ALPHA)
