"""Location decisions accept data from the claimed law and reject the nearest wrong law.

Sizes mirror the claims': 10-30 seeds per arm for training claims. "Nearest wrong law" for a one-sided
claim is no effect at all (or the opposite sign), and an effect just below what matters.
"""
import numpy as np
import pytest

from verdicts.location import (
    mean_differs_by_t,
    mean_greater_by_t,
    mean_greater_by_welch,
    shift_greater_by_mann_whitney,
    shift_greater_by_wilcoxon,
)

ALPHA, BETA, MIN_EFFECT = 0.05, 0.1, 0.5


@pytest.mark.parametrize("n", [10, 30])
def test_one_sample_t_supports_a_real_effect_and_refutes_none(rng, n):
    design = dict(alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
    assert mean_greater_by_t(rng.normal(1.5, 1, n), **design).decision == "supported"
    assert mean_greater_by_t(rng.normal(-1.0, 1, n), **design).decision == "refuted"


def test_one_sample_t_on_constant_data_knows_its_mean_exactly():
    """A control that is 0 by construction (no unit can die untrained): refuted with p = 1, not NaN; the
    same constant above the margin is supported with p = 0."""
    design = dict(alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
    zeros = mean_greater_by_t(np.zeros(12), **design)
    assert (zeros.decision, zeros.p_value, zeros.statistic) == ("refuted", 1.0, 0.0)
    ones = mean_greater_by_t(np.ones(12), **design)
    assert (ones.decision, ones.p_value) == ("supported", 0.0)


def test_one_sample_t_is_inconclusive_when_underpowered(rng):
    verdict = mean_greater_by_t(rng.normal(0.3, 3, 5), alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
    assert verdict.decision == "inconclusive"
    assert verdict.detectable_effect > MIN_EFFECT


def test_welch_supports_a_shift_and_rejects_equal_means(rng):
    assert mean_greater_by_welch(rng.normal(2, 1, 20), rng.normal(0, 2, 20), alpha=ALPHA, beta=BETA,
                                 min_effect=MIN_EFFECT).decision == "supported"
    same = mean_greater_by_welch(rng.normal(0, 1, 200), rng.normal(0, 1, 200), alpha=ALPHA, beta=BETA,
                                 min_effect=MIN_EFFECT)
    assert same.decision == "refuted"


def test_two_sided_t_finds_a_difference_of_either_sign_and_refutes_none(rng):
    for shift in (-1.5, 1.5):
        assert mean_differs_by_t(rng.normal(shift, 1, 20), alpha=ALPHA, beta=BETA,
                                 min_effect=MIN_EFFECT).decision == "supported"
    assert mean_differs_by_t(rng.normal(0, 0.3, 100), alpha=ALPHA, beta=BETA,
                             min_effect=MIN_EFFECT).decision == "refuted"


def test_mann_whitney_supports_a_heavy_tailed_shift_and_refutes_none(rng):
    shifted = rng.standard_t(2, 20) + 3
    assert shift_greater_by_mann_whitney(shifted, rng.standard_t(2, 20), alpha=ALPHA, beta=BETA,
                                         min_effect=MIN_EFFECT).decision == "supported"
    assert shift_greater_by_mann_whitney(rng.standard_t(2, 200), rng.standard_t(2, 200) + 1, alpha=ALPHA,
                                         beta=BETA, min_effect=MIN_EFFECT).decision == "refuted"


def test_wilcoxon_supports_paired_gains_and_refutes_paired_losses(rng):
    assert shift_greater_by_wilcoxon(rng.normal(1.5, 1, 20), alpha=ALPHA, beta=BETA,
                                     min_effect=MIN_EFFECT).decision == "supported"
    assert shift_greater_by_wilcoxon(rng.normal(-0.5, 1, 30), alpha=ALPHA, beta=BETA,
                                     min_effect=MIN_EFFECT).decision == "refuted"


def test_one_sided_t_rejects_no_effect_at_the_stated_rate(rng):
    """The false-support rate under the nearest wrong law (no effect) stays near alpha."""
    false_supports = sum(mean_greater_by_t(rng.normal(0, 1, 20), alpha=ALPHA, beta=BETA,
                                           min_effect=MIN_EFFECT).decision == "supported" for _ in range(400))
    # Binomial(400, 0.05): mean 20, sd 4.4; 35 is more than 3 sd above it.
    assert false_supports <= 35


def test_non_finite_values_are_an_error_not_a_number():
    with pytest.raises(ValueError, match="non-finite"):
        mean_greater_by_t([1.0, np.nan, 2.0], alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
