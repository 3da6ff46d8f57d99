"""Equivalence of per-layer statistics to a domain: does every layer stay within fixed bounds?

The SELU claims ask whether activations keep their mean and standard deviation inside the SELU paper's
domain at every layer. Each statistic is an array with one row per independent replicate (a network drawn
with its own seed) and one column per layer. For every column a t-interval over replicates decides:

* supported: every column's (1 - 2 alpha) interval lies inside its bounds. "Every layer stays inside" is an
  intersection of equivalence hypotheses, so by the intersection-union principle (Berger 1982) each column
  is tested at alpha with no correction and the whole still has false-support rate alpha.
* refuted: some column's one-sided interval at the Bonferroni level alpha / (number of columns) lies
  entirely outside its bounds (a shown excursion), so false refutation also stays below alpha.
* inconclusive otherwise; `detectable_effect` says what the deciding column could have shown.

`some_layer_outside_bounds` decides the opposite statement ("the network leaves the domain") from the same
intervals, with its own p-value (the Bonferroni-adjusted one-sided test of the deciding layer).

Effects are in "share of the margin used": 0 at the target, 1 at a bound, above 1 outside, whichever side.
A column where every replicate diverged (inf or NaN) is an excursion; one where only some did cannot be
averaged and is not supported.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from verdicts.record import INCONCLUSIVE, REFUTED, SUPPORTED, Verdict


@dataclass(frozen=True)
class Bounds:
    """An interval [low, high] around a target, e.g. the SELU domain's std range around 1."""

    low: float
    target: float
    high: float

    def margin_used(self, value: float) -> float:
        """0 at the target, 1 at the bound on the value's side, above 1 beyond it."""
        if value >= self.target:
            return (value - self.target) / (self.high - self.target)
        return (self.target - value) / (self.target - self.low)

    def interval_margin_used(self, low: float, high: float) -> tuple[float, float]:
        """Least and most margin used by any value of [low, high]."""
        least = 0.0 if low <= self.target <= high else min(self.margin_used(low), self.margin_used(high))
        return least, max(self.margin_used(low), self.margin_used(high))


@dataclass(frozen=True)
class _Column:
    """One statistic at one layer: its decision on "inside the bounds" and the evidence for both sides."""

    name: str
    decision: str
    effect: float
    least: float  # least and most margin used over the (1 - 2 alpha) interval
    most: float
    tost_p: float
    excursion: float  # least margin use of the Bonferroni interval: above 1 is a shown excursion
    excursion_p: float  # Bonferroni-adjusted one-sided p that the value lies beyond the bound on its side
    detectable_inside: float  # margin use TOST shows inside with power 1 - beta
    detectable_outside: float  # margin use the Bonferroni excursion test shows outside with power 1 - beta


@dataclass(frozen=True)
class _Design:
    """The t quantiles every column of n replicates shares (computed once: scipy calls are slow)."""

    n: int
    columns: int
    interval: float  # (1 - 2 alpha) two-sided: t at 1 - alpha
    bonferroni: float  # one-sided at alpha / columns
    inside_power: float  # t at 1 - alpha plus t at 1 - beta/2: TOST's distance from a bound
    outside_power: float  # t at 1 - alpha/columns plus t at 1 - beta

    @classmethod
    def of(cls, n: int, columns: int, alpha: float, beta: float) -> _Design:
        def t(level: float) -> float:
            return float(stats.t.ppf(level, n - 1))

        return cls(n, columns, t(1 - alpha), t(1 - alpha / columns), t(1 - alpha) + t(1 - beta / 2),
                   t(1 - alpha / columns) + t(1 - beta))


def _p_values(values: np.ndarray, bounds: Bounds, design: _Design) -> tuple[np.ndarray, np.ndarray]:
    """Per column, vectorized: the TOST p-value of "inside", and the Bonferroni-adjusted p-value of "beyond
    the bound on the estimate's side". A column where every replicate diverged is beyond; a partly
    diverged one is neither shown inside nor outside."""
    n = values.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean, se = values.mean(axis=0), values.std(axis=0, ddof=1) / math.sqrt(n)
        inside = (bounds.low < mean) & (mean < bounds.high)
        tost = np.maximum(stats.t.sf((mean - bounds.low) / se, n - 1), stats.t.cdf((mean - bounds.high) / se, n - 1))
        beyond = np.where(mean >= bounds.target, stats.t.sf((mean - bounds.high) / se, n - 1),
                          stats.t.cdf((mean - bounds.low) / se, n - 1))
    tost = np.where(se > 0, tost, np.where(inside, 0.0, 1.0))
    beyond = np.minimum(1.0, design.columns * np.where(se > 0, beyond, np.where(inside, 1.0, 0.0)))
    finite = np.isfinite(values).all(axis=0)
    diverged = ~np.isfinite(values).any(axis=0)
    return (np.where(finite & np.isfinite(tost), tost, 1.0),
            np.where(diverged, 0.0, np.where(finite & np.isfinite(beyond), beyond, 1.0)))


def _column(name: str, values: np.ndarray, bounds: Bounds, design: _Design, tost_p: float,
            excursion_p: float) -> _Column:
    finite = np.isfinite(values)
    if not finite.all():
        diverged = int((~finite).sum())
        if diverged == values.size:
            return _Column(f"{name} (diverged)", REFUTED, math.inf, math.inf, math.inf, 1.0, math.inf, 0.0,
                           math.nan, math.nan)
        return _Column(f"{name} ({diverged} of {values.size} diverged)", INCONCLUSIVE, math.inf, 0.0, math.inf,
                       1.0, 0.0, 1.0, math.nan, math.nan)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(values.size))
    least, most = bounds.interval_margin_used(mean - design.interval * se, mean + design.interval * se)
    wide = design.bonferroni * se
    excursion = bounds.interval_margin_used(mean - wide, mean + wide)[0]
    side = bounds.high - bounds.target if mean >= bounds.target else bounds.target - bounds.low
    if excursion > 1:
        decision = REFUTED
    elif most < 1:
        decision = SUPPORTED
    else:
        decision = INCONCLUSIVE
    return _Column(name, decision, bounds.margin_used(mean), least, most, tost_p, excursion, excursion_p,
                   1 - design.inside_power * se / side, 1 + design.outside_power * se / side)


