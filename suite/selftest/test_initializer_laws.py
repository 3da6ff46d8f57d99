"""The documented initializer laws (verdicts/theory/initializer_laws.py) that INIT-* claims compare Keras with:
each law's variance is scale / fan, fans count the receptive field, and the kurtosis the variance
intervals use is the law's own. scipy only."""
import math

import pytest

from verdicts.theory import initializer_laws as laws

SHAPES = [(300, 100), (5, 40, 96), (3, 3, 32, 64), (7,)]


@pytest.mark.parametrize("shape, expected", [((300, 100), (300, 100)), ((5, 40, 96), (200, 480)),
                                             ((3, 3, 32, 64), (288, 576)), ((7,), (7, 7))])
def test_fans_count_the_receptive_field(shape, expected):
    assert laws.fans(shape) == expected


def test_the_cut_normal_constant_is_kerass():
    # Keras divides the standard deviation by this constant before cutting at two of them.
    assert laws.CUT_NORMAL_STD == pytest.approx(0.87962566103423978, abs=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", laws.MODES)
@pytest.mark.parametrize("distribution", laws.DISTRIBUTIONS)
def test_every_law_has_variance_scale_over_fan_and_its_own_kurtosis(shape, mode, distribution):
    law = laws.variance_scaling_law(2.5, mode, distribution, shape)
    assert law.distribution.var() == pytest.approx(2.5 / laws.fan(shape, mode), rel=1e-9)
    assert law.variance == pytest.approx(law.distribution.var(), rel=1e-9)
    assert float(law.distribution.stats(moments="k")) + 3 == pytest.approx(law.kurtosis, rel=1e-9)


def test_he_and_lecun_differ_by_a_factor_two_and_glorot_uses_the_mean_fan():
    shape = (3, 3, 32, 64)
    he, lecun = laws.named_law("he_uniform", shape), laws.named_law("lecun_uniform", shape)
    glorot = laws.named_law("glorot_normal", shape)
    assert he.variance == pytest.approx(2 * lecun.variance)
    assert glorot.variance == pytest.approx(2 / sum(laws.fans(shape)))
    assert he.distribution.support() == pytest.approx((-math.sqrt(3 * he.variance), math.sqrt(3 * he.variance)))


def test_cases_cover_the_six_named_initializers_and_nine_variance_scaling_ones():
    cases = laws.variance_scaling_cases(0.5)
    assert set(laws.NAMED) <= set(cases) and len(cases) == 6 + 9


def test_an_unknown_distribution_is_an_error():
    with pytest.raises(ValueError):
        laws.variance_scaling_law(1.0, "fan_in", "laplace", (4, 4))
