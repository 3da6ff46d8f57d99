"""What changed for each claim between two results documents (a baseline and a run, or two TF versions).

Regressions: a different verdict between two decisions (supported, negligible, refuted, inconclusive) or
to or from an error; an effect whose interval no longer overlaps the earlier one (both recorded at their
stated confidence level, so disjoint intervals are a significant shift); and a speed claim whose time
ratio moved by more than its gate factor. Everything else worth knowing is a note: a claim on one side
only, or not decided on one side (not run, skipped, untested: nothing to compare), a claim new since the
baseline, a redesigned decision (another effect, whose numbers cannot be compared), a changed catalog
expectation, and for api claims the recorded notes that differ (which names a Keras release added or removed).

Speed claims' numbers are timings of a machine under a load. A verdict flip near the margin (the ratio
moved by less than the claim's gate factor, `shift_gate`, default 2) is noise of that kind: a note. A
ratio that moved by more than the factor, either way, is a regression, whatever the verdicts say, when
both sides were timed on CPUs with the same vector extensions (each claim's `runtime.cpu_vector_extensions`):
across CPU types TensorFlow runs other kernels (oneDNN's Conv2D on AVX2 against AVX-512 moved a CNN's
ELU/leaky ReLU ratio x2.9), so such a shift is a note that says so, not gating; a side that does not record
its CPU is gated as before.
Interval shifts of speed claims are noted, not counted, unless asked for (`effect_kinds`).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

EFFECT_KINDS = ("api", "mechanistic", "empirical")
# Outcomes that decided nothing: a claim with one of these on either side is not compared.
UNDECIDED = ("not run", "skipped", "untested")
SPEED = "speed"
DEFAULT_SHIFT_GATE = 2.0
MAX_NOTES_SHOWN = 6


@dataclass(frozen=True)
class Change:
    claim_id: str
    what: str
    why: str
    regression: bool


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _interval(claim: Mapping) -> tuple[float, float, float] | None:
    """(effect, low, high) when the claim recorded finite numbers for all three, else None."""
    values = [claim.get(key) for key in ("effect", "ci_low", "ci_high")]
    if not all(_finite(v) for v in values):
        return None
    effect, low, high = (float(v) for v in values)
    return effect, min(low, high), max(low, high)


def _number(value: float) -> str:
    return f"{value:.4g}"


def effect_text(claim: Mapping) -> str:
    interval = _interval(claim)
    if interval is None:
        return "no effect recorded"
    effect, low, high = interval
    return f"{claim.get('effect_name') or 'effect'} = {_number(effect)} [{_number(low)}, {_number(high)}]"


def _notes(claim: Mapping) -> set[str]:
    notes = claim.get("notes")
    return {str(note) for note in notes} if isinstance(notes, list) else set()


def _notes_change(claim_id: str, before: Mapping, after: Mapping) -> list[Change]:
    gone, came = sorted(_notes(before) - _notes(after)), sorted(_notes(after) - _notes(before))
    if not gone and not came:
        return []
    parts = [f"- {note}" for note in gone[:MAX_NOTES_SHOWN]] + [f"+ {note}" for note in came[:MAX_NOTES_SHOWN]]
    return [Change(claim_id, "notes", "recorded notes differ: " + " | ".join(parts), False)]


def shift_gate(*claims: Mapping) -> float:
    """The factor a speed claim's ratio may move by before it gates: the first valid `shift_gate` (> 1)."""
    for claim in claims:
        gate = claim.get("shift_gate")
        if _finite(gate) and gate > 1:
            return float(gate)
    return DEFAULT_SHIFT_GATE


def _comparison_ratios(claim: Mapping) -> dict[tuple, float]:
    """A speed claim's time ratios by (device, level, numerator, denominator), from its details."""
    details = claim.get("details")
    comparisons = details.get("comparisons") if isinstance(details, Mapping) else None
    ratios = {}
    for comparison in comparisons if isinstance(comparisons, list) else ():
        if isinstance(comparison, Mapping) and _finite(comparison.get("ratio")) and comparison["ratio"] > 0:
            key = tuple(str(comparison.get(name)) for name in ("device", "level", "numerator", "denominator"))
            ratios[key] = float(comparison["ratio"])
    return ratios


