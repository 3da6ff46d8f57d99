"""Joint decisions: a claim of several parts, a family of comparisons, a claim and its contrasts.

A family owns its alpha split (STYLE.md: a test never divides alpha). A test joins a family as a function of
its level, `lambda level: mean_greater_by_t(x, alpha=level, ...)`, and the family calls it at the level its
split gives; a `Verdict` given instead is already decided (an exact check, alpha 0) and takes no share.
With k tests in the family:

* `BONFERRONI`: each test at alpha / k.
* `HOLM`: Holm's step-down (Holm 1979, Scand. J. Statist. 6): the tests ordered by p-value, the i-th (from 0)
  at alpha / (k - i), until one fails to show its claim; that one and every later one stay at the level where
  it stopped. The same family-wise error rate as Bonferroni, never less power.
* `INTERSECTION_UNION`: for "every part holds": support needs every part supported at alpha, no split, since
  every one of its tests must reject (Berger 1982, Technometrics 24); refutation needs one part refuted at
  alpha / k, a union of k tests (`intersection_union`).

`some_part_holds` is the mirror, for existential claims ("huge portions *can* die", under some optimizer):
support needs one part supported at alpha / k (a union of k tests, Bonferroni); refutation needs every part
refuted, an intersection, at alpha with no split.

A part "shows its claim" when its decision is supported or negligible (the direction, or the equivalence, is
shown). Holm orders by p-values, which must not depend on the level (true of every decision in verdicts/: the
level sets only the interval); the family checks that.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, STRENGTH, SUPPORTED, Verdict

BONFERRONI = "Bonferroni"
HOLM = "Holm"
INTERSECTION_UNION = "intersection-union"
SPLITS = (BONFERRONI, HOLM, INTERSECTION_UNION)

Decision = Verdict | Callable[[float], Verdict]
SHOWN = (SUPPORTED, NEGLIGIBLE)


def conjunction(parts: Mapping[str, Verdict], *, headline: str | None = None) -> Verdict:
    """A claim made of several decisions holds when all of them do.

    Refuted if any part is refuted, else inconclusive if any part is, else negligible if any part is
    (every part holds in direction, one below its margin), else supported. The record reported is the
    weakest part's (a refuted one, else an inconclusive one, else the largest p-value). The parts' levels
    are the caller's: `every_part_holds` splits alpha over parts that are tests.
    """
    if not parts:
        raise ValueError("conjunction of no decisions")

    def weakness(item):
        verdict = item[1]
        return STRENGTH[verdict.decision], -(verdict.p_value if verdict.p_value is not None else 0.0)

    name, weakest = min(parts.items(), key=weakness)
    if headline is not None and parts[headline].decision == weakest.decision:
        # The part whose effect the claim's unit and margin speak of reports the record, when it decides alike.
        name, weakest = headline, parts[headline]
    notes = tuple(f"{part}: {verdict.summary()}" for part, verdict in parts.items())
    return weakest.as_decision(weakest.decision, f"deciding part: {name}", *notes)


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


def _tests(decisions: Mapping[str, Decision], role: str) -> list[str]:
    """The names of the decisions that are tests (functions of their level); a fixed part must be exact."""
    for name, decision in decisions.items():
        if isinstance(decision, Verdict):
            if role == "part" and decision.alpha > 0:
                raise ValueError(f"part {name!r} was tested at alpha = {decision.alpha:g} outside the family: "
                                 "give it as a function of its level, the family splits alpha")
        elif not callable(decision):
            raise TypeError(f"{role} {name!r} is neither a Verdict nor a function of the level")
    return [name for name, decision in decisions.items() if not isinstance(decision, Verdict)]


def _called(decision: Decision, level: float) -> Verdict:
    return decision if isinstance(decision, Verdict) else decision(level)


def _holm(tests: Mapping[str, Callable[[float], Verdict]], alpha: float) -> dict[str, Verdict]:
    k = len(tests)
    first = {name: test(alpha / k) for name, test in tests.items()}
    order = sorted(first, key=lambda name: 1.0 if first[name].p_value is None else first[name].p_value)
    decided, stopped = {}, None
    for rank, name in enumerate(order):
        level = stopped if stopped is not None else alpha / (k - rank)
        verdict = first[name] if level == alpha / k else tests[name](level)
        if verdict.p_value != first[name].p_value:
            raise ValueError(f"{name!r}: its p-value changed with the level ({first[name].p_value} at "
                             f"{alpha / k:g}, {verdict.p_value} at {level:g}); Holm needs one p-value per test")
        decided[name] = verdict
        if stopped is None and verdict.decision not in SHOWN:
            stopped = level
    return {name: decided[name] for name in tests}


def decide_each(decisions: Mapping[str, Decision], *, alpha: float, split: str = HOLM) -> dict[str, Verdict]:
    """Each statement of a family decided at its level, so that the chance of any false support (or false
    refutation) in the family stays at alpha: "which adjacent pairs of the ranking are ordered"."""
    if split not in (BONFERRONI, HOLM):
        raise ValueError(f"a family of separate statements splits alpha by {BONFERRONI} or {HOLM}, not {split!r}")
    names = _tests(decisions, "statement")
    tests = {name: decisions[name] for name in names}
    if split == HOLM and tests:
        decided = _holm(tests, alpha)
    else:
        decided = {name: test(alpha / len(tests)) for name, test in tests.items()}
    return {name: decided.get(name) or decision for name, decision in decisions.items()}


def support_level(alpha: float, tests: int, split: str) -> float:
    """The level at which a family's support is decided for its strictest part, where its contrasts and
    recorded extras are run: alpha / k under Bonferroni and Holm, alpha under intersection-union."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    return alpha if split == INTERSECTION_UNION or tests == 0 else alpha / tests


