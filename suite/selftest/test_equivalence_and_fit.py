"""Equivalence (TOST) and goodness-of-fit decisions: the claimed law passes, the nearest wrong law fails.

The nearest wrong laws are the ones the initializer claims must tell apart: He (variance 2/fan_in) from
LeCun (1/fan_in), a normal from a uniform of the same variance, and a slope of log 0.5 from 0.
"""
import math

import numpy as np
from scipy import stats

from verdicts.equivalence import mean_equivalent_by_tost, slope_equivalent_by_tost
from verdicts.fit import fits_law_by_ks, variance_equivalent_by_ci, variance_interval
from verdicts.power import ks_detectable_distance, samples_for_ks_distance

ALPHA, BETA = 0.01, 0.01


def test_tost_accepts_the_target_and_rejects_a_shift_beyond_the_margin(rng):
    assert mean_equivalent_by_tost(rng.normal(1.0, 0.1, 200), target=1.0, margin=0.05, alpha=ALPHA,
                                   beta=BETA).decision == "supported"
    assert mean_equivalent_by_tost(rng.normal(1.2, 0.1, 200), target=1.0, margin=0.05, alpha=ALPHA,
                                   beta=BETA).decision == "refuted"


def test_tost_slope_tells_he_from_glorot_through_relu_layers(rng):
    depth = np.arange(30)
    kept = rng.normal(0, 0.05, 30)                     # log second moment stays flat (He + ReLU)
    halved = depth * math.log(0.5) + rng.normal(0, 0.05, 30)   # halves per layer (Glorot + ReLU, square)
    design = dict(target=0.0, margin=0.05, alpha=ALPHA, beta=BETA)
    assert slope_equivalent_by_tost(depth, kept, **design).decision == "supported"
    assert slope_equivalent_by_tost(depth, halved, **design).decision == "refuted"


def test_ks_accepts_glorot_uniform_and_rejects_a_same_variance_normal(rng):
    limit, n = math.sqrt(6 / 384), 18432
    law = stats.uniform(-limit, 2 * limit)
    accepted = fits_law_by_ks(rng.uniform(-limit, limit, n), law, alpha=ALPHA / 2, beta=BETA, min_effect=0.03,
                              law_name="U")
    rejected = fits_law_by_ks(rng.normal(0, limit / math.sqrt(3), n), law, alpha=ALPHA / 2, beta=BETA,
                              min_effect=0.03, law_name="U")
    assert (accepted.decision, rejected.decision) == ("supported", "refuted")


def test_ks_is_inconclusive_when_too_small_to_detect_what_matters(rng):
    verdict = fits_law_by_ks(rng.uniform(-1, 1, 100), stats.uniform(-1, 2), alpha=ALPHA, beta=BETA,
                             min_effect=0.03, law_name="U")
    assert verdict.decision == "inconclusive" and verdict.detectable_effect > 0.03


def test_ks_design_twins_invert_each_other():
    n = samples_for_ks_distance(0.02, ALPHA, BETA)
    assert ks_detectable_distance(n, ALPHA, BETA) <= 0.02 < ks_detectable_distance(n - 1, ALPHA, BETA)


def test_variance_interval_tells_he_from_lecun(rng):
    fan_in, n = 256, 4096
    lecun = rng.normal(0, math.sqrt(1 / fan_in), n)
    he = rng.normal(0, math.sqrt(2 / fan_in), n)
    decide = dict(target=1 / fan_in, rel_margin=0.1, alpha=ALPHA, beta=BETA, kurtosis=3.0)
    assert variance_equivalent_by_ci(lecun, **decide).decision == "supported"
    assert variance_equivalent_by_ci(he, **decide).decision == "refuted"


def test_variance_interval_with_uniform_kurtosis_covers_at_the_stated_rate(rng):
    """With the uniform's kurtosis 1.8 the interval covers the true variance about 1 - 2 alpha of the time;
    the normal-theory chi-square interval would be far too wide for it (and too narrow for heavy tails)."""
    covered = 0
    for _ in range(300):
        _, low, high = variance_interval(rng.uniform(-1, 1, 2000), alpha=0.05, kurtosis=1.8)
        covered += low <= 1 / 3 <= high
    # Binomial(300, 0.9): mean 270, sd 5.2.
    assert 255 <= covered <= 285
