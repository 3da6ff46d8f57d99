"""The share-removed decision (verdicts/share.py) at GRAD-SIGMOID-AND-INIT-CAUSE's sample sizes.

Per-draw gradient decay slopes of the baseline are about 0.8 decades per layer with a spread of about
0.1 (30 draws in the quick profile): a change that removes most of the decay must be supported, the
nearest wrong laws told apart (it removes a part, less than half: negligible; it removes nothing: refuted),
and at exactly half no wrong decision may happen more often than alpha.
"""
import numpy as np
import pytest

from verdicts.share import share_removed_by_fieller

ALPHA, BETA = 0.005, 0.05
DRAWS, BASELINE_MEAN, SPREAD = 30, 0.8, 0.1


def decide(rng, removed: float, baseline_mean: float = BASELINE_MEAN):
    baseline = rng.normal(baseline_mean, SPREAD, DRAWS)
    counterfactual = rng.normal(baseline_mean * (1 - removed), SPREAD, DRAWS)
    return share_removed_by_fieller(baseline, counterfactual, share=0.5, alpha=ALPHA, beta=BETA)


@pytest.mark.parametrize("removed", [0.65, 0.9, 1.0])
def test_a_change_that_removes_most_of_the_effect_is_supported(rng, removed):
    verdict = decide(rng, removed)
    assert verdict.decision == "supported", verdict.summary()
    assert verdict.ci_low < removed < verdict.ci_high


@pytest.mark.parametrize("removed", [0.25, 0.35])
def test_a_change_that_removes_a_part_less_than_half_is_negligible(rng, removed):
    verdict = decide(rng, removed)
    assert verdict.decision == "negligible", verdict.summary()
    assert 0 < verdict.ci_low < removed < verdict.ci_high < 0.5


def test_a_change_that_removes_nothing_is_refuted(rng):
    verdict = decide(rng, 0.0)
    assert verdict.decision == "refuted", verdict.summary()
    assert verdict.ci_low < 0 < verdict.ci_high < 0.5


def test_at_exactly_half_each_wrong_decision_is_rare(rng):
    decisions = [decide(rng, 0.5).decision for _ in range(400)]
    # Each one-sided error has rate alpha = 0.5%; 400 runs allow at most 8 (binomial upper 99.9% ≈ 7).
    shown_below = decisions.count("refuted") + decisions.count("negligible")
    assert decisions.count("supported") <= 8 and shown_below <= 8


def test_a_baseline_without_an_effect_is_inconclusive(rng):
    verdict = decide(rng, 0.9, baseline_mean=0.0)
    assert verdict.decision == "inconclusive"
    assert np.isinf(verdict.ci_low) and np.isinf(verdict.ci_high)


def test_non_finite_draws_are_an_error_not_a_number():
    with pytest.raises(ValueError):
        share_removed_by_fieller([0.8, np.nan, 0.7], [0.1, 0.2, 0.1], share=0.5, alpha=ALPHA, beta=BETA)
