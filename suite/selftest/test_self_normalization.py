"""SELU decisions (verdicts/self_normalization.py) on simulated networks' per-layer moments, numpy only.

Sizes mirror SELU-SELF-NORMALIZES (64 networks; 30 layers here, enough for the map to settle). The claimed
law: each layer's moments are the SELU map of the layer before, plus the noise of that layer's weight draw.
The nearest wrong laws: the ELU map (the claim's own contrast), and the SELU map with a constant bias whose
stationary offset lies just beyond the domain's margin.
"""
import numpy as np
import pytest

from verdicts.self_normalization import (
    follows_selu_map_by_tost,
    map_residuals,
    moments_in_domain_by_tost,
    moments_leave_domain,
)
from verdicts.theory import selu as theory

ALPHA, BETA, NETWORKS, LAYERS = 0.05, 0.05, 64, 30
# Per-layer noise of a width-100 layer's moments over its weight draw (about 1/sqrt(width) relative).
MEAN_NOISE, VARIANCE_NOISE = 0.01, 0.03


def _stack(rng, activation=theory.SELU, bias=(0.0, 0.0)):
    """[networks, layers] means and variances of a stack whose layers apply `activation`'s map, plus `bias`."""
    input_mean, input_variance = rng.normal(0, 0.02, NETWORKS), rng.normal(1, 0.05, NETWORKS)
    mean, variance = [input_mean], [input_variance]
    for _ in range(LAYERS):
        mapped_mean, mapped_variance = theory.moment_map(mean[-1], variance[-1], activation=activation)
        mean.append(mapped_mean + bias[0] + rng.normal(0, MEAN_NOISE, NETWORKS))
        variance.append(np.maximum(mapped_variance + bias[1] + rng.normal(0, VARIANCE_NOISE, NETWORKS), 1e-3))
    return np.column_stack(mean[1:]), np.column_stack(variance[1:]), input_mean, input_variance


def _follows(stack):
    return follows_selu_map_by_tost(*stack, alpha=ALPHA, beta=BETA)


def test_a_stack_following_the_selu_map_follows_it_and_stays_in_the_domain(rng):
    stack = _stack(rng)
    assert _follows(stack).decision == "supported"
    mean, variance = stack[:2]
    assert moments_in_domain_by_tost(mean, np.sqrt(variance), alpha=ALPHA, beta=BETA).decision == "supported"
    assert moments_leave_domain(mean, np.sqrt(variance), alpha=ALPHA, beta=BETA).decision == "refuted"


def test_an_elu_stack_does_not_follow_the_selu_map(rng):
    assert _follows(_stack(rng, activation=theory.ELU)).decision == "refuted"


@pytest.mark.parametrize("share, expected", [(0.5, "supported"), (1.5, "refuted")])
def test_a_bias_is_judged_by_the_stationary_offset_it_causes_against_the_domains_margin(rng, share, expected):
    """A bias b shifts the fixed point by (I - J)^-1 b: half the mean margin is following the map, one and
    a half margins is not."""
    offset = np.array([share * theory.DOMAIN["mean"][1], 0.0])
    bias = (np.eye(2) - theory.jacobian(0.0, 1.0)) @ offset
    assert _follows(_stack(rng, bias=tuple(bias))).decision == expected


def test_the_residuals_are_zero_for_moments_that_are_the_map_itself():
    mean, variance = theory.iterate_map(0.05, 1.2, 5)
    mean_residual, variance_residual, inside = map_residuals(mean[None, :], variance[None, :], [0.05], [1.2])
    assert np.abs(mean_residual).max() < 1e-12 and np.abs(variance_residual).max() < 1e-12 and inside.all()


def test_a_network_with_no_layer_in_the_domain_is_never_taken_to_follow_the_map(rng):
    """Its residual average is empty: counted as diverged, not as a zero bias."""
    mean, variance, input_mean, input_variance = _stack(rng)
    variance = variance.copy()
    variance[0] = 3.0  # one network far outside at every layer, its input too
    input_variance = input_variance.copy()
    input_variance[0] = 3.0
    assert _follows((mean, variance, input_mean, input_variance)).decision != "supported"
