"""A run's results as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a pull-request comment.

    python -m reports.summary reports/out/results.json [--baseline fixtures/baselines/claims.json]
    tox -e summary -- RESULTS --baseline B --output "$GITHUB_STEP_SUMMARY"     # appended to the file

It shows, with a baseline, the claims that changed against it first (`reports.changes`: regressions, then
notes); the verdict counts; the claims that disagree with the note (refuted) and those that hold but below
the margin that matters (negligible); and the claims whose verdict is not the catalog's. A run that never
started (`failed_to_run`: a nightly that could not be installed) is one line saying why. It reports and
never gates (`reports.compare` does): exit 0, or 2 when a file cannot be used (one line naming it).
"""
from __future__ import annotations

import argparse
import html
import sys
from collections import Counter
from pathlib import Path

from reports import changes, results_file

VERDICT_ORDER = ("supported", "negligible", "refuted", "inconclusive", "untested", "skipped", "error", "not run")
MAX_CELL = 160
MAX_REASON = 600  # .ci/nightly.py's one-line reason is at most this long
MAX_NAMED = 12
# Changes that only say a claim was not compared (reports.changes): one line, not a row each.
NOT_COMPARED = ("missing", "undecided")


def cell(text, limit: int = MAX_CELL) -> str:
    """Text safe in a Markdown table cell: one line, no markup, pipes escaped, text past `limit` cut."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[:limit - 1] + "…"
    return html.escape(flat, quote=False).replace("|", "\\|")


def table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)]


def _title(document: dict) -> list[str]:
    run, environment = document["run"], document["environment"]
    return [f"## deepclaims: {cell(run.get('name'))} — TensorFlow {cell(environment.get('tensorflow'))}, "
            f"Keras {cell(environment.get('keras'))}",
            "",
            f"{cell(run.get('status'))} run, {cell(run.get('profile'))} profile, base seed {cell(run.get('seed'))}; "
            f"{len(document['claims'])} claims."]


def _counts(claims: list[dict]) -> list[str]:
    counts = Counter(str(claim.get("verdict")) for claim in claims)
    order = [v for v in VERDICT_ORDER if v in counts] + sorted(v for v in counts if v not in VERDICT_ORDER)
    return ["", "### Verdicts", "", *table(("verdict", "claims"), [(verdict, counts[verdict]) for verdict in order])]


def _against(baseline: dict, baseline_name: str, document: dict) -> list[str]:
    found = changes.document_changes(baseline, document)
    regressions = [change for change in found if change.regression]
    lines = ["", f"### Against the baseline `{cell(baseline_name)}`", ""]
    lines += [f"> warning: {cell(warning)}" for warning in changes.setting_warnings(baseline, document)]
    regressed = sorted({change.claim_id for change in regressions})
    lines.append(f"**{len(regressed)} claim(s) regressed**: {', '.join(regressed)}." if regressed
                 else "No regression.")
    shown = [change for change in found if change.what not in NOT_COMPARED]
    if shown:
        rows = [(c.claim_id, "REGRESSION" if c.regression else "note", c.why)
                for c in sorted(shown, key=lambda change: not change.regression)]
        lines += ["", *table(("claim", "counts as", "what changed"), rows)]
    skipped = [change.claim_id for change in found if change.what in NOT_COMPARED]
    if skipped:
        more = f" and {len(skipped) - MAX_NAMED} more" if len(skipped) > MAX_NAMED else ""
        named = ", ".join(skipped[:MAX_NAMED]) + more
        lines += ["", f"Not compared (absent from one run, or not decided in one): {html.escape(named, quote=False)}."]
    return lines


def _disagreeing(claims: list[dict]) -> list[str]:
    lines = []
    for verdict, heading in (("refuted", "Where the note does not hold (refuted)"),
                             ("negligible", "Holds but below the margin that matters (negligible)")):
        chosen = [claim for claim in claims if claim.get("verdict") == verdict]
        if chosen:
            rows = [(claim["id"], claim.get("quote", ""), changes.effect_text(claim)) for claim in chosen]
            lines += ["", f"### {heading}", "", *table(("claim", "the note says", "measured"), rows)]
    return lines


def _off_catalog(claims: list[dict]) -> list[str]:
    off = [claim for claim in claims if claim.get("passed") is False]
    if not off:
        return []
    rows = [(claim["id"], claim.get("verdict"), claim.get("expected"), claim.get("reason") or claim.get("rerun", ""))
            for claim in off]
    return ["", "### Verdicts other than the catalog's", "",
            *table(("claim", "verdict", "catalog expects", "reason or rerun"), rows)]


def _did_not_run(document: dict, reason: str, baseline_name: str) -> list[str]:
    lines = [f"## deepclaims: {cell(document['run'].get('name'))} — did not run", "",
             f"**Did not run**: {cell(reason, MAX_REASON)}"]
    return lines + (["", f"Nothing was compared with the baseline `{cell(baseline_name)}`."] if baseline_name else [])


def markdown(document: dict, baseline: dict | None = None, baseline_name: str = "") -> str:
    reason = changes.failed_to_run(document) or (baseline is not None and changes.failed_to_run(baseline))
    if reason:
        return "\n".join(_did_not_run(document, reason, baseline_name)) + "\n"
    claims = [claim for claim in document["claims"] if isinstance(claim, dict)]
    lines = _title(document)
    if baseline is not None:
        lines += _against(baseline, baseline_name, document)
    lines += _counts(claims) + _disagreeing(claims) + _off_catalog(claims)
    return "\n".join(lines) + "\n"


def main(argv=None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(description="Summarize a deepclaims results file as Markdown.")
    parser.add_argument("results", type=Path, help="results JSON")
    parser.add_argument("--baseline", type=Path, help="baseline results JSON to compare against")
    parser.add_argument("--output", type=Path, help="append the Markdown to this file (default: print it)")
    args = parser.parse_args(argv)
    try:
        document = results_file.load(args.results)
        baseline = results_file.load(args.baseline) if args.baseline else None
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = markdown(document, baseline, str(args.baseline or ""))
    if args.output:
        with args.output.open("a", encoding="utf-8") as stream:
            stream.write(text + "\n")
    else:
        out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
