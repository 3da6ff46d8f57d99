"""What changed for each claim between two results documents (a baseline and a run, or two TF versions).

Two changes count as regressions: a different verdict, and an effect whose interval no longer overlaps the
earlier one (both recorded at their stated confidence level, so disjoint intervals are a significant
shift). Everything else worth knowing is a note: a claim new since the baseline, a redesigned decision
(another effect, whose numbers cannot be compared), a changed catalog expectation, and for api
claims the recorded notes that differ (which names a Keras release added or removed).

Speed claims' effects are timings of this machine under this load; their shifts are noted, not counted,
unless asked for: a verdict change counts for every kind.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

EFFECT_KINDS = ("api", "mechanistic", "empirical")
MAX_NOTES_SHOWN = 6


@dataclass(frozen=True)
class Change:
    claim_id: str
    what: str
    why: str
    regression: bool


def _interval(claim: Mapping) -> tuple[float, float, float] | None:
    """(effect, low, high) when the claim recorded finite numbers for all three, else None."""
    values = [claim.get(key) for key in ("effect", "ci_low", "ci_high")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
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


def claim_changes(claim_id: str, before: Mapping | None, after: Mapping | None, *,
                  effect_kinds: Iterable[str] = EFFECT_KINDS) -> list[Change]:
    """The changes of one claim from `before` to `after`; either may be None (absent from that run)."""
    if before is None and after is None:
        return []
    if before is None:
        return [Change(claim_id, "new", f"not in the baseline; now {after.get('verdict')}", False)]
    if after is None:
        return [Change(claim_id, "missing", f"was {before.get('verdict')}; absent from these results", True)]
    changes = []
    old_verdict, new_verdict = before.get("verdict"), after.get("verdict")
    if old_verdict != new_verdict:
        reason = f" ({after['reason']})" if after.get("reason") else ""
        if new_verdict == after.get("expected") != before.get("expected"):
            reason += "; the catalog expects this verdict here (if the change was meant, save a new baseline)"
        changes.append(Change(claim_id, "verdict", f"verdict {old_verdict} → {new_verdict}{reason}", True))
    if before.get("expected") != after.get("expected"):
        changes.append(Change(claim_id, "expected", f"the catalog expected {before.get('expected')}, "
                                                    f"now {after.get('expected')}", False))
    old, new = _interval(before), _interval(after)
    if old and new:
        if before.get("effect_name") != after.get("effect_name"):
            changes.append(Change(claim_id, "decision", f"the effect measured changed: {effect_text(before)} and "
                                                        f"{effect_text(after)} are not comparable", False))
        elif new[1] > old[2] or new[2] < old[1]:
            counted = after.get("kind") in tuple(effect_kinds)
            why = (f"effect shifted: {effect_text(before)} → {effect_text(after)}; the intervals no longer overlap"
                   + ("" if counted else f" (a {after.get('kind')} claim: noted, not counted)"))
            changes.append(Change(claim_id, "effect", why, counted))
    if after.get("kind") == "api":
        changes += _notes_change(claim_id, before, after)
    return changes


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
