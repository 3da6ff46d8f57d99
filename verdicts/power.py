"""Design twins of the decisions: what effect a sample of a given size can detect.

Each returns the smallest true effect that a level-alpha one-sided test detects with probability at
least 1 - beta, in the units of the effect (TFP's `min_discrepancy_*` idea).
"""
from __future__ import annotations

import math

from scipy import stats

# Asymptotic relative efficiency of rank tests against the t-test under normality (Hodges & Lehmann
# 1956): a rank test needs pi/3 times the t-test's sample, so its detectable shift is sqrt(pi/3) larger.
RANK_TEST_EFFICIENCY = 3 / math.pi


def detectable_shift(standard_error: float, df: float, alpha: float, beta: float) -> float:
    return float((stats.t.ppf(1 - alpha, df) + stats.t.ppf(1 - beta, df)) * standard_error)


def rank_detectable_shift(standard_error: float, alpha: float, beta: float) -> float:
    z = stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)
    return float(z * standard_error / math.sqrt(RANK_TEST_EFFICIENCY))


def ks_detectable_distance(n: int, alpha: float, beta: float) -> float:
    """Sup-distance between CDFs that a KS test at level alpha finds with power 1 - beta, by the
    Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant): a guarantee, not an approximation."""
    return math.sqrt(math.log(2 / alpha) / (2 * n)) + math.sqrt(math.log(2 / beta) / (2 * n))


def samples_for_ks_distance(distance: float, alpha: float, beta: float) -> int:
    """The inverse of `ks_detectable_distance`: samples needed to detect `distance`."""
    root = math.sqrt(math.log(2 / alpha) / 2) + math.sqrt(math.log(2 / beta) / 2)
    return math.ceil((root / distance) ** 2)
