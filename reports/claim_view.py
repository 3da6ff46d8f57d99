"""What the report shows for a results document: plain-language views of the run and of each claim.

Every field is read defensively: a claim may be skipped, errored, recorded by an older or newer harness,
or hand-edited, and still shows as data rather than breaking the page. Nothing here computes a
statistic; it only words and formats what the results file recorded. The evidence behind a verdict
(stability, reference, pin, control, revisions) is worded in reports/claim_evidence.py.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping

from reports import claim_evidence, effects, plots, results_file
from reports.wording import (
    COUNTED,
    UNTESTED,
    VERDICT_ORDER,
    number,
    numbers_text,
    p_text,
    quote_markup,
    short_quote_markup,
    strings,
    symbol,
    verdict_class,
)

MAX_DETAILS_CHARS = 8_000
MAX_FACT_CHARS = 160
MAX_FACT_ITEMS = 6


def _p_against_alpha(claim: Mapping) -> str:
    p, alpha = claim.get("p_value"), claim.get("alpha")
    if p is None:
        exact = isinstance(claim.get("ci_level"), (int, float)) and claim["ci_level"] >= 1
        return "none: an exact check, no sampling error" if exact else \
            f"no p-value (the interval decides); alpha = {numbers_text(alpha)}"
    if isinstance(p, (int, float)) and isinstance(alpha, (int, float)):
        relation = "below" if p < alpha else "not below"
        return f"{p_text(p)}, {relation} alpha = {numbers_text(alpha)}"
    return f"{p_text(p)}, alpha = {number(alpha)}"


def _power(claim: Mapping) -> str:
    beta = claim.get("beta")
    exact = isinstance(claim.get("ci_level"), (int, float)) and claim["ci_level"] >= 1
    if exact:
        return f"any failed check, at n = {number(claim.get('n'))} checks"
    power = f" with power {numbers_text((1 - beta) * 100)}%" if isinstance(beta, (int, float)) else ""
    unit = f" {claim['effect_unit']}" if claim.get("effect_unit") else ""
    return f"{numbers_text(claim.get('detectable_effect'))}{unit}{power} at n = {number(claim.get('n'))}"


def decision_rows(claim: Mapping) -> list[tuple[str, str]]:
    """The decision in plain words, one (label, text) row per fact; empty for a claim that did not decide."""
    if claim.get("test") is None:
        return []
    return [
        ("test", str(claim["test"])),
        ("statistic", f"{claim.get('statistic_name') or 'statistic'} = {numbers_text(claim.get('statistic'))}"),
        ("p against alpha", _p_against_alpha(claim)),
        ("smallest it could detect", _power(claim)),
    ]


def run_rows(claim: Mapping) -> list[tuple[str, str]]:
    sizes = claim.get("sizes")
    sizes_text = ", ".join(f"{k} = {number(v)}" for k, v in sizes.items()) if isinstance(sizes, Mapping) else ""
    rows = [("seed", f"base {number(claim.get('seed'))}"
                     + (f", claim {number(claim['claim_seed'])}" if claim.get("claim_seed") is not None else "")),
            ("profile", str(claim.get("profile", "n/a")) + (f" ({sizes_text})" if sizes_text else "")),
            ("duration", f"{number(claim.get('duration_s'), 3)} s")]
    stage = claim.get("stage")
    if isinstance(stage, Mapping) and stage.get("stages"):
        levels = ", ".join(number(level, 2) for level in stage.get("levels") or [])
        rows.append(("sequential", f"stopped at stage {number(stage.get('stage'))} of {number(stage.get('stages'))}, "
                     f"on {number(stage.get('n'))} of {number(stage.get('n_planned'))} samples "
                     f"({stage.get('spending', '?')} spending of alpha {number(stage.get('alpha'))}: stage levels "
                     f"{levels})"))
    calibration = claim.get("calibration")
    if isinstance(calibration, Mapping):
        rows.append(("calibration", f"{number(calibration.get('agreed'))} of {number(calibration.get('rounds'))} "
                     f"fresh seeds agree with the catalog (95% CI of the rate {number(calibration.get('ci_low'), 2)}"
                     f" to {number(calibration.get('ci_high'), 2)})" + _effect_spread(calibration)))
    recorded = claim.get("calibration_record")
    if isinstance(recorded, Mapping) and recorded:
        rows.append(("last calibrated", f"{number(recorded.get('agreed'))} of {number(recorded.get('seeds'))} seeds "
                     f"agreed ({recorded.get('profile', '?')} profile, TF {recorded.get('tensorflow', '?')}, "
                     f"{recorded.get('date', '?')})" + (f"; {recorded['note']}" if recorded.get("note") else "")))
    return rows


def _effect_spread(calibration: Mapping) -> str:
    """How far the seeds' effects ranged: a claim near its boundary shows it here before it flips."""
    effects = calibration.get("effects")
    if not isinstance(effects, list):
        return ""
    shown = [value for value in effects
             if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)]
    if not shown:
        return ""
    return f"; effect over the seeds from {number(min(shown))} to {number(max(shown))}"


