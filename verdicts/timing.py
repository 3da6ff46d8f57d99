"""A speed claim's timing decision: several pairs of activations compared at several levels on every device.

`time_ratio_family` decides each comparison over builds where the level has them, else over rounds (the
decisions of `verdicts.time_ratios`, re-exported here); a level holds when all its pairs do, the claim when all
pairs hold at every deciding level on the deciding device, an intersection-union family (`verdicts.family`),
or, for advice that needs only one regime (`over_levels=SOME`), when every pair holds at some deciding level.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from verdicts.family import INTERSECTION_UNION, every_part_holds, some_part_holds
from verdicts.record import Verdict
from verdicts.time_ratios import (
    CHUNK_VALUES,
    MIN_BUILDS,
    MIN_RESAMPLES,
    MIN_TAIL_RESAMPLES,
    RELATIONS,
    build_log_ratios,
    given_as_builds,
    paired_log_ratios,
    time_ratio_comparison,
    time_ratio_greater_by_builds,
    time_ratio_greater_by_rounds,
    time_ratio_within_margin_by_builds,
    time_ratio_within_margin_by_rounds,
    wall_time_ratio_within_margin,
)

# The comparisons' names, importable from here as before they moved to verdicts.time_ratios.
__all__ = [
    "CHUNK_VALUES", "MIN_BUILDS", "MIN_RESAMPLES", "MIN_TAIL_RESAMPLES", "RELATIONS", "TimingFamily",
    "build_log_ratios", "paired_log_ratios", "time_ratio_comparison", "time_ratio_family",
    "time_ratio_greater_by_builds", "time_ratio_greater_by_rounds", "time_ratio_within_margin_by_builds",
    "time_ratio_within_margin_by_rounds", "wall_time_ratio_within_margin", "EVERY", "SOME",
]

EVERY, SOME = "every", "some"  # over_levels: each pair must hold at every deciding level, or at some one


@dataclass(frozen=True)
class TimingFamily:
    """A speed claim's decision: the deciding verdict, one verdict per (device, level), and one plain record
    per comparison (its ratio and interval at alpha, and at alpha split over its family for refutation)."""

    verdict: Verdict
    per_level: Mapping[tuple[str, str], Verdict]
    comparisons: tuple[dict, ...]


class _Comparison:
    """One comparison as a function of its level, as verdicts.family takes a test; each level decided once."""

    def __init__(self, relation: str, numerator, denominator, *, beta: float, min_effect: float, seed: int):
        self.relation, self.numerator, self.denominator = relation, numerator, denominator
        self.beta, self.min_effect, self.seed = beta, min_effect, seed
        self.by_level: dict[float, Verdict] = {}

    def __call__(self, level: float) -> Verdict:
        if level not in self.by_level:
            self.by_level[level] = time_ratio_comparison(self.relation, self.numerator, self.denominator,
                                                         alpha=level, beta=self.beta, min_effect=self.min_effect,
                                                         seed=self.seed)
        return self.by_level[level]

    def record(self, device: str, level: str, a: str, b: str, alpha: float, family: int) -> dict:
        verdict = self(alpha)
        record = {"device": device, "level": level, "relation": RELATIONS[self.relation][0], "numerator": a,
                  "denominator": b, "ratio": verdict.effect, "ci_low": verdict.ci_low, "ci_high": verdict.ci_high,
                  "ci_level": verdict.ci_level, "p_value": verdict.p_value, "alpha": verdict.alpha,
                  "decision": verdict.decision, "replicates": verdict.n,
                  "replicate": "builds" if given_as_builds(self.numerator) else "rounds"}
        if family > 1:
            split = self(alpha / family)
            record.update({"refutation_alpha": split.alpha, "refutation_ci_low": split.ci_low,
                           "refutation_ci_high": split.ci_high, "refutation_decision": split.decision})
        return record


def time_ratio_family(replicates: Mapping[tuple, object], pairs: Sequence[tuple[str, str]], *, relation: str,
                      deciding_levels: Sequence[str], deciding_device: str, alpha: float, beta: float,
                      min_effect: float, seed_for: Callable[[str], int], over_levels: str = EVERY) -> TimingFamily:
    """Every pair (numerator, denominator) at every level on every device of `replicates`, which maps
    (device, level, activation) to its rounds (one series) or builds (a list of series).

    A level holds when all its pairs do; the claim when all pairs hold at every deciding level on the
    deciding device. Both are intersection-union families (verdicts.family): each comparison at alpha for
    support and at alpha split over its family for refutation (a deciding comparison's family is every pair
    at every deciding level; a reported level's is its own pairs). With `over_levels=SOME` a pair holds when
    it holds at some deciding level (`some_part_holds`: support at alpha split over the levels, refutation
    when every level refutes it) and the claim when every pair does. `seed_for(stream)` seeds each bootstrap."""
    if over_levels not in (EVERY, SOME):
        raise ValueError(f"over_levels must be {EVERY!r} or {SOME!r}, not {over_levels!r}")
    devices = list(dict.fromkeys(key[0] for key in replicates))
    levels = sorted({key[1] for key in replicates})
    if not deciding_levels or not set(deciding_levels) <= set(levels) or deciding_device not in devices:
        raise ValueError(f"the deciding levels {tuple(deciding_levels)} on {deciding_device} must be among the "
                         f"measured levels {levels} on {devices}")
    per_level, records, deciding = {}, [], {}
    for device in devices:
        for level in levels:
            decides = device == deciding_device and level in deciding_levels
            comparisons = {(a, b): _Comparison(relation, replicates[(device, level, a)],
                                               replicates[(device, level, b)], beta=beta, min_effect=min_effect,
                                               seed=seed_for(f"bootstrap {device} {level} {a}/{b}"))
                           for a, b in pairs}
            per_level[(device, level)] = every_part_holds(
                {f"{a} / {b}": comparison for (a, b), comparison in comparisons.items()}, alpha=alpha,
                split=INTERSECTION_UNION)
            family = len(pairs) * (len(deciding_levels) if decides and over_levels == EVERY else 1)
            records += [comparison.record(device, level, a, b, alpha, family)
                        for (a, b), comparison in comparisons.items()]
            if decides:
                for (a, b), comparison in comparisons.items():
                    deciding[(level, f"{a} / {b}")] = comparison
    holds = "; ".join(f"{device} {level}: {verdict.decision}" for (device, level), verdict in per_level.items())
    if over_levels == SOME:
        by_pair = {}
        for (level, pair), comparison in deciding.items():
            by_pair.setdefault(pair, {})[level] = comparison
        parts = {f"{pair} at some level": functools.partial(_at_some_level, by_level)
                 for pair, by_level in by_pair.items()}
    else:
        parts = {f"{level} {pair}": comparison for (level, pair), comparison in deciding.items()}
    verdict = every_part_holds(parts, alpha=alpha, split=INTERSECTION_UNION)
    return TimingFamily(verdict=verdict.noting(f"per level: {holds}"), per_level=per_level,
                        comparisons=tuple(records))


def _at_some_level(by_level: Mapping[str, _Comparison], alpha: float):
    return some_part_holds(dict(by_level), alpha=alpha)
