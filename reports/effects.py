"""A claim's effect as a reader needs it: what was measured, in which unit, how precisely, against which
threshold, and, for a claim of several parts, which part decided.

Everything comes from the results file (reports/RESULTS.md): `effect_name`, `effect`, `ci_low`, `ci_high`,
`ci_level`, `effect_unit`, `min_effect`, `n`, and the decision's `notes`, where a conjunction records
`deciding part: NAME` and one line per part in the form of `Verdict.summary()` (verdicts/record.py). Nothing
is computed beyond formatting: the numbers are shown at the precision their interval supports.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

from reports.wording import DECISIONS, estimate, level_text, numbers_text, verdict_class

DECIDING = "deciding part: "
NOT_DECIDED = "recorded, not decided: "
PART = re.compile(rf"^(?P<name>.+?): (?P<decision>{'|'.join(DECISIONS)}): (?P<summary>.*)$", re.S)
PART_EFFECT = re.compile(r"; (?P<name>[^;]+?) = (?P<effect>\S+) \[(?P<low>\S+), (?P<high>\S+)\] "
                         r"\((?P<level>[\d.]+)% CI\), n = (?P<n>\d+)")
UNIT_MISSING = "unit not recorded"


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def tidy_name(name) -> str:
    """An effect's name as recorded, with the arithmetic of a centred mean read plainly: `mean - 0` is the
    mean, `mean - -0.69` is `mean + 0.69`."""
    text = " ".join(str(name or "effect").split())
    text = re.sub(r"^(.*\S) - 0$", r"\1", text)
    return re.sub(r" - -(\d)", r" + \1", text)


def _is_ratio(claim: Mapping) -> bool:
    """A time or size ratio whose margin is stated as its excess over 1 ('ratio ... minus 1')."""
    unit, name = str(claim.get("effect_unit") or ""), str(claim.get("effect_name") or "")
    return "minus 1" in unit and "ratio" in (unit + name).lower() and _finite(claim.get("effect")) \
        and claim["effect"] > 0


def _counted(claim: Mapping) -> str:
    """An exact share of named checks as a count ('48 of 49 checks holding'); empty when it is not one."""
    name, n, share = str(claim.get("effect_name") or ""), claim.get("n"), claim.get("effect")
    if not (name.startswith("share of ") and isinstance(n, int) and n > 0 and _finite(share)):
        return ""
    held = share * n
    if not math.isclose(held, round(held), abs_tol=1e-6):
        return ""
    return f"{round(held)} of {n} {name.removeprefix('share of ')}"


def presentation(claim: Mapping) -> dict | None:
    """{value, level, name, unit, threshold, text} for a claim that decided; None for one that did not."""
    if claim.get("test") is None:
        return None
    effect, low, high, level = (claim.get(key) for key in ("effect", "ci_low", "ci_high", "ci_level"))
    exact = isinstance(level, (int, float)) and level >= 1
    unit = str(claim.get("effect_unit") or "")
    minimum = claim.get("min_effect")
    counted = _counted(claim) if exact else ""
    if counted:
        value, unit = counted, unit or "checks"
    elif _is_ratio(claim):
        value, unit = estimate(effect, low, high, "×"), re.sub(r" minus 1\b", "", unit)
    else:
        value = estimate(effect, low, high)
    threshold = ""
    if _finite(minimum) and minimum > 0:
        threshold = f"matters at {1 + minimum:.2f}×" if _is_ratio(claim) else f"matters at {numbers_text(minimum)}"
    shown = {"value": value, "level": "exact check" if exact else level_text(level),
             "name": tidy_name(claim.get("effect_name")), "unit": unit or UNIT_MISSING, "threshold": threshold,
             "unit_missing": not unit, "counted": bool(counted)}
    named = value if counted else f"{shown['name']} = {value}"
    shown["text"] = f"{named} ({shown['level']}), {shown['unit']}" + (f"; {threshold}" if threshold else "")
    return shown


def pooled_presentation(claim: Mapping) -> dict | None:
    """The pooled reference's effect, presented as `presentation` presents a run's, for claims whose headline
    comes from pooled evidence (None otherwise): the overview shows what the verdict rests on."""
    reference = claim.get("reference")
    if not isinstance(reference, Mapping) or not _finite(reference.get("effect")):
        return None
    pooled = {**claim, **{key: reference.get(key) for key in ("effect", "ci_low", "ci_high", "ci_level")}}
    shown = presentation(pooled)
    if shown is not None:
        runs = reference.get("runs")
        shown["name"] = f"mean over {runs} runs of the {shown['name']}" if runs else f"pooled {shown['name']}"
        shown["level"] = f"pooled, {shown['level']}"
        shown["text"] = f"{shown['name']} = {shown['value']} ({shown['level']}), {shown['unit']}" + (
            f"; {shown['threshold']}" if shown["threshold"] else "")
    return shown


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _part_effect(summary: str) -> tuple[str, str]:
    """A part's effect from its recorded summary, re-read at the precision of its interval: (name, value)."""
    found = PART_EFFECT.search(summary)
    if not found:
        return "", ""
    effect, low, high = (_number(found.group(key)) for key in ("effect", "low", "high"))
    value = estimate(effect, low, high) if None not in (effect, low, high) else found.group("effect")
    level = _number(found.group("level"))
    level_words = "exact" if level is not None and level >= 100 else f"{found.group('level')}% CI"
    return tidy_name(found.group("name")), f"{value} ({level_words}), n = {found.group('n')}"


def parts(claim: Mapping) -> list[dict]:
    """The parts of a conjunction, each {name, decision, css, effect_name, effect, deciding, decided}, in order;
    empty for a claim of one part. The outermost deciding part is the last one recorded (each conjunction
    appends its own after its deciding part's notes), and the parts it names lead the chain."""
    notes = [str(note) for note in claim.get("notes") or [] if isinstance(note, str)]
    deciding = [note.removeprefix(DECIDING) for note in notes if note.startswith(DECIDING)]
    if not deciding:
        return []
    found = []
    for note in notes:
        match = PART.match(note)
        if not match or note.startswith(("contrast ", DECIDING)):
            continue
        name = match.group("name")
        decided = not name.startswith(NOT_DECIDED)
        effect_name, effect = _part_effect(match.group("summary"))
        found.append({"name": name.removeprefix(NOT_DECIDED), "decision": match.group("decision"),
                      "css": verdict_class(match.group("decision")), "effect_name": effect_name, "effect": effect,
                      "deciding": decided and name in deciding, "decided": decided})
    return found if len(found) > 1 else []


def deciding_chain(claim: Mapping) -> str:
    """Which part decided, outermost first ('kernels fit › Conv2D kernel'); empty for a claim of one part."""
    notes = [str(note) for note in claim.get("notes") or [] if isinstance(note, str)]
    return " › ".join(reversed([note.removeprefix(DECIDING) for note in notes if note.startswith(DECIDING)]))


def comparable(before: Mapping, after: Mapping) -> bool:
    """Whether two runs' effects measure the same thing: the same effect name and, for a claim of several
    parts, the same deciding part (a conjunction's effect is its weakest part's, which may be another part
    in the other run: SELU-SEQUENTIAL-ONLY's 'stays' part at 3.0 against its 'leaves' part at 2e12)."""
    if before.get("effect_name") != after.get("effect_name"):
        return False
    old, new = deciding_chain(before), deciding_chain(after)
    return not (old and new and old != new)
