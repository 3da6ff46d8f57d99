"""Claims over several settings (optimizers, image sizes): one decision run in each, combined here.

`in_every_setting`: a general claim ("ReLU units die at high learning rates", whatever the optimizer) holds
when it holds in each setting: an intersection-union test (verdicts.exact.intersection_union).
`in_some_setting`: an existential claim ("huge portions *can* die") holds when one setting shows it: a
union of k tests, each at alpha / k (Bonferroni); refuting it needs every setting refuted, an
intersection, level alpha with no split (Berger 1982). The alpha splits live here, never in a test:
`decide(data, alpha)` is the one decision, run at whichever level each rule needs.
"""
from __future__ import annotations

from collections.abc import Mapping

from collections.abc import Callable

from verdicts.exact import intersection_union
from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, STRENGTH, SUPPORTED, Verdict

Decide = Callable[[object, float], Verdict]


def in_every_setting(decide: Decide, data: Mapping[str, object], *, alpha: float) -> Verdict:
    """The claim holds in each setting (intersection-union over `data`'s settings)."""
    split = alpha / len(data)
    return intersection_union({name: decide(values, alpha) for name, values in data.items()},
                              {name: decide(values, split) for name, values in data.items()})


def in_some_setting(decide: Decide, data: Mapping[str, object], *, alpha: float) -> Verdict:
    """The claim holds in at least one setting (`some_setting_shows`)."""
    split = alpha / len(data)
    return some_setting_shows({name: decide(values, split) for name, values in data.items()},
                              {name: decide(values, alpha) for name, values in data.items()})


def some_setting_shows(at_split_alpha: Mapping[str, Verdict], at_alpha: Mapping[str, Verdict]) -> Verdict:
    """Supported when any setting is supported at alpha / k; refuted when every setting is refuted at
    alpha; negligible when, at alpha, none is supported or inconclusive and one holds in direction below its
    margin; inconclusive otherwise. The record reported is the strongest setting's."""
    if not at_split_alpha or at_split_alpha.keys() != at_alpha.keys():
        raise ValueError("the same settings (at least one) are needed at both levels")
    notes = tuple(f"{name}: {verdict.summary()}" for name, verdict in at_split_alpha.items())

    def strength(item):
        verdict = item[1]
        return STRENGTH[verdict.decision], -(verdict.p_value if verdict.p_value is not None else 1.0)

    name, strongest = max(at_split_alpha.items(), key=strength)
    k = len(at_split_alpha)
    if strongest.decision == SUPPORTED:
        return strongest.noting(f"deciding setting: {name}, supported at alpha split over {k} settings", *notes)
    decisions = {verdict.decision for verdict in at_alpha.values()}
    if decisions == {REFUTED}:
        return min(at_alpha.values(), key=lambda v: -(v.p_value if v.p_value is not None else 1.0)).noting(
            f"every one of {k} settings refuted at alpha", *notes)
    if decisions <= {REFUTED, NEGLIGIBLE}:
        return next(v for v in at_alpha.values() if v.decision == NEGLIGIBLE).noting(
            "no setting shows an effect that matters; one shows the direction below its margin", *notes)
    return strongest.as_decision(INCONCLUSIVE, f"no setting supported at alpha split over {k}, not all refuted",
                                 *notes)
