"""The comparison page: claims × TensorFlow versions, the verdict and effect per cell, changes highlighted.

    python -m reports.matrix                       # every run under reports/out/ -> reports/out/matrix.html
    python -m reports.matrix A/results.json B/results.json --out page.html

Columns are ordered by TensorFlow version, Keras 2 before Keras 3 on the same TensorFlow (so tf215 →
tf216-legacy is a TensorFlow change and tf216-legacy → tf216 the Keras 3 change). A cell is highlighted
when its verdict differs from the column to its left, or its effect interval no longer overlaps that
column's (reports.changes decides both); a claim a version skipped shows the reason in the same row.
Each column is also compared with its committed baseline, where there is one. A cell shows the claim's headline
(the pooled reference's verdict where the claim has one, with this run's beside it); negligible and untested
cells are told apart by colour, symbol and word.

The page opens with a summary: per run, how many claims came out as the catalog expects, its failures (a
verdict other than the catalog's), and its changes from the run to its left, each one line linked to the
claim's card in that run's report. A change of the deciding part (a conjunction decided by another of its
parts) is *not comparable*, never a regression. A run that never started (`failed_to_run`, with its reason)
reads "did not run" and is compared with nothing. A CSS-only switch shows only the rows that changed.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reports import changes, claim_evidence, claim_view, compare, effects, html_report, results_file
from reports.wording import short, short_quote_markup, symbol, verdict_class

NOT_IN_RUN = "not in this run"
NOT_COMPARABLE = "not comparable"
DID_NOT_RUN = "did not run"


@dataclass
class Column:
    path: Path
    document: dict
    claims: dict = field(init=False)
    baseline_changes: dict | None = None
    baseline_path: Path | None = None
    report: str = ""  # the link to this run's report, relative to the page; empty where there is none

    def __post_init__(self):
        self.claims = changes.by_id(self.document)

    @property
    def did_not_run(self) -> str:
        """Why the run never started (a nightly that could not be installed), or empty for a run that did."""
        reason = self.document.get("failed_to_run")
        return " ".join(str(reason).split()) if reason else ""

    def link(self, claim_id: str) -> str:
        """The claim's card in this run's report (anchors are claim ids), or empty."""
        return f"{self.report}#{'-'.join(claim_id.split())}" if self.report and claim_id in self.claims else ""

    @property
    def environment(self) -> dict:
        return self.document.get("environment") or {}

    @property
    def run(self) -> dict:
        return self.document.get("run") or {}

    @property
    def order(self) -> tuple:
        version = [int(part) for part in re.findall(r"\d+", str(self.environment.get("tensorflow")))[:3]]
        keras_major = self.environment.get("keras_major")
        return (version, keras_major if isinstance(keras_major, int) else 0, str(self.run.get("name")))


def load_columns(paths: list[Path], baselines_dir: Path | None) -> list[Column]:
    columns = sorted((Column(path, results_file.load(path)) for path in paths), key=lambda column: column.order)
    for column in columns:
        name = str(column.run.get("name", ""))
        baseline = baselines_dir / f"{name}.json" if baselines_dir and compare.SAFE_RUN_NAME.match(name) else None
        if baseline and baseline.is_file() and not column.did_not_run:
            found = changes.document_changes(results_file.load(baseline), column.document, only_common=True)
            column.baseline_path = baseline
            column.baseline_changes = {}
            for change in found:
                column.baseline_changes.setdefault(change.claim_id, []).append(change)
    return columns


def claim_ids(columns: list[Column]) -> list[str]:
    """Every claim any column holds, in catalog order: the longest run's order, then the rest as met."""
    ids: list[str] = []
    for column in sorted(columns, key=lambda c: -len(c.claims)):
        ids += [claim_id for claim_id in column.claims if claim_id not in ids]
    return ids


def _since(change: changes.Change, previous: dict) -> str:
    """A cell's short account of a change from the cell to its left (verdicts compared are the runs')."""
    if change.what == NOT_COMPARABLE:
        return f"{NOT_COMPARABLE}: decided by another part"
    if change.what == "verdict":
        return f"{'this run ' if previous.get('reference') else ''}was {previous.get('verdict')}"
    return f"effect moved from {effect_words(previous)}"


