"""Trend, ratio, proportion and exact decisions: the claimed law passes, the nearest wrong law fails."""
import numpy as np
import pytest

from verdicts.exact import all_checks_hold, conjunction, with_contrasts
from verdicts.location import mean_greater_by_t
from verdicts.proportion import proportion_above_by_binomial
from verdicts.ratio import ratio_greater_by_bootstrap
from verdicts.trend import increasing_by_spearman, ordered_by_page

ALPHA, BETA = 0.05, 0.1


def test_spearman_supports_a_rising_trend_and_refutes_a_flat_one(rng):
    grid = np.repeat(np.arange(6), 5)
    rising = grid * 0.1 + rng.normal(0, 0.1, grid.size)
    flat = rng.normal(0, 0.1, 300)
    assert increasing_by_spearman(grid, rising, alpha=ALPHA, beta=BETA, min_effect=0.3).decision == "supported"
    assert increasing_by_spearman(np.arange(300), flat, alpha=ALPHA, beta=BETA, min_effect=0.3).decision == "refuted"


def test_page_supports_the_predicted_order_and_refutes_the_reversed_one(rng):
    blocks, treatments = 10, 6          # seeds × activations in the ranking claim
    ordered = np.arange(treatments) + rng.normal(0, 0.8, (blocks, treatments))
    assert ordered_by_page(ordered, alpha=ALPHA, beta=BETA, min_effect=0.2).decision == "supported"
    assert ordered_by_page(ordered[:, ::-1], alpha=ALPHA, beta=BETA, min_effect=0.2).decision == "refuted"


def test_page_is_not_fooled_by_one_swapped_pair(rng):
    """A mostly-right order still supports the trend; the adjacent-pair checks are what catch the swap."""
    swapped = np.array([0, 2, 1, 3, 4, 5]) + rng.normal(0, 0.3, (10, 6))
    assert ordered_by_page(swapped, alpha=ALPHA, beta=BETA, min_effect=0.2).decision == "supported"


def test_ratio_accepts_a_measurably_slower_variant_and_refutes_equal_speed(rng):
    fast = rng.lognormal(0, 0.05, 40)
    assert ratio_greater_by_bootstrap(rng.lognormal(np.log(1.3), 0.05, 40), fast, alpha=ALPHA, beta=BETA,
                                      min_effect=0.05).decision == "supported"
    assert ratio_greater_by_bootstrap(rng.lognormal(0, 0.05, 40), fast, alpha=ALPHA, beta=BETA,
                                      min_effect=0.05).decision == "refuted"


def test_binomial_supports_most_and_refutes_few(rng):
    assert proportion_above_by_binomial(19, 20, share=0.5, alpha=ALPHA, beta=BETA,
                                        min_effect=0.1).decision == "supported"
    assert proportion_above_by_binomial(3, 20, share=0.5, alpha=ALPHA, beta=BETA,
                                        min_effect=0.1).decision == "refuted"


def test_exact_checks_name_what_failed():
    assert all_checks_hold({"a": True, "b": True}, what="x").decision == "supported"
    verdict = all_checks_hold({"a": True, "b": False}, what="x")
    assert verdict.decision == "refuted" and "failed: b" in verdict.notes


def test_a_decision_that_cannot_reject_its_contrast_is_inconclusive(rng):
    primary = mean_greater_by_t(rng.normal(2, 1, 20), alpha=ALPHA, beta=BETA, min_effect=0.5)
    blind = mean_greater_by_t(rng.normal(2, 1, 20), alpha=ALPHA, beta=BETA, min_effect=0.5)
    seeing = mean_greater_by_t(rng.normal(-2, 1, 20), alpha=ALPHA, beta=BETA, min_effect=0.5)
    assert with_contrasts(primary, {"wrong law": seeing}).decision == "supported"
    assert with_contrasts(primary, {"wrong law": blind}).decision == "inconclusive"
    refuted = mean_greater_by_t(rng.normal(-2, 1, 20), alpha=ALPHA, beta=BETA, min_effect=0.5)
    assert with_contrasts(refuted, {"wrong law": blind}).decision == "refuted"


@pytest.mark.parametrize("parts, expected", [
    (("supported", "supported"), "supported"),
    (("supported", "inconclusive"), "inconclusive"),
    (("inconclusive", "refuted"), "refuted"),
])
def test_conjunction_holds_only_when_every_part_does(parts, expected):
    verdicts = {f"part {i}": all_checks_hold({"x": True}, what="x").as_decision(decision)
                for i, decision in enumerate(parts)}
    assert conjunction(verdicts).decision == expected
