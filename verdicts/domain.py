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

Effects are in "share of the margin used": 0 at the target, 1 at a bound, above 1 outside, whichever side.
A column where every replicate diverged (inf or NaN) is an excursion; one where only some did cannot be
averaged and is not supported.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

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
    name: str
    decision: str
    effect: float
    least: float
    most: float
    p_value: float
    detectable: float
    excursion: float  # least margin use of the Bonferroni interval: above 1 is a shown excursion


@dataclass(frozen=True)
class _Quantiles:
    """The t quantiles every column of n replicates shares (computed once: scipy calls are slow)."""

    n: int
    interval: float  # (1 - 2 alpha) two-sided: t at 1 - alpha
    bonferroni: float  # one-sided at alpha / columns
    power: float  # t at 1 - alpha plus t at 1 - beta/2: what TOST needs between the estimate and a bound

    @classmethod
    def for_design(cls, n: int, alpha: float, beta: float, columns: int) -> _Quantiles:
        df = n - 1
        return cls(n, float(stats.t.ppf(1 - alpha, df)), float(stats.t.ppf(1 - alpha / columns, df)),
                   float(stats.t.ppf(1 - alpha, df) + stats.t.ppf(1 - beta / 2, df)))


def _column(name: str, values: np.ndarray, bounds: Bounds, quantiles: _Quantiles, p_value: float) -> _Column:
    finite = np.isfinite(values)
    if not finite.all():
        diverged = int((~finite).sum())
        if diverged == values.size:
            return _Column(name, REFUTED, math.inf, math.inf, math.inf, 1.0, math.nan, math.inf)
        return _Column(f"{name} ({diverged} of {values.size} diverged)", INCONCLUSIVE, math.inf, 0.0, math.inf,
                       1.0, math.nan, 0.0)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(values.size))
    half = quantiles.interval * se
    least, most = bounds.interval_margin_used(mean - half, mean + half)
    wide = quantiles.bonferroni * se
    excursion = bounds.interval_margin_used(mean - wide, mean + wide)[0]
    side = bounds.high - bounds.target if mean >= bounds.target else bounds.target - bounds.low
    detectable = 1 - quantiles.power * se / side
    if excursion > 1:
        decision = REFUTED
    elif most < 1:
        decision = SUPPORTED
    else:
        decision = INCONCLUSIVE
    return _Column(name, decision, bounds.margin_used(mean), least, most, p_value, float(detectable), excursion)


def _tost_p_values(values: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Each column's TOST p-value, in one vectorized call (1 where a column is not finite)."""
    n = values.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean, se = values.mean(axis=0), values.std(axis=0, ddof=1) / math.sqrt(n)
        exact = np.where((bounds.low < mean) & (mean < bounds.high), 0.0, 1.0)
        p = np.maximum(stats.t.sf((mean - bounds.low) / se, n - 1), stats.t.cdf((mean - bounds.high) / se, n - 1))
    p = np.where(se > 0, p, exact)
    return np.where(np.isfinite(p) & np.isfinite(values).all(axis=0), p, 1.0)


def layers_within_bounds_by_tost(statistics: Mapping[str, np.ndarray], bounds: Mapping[str, Bounds], *,
                                 alpha: float, beta: float, layer_name: str = "layer") -> Verdict:
    """TOST at every layer that each statistic (rows: replicates, columns: layers) lies within its bounds."""
    arrays = {name: np.atleast_2d(np.asarray(values, dtype=float)) for name, values in statistics.items()}
    total = sum(array.shape[1] for array in arrays.values())
    n = next(iter(arrays.values())).shape[0]
    quantiles = _Quantiles.for_design(n, alpha, beta, total)
    columns = [_column(f"{name} at {layer_name} {index + 1}", array[:, index], bounds[name], quantiles, float(p))
               for name, array in arrays.items()
               for index, p in enumerate(_tost_p_values(array, bounds[name]))]
    refuted = [column for column in columns if column.decision == REFUTED]
    if refuted:
        decision, deciding = REFUTED, max(refuted, key=lambda column: column.excursion)
    else:
        decision = SUPPORTED if all(column.decision == SUPPORTED for column in columns) else INCONCLUSIVE
        deciding = max(columns, key=lambda column: column.most)
    unsettled = sum(column.decision == INCONCLUSIVE for column in columns)
    return Verdict(
        decision=decision, test="TOST at every layer (intersection-union) with Bonferroni-level excursions",
        statistic_name="largest margin use of a layer's interval", statistic=float(deciding.most),
        p_value=float(max(column.p_value for column in columns)), alpha=alpha, beta=beta,
        effect_name="margin used by the deciding layer's mean (1 = at the bound)", effect=float(deciding.effect),
        ci_low=float(deciding.least), ci_high=float(deciding.most), ci_level=1 - 2 * alpha, n=n,
        min_effect=1.0, detectable_effect=float(deciding.detectable),
        notes=(f"deciding: {deciding.name}",
               f"{len(columns)} layer statistics: {len(refuted)} shown outside, {unsettled} undecided",
               *(f"bounds of {name}: [{b.low:.4g}, {b.high:.4g}] around {b.target:g}" for name, b in bounds.items()
                 if name in arrays)),
    )


def negated(verdict: Verdict, statement: str) -> Verdict:
    """The verdict on the opposite statement ("leaves the domain" from "stays inside it"): supported and
    refuted swap, inconclusive stays, the evidence is unchanged."""
    flipped = {SUPPORTED: REFUTED, REFUTED: SUPPORTED, INCONCLUSIVE: INCONCLUSIVE}[verdict.decision]
    return replace(verdict, decision=flipped, notes=verdict.notes + (f"decides: {statement}",))


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
