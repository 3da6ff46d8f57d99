"""The Shapley share of a two-cause effect (verdicts/share.py), which GRAD-SIGMOID-AND-INIT-CAUSE decides on:
the closed form on noiseless-ish cells, each cause credited half an interaction, a null cause refuted, and
the interval's coverage over replicates from a known law."""
import numpy as np

from verdicts.share import each_cause_a_part, shapley_share_by_fieller

N = 30


def _cells(rng, m00, m01, m10, m11, sd=0.02, n=N):
    return {(False, False): rng.normal(m00, sd, n), (False, True): rng.normal(m01, sd, n),
            (True, False): rng.normal(m10, sd, n), (True, True): rng.normal(m11, sd, n)}


def test_the_shares_are_each_causes_average_removal_over_both_orders(rng):
    cells = _cells(rng, 1.0, 0.7, 0.1, 0.0, sd=1e-4)
    first = shapley_share_by_fieller(cells, cause=0, share=0.1, alpha=0.005, beta=0.05)
    second = shapley_share_by_fieller(cells, cause=1, share=0.1, alpha=0.005, beta=0.05)
    assert abs(first.effect - 0.8) < 1e-3 and abs(second.effect - 0.2) < 1e-3  # (0.9 + 0.7) / 2, (0.3 + 0.1) / 2
    assert abs(first.effect + second.effect - 1.0) < 1e-3  # efficiency: the shares add up to the whole effect
    assert first.decision == second.decision == "supported"


def test_a_pure_interaction_is_split_evenly_between_the_causes(rng):
    cells = _cells(rng, 1.0, 1.0, 1.0, 0.0, sd=1e-4)  # either change alone removes nothing, both remove all
    shares = [shapley_share_by_fieller(cells, cause=c, share=0.1, alpha=0.005, beta=0.05).effect for c in (0, 1)]
    assert np.allclose(shares, [0.5, 0.5], atol=1e-3)


def test_a_null_cause_is_refuted_and_a_small_one_is_negligible(rng):
    null = _cells(rng, 1.0, 1.0, 0.2, 0.2)
    assert shapley_share_by_fieller(null, cause=1, share=0.1, alpha=0.005, beta=0.05).decision == "refuted"
    small = _cells(rng, 1.0, 0.95, 0.2, 0.15)
    assert shapley_share_by_fieller(small, cause=1, share=0.1, alpha=0.005, beta=0.05).decision == "negligible"
    verdict = each_cause_a_part(null, causes=("real", "null"), share=0.1, alpha=0.01, beta=0.05)
    assert verdict.decision == "refuted" and any("deciding part: null" in note for note in verdict.notes)


def test_the_interval_covers_the_true_share_at_its_level(rng):
    true_share, level, replicates = 0.2, 0.05, 300  # (1/2)[(1 - 0.7) + (0.5 - 0.4)] / 1 = 0.2
    covered = 0
    for _ in range(replicates):
        v = shapley_share_by_fieller(_cells(rng, 1.0, 0.7, 0.5, 0.4, sd=0.3), cause=1, share=0.1, alpha=level,
                                     beta=0.05)
        covered += v.ci_low <= true_share <= v.ci_high
    assert covered / replicates >= 1 - 2 * level - 0.04  # a (1 - 2 alpha) interval, with Monte Carlo slack