def effect_words(claim: dict) -> str:
    shown = effects.presentation(claim)
    return shown["value"] if shown else "no effect"


def claim_changes(before: dict, after: dict, claim_id: str = "") -> list[changes.Change]:
    """reports.changes' account, except that an effect shift between two different deciding parts of a
    conjunction is not comparable (a note), not a regression."""
    found = changes.claim_changes(claim_id, before, after)
    if effects.comparable(before, after):
        return found
    return [changes.Change(claim_id, NOT_COMPARABLE, f"{NOT_COMPARABLE}: decided by "
                           f"{effects.deciding_chain(before) or 'one part'} before, by "
                           f"{effects.deciding_chain(after) or 'another'} now; {change.why}", False)
            if change.what == "effect" else change for change in found]


def cell(claim: dict | None, previous: dict | None, previous_label: str, baseline: list | None,
         link: str = "", did_not_run: bool = False) -> dict:
    if claim is None:
        return {"verdict": DID_NOT_RUN if did_not_run else NOT_IN_RUN, "verdict_class": "absent", "symbol": "",
                "run_verdict": "", "effect": "",
                "effect_name": "", "reason": "", "expected": "", "fails": [], "since": [], "why": "", "baseline": "",
                "failure": "", "link": "", "not_comparable": False}
    verdict = str(claim.get("headline") or claim.get("verdict"))
    found = [change for change in claim_changes(previous, claim) if change.regression or
             change.what == NOT_COMPARABLE] if previous else []
    reason = claim.get("untested_reason") if verdict == "untested" else None
    as_expected, failing = claim_view.expectation(claim)
    shown = effects.presentation(claim)
    return {
        "verdict": verdict, "verdict_class": verdict_class(verdict), "symbol": symbol(verdict),
        "run_verdict": str(claim.get("verdict")) if claim.get("reference") else "",
        "effect": shown["value"] if shown else "",
        "effect_name": f"{shown['name']} ({shown['level']}), {shown['unit']}" if shown else "",
        "reason": short(reason or claim.get("reason") or "", 160),
        "expected": str(claim.get("expected")) if claim.get("expected") != verdict and verdict != "skipped" else "",
        # A failure is the run against the catalog; a change is this run against the one to its left.
        "failure": ("fails: " + "; ".join(failing)) if failing else
                   (f"fails: the catalog expects {claim.get('expected')}" if as_expected is False else ""),
        "fails": [words for severity, words in claim_evidence.evidence(claim)["flags"] if severity == "fail"],
        "since": [_since(change, previous) for change in found if change.regression],
        "not_comparable": any(change.what == NOT_COMPARABLE for change in found),
        "why": "; ".join(f"vs {previous_label}: {change.why}" for change in found),
        "baseline": "; ".join(change.why for change in baseline or [] if change.regression),
        "link": link,
    }


def _label(column: Column) -> str:
    if column.did_not_run and not column.environment.get("tensorflow"):
        return "did not run"
    return f"TF {column.environment.get('tensorflow')} · Keras {column.environment.get('keras')}"


def rows(columns: list[Column]) -> list[tuple[str, list[dict]]]:
    """Sections of rows; each row has the claim's id, quote and one cell per column."""
    grouped: dict[str, list[dict]] = {}
    for claim_id in claim_ids(columns):
        first = next(column.claims[claim_id] for column in columns if claim_id in column.claims)
        cells, previous, previous_label = [], None, ""
        for column in columns:
            claim = column.claims.get(claim_id)
            baseline = (column.baseline_changes or {}).get(claim_id)
            cells.append(cell(claim, previous, previous_label, baseline, column.link(claim_id),
                              bool(column.did_not_run)))
            if claim is not None:
                previous, previous_label = claim, _label(column)
        grouped.setdefault(str(first.get("section") or "(no section)"), []).append(
            {"id": claim_id, "quote": short_quote_markup(first.get("quote", ""), 110),
             "kind": str(first.get("kind", "")),
             "cells": cells, "changed": any(c["since"] or c["baseline"] or c["not_comparable"] for c in cells),
             "fails": any(c["failure"] for c in cells)})
    return list(grouped.items())


