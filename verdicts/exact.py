"""Decisions on deterministic facts (an API exists, a constant equals its closed form).

No sampling error: alpha is 0 and the interval is the observed share itself. Every check is named, so
a refutation says exactly which one failed.
"""
from __future__ import annotations

from collections.abc import Mapping

from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, STRENGTH, SUPPORTED, Verdict


def all_checks_hold(checks: Mapping[str, bool], *, what: str) -> Verdict:
    """Supported when every named check holds, refuted when any fails."""
    if not checks:
        raise ValueError(f"no checks given for {what}")
    failed = sorted(name for name, held in checks.items() if not held)
    share = 1 - len(failed) / len(checks)
    return Verdict(
        decision=REFUTED if failed else SUPPORTED, test=f"exact check: {what}",
        statistic_name="checks failed", statistic=float(len(failed)), p_value=None, alpha=0.0, beta=0.0,
        effect_name="share of checks holding", effect=share, ci_low=share, ci_high=share, ci_level=1.0,
        n=len(checks), detectable_effect=1 / len(checks), min_effect=0.0,
        notes=tuple(f"failed: {name}" for name in failed),
    )


def with_contrasts(primary: Verdict, contrasts: Mapping[str, Verdict]) -> Verdict:
    """A decision counts only if it can fail: each contrast (data from the nearest wrong law, run
    through the same decision) must come out refuted, or a supported primary verdict becomes
    inconclusive. A refuted or inconclusive primary has already shown the decision can say no; its
    contrasts are recorded as notes."""
    # A contrast shown below the margin (refuted, or negligible: a shown direction too small to matter)
    # is one the decision did not support.
    blind = sorted(name for name, verdict in contrasts.items() if verdict.decision not in (REFUTED, NEGLIGIBLE))
    notes = tuple(f"contrast {name}: {verdict.decision} ({verdict.statistic_name} = {verdict.statistic:.4g}, "
                  f"p = {verdict.p_value if verdict.p_value is None else format(verdict.p_value, '.3g')})"
                  for name, verdict in contrasts.items())
    if blind and primary.decision == SUPPORTED:
        return primary.as_decision(INCONCLUSIVE, *notes, f"the decision could not reject: {', '.join(blind)}")
    return primary.noting(*notes)


def conjunction(parts: Mapping[str, Verdict]) -> Verdict:
    """A claim made of several decisions holds when all of them do.

    Refuted if any part is refuted, else inconclusive if any part is, else negligible if any part is
    (every part holds in direction, one below its margin), else supported. The record reported is
    the weakest part's (a refuted one, else an inconclusive one, else the largest p-value); callers
    split alpha across parts (Bonferroni) when the parts are tests.
    """
    if not parts:
        raise ValueError("conjunction of no decisions")

    def weakness(item):
        verdict = item[1]
        return STRENGTH[verdict.decision], -(verdict.p_value if verdict.p_value is not None else 0.0)

    name, weakest = min(parts.items(), key=weakness)
    notes = tuple(f"{part}: {verdict.summary()}" for part, verdict in parts.items())
    return weakest.as_decision(weakest.decision, f"deciding part: {name}", *notes)


def intersection_union(at_alpha: Mapping[str, Verdict], at_split_alpha: Mapping[str, Verdict]) -> Verdict:
    """A claim that holds only if each of its k comparisons holds, decided without over-splitting alpha.

    `at_alpha` holds each comparison tested at the claim's alpha, `at_split_alpha` the same comparisons
    at alpha / k. Supported when every comparison is supported at alpha: an intersection-union test is
    level alpha with no split, since every one of its tests must reject (Berger 1982, Technometrics 24).
    Refuted when any comparison is refuted at alpha / k: that is a union of k tests, which needs the
    Bonferroni split. Negligible when, at alpha / k, every comparison holds in direction and one is shown
    below its margin. Inconclusive otherwise, including a comparison refuted at alpha but not at alpha / k.
    """
    if at_alpha.keys() != at_split_alpha.keys():
        raise ValueError("the same comparisons are needed at both levels")
    refuting = conjunction(at_split_alpha)
    if refuting.decision == REFUTED:
        return refuting.noting(f"refuted by one of {len(at_split_alpha)} comparisons at alpha split over them")
    if refuting.decision == NEGLIGIBLE:
        return refuting.noting(f"every one of {len(at_split_alpha)} comparisons holds in direction at alpha split "
                               "over them, one by less than its margin")
    supporting = conjunction(at_alpha)
    if supporting.decision == SUPPORTED:
        return supporting.noting(f"all {len(at_alpha)} comparisons supported at the full alpha "
                                 "(intersection-union test)")
    return supporting.as_decision(INCONCLUSIVE, "not every comparison supported at alpha, none refuted at "
                                  "alpha split over them")
