"""What stands behind a claim's verdict, in words: how stable it is over seeds, the pooled reference it rests on,
the part a pinned claim still checks, its negative control, its power, and the design's revisions.

Each view reads one field of results schema 2 (reports/RESULTS.md) defensively: a missing or malformed field
reads as "not recorded", never as a broken page. Nothing is computed here; the harness decided every flag.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from reports.wording import estimate, interval, level_text, number, numbers_text, p_text, strings, symbol, verdict_class

IN_SAMPLE = "in-sample: the seeds that measured it also chose its sizes"
REVISED = "✎ revised"  # the overview's flag adds how many times: "✎ revised ×2"


def _mapping(value) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def stability(claim: Mapping) -> dict:
    """One line on how often the verdict holds over seeds, and its flags (below target, in-sample)."""
    record = _mapping(claim.get("stability"))
    basis = str(record.get("basis") or "none")
    agreed, seeds, target = record.get("agreed"), record.get("seeds"), record.get("target")
    if record.get("text"):
        line = str(record["text"])
    elif basis == "none" or seeds is None:
        line = "no stability over seeds recorded"
    else:
        counted = f"{number(agreed)} of {number(seeds)} seeds" if agreed is not None else f"{number(seeds)} seeds"
        seed_set = f", seed set {record['seed_set']}" if record.get("seed_set") else ""
        line = f"{counted} agreed ({basis}{seed_set})" + (f"; target {target}" if target else "")
    return {"line": line, "meets_target": record.get("meets_target") is True,
            "below_target": (f"below its target{f' of {target}' if target else ''}"
                             if record.get("meets_target") is False else ""),
            "in_sample": IN_SAMPLE if record.get("fresh") is False else ""}


def reference(claim: Mapping) -> dict | None:
    """The pooled evidence behind a headline, and whether this run lies where a run of its size should."""
    record = claim.get("reference")
    if not isinstance(record, Mapping):
        return None
    verdict = str(record.get("verdict"))
    where = ", ".join(str(part) for part in (f"TF {record['tensorflow']}" if record.get("tensorflow") else "",
                                             record.get("date") or "") if part)
    consistent, p_value = record.get("consistent"), record.get("p_value")
    prediction_level = record.get("prediction_level")
    return {
        "verdict": verdict, "verdict_class": verdict_class(verdict), "symbol": symbol(verdict),
        "pooled": (f"{claim.get('effect_name') or 'effect'} = "
                   f"{estimate(record.get('effect'), record.get('ci_low'), record.get('ci_high'))} "
                   f"({level_text(record.get('ci_level'))})" + (f", {p_text(p_value)}" if p_value is not None else "")
                   + f", pooled over {number(record.get('runs'))} runs of {number(record.get('seeds_per_run'))} seeds"
                   + (f" ({where})" if where else "")),
        "prediction": (f"{numbers_text(prediction_level * 100)}% prediction interval "
                       if isinstance(prediction_level, (int, float)) else "prediction interval ")
                      + _bounds(record.get("prediction_low"), record.get("prediction_high")),
        "consistent": consistent if isinstance(consistent, bool) else None,
        # The contract's `text`; the catalog's reference carries its account as `note`.
        "text": str(record.get("text") or record.get("note") or ""),
        "command": str(record.get("command") or ""),
    }


def _bounds(low, high) -> str:
    """An interval alone, at the precision its width supports."""
    shown = estimate((low + high) / 2, low, high) if all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in (low, high)) else interval(low, high)
    return shown[shown.index("["):] if "[" in shown else interval(low, high)


def pin(claim: Mapping) -> dict | None:
    """The part of a pinned claim that still holds, checked each run: a further loss fails the claim."""
    record = claim.get("pin")
    if not isinstance(record, Mapping):
        return None
    low, high = record.get("low"), record.get("high")
    bounds = (f"between {numbers_text(low)} and {numbers_text(high)}" if low is not None and high is not None
              else f"at least {numbers_text(low)}" if low is not None else f"at most {numbers_text(high)}"
              if high is not None
              else "")
    holds = record.get("holds")
    return {"what": str(record.get("what") or "the pinned part"), "bounds": bounds,
            "holds": holds if isinstance(holds, bool) else None, "text": str(record.get("text") or "")}


def control(claim: Mapping) -> dict:
    """The negative control (the effect absent by construction), which must not come out supported."""
    record = claim.get("control")
    if not isinstance(record, Mapping):
        design = f" (the catalog's design: {claim['control_design']})" if claim.get("control_design") else ""
        return {"recorded": False, "supported": False, "line": f"no negative control recorded{design}", "summary": ""}
    decision = str(record.get("decision") or "?")
    supported = record["supported"] is True if "supported" in record else decision == "supported"
    effect = (f" (effect = {estimate(record.get('effect'), record.get('ci_low'), record.get('ci_high'))})"
              if record.get("effect") is not None else "")
    level = record.get("control_alpha")
    lenient = (f"; at its test's level only, not with p below {level:g}, which a control needs to fail the run"
               if decision == "supported" and not supported and level is not None else "")
    return {"recorded": True, "supported": supported, "summary": str(record.get("summary") or ""),
            "line": f"{record.get('name') or 'negative control'}: {decision}{effect}{lenient}"}


def underpowered(claim: Mapping) -> str:
    """Why the decision could not detect the smallest effect that matters at this size; empty unless flagged."""
    if claim.get("underpowered") is not True:
        return ""
    unit = f" {claim['effect_unit']}" if claim.get("effect_unit") else ""
    if claim.get("detectable_effect") is None:
        return "it could not detect the smallest effect that matters at this size"
    return (f"at n = {number(claim.get('n'))} it could detect {numbers_text(claim.get('detectable_effect'))}, beyond "
            f"the {numbers_text(claim.get('min_effect'))}{unit} that matters")


def _commit_text(commit) -> str:
    """A hash abbreviated to 10 characters; anything else ("this commit": the one that recorded it) whole."""
    text = str(commit)
    return text[:10] if re.fullmatch(r"[0-9a-f]{11,40}", text) else text


def revisions(claim: Mapping) -> list[str]:
    """Design changes made after the data were seen, most recent first (by date; as recorded within a date)."""
    recorded = claim.get("revisions")
    entries = recorded if isinstance(recorded, list) else [] if recorded is None else [recorded]
    dated = sorted((entry for entry in entries if isinstance(entry, Mapping)), key=lambda e: str(e.get("date") or ""),
                   reverse=True)
    lines = []
    for entry in dated:
        commit = f" · {_commit_text(entry['commit'])}" if entry.get("commit") else ""
        what = f"{entry['field']}: " if entry.get("field") else ""
        why = f" (why: {entry['reason']})" if entry.get("reason") else ""
        lines.append(f"{entry.get('date') or 'undated'}{commit} · {what}{entry.get('change') or '?'}{why}")
    return lines + [str(entry) for entry in entries if not isinstance(entry, Mapping)]


def evidence(claim: Mapping) -> dict:
    """Every part of the evidence a card shows, and the flags its row in the overview carries."""
    parts = {"stability": stability(claim), "reference": reference(claim), "pin": pin(claim),
             "control": control(claim), "underpowered": underpowered(claim), "revisions": revisions(claim),
             "findings": strings(claim.get("findings"))}
    return {**parts, "flags": flags(parts)}


def flags(parts: dict) -> list[tuple[str, str]]:
    """(severity, words) for the overview: `fail` makes the claim fail, `warn` weakens it, `info` is to know."""
    found = []
    if parts["control"]["supported"]:
        found.append(("fail", "✗ control came out supported"))
    if parts["pin"] and parts["pin"]["holds"] is False:
        found.append(("fail", "✗ pinned part lost"))
    if parts["reference"] and parts["reference"]["consistent"] is False:
        found.append(("warn", "⚠ outside the reference's prediction"))
    if parts["underpowered"]:
        found.append(("warn", "⚠ underpowered"))
    if parts["stability"]["below_target"]:
        found.append(("warn", "⚠ stability below target"))
    if parts["stability"]["in_sample"]:
        found.append(("warn", "⚠ stability in-sample"))
    if parts["revisions"]:
        found.append(("info", f"{REVISED} ×{len(parts['revisions'])}"))
    return found