def transitions(columns: list[Column]) -> list[dict]:
    """For each column after the first: every change (regressions, not comparable, notes) from the last column
    to its left that ran, each with the link to the claim's card in the later run."""
    steps, ran = [], [column for column in columns if not column.did_not_run]
    for before, after in zip(ran, ran[1:]):
        old, new = before.claims, after.claims
        found = [change for claim_id in old if claim_id in new
                 for change in claim_changes(old[claim_id], new[claim_id], claim_id)]
        found.sort(key=lambda change: (not change.regression, change.what != NOT_COMPARABLE))
        steps.append({"from": f"{before.run.get('name')} ({_label(before)})",
                      "to": f"{after.run.get('name')} ({_label(after)})", "to_name": str(after.run.get("name")),
                      "warnings": changes.setting_warnings(before.document, after.document),
                      "changes": [{"claim_id": change.claim_id, "why": change.why, "link": after.link(change.claim_id),
                                   "kind": "regression" if change.regression else
                                   NOT_COMPARABLE if change.what == NOT_COMPARABLE else "note"}
                                  for change in found]})
    return steps


def _unexpected(claim: dict) -> str:
    return f"the catalog expects {claim.get('expected')}, observed {claim.get('headline') or claim.get('verdict')}"


def run_summary(column: Column, step: dict | None) -> dict:
    """One run in the page's summary: as expected out of tested, its failures, and its changes (regressions
    and not comparable first) from the run to its left, each linked to the claim's card."""
    if column.did_not_run:
        return {"name": str(column.run.get("name") or column.path.parent.name), "label": _label(column),
                "did_not_run": column.did_not_run, "as_expected": 0, "tested": 0, "failures": [], "changes": []}
    outcomes = {claim_id: claim_view.expectation(claim) for claim_id, claim in column.claims.items()}
    tested = {claim_id: outcome for claim_id, outcome in outcomes.items() if outcome[0] is not None}
    failures = [{"claim_id": claim_id, "link": column.link(claim_id),
                 "why": "; ".join(failing) or _unexpected(column.claims[claim_id])}
                for claim_id, (as_expected, failing) in tested.items() if as_expected is False]
    return {"name": str(column.run.get("name")), "label": _label(column), "did_not_run": "",
            "as_expected": sum(outcome[0] is True for outcome in tested.values()), "tested": len(tested),
            "failures": failures, "changes": [change for change in (step or {}).get("changes", [])
                                               if change["kind"] != "note"],
            "notes": sum(change["kind"] == "note" for change in (step or {}).get("changes", []))}


def render(columns: list[Column], out: Path | None = None) -> str:
    """The page; with `out` (where it will be written), each run's report beside its results is linked."""
    for column in columns:
        report = column.path.with_name("index.html")
        if out is not None and report.is_file():
            column.report = Path(os.path.relpath(report, Path(out).parent)).as_posix()
    steps = {step["to_name"]: step for step in transitions(columns)}
    headers = [{"name": str(column.run.get("name")), "tensorflow": column.environment.get("tensorflow"),
                "keras": column.environment.get("keras"), "path": str(column.path), "report": column.report,
                "profile": column.run.get("profile"), "seed": column.run.get("seed"),
                "status": column.run.get("status"), "did_not_run": column.did_not_run,
                "counts": claim_view.verdict_counts([str(c.get("headline") or c.get("verdict"))
                                                     for c in column.claims.values()], always=()),
                "baseline": str(column.baseline_path) if column.baseline_path else ""} for column in columns]
    summaries = [run_summary(column, steps.get(str(column.run.get("name")))) for column in columns]
    return html_report.template_environment().get_template("matrix.html.j2").render(
        headers=headers, grouped=rows(columns), transitions=list(steps.values()), summaries=summaries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Render the claims × TensorFlow versions comparison page.")
    parser.add_argument("results", nargs="*", type=Path, help="results JSON files (default: all under reports/out)")
    compare.add_run_arguments(parser)
    parser.add_argument("--out", type=Path, help="the page (default: matrix.html in the results dir)")
    args = parser.parse_args(argv)
    try:
        paths = args.results or compare.discovered(args)
        out = args.out or args.results_dir / "matrix.html"
        page = render(load_columns(paths, args.baselines_dir), out)
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results_file.write_text_atomic(out, page)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