def figures(claim: Mapping, anchor: str) -> list[dict]:
    """Each panel of the claim's series as {svg, caption} or, where it cannot be drawn, {problem, data}."""
    series = claim.get("series")
    try:
        panels = plots.panels_of(series)
    except plots.PlotError as error:
        return [{"svg": None, "caption": "", "problem": str(error), "data": _pretty(series)}]
    drawn = []
    for index, spec in enumerate(panels):
        try:
            drawing = plots.svg_for(spec, _salt(anchor, index), str(claim.get("id") or ""))
            drawn.append({"svg": drawing.svg, "caption": drawing.caption, "problem": None, "data": None})
        except Exception as error:  # noqa: BLE001 - a series that cannot be drawn is shown as data
            drawn.append({"svg": None, "caption": "", "problem": f"{type(error).__name__}: {error}",
                          "data": _pretty(spec)})
    return drawn


def _salt(anchor: str, index: int) -> str:
    """A short prefix for one figure's ids, unique on the page (anchors are): 'f' and 8 hex digits."""
    return "f" + hashlib.blake2s(f"{anchor}\0{index}".encode(), digest_size=4).hexdigest() + "-"


def _pretty(value) -> str:
    """Recorded data as compact JSON (one entry a line at the top level), cut at MAX_DETAILS_CHARS."""
    if isinstance(value, Mapping):
        text = "{\n" + ",\n".join(f" {json.dumps(str(key), ensure_ascii=False)}: "
                                    f"{json.dumps(item, ensure_ascii=False, default=str)}"
                                    for key, item in value.items()) + "\n}"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_DETAILS_CHARS else text[:MAX_DETAILS_CHARS] + f"\n… ({len(text)} characters)"


def facts(details) -> list[tuple[str, str]]:
    """The recorded details a reader can take in at a glance, shown on the card: top-level entries that are
    a number, a word, or a small mapping of those ("defaults: Dense GlorotUniform, Conv2D GlorotUniform")."""
    if not isinstance(details, Mapping):
        return []
    shown = []
    for key, value in details.items():
        if isinstance(value, (str, int, float, bool)) and len(str(value)) <= MAX_FACT_CHARS:
            shown.append((str(key), numbers_text(value) if isinstance(value, float) else number(value)))
        elif (isinstance(value, Mapping) and 0 < len(value) <= MAX_FACT_ITEMS
              and all(isinstance(item, (str, int, float, bool)) for item in value.values())):
            text = ", ".join(f"{name}: {numbers_text(item) if isinstance(item, float) else number(item)}"
                             for name, item in value.items())
            if len(text) <= MAX_FACT_CHARS:
                shown.append((str(key), text))
    return shown


def _verdict(prefix: str, verdict: str) -> dict:
    return {prefix: verdict, f"{prefix}_class": verdict_class(verdict), f"{prefix}_symbol": symbol(verdict)}


def _failing_because(claim: Mapping, evidence: dict, as_catalog_expects: bool) -> list[str]:
    """Why a claim fails although (or besides that) its headline may be the one the catalog expects."""
    reasons = []
    if evidence["control"]["supported"]:
        reasons.append("its negative control came out supported")
    if evidence["pin"] and evidence["pin"]["holds"] is False:
        reasons.append("its pinned part no longer holds")
    if claim.get("passed") is False and evidence["reference"] and evidence["reference"]["consistent"] is False:
        reasons.append("this run lies outside the reference's prediction")
    if claim.get("passed") is False and not reasons and as_catalog_expects:
        reasons.append("the test failed")
    return reasons


def anchor_for(claim_id, taken: set[str]) -> str:
    """The card's id: the claim id itself (`#SELU-SELF-NORMALIZES`), with any space made a dash; a second
    card of the same id gets `-2`. Links from other pages and from the overview use it."""
    anchor = "-".join(str(claim_id).split()) or "claim"
    unique, count = anchor, 1
    while unique in taken:
        count += 1
        unique = f"{anchor}-{count}"
    taken.add(unique)
    return unique