def every_part_holds(parts: Mapping[str, Decision], *, alpha: float, split: str = BONFERRONI,
                     contrasts: Mapping[str, Decision] | None = None,
                     recorded: Mapping[str, Decision] | None = None, headline: str | None = None) -> Verdict:
    """A claim made of several parts holds when every part does, at family-wise error rate alpha.

    `parts` are the claim's decisions (tests as functions of their level, exact checks as Verdicts);
    `contrasts` the same decisions on data from the nearest wrong laws, each of which must come out refuted
    (`with_contrasts`); `recorded` decisions are reported in the notes, not decided on. Contrasts and recorded
    tests run at `support_level`; a Verdict among them is taken as given. `headline` names the part whose
    effect the claim's unit speaks of: it reports the record whenever it decides as the weakest part does.
    """
    if not parts:
        raise ValueError("a family of no parts")
    names = _tests(parts, "part")
    level = support_level(alpha, len(names), split)
    if split == INTERSECTION_UNION:
        at_alpha = {name: _called(part, alpha) for name, part in parts.items()}
        at_split = {name: _called(part, alpha / max(len(names), 1)) for name, part in parts.items()}
        verdict = intersection_union(at_alpha, at_split)
    else:
        verdict = conjunction(decide_each(parts, alpha=alpha, split=split), headline=headline)
    if len(names) > 1:
        verdict = verdict.noting(f"alpha {alpha:g} split over {len(names)} tests ({split})")
    if contrasts:
        _tests(contrasts, "contrast")
        verdict = with_contrasts(verdict, {name: _called(contrast, level) for name, contrast in contrasts.items()})
    _tests(recorded or {}, "recorded decision")
    return verdict.noting(*(f"recorded, not decided: {name}: {_called(decision, level).summary()}"
                            for name, decision in (recorded or {}).items()))


def per_setting(decide: Callable[[object, float], Verdict], data: Mapping[str, object]) -> dict[str, Callable]:
    """One decision applied to each setting's data (an optimizer's runs, an image size's networks), as parts
    of a family: `decide(data, level)` becomes, for each setting, a function of the level."""
    return {name: functools.partial(decide, values) for name, values in data.items()}


def some_part_holds(parts: Mapping[str, Decision], *, alpha: float) -> Verdict:
    """An existential claim holds when at least one of its parts does (see the module docstring).

    Supported when a part is supported at alpha / k; refuted when every part is refuted at alpha; negligible
    when, at alpha, no part is supported or inconclusive and one shows its direction below its margin;
    inconclusive otherwise. The record reported is the strongest part's."""
    if not parts:
        raise ValueError("a family of no parts")
    k = len(_tests(parts, "part"))
    at_split = {name: _called(part, alpha / max(k, 1)) for name, part in parts.items()}
    at_alpha = {name: _called(part, alpha) for name, part in parts.items()}
    notes = tuple(f"{name}: {verdict.summary()}" for name, verdict in at_split.items())

    def strength(item):
        verdict = item[1]
        return STRENGTH[verdict.decision], -(verdict.p_value if verdict.p_value is not None else 1.0)

    name, strongest = max(at_split.items(), key=strength)
    if strongest.decision == SUPPORTED:
        return strongest.noting(f"deciding part: {name}, supported at alpha {alpha:g} split over {k} parts", *notes)
    decisions = {verdict.decision for verdict in at_alpha.values()}
    if decisions == {REFUTED}:
        weakest = max(at_alpha.values(), key=lambda v: v.p_value if v.p_value is not None else 1.0)
        return weakest.noting(f"every one of {k} parts refuted at alpha {alpha:g}", *notes)
    if decisions <= {REFUTED, NEGLIGIBLE}:
        shown = next(verdict for verdict in at_alpha.values() if verdict.decision == NEGLIGIBLE)
        return shown.noting("no part shows an effect that matters; one shows the direction below its margin", *notes)
    return strongest.as_decision(INCONCLUSIVE, f"no part supported at alpha {alpha:g} split over {k}, "
                                 "not every part refuted", *notes)
