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
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reports import changes, claim_evidence, claim_view, compare, html_report, results_file
from reports.wording import interval, number, short, symbol, verdict_class

NOT_IN_RUN = "not in this run"


@dataclass
class Column:
    path: Path
    document: dict
    claims: dict = field(init=False)
    baseline_changes: dict | None = None
    baseline_path: Path | None = None

    def __post_init__(self):
        self.claims = changes.by_id(self.document)

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
        if baseline and baseline.is_file():
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
    """A cell's short account of a regression from the cell to its left (verdicts compared are the runs')."""
    if change.what == "verdict":
        return f"{'this run ' if previous.get('reference') else ''}was {previous.get('verdict')}"
    return f"effect moved from {number(previous.get('effect'))}"


def cell(claim: dict | None, previous: dict | None, previous_label: str, baseline: list | None) -> dict:
    if claim is None:
        return {"verdict": NOT_IN_RUN, "verdict_class": "absent", "symbol": "", "run_verdict": "", "effect": "",
                "effect_name": "", "reason": "", "expected": "", "fails": [], "since": [], "why": "", "baseline": ""}
    verdict = str(claim.get("headline") or claim.get("verdict"))
    found = [change for change in changes.claim_changes("", previous, claim) if change.regression] if previous else []
    decided = claim.get("test") is not None
    reason = claim.get("untested_reason") if verdict == "untested" else None
    return {
        "verdict": verdict, "verdict_class": verdict_class(verdict), "symbol": symbol(verdict),
        "run_verdict": str(claim.get("verdict")) if claim.get("reference") else "",
        "effect": (f"{number(claim.get('effect'))} {interval(claim.get('ci_low'), claim.get('ci_high'))}"
                   if decided else ""),
        "effect_name": str(claim.get("effect_name") or ""),
        "reason": short(reason or claim.get("reason") or "", 160),
        "expected": str(claim.get("expected")) if claim.get("expected") != verdict and verdict != "skipped" else "",
        "fails": [words for severity, words in claim_evidence.evidence(claim)["flags"] if severity == "fail"],
        "since": [_since(change, previous) for change in found],
        "why": "; ".join(f"vs {previous_label}: {change.why}" for change in found),
        "baseline": "; ".join(change.why for change in baseline or [] if change.regression),
    }


def _label(column: Column) -> str:
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
            cells.append(cell(claim, previous, previous_label, baseline))
            if claim is not None:
                previous, previous_label = claim, _label(column)
        grouped.setdefault(str(first.get("section") or "(no section)"), []).append(
            {"id": claim_id, "quote": short(first.get("quote", ""), 110), "kind": str(first.get("kind", "")),
             "cells": cells, "changed": any(c["since"] or c["baseline"] for c in cells)})
    return list(grouped.items())


def transitions(columns: list[Column]) -> list[dict]:
    """For each column after the first: every change (regressions and notes) from the column to its left."""
    steps = []
    for before, after in zip(columns, columns[1:]):
        found = changes.document_changes(before.document, after.document, only_common=True)
        steps.append({"from": f"{before.run.get('name')} ({_label(before)})",
                      "to": f"{after.run.get('name')} ({_label(after)})",
                      "warnings": changes.setting_warnings(before.document, after.document), "changes": found})
    return steps


def render(columns: list[Column]) -> str:
    headers = [{"name": str(column.run.get("name")), "tensorflow": column.environment.get("tensorflow"),
                "keras": column.environment.get("keras"), "path": str(column.path),
                "profile": column.run.get("profile"), "seed": column.run.get("seed"), "status": column.run.get("status"),
                "counts": claim_view.verdict_counts([str(c.get("headline") or c.get("verdict"))
                                                     for c in column.claims.values()], always=()),
                "baseline": str(column.baseline_path) if column.baseline_path else ""} for column in columns]
    return html_report.template_environment().get_template("matrix.html.j2").render(
        headers=headers, grouped=rows(columns), transitions=transitions(columns))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Render the claims × TensorFlow versions comparison page.")
    parser.add_argument("results", nargs="*", type=Path, help="results JSON files (default: all under reports/out)")
    compare.add_run_arguments(parser)
    parser.add_argument("--out", type=Path, help="the page (default: matrix.html in the results dir)")
    args = parser.parse_args(argv)
    try:
        paths = args.results or compare.discovered(args)
        page = render(load_columns(paths, args.baselines_dir))
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = args.out or args.results_dir / "matrix.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