def _columns(statistics, bounds, alpha: float, beta: float, layer_name: str) -> tuple[list[_Column], int]:
    arrays = {name: np.atleast_2d(np.asarray(values, dtype=float)) for name, values in statistics.items()}
    n = next(iter(arrays.values())).shape[0]
    design = _Design.of(n, sum(array.shape[1] for array in arrays.values()), alpha, beta)
    columns = []
    for name, array in arrays.items():
        tost, beyond = _p_values(array, bounds[name], design)
        columns += [_column(f"{name} at {layer_name} {index + 1}", array[:, index], bounds[name], design,
                            float(tost[index]), float(beyond[index])) for index in range(array.shape[1])]
    return columns, n


def _inside_decision(columns: list[_Column]) -> tuple[str, _Column]:
    """The decision on "every column inside" and the column that decides it: the clearest excursion when
    one is shown, else the column whose interval comes nearest a bound."""
    outside = [column for column in columns if column.decision == REFUTED]
    if outside:
        return REFUTED, max(outside, key=lambda column: column.excursion)
    decision = SUPPORTED if all(column.decision == SUPPORTED for column in columns) else INCONCLUSIVE
    return decision, max(columns, key=lambda column: column.most)


def _verdict(columns: list[_Column], n: int, bounds, names, alpha: float, beta: float, **decided) -> Verdict:
    """The record both statements share (the deciding column's effect and interval); `decided` holds what
    differs: decision, test, statistic, p-value, detectable effect."""
    deciding = decided.pop("deciding")
    outside = sum(column.decision == REFUTED for column in columns)
    unsettled = sum(column.decision == INCONCLUSIVE for column in columns)
    return Verdict(
        alpha=alpha, beta=beta,
        effect_name=f"margin used by the deciding layer's {deciding.name.split(' at ')[0]}, averaged over networks "
                    "(1 = at the bound)",
        effect=float(deciding.effect), ci_low=float(deciding.least), ci_high=float(deciding.most),
        ci_level=1 - 2 * alpha, n=n, min_effect=1.0,
        notes=(f"deciding: {deciding.name}",
               f"{len(columns)} layer statistics: {outside} shown outside, {unsettled} undecided",
               *(f"bounds of {name}: [{b.low:.4g}, {b.high:.4g}] around {b.target:g}" for name, b in bounds.items()
                 if name in names)),
        **decided,
    )


def layers_within_bounds_by_tost(statistics: Mapping[str, np.ndarray], bounds: Mapping[str, Bounds], *,
                                 alpha: float, beta: float, layer_name: str = "layer") -> Verdict:
    """TOST at every layer that each statistic (rows: replicates, columns: layers) lies within its bounds."""
    columns, n = _columns(statistics, bounds, alpha, beta, layer_name)
    decision, deciding = _inside_decision(columns)
    return _verdict(columns, n, bounds, statistics, alpha, beta, deciding=deciding, decision=decision,
                    test="TOST at every layer (intersection-union) with Bonferroni-level excursions",
                    statistic_name="largest margin use of a layer's interval", statistic=float(deciding.most),
                    p_value=float(max(column.tost_p for column in columns)),
                    detectable_effect=float(deciding.detectable_inside))


def some_layer_outside_bounds(statistics: Mapping[str, np.ndarray], bounds: Mapping[str, Bounds], *,
                              alpha: float, beta: float, layer_name: str = "layer") -> Verdict:
    """The opposite statement, "some layer leaves the bounds", decided by the same intervals: supported when
    a layer's Bonferroni-level interval lies wholly outside (p: the smallest Bonferroni-adjusted one-sided
    p), refuted when TOST shows every layer inside, inconclusive otherwise."""
    columns, n = _columns(statistics, bounds, alpha, beta, layer_name)
    inside, deciding = _inside_decision(columns)
    return _verdict(columns, n, bounds, statistics, alpha, beta, deciding=deciding,
                    decision={REFUTED: SUPPORTED, SUPPORTED: REFUTED, INCONCLUSIVE: INCONCLUSIVE}[inside],
                    test="Bonferroni-level excursion at some layer, against TOST at every layer",
                    statistic_name="least margin use of the deciding layer's Bonferroni interval",
                    statistic=float(deciding.excursion), p_value=float(min(c.excursion_p for c in columns)),
                    detectable_effect=float(deciding.detectable_outside))


def inside_by_layer(statistics: Mapping[str, np.ndarray], bounds: Mapping[str, Bounds]) -> np.ndarray:
    """[replicates, layers]: whether every statistic lies within its bounds at that layer."""
    return np.logical_and.reduce([(np.asarray(values) >= bounds[name].low) & (np.asarray(values) <= bounds[name].high)
                                  for name, values in statistics.items()])


def layers_to_enter(statistics: Mapping[str, np.ndarray], bounds: Mapping[str, Bounds]) -> np.ndarray:
    """Per replicate, the number of layers after which every statistic stays inside its bounds for good
    (0: inside from the first layer; the number of layers + 1: never settles inside)."""
    inside = inside_by_layer(statistics, bounds)
    layers = inside.shape[1]
    outside_after = np.where(~inside, np.arange(1, layers + 1), 0).max(axis=1)
    return np.where(inside[:, -1], outside_after, layers + 1)