def _deciding(claim: Mapping, ratios: Mapping[tuple, float]) -> set[tuple]:
    """The comparisons whose ratio is the claim's effect: the part that decided (the weakest of several)."""
    effect = claim.get("effect")
    if not _finite(effect):
        return set()
    return {key for key, ratio in ratios.items() if math.isclose(ratio, effect, rel_tol=1e-9)}


def speed_shift(before: Mapping, after: Mapping) -> tuple[float, str] | None:
    """How far a speed claim's time ratio moved: the factor after/before, and which ratio it is.

    A claim of several comparisons records its weakest one as its effect, and which one that is can change
    from run to run (an op at the cache size, 9x, against one at the memory size, 2x): the comparisons
    that decided on either side are compared with themselves, the one that moved most speaks. Without
    comparisons on both sides, the effects are compared when they measure the same thing."""
    old_ratios, new_ratios = _comparison_ratios(before), _comparison_ratios(after)
    keys = (_deciding(before, old_ratios) | _deciding(after, new_ratios)) & old_ratios.keys() & new_ratios.keys()
    if keys:
        key = max(sorted(keys), key=lambda k: abs(math.log(new_ratios[k] / old_ratios[k])))
        device, level, numerator, denominator = key
        return new_ratios[key] / old_ratios[key], f"time ratio {numerator}/{denominator} at {level} on {device}"
    old, new = before.get("effect"), after.get("effect")
    if before.get("effect_name") == after.get("effect_name") and _finite(old) and _finite(new) and old > 0 < new:
        return new / old, str(after.get("effect_name") or "effect ratio")
    return None


def _other_cpu_type(before: Mapping, after: Mapping) -> str:
    """Why two timings cannot gate each other, where both record their CPU's vector extensions and these differ;
    else ''."""
    old, new = ((claim.get("runtime") or {}).get("cpu_vector_extensions") for claim in (before, after))
    if not (isinstance(old, list) and isinstance(new, list)) or sorted(old) == sorted(new):
        return ""
    return (f"the two were timed on CPUs with other vector extensions ({', '.join(old) or 'none'} against "
            f"{', '.join(new) or 'none'}), where TensorFlow runs other kernels")


def _speed_changes(claim_id: str, before: Mapping, after: Mapping) -> list[Change]:
    """A decided speed claim: a regression when its ratio moved beyond the gate; a verdict flip within it
    is a note."""
    shift, gate = speed_shift(before, after), shift_gate(after, before)
    old_verdict, new_verdict = before.get("verdict"), after.get("verdict")
    flip = f"verdict {old_verdict} → {new_verdict}" if old_verdict != new_verdict else ""
    if shift is None:
        return [Change(claim_id, "verdict", f"{flip}; the time ratios cannot be compared (no common comparison), "
                                            "so the shift is unknown: reported, not gating", False)] if flip else []
    factor, what = shift
    moved = f"the {what} moved x{factor:.3g}"
    if abs(math.log(factor)) > math.log(gate):
        other_cpu = _other_cpu_type(before, after)
        return [Change(claim_id, "speed", f"{moved}, beyond the gate factor {gate:g}" + (f"; {flip}" if flip else "")
                       + (f", but {other_cpu}: not gating" if other_cpu else ""), not other_cpu)]
    if flip:
        return [Change(claim_id, "verdict", f"{flip} near the margin: {moved}, within the gate factor {gate:g} "
                                            "(reported, not gating)", False)]
    return []


