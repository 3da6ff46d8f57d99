"""Per-layer domain decisions (verdicts/domain.py): the claimed law passes, the nearest wrong law fails.

Sizes are the SELU claims' quick profile: 16 networks (4 for a contrast) x 100 layers. The claimed law is
what a self-normalizing stack shows (means near 0, stds drifting a little below 1 but inside the domain);
the nearest wrong laws drift just past a bound, or collapse like a half-scale initialization.
"""
import math

import numpy as np

from verdicts.domain import Bounds, layers_to_enter, layers_within_bounds_by_tost, some_layer_outside_bounds

ALPHA, BETA = 0.05, 0.1
MEAN = Bounds(-0.1, 0.0, 0.1)
STD = Bounds(math.sqrt(0.8), 1.0, math.sqrt(1.5))
BOUNDS = {"mean": MEAN, "std": STD}
LAYERS = 100


def _stack(rng, networks: int, std_end: float, mean_sd: float = 0.03, std_sd: float = 0.03, layers: int = LAYERS):
    """Per-network means and stds by layer: the std drifts linearly from 1 to `std_end`."""
    drift = np.linspace(1.0, std_end, layers)
    return {"mean": rng.normal(0, mean_sd, (networks, layers)),
            "std": drift + rng.normal(0, std_sd, (networks, layers))}


def test_margin_used_is_zero_at_target_and_one_at_either_bound():
    assert STD.margin_used(1.0) == 0 and math.isclose(STD.margin_used(STD.low), 1) and math.isclose(
        STD.margin_used(STD.high), 1)
    assert STD.interval_margin_used(0.95, 1.05)[0] == 0


def test_a_stack_inside_the_domain_is_supported(rng):
    verdict = layers_within_bounds_by_tost(_stack(rng, 16, 0.93), BOUNDS, alpha=ALPHA, beta=BETA)
    assert verdict.decision == "supported" and verdict.ci_high < 1


def test_a_drift_just_past_the_lower_bound_is_refuted(rng):
    verdict = layers_within_bounds_by_tost(_stack(rng, 16, 0.85), BOUNDS, alpha=ALPHA, beta=BETA)
    assert verdict.decision == "refuted" and verdict.ci_low > 1 and "std" in verdict.notes[0]


def test_a_collapse_is_refuted_with_four_networks(rng):
    collapse = _stack(rng, 4, 0.05)
    assert layers_within_bounds_by_tost(collapse, BOUNDS, alpha=ALPHA, beta=BETA).decision == "refuted"
    leaves = some_layer_outside_bounds(collapse, BOUNDS, alpha=ALPHA, beta=BETA)
    assert leaves.decision == "supported" and leaves.p_value < ALPHA and leaves.ci_low > 1


def test_leaving_is_refuted_for_a_stack_inside_and_undecided_near_a_bound(rng):
    assert some_layer_outside_bounds(_stack(rng, 16, 0.93), BOUNDS, alpha=ALPHA, beta=BETA).decision == "refuted"
    near = some_layer_outside_bounds(_stack(rng, 3, 0.9, std_sd=0.05), BOUNDS, alpha=ALPHA, beta=BETA)
    assert near.decision == "inconclusive" and near.p_value >= ALPHA


def test_a_shown_excursion_is_rare_when_the_value_sits_on_the_bound(rng):
    """With the std exactly on the bound at every one of 10 layers, "some layer is outside" is (falsely)
    supported at most alpha often: the Bonferroni level covers all columns at once."""
    supported = 0
    for _ in range(400):
        stack = _stack(rng, 4, 1.0, std_sd=0.02, layers=10)
        stack["std"] = STD.low + rng.normal(0, 0.02, stack["std"].shape)
        supported += some_layer_outside_bounds(stack, BOUNDS, alpha=ALPHA, beta=BETA).decision == "supported"
    # Binomial(400, 0.05): mean 20, sd 4.4; Bonferroni makes it far rarer.
    assert supported <= 32


def test_too_few_networks_near_a_bound_is_inconclusive(rng):
    verdict = layers_within_bounds_by_tost(_stack(rng, 3, 0.9, std_sd=0.05), BOUNDS, alpha=ALPHA, beta=BETA)
    assert verdict.decision == "inconclusive" and verdict.detectable_effect < 1


def test_supported_at_most_alpha_of_the_time_at_the_bound(rng):
    """At a true std exactly on the bound at one layer, "inside" is (falsely) supported at most alpha often
    (10 layers: the rate concerns the one layer on the bound)."""
    supported = 0
    for _ in range(400):
        stack = _stack(rng, 16, 1.0, std_sd=0.02, layers=10)
        stack["std"][:, -1] = STD.low + rng.normal(0, 0.02, 16)
        supported += layers_within_bounds_by_tost(stack, BOUNDS, alpha=ALPHA, beta=BETA).decision == "supported"
    # Binomial(400, 0.05): mean 20, sd 4.4.
    assert supported <= 32


def test_divergence_is_an_excursion_and_partial_divergence_is_undecided(rng):
    stack = _stack(rng, 4, 1.0)
    stack["std"][:, 50:] = np.inf
    assert layers_within_bounds_by_tost(stack, BOUNDS, alpha=ALPHA, beta=BETA).decision == "refuted"
    assert some_layer_outside_bounds(stack, BOUNDS, alpha=ALPHA, beta=BETA).p_value == 0
    stack = _stack(rng, 16, 1.0)
    stack["std"][0, 50:] = np.nan
    assert layers_within_bounds_by_tost(stack, BOUNDS, alpha=ALPHA, beta=BETA).decision == "inconclusive"


def test_layers_to_enter_counts_the_last_layer_outside():
    std = np.array([[3.0, 2.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 3.0]])
    assert layers_to_enter({"std": std}, {"std": STD}).tolist() == [2, 0, 5]
