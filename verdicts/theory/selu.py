"""The SELU paper's theory (Klambauer et al. 2017, "Self-Normalizing Neural Networks"), numpy/scipy only.

A unit sums n inputs of mean mu and variance nu with weights w; omega = sum(w) and tau = sum(w**2)
(LeCun-normalized weights: omega ~ 0, tau ~ 1). By the central limit theorem its pre-activation is
z ~ N(mu * omega, nu * tau), and the map g: (mu, nu) -> (E[f(z)], Var[f(z)]) tells what a layer of
activation f does to its inputs' moments. Self-normalization is g having (0, 1) as an attracting fixed
point: the paper's Theorem 1 shows g is a contraction on the domain DOMAIN.

The integrals are computed numerically (Gauss-Legendre, split at the kink of f at 0, where it is smooth on
each side), not from the paper's closed forms, so that this is an independent check of them. No
TensorFlow: the self-tests use this module too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

# Paper's eq. (14): the alpha and scale (lambda) that make (0, 1) the fixed point for omega = 0, tau = 1.
_SQRT_E = math.exp(0.5)
_ERFC_1 = special.erfc(1 / math.sqrt(2))
SELU_ALPHA = -math.sqrt(2 / math.pi) / (_ERFC_1 * _SQRT_E - 1)
SELU_SCALE = ((1 - _ERFC_1 * _SQRT_E) * math.sqrt(2 * math.pi)
              / math.sqrt(2 * special.erfc(math.sqrt(2)) * math.e ** 2 + math.pi * _ERFC_1 ** 2 * math.e
                          - 2 * (2 + math.pi) * _ERFC_1 * _SQRT_E + math.pi + 2))

# Theorem 1's domain: mu, nu of the inputs and omega, tau of the normalized weights.
DOMAIN = {"mean": (-0.1, 0.1), "variance": (0.8, 1.5), "omega": (-0.1, 0.1), "tau": (0.95, 1.1)}
# The paper's reported largest singular value of the Jacobian of g at (mu, nu) = (0, 1), omega = 0, tau = 1.
PAPER_JACOBIAN_NORM_AT_FIXED_POINT = 0.7877

# Standard-normal tail beyond which mass is below 1e-32: the integrals are truncated there.
_TAIL = 12.0
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(160)


@dataclass(frozen=True)
class ScaledElu:
    """f(z) = scale * z for z > 0, scale * alpha * (exp(z) - 1) otherwise: SELU, ELU (1, 1), and variants."""

    alpha: float = SELU_ALPHA
    scale: float = SELU_SCALE

    def __call__(self, z):
        z = np.asarray(z, dtype=float)
        return self.scale * np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))


SELU = ScaledElu()
ELU = ScaledElu(alpha=1.0, scale=1.0)


def _nodes(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [low, high], elementwise over arrays of bounds (last axis: nodes)."""
    low, high = low[..., None], high[..., None]
    half = (high - low) / 2
    return low + half * (_NODES + 1), half * _WEIGHTS


def gaussian_expectations(activation: ScaledElu, mean, std):
    """E[f(z)] and E[f(z)^2] for z ~ N(mean, std^2), elementwise; integrated on each side of the kink."""
    mean, std = np.broadcast_arrays(np.asarray(mean, dtype=float), np.asarray(std, dtype=float))
    kink = -mean / std  # z = 0 in standard units u = (z - mean) / std
    first = second = 0.0
    for low, high in ((np.minimum(kink, 0.0) - _TAIL, kink), (kink, np.maximum(kink, 0.0) + _TAIL)):
        u, weights = _nodes(low, high)
        value = activation(mean[..., None] + std[..., None] * u)
        weighted = weights * np.exp(-u ** 2 / 2) / math.sqrt(2 * math.pi)
        first = first + np.sum(value * weighted, axis=-1)
        second = second + np.sum(value ** 2 * weighted, axis=-1)
    return first, second


def moment_map(mean, variance, omega=0.0, tau=1.0, activation: ScaledElu = SELU):
    """g(mu, nu) = (E[f(z)], Var[f(z)]), z ~ N(mu * omega, nu * tau): one layer's effect on the moments."""
    pre_mean = np.asarray(mean, dtype=float) * omega
    pre_std = np.sqrt(np.asarray(variance, dtype=float) * tau)
    first, second = gaussian_expectations(activation, pre_mean, pre_std)
    return first, second - first ** 2


def jacobian(mean, variance, omega=0.0, tau=1.0, activation: ScaledElu = SELU, step: float = 1e-5):
    """d(mu~, nu~)/d(mu, nu) by central differences; shape (..., 2, 2), rows (mu~, nu~)."""
    mean, variance = np.asarray(mean, dtype=float), np.asarray(variance, dtype=float)
    columns = []
    for d_mean, d_var in ((step, 0.0), (0.0, step)):
        plus = moment_map(mean + d_mean, variance + d_var, omega, tau, activation)
        minus = moment_map(mean - d_mean, variance - d_var, omega, tau, activation)
        columns.append(np.stack([(p - m) / (2 * step) for p, m in zip(plus, minus)], axis=-1))
    return np.stack(columns, axis=-1)


def spectral_norm(matrices) -> np.ndarray:
    return np.linalg.norm(np.asarray(matrices), ord=2, axis=(-2, -1))


def domain_grid(points_per_axis: int, domain: dict = DOMAIN) -> dict[str, np.ndarray]:
    """An even grid over (mean, variance, omega, tau), edges included, flattened to 1-d arrays."""
    axes = [np.linspace(*domain[key], points_per_axis) for key in ("mean", "variance", "omega", "tau")]
    mesh = np.meshgrid(*axes, indexing="ij")
    return {key: grid.ravel() for key, grid in zip(("mean", "variance", "omega", "tau"), mesh)}


def iterate_map(mean: float, variance: float, layers: int, omega=0.0, tau=1.0,
                activation: ScaledElu = SELU) -> tuple[np.ndarray, np.ndarray]:
    """Moments after each of `layers` layers, starting from the inputs' (mean, variance).

    `omega`, `tau` are scalars or per-layer sequences (a network whose layers differ, e.g. non-square)."""
    omegas = np.broadcast_to(np.asarray(omega, dtype=float), (layers,))
    taus = np.broadcast_to(np.asarray(tau, dtype=float), (layers,))
    means, variances = np.empty(layers), np.empty(layers)
    for layer in range(layers):
        mean, variance = (float(v) for v in moment_map(mean, variance, omegas[layer], taus[layer], activation))
        means[layer], variances[layer] = mean, variance
    return means, variances
