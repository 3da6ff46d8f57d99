"""SELU decisions (verdicts/self_normalization.py) on simulated networks' per-layer moments, numpy only.

Sizes mirror SELU-SELF-NORMALIZES (64 networks; 30 layers here, enough for the map to settle). The claimed
law: each layer's moments are the SELU map of the layer before, plus the noise of that layer's weight draw.
The nearest wrong laws: the ELU map (the claim's own contrast), and the SELU map with a constant bias whose
stationary offset lies just beyond the domain's margin. Error rates by simulation at the claims' sizes (2000
draws at the least favourable null: the true value on a bound) stay within alpha's Monte-Carlo error.
"""
import numpy as np
import pytest
from scipy import stats

from verdicts.self_normalization import (
    DOMAIN_BOUNDS,
    beyond_float32_rounding,
    follows_selu_map_by_tost,
    map_residuals,
    moments_in_domain_by_tost,
    moments_leave_domain,
)
from verdicts.theory import selu as theory

ALPHA, BETA, NETWORKS, LAYERS = 0.05, 0.05, 64, 30
CONTRAST_NETWORKS = 4  # a contrast arm's networks in the quick profile (SELU-NEEDS-LECUN-NORMAL, -ALPHA-DROPOUT)
# Per-layer noise of a width-100 layer's moments over its weight draw (about 1/sqrt(width) relative).
MEAN_NOISE, VARIANCE_NOISE = 0.01, 0.03
DRAWS = 2000
# A false-support rate at most alpha passes unless its count exceeds Binomial(DRAWS, alpha)'s 99.9% quantile.
ERROR_BOUND = int(stats.binom.ppf(0.999, DRAWS, ALPHA))


def _stack(rng, activation=theory.SELU, bias=(0.0, 0.0), networks=NETWORKS):
    """[networks, layers] means and variances of a stack whose layers apply `activation`'s map, plus `bias`."""
    input_mean, input_variance = rng.normal(0, 0.02, networks), rng.normal(1, 0.05, networks)
    mean, variance = [input_mean], [input_variance]
    for _ in range(LAYERS):
        mapped_mean, mapped_variance = theory.moment_map(mean[-1], variance[-1], activation=activation)
        mean.append(mapped_mean + bias[0] + rng.normal(0, MEAN_NOISE, networks))
        variance.append(np.maximum(mapped_variance + bias[1] + rng.normal(0, VARIANCE_NOISE, networks), 1e-3))
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


def test_an_elu_stack_of_a_contrasts_size_leaves_the_domain(rng):
    """The nearest wrong law of 'stays in the domain': ELU's map, whose variance decays layer by layer."""
    mean, variance = _stack(rng, activation=theory.ELU, networks=CONTRAST_NETWORKS)[:2]
    assert moments_in_domain_by_tost(mean, np.sqrt(variance), alpha=ALPHA, beta=BETA).decision == "refuted"
    leaves = moments_leave_domain(mean, np.sqrt(variance), alpha=ALPHA, beta=BETA)
    assert leaves.decision == "supported" and leaves.p_value < ALPHA


def _supported_with_the_std_on(rng, decide, bound: float, networks: int, layers: int) -> int:
    """Of DRAWS stacks whose std lies exactly on `bound` at every layer (means at 0), how many `decide` supports."""
    supported = 0
    for _ in range(DRAWS):
        mean = rng.normal(0, MEAN_NOISE, (networks, layers))
        std = bound + rng.normal(0, VARIANCE_NOISE, (networks, layers))
        supported += decide(mean, std, alpha=ALPHA, beta=BETA).decision == "supported"
    return supported


@pytest.mark.parametrize("networks", [16, NETWORKS])
def test_a_std_on_the_domains_bound_is_falsely_in_the_domain_at_most_alpha_often(rng, networks):
    """At one layer with its std exactly on the lower bound (the least favourable case: other layers inside
    only lower the rate), 'in the domain' is supported at most alpha often; 16 and 64 networks as the claims."""
    low = DOMAIN_BOUNDS["std"].low
    assert _supported_with_the_std_on(rng, moments_in_domain_by_tost, low, networks, 1) <= ERROR_BOUND


def test_stds_on_the_domains_bound_falsely_leave_it_at_most_alpha_often(rng):
    """Every layer's std exactly on the upper bound: 'some layer leaves the domain' is supported at most alpha
    often (the Bonferroni level covers every layer at once), with a contrast arm's 4 networks."""
    high = DOMAIN_BOUNDS["std"].high
    assert _supported_with_the_std_on(rng, moments_leave_domain, high, CONTRAST_NETWORKS, 10) <= ERROR_BOUND


def test_a_bias_whose_offset_sits_on_the_margin_falsely_follows_the_map_at_most_alpha_often(rng):
    """One layer fed exactly the fixed point (0, 1), which the map keeps, with a bias whose stationary offset
    is the mean's margin exactly: 'follows the map' is supported at most alpha often at 64 networks."""
    bias = (np.eye(2) - theory.jacobian(0.0, 1.0)) @ np.array([theory.DOMAIN["mean"][1], 0.0])
    fixed_mean, fixed_variance = np.zeros(NETWORKS), np.ones(NETWORKS)
    supported = 0
    for _ in range(DRAWS):
        mean = (bias[0] + rng.normal(0, MEAN_NOISE, NETWORKS))[:, None]
        variance = (1 + bias[1] + rng.normal(0, VARIANCE_NOISE, NETWORKS))[:, None]
        supported += follows_selu_map_by_tost(mean, variance, fixed_mean, fixed_variance, alpha=ALPHA,
                                              beta=BETA).decision == "supported"
    assert supported <= ERROR_BOUND


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


def _float32_selu(x, alpha):
    """SELU computed as TF does, in float32: scale * x above 0, scale * alpha * (exp(x) - 1) below."""
    x = np.asarray(x, dtype=np.float32)
    scale, alpha = np.float32(theory.SELU_SCALE), np.float32(alpha)
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, np.float32(0))))


def test_float32_selu_with_the_papers_alpha_lies_within_rounding_of_the_closed_form():
    x = np.linspace(-50, 50, 20001, dtype=np.float32)
    assert (beyond_float32_rounding(_float32_selu(x, theory.SELU_ALPHA), theory.SELU(x.astype(float))) <= 0).all()


def test_alpha_rounded_to_four_decimals_lies_beyond_rounding_on_negative_inputs():
    """The claim's contrast: Keras's elu with alpha rounded to 1.6733 (a relative error of 2e-5, some forty
    float32 ulps) differs beyond rounding wherever the negative part carries it."""
    x = np.linspace(-50, -0.05, 5000, dtype=np.float32)
    excess = beyond_float32_rounding(_float32_selu(x, round(theory.SELU_ALPHA, 4)), theory.SELU(x.astype(float)))
    assert (excess > 0).all()