def claim_changes(claim_id: str, before: Mapping | None, after: Mapping | None, *,
                  effect_kinds: Iterable[str] = EFFECT_KINDS) -> list[Change]:
    """The changes of one claim from `before` to `after`; either may be None (absent from that run)."""
    if before is None and after is None:
        return []
    if before is None:
        return [Change(claim_id, "new", f"not in the baseline; now {after.get('verdict')}", False)]
    if after is None:
        return [Change(claim_id, "missing", f"was {before.get('verdict')}; absent from these results "
                                            "(not compared)", False)]
    old_verdict, new_verdict = before.get("verdict"), after.get("verdict")
    if old_verdict in UNDECIDED or new_verdict in UNDECIDED:
        if old_verdict == new_verdict:
            return []
        return [Change(claim_id, "undecided", f"verdict {old_verdict} → {new_verdict}: not decided on one side, "
                                              "not compared", False)]
    changes = []
    if SPEED in (before.get("kind"), after.get("kind")) and "error" not in (old_verdict, new_verdict):
        changes += _speed_changes(claim_id, before, after)
    elif old_verdict != new_verdict:
        reason = f" ({after['reason']})" if after.get("reason") else ""
        if new_verdict == after.get("expected") != before.get("expected"):
            reason += "; the catalog expects this verdict here (if the change was meant, save a new baseline)"
        changes.append(Change(claim_id, "verdict", f"verdict {old_verdict} → {new_verdict}{reason}", True))
    if before.get("expected") != after.get("expected"):
        changes.append(Change(claim_id, "expected", f"the catalog expected {before.get('expected')}, "
                                                    f"now {after.get('expected')}", False))
    changes += _effect_change(claim_id, before, after, effect_kinds)
    if after.get("kind") == "api":
        changes += _notes_change(claim_id, before, after)
    return changes


def _effect_change(claim_id: str, before: Mapping, after: Mapping, effect_kinds: Iterable[str]) -> list[Change]:
    old, new = _interval(before), _interval(after)
    if not (old and new):
        return []
    old_part, new_part = _deciding(before, _comparison_ratios(before)), _deciding(after, _comparison_ratios(after))
    if before.get("effect_name") != after.get("effect_name") or (old_part and new_part and not old_part & new_part):
        return [Change(claim_id, "decision", f"the effect measured changed: {effect_text(before)} and "
                                             f"{effect_text(after)} are not comparable", False)]
    if not (new[1] > old[2] or new[2] < old[1]):
        return []
    counted = after.get("kind") in tuple(effect_kinds)
    why = (f"effect shifted: {effect_text(before)} → {effect_text(after)}; the intervals no longer overlap"
           + ("" if counted else f" (a {after.get('kind')} claim: noted, not counted)"))
    return [Change(claim_id, "effect", why, counted)]


def failed_to_run(document: Mapping) -> str | None:
    """Why a run never started (its nightly could not be installed or imported, say), or None for a run
    that did: such a document holds no claims, and comparing it would report every claim as gone."""
    reason = document.get("failed_to_run")
    return str(reason) if reason else None


def by_id(document: Mapping) -> dict[str, Mapping]:
    return {str(claim.get("id")): claim for claim in document.get("claims", []) if isinstance(claim, Mapping)}


def document_changes(baseline: Mapping, results: Mapping, *, effect_kinds: Iterable[str] = EFFECT_KINDS,
                     only_common: bool = False) -> list[Change]:
    """Every claim's changes, in the baseline's order then new claims; `only_common` ignores claims that
    one of the two runs did not select (a run of a few claims against a full baseline)."""
    old, new = by_id(baseline), by_id(results)
    ids = list(old) + [claim_id for claim_id in new if claim_id not in old]
    if only_common:
        ids = [claim_id for claim_id in ids if claim_id in old and claim_id in new]
    changes = []
    for claim_id in ids:
        changes += claim_changes(claim_id, old.get(claim_id), new.get(claim_id), effect_kinds=effect_kinds)
    return changes


def setting_warnings(baseline: Mapping, results: Mapping) -> list[str]:
    """Settings that make two runs' numbers differ for reasons other than TensorFlow: profile and seed."""
    warnings = []
    old_run, new_run = baseline.get("run") or {}, results.get("run") or {}
    for key, what in (("profile", "profiles"), ("seed", "base seeds")):
        if old_run.get(key) != new_run.get(key):
            warnings.append(f"{what} differ ({old_run.get(key)} vs {new_run.get(key)}): effects and even verdicts "
                            "may differ by chance, not by TensorFlow")
    return warnings
