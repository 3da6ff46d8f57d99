"""The SELU moment map (verdicts/theory/selu.py, numpy/scipy only): its quadrature against scipy's adaptive
integration, its constants against the paper's digits, and its fixed point and Jacobian against the paper."""
import math

import numpy as np
import pytest
from scipy import integrate

from verdicts.theory import selu as selu_theory

# Klambauer et al. 2017, eq. (14), to the digits the paper prints.
PAPER_ALPHA = 1.6732632423543772848170429916717
PAPER_SCALE = 1.0507009873554804934193349852946


def test_closed_form_constants_match_the_paper():
    assert math.isclose(selu_theory.SELU_ALPHA, PAPER_ALPHA, rel_tol=1e-14)
    assert math.isclose(selu_theory.SELU_SCALE, PAPER_SCALE, rel_tol=1e-14)


def _quad_expectation(function, mean: float, std: float) -> float:
    def integrand(z):
        return function(z) * math.exp(-((z - mean) / std) ** 2 / 2) / (std * math.sqrt(2 * math.pi))

    return sum(integrate.quad(integrand, low, high, epsabs=1e-13)[0] for low, high in ((-np.inf, 0), (0, np.inf)))


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (0.3, 0.7), (-1.0, 2.0), (3.0, 0.1), (0.0, 0.05)])
def test_quadrature_matches_adaptive_integration(mean, std):
    first, second = selu_theory.gaussian_expectations(selu_theory.SELU, mean, std)
    assert abs(float(first) - _quad_expectation(lambda z: float(selu_theory.SELU(z)), mean, std)) < 1e-10
    assert abs(float(second) - _quad_expectation(lambda z: float(selu_theory.SELU(z)) ** 2, mean, std)) < 1e-10


def test_zero_one_is_the_fixed_point_for_selu_and_not_for_elu():
    assert np.allclose(selu_theory.moment_map(0.0, 1.0), (0.0, 1.0), atol=1e-12)
    elu_mean, elu_variance = selu_theory.moment_map(0.0, 1.0, activation=selu_theory.ELU)
    assert elu_mean > 0.1 and elu_variance < 0.7


def test_jacobian_at_the_fixed_point_is_the_papers():
    """The paper's J(0, 1) = [[0, 0.088834], [0, 0.782648]], largest singular value 0.7877."""
    jacobian = selu_theory.jacobian(0.0, 1.0)
    assert np.allclose(jacobian, [[0.0, 0.088834], [0.0, 0.782648]], atol=5e-7)
    assert abs(float(selu_theory.spectral_norm(jacobian)) - 0.7877) < 5e-5


def test_iterating_from_a_corner_converges_and_he_scale_does_not_return():
    _, variances = selu_theory.iterate_map(0.1, 1.5, 60)
    assert abs(variances[-1] - 1) < 1e-4
    _, he_variances = selu_theory.iterate_map(0.0, 1.0, 30, tau=2.0)
    assert he_variances[-1] > 4