def expectation(claim: Mapping, evidence: dict | None = None) -> tuple[bool | None, list[str]]:
    """Whether a claim came out as the catalog expects (None for an untested claim: neither), and why it fails
    where it does although its headline is the expected one."""
    claim = results_file.with_defaults(claim)
    evidence = evidence or claim_evidence.evidence(claim)
    headline = str(claim.get("headline") or claim.get("verdict", "unknown"))
    if headline == UNTESTED:
        return None, []
    as_catalog_expects = headline == str(claim.get("expected", "unknown")) or headline == "skipped"
    failing = _failing_because(claim, evidence, as_catalog_expects)
    return as_catalog_expects and not failing, failing


def claim_view(recorded: Mapping, anchor: str) -> dict:
    claim = results_file.with_defaults(recorded)
    verdict = str(claim.get("verdict", "unknown"))
    headline = str(claim.get("headline") or verdict)
    expected = str(claim.get("expected", "unknown"))
    details = claim.get("details")
    evidence = claim_evidence.evidence(claim)
    untested = headline == UNTESTED
    as_expected, failing = expectation(claim, evidence)
    return {
        "anchor": anchor,
        "id": str(claim.get("id", anchor)),
        "kind": str(claim.get("kind", "")),
        "section": str(claim.get("section") or "(no section)"),
        "quote": quote_markup(claim.get("quote", "")),
        "short_quote": short_quote_markup(claim.get("quote", "")),
        "reading": str(claim.get("reading") or ""),
        **_verdict("verdict", verdict), **_verdict("headline", headline), **_verdict("expected", expected),
        "pooled": evidence["reference"] is not None,
        "untested": untested,
        # Untested claims are neither as expected nor not: the catalog fixed that they cannot be tested here.
        "as_expected": as_expected,
        "failing_because": failing,
        # The note asserts each claim: refuted contradicts it; negligible holds, by less than matters.
        "disagrees_with_note": headline == "refuted",
        "effect": effects.presentation(claim),
        "pooled_effect": effects.pooled_presentation(claim),
        "parts": effects.parts(claim),
        "deciding": effects.deciding_chain(claim),
        "reason": str((claim.get("untested_reason") if untested else None) or claim.get("reason") or ""),
        "decision_rows": decision_rows(claim),
        "run_rows": run_rows(claim),
        "notes": strings(claim.get("notes")),
        "rationale": str(claim.get("rationale") or ""),
        "rerun": str(claim.get("rerun") or ""),
        "figures": figures(claim, anchor),
        "facts": facts(details),
        "details": _pretty(details) if details else "",
        **evidence,
    }


def sections(views: list[dict]) -> list[tuple[str, list[dict]]]:
    """Claims grouped by the note's section, in the order the results list them (the catalog's)."""
    grouped: dict[str, list[dict]] = {}
    for view in views:
        grouped.setdefault(view["section"], []).append(view)
    return list(grouped.items())


def verdict_counts(verdicts: list[str], always: tuple[str, ...] = COUNTED) -> list[tuple[str, int, str, str]]:
    """(verdict, count, css class, symbol) in the vocabulary's order: `always` even at zero, others when met."""
    counts = {verdict: 0 for verdict in always}
    for verdict in verdicts:
        counts[verdict] = counts.get(verdict, 0) + 1
    ordered = [v for v in VERDICT_ORDER if v in counts] + sorted(v for v in counts if v not in VERDICT_ORDER)
    return [(verdict, counts[verdict], verdict_class(verdict), symbol(verdict)) for verdict in ordered]


def _cpu_text(cpu) -> str | None:
    if not isinstance(cpu, Mapping) or not cpu.get("model"):
        return None
    extensions = ", ".join(cpu.get("vector_extensions") or []) or "none listed"
    return f"{cpu['model']} ({extensions})"


def environment_rows(environment) -> list[tuple[str, str]]:
    if not isinstance(environment, Mapping):
        return []
    packages = environment.get("packages") if isinstance(environment.get("packages"), Mapping) else {}
    threads = environment.get("threads") if isinstance(environment.get("threads"), Mapping) else {}
    rows = [("TensorFlow", environment.get("tensorflow")), ("Keras", environment.get("keras")),
            ("Python", environment.get("python")), ("device", environment.get("device")),
            ("CPU cores", environment.get("cpu_count")), ("CPU", _cpu_text(environment.get("cpu"))),
            ("oneDNN switch", {True: "on", False: "off"}.get(environment.get("onednn"))),
            ("platform", environment.get("platform"))]
    rows += [(name, version) for name, version in packages.items()
             if version and name not in ("tensorflow", "tensorflow-cpu", "keras")]
    rows += [(f"threads: {name}", value) for name, value in threads.items() if value not in (None, "")]
    return [(str(label), number(value)) for label, value in rows if value is not None]
