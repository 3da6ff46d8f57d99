"""Benchmark: what the quick profile costs, claim by claim (issue 17's table). A measurement, not a test.

    python -m suite.benchmarks.quick_profile                 # run the quick profile serially, then tabulate
    python -m suite.benchmarks.quick_profile --from reports/out/results.json reports/out/speed/results.json

Running it calls `pytest suite/claims` once, serially (no xdist: the claims share the two cores with
nothing), with the speed claims in the same session, and writes `reports/out/benchmarks/quick_profile.md`
and `.json`: per claim its test time (`duration_s`, as the harness records it: probe, decision and recording,
without pytest's collection), the sample it used (the verdict's n), the stage a group-sequential decision
stopped at (verdicts.sequential; "-" for a one-shot decision) and its verdict, sorted by cost, with the totals
per section of the note and overall. `--before OLD.json` (an earlier quick_profile.json) adds its seconds
beside each claim's, for a before/after table. Time it only on a quiet machine: a second heavy process on two
cores stretches every figure (compare runs as ratios measured side by side).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "reports" / "out" / "benchmarks"


def run_quick_profile(results: Path) -> float:
    """One serial run of every claim at the quick profile; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "suite/claims", "-p", "no:xdist", "-p", "no:cacheprovider",
                    "--profile", "quick", "--results", str(results)], cwd=ROOT, check=False)
    return time.perf_counter() - started


def claim_rows(paths) -> list[dict]:
    rows = {}
    for path in paths:
        for claim in json.loads(Path(path).read_text(encoding="utf-8")).get("claims", []):
            rows[claim["id"]] = {"claim": claim["id"], "section": claim.get("section", ""),
                                 "seconds": float(claim.get("duration_s") or 0.0), "samples": claim.get("n"),
                                 "stage": _stage_text(claim.get("stage")), "verdict": claim.get("verdict")}
    return sorted(rows.values(), key=lambda row: -row["seconds"])


def _stage_text(stage: dict | None) -> str:
    if not stage:
        return "-"
    return f"{stage['stage']} of {stage['stages']} ({stage['n']} of {stage['n_planned']})"


def table(rows: list[dict], wall_s: float | None, before: dict[str, float] | None = None) -> str:
    total = sum(row["seconds"] for row in rows)
    then = "" if before is None else " before (s) |"
    lines = [f"| claim | seconds |{then} share | samples (n) | stage stopped at | verdict |",
             "|---|---:|" + ("---:|" if before is not None else "") + "---:|---:|---|---|"]
    lines += [f"| {row['claim']} | {row['seconds']:.1f} |"
              + ("" if before is None else f" {_seconds(before.get(row['claim']))} |")
              + f" {row['seconds'] / total:.0%} | {row['samples'] if row['samples'] is not None else '-'} | "
              f"{row.get('stage', '-')} | {row['verdict']} |" for row in rows]
    sections = {}
    for row in rows:
        sections[row["section"]] = sections.get(row["section"], 0.0) + row["seconds"]
    lines += ["", "| section | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in sorted(sections.items(), key=lambda kv: -kv[1])]
    lines += ["", f"**{len(rows)} claims, {total:.0f} s of test time**"
              + (f" ({wall_s:.0f} s wall time, with collection and TensorFlow's import)" if wall_s else "")
              + ("" if before is None else f"; before: {sum(before.values()):.0f} s")]
    return "\n".join(lines) + "\n"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def earlier_seconds(path: Path) -> dict[str, float]:
    """Per claim, the seconds of an earlier quick_profile.json."""
    return {row["claim"]: float(row["seconds"]) for row in json.loads(path.read_text(encoding="utf-8"))["claims"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="paths", nargs="+", type=Path,
                        help="tabulate these results.json files instead of running the profile")
    parser.add_argument("--before", type=Path, help="an earlier quick_profile.json, for a before/after column")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    wall_s = None
    paths = args.paths
    if not paths:
        paths = [OUT / "results.json"]
        wall_s = run_quick_profile(paths[0])
    missing = [str(path) for path in paths if not Path(path).is_file()]
    if missing:
        parser.error(f"no results file at {', '.join(missing)}")
    rows = claim_rows(paths)
    markdown = table(rows, wall_s, None if args.before is None else earlier_seconds(args.before))
    (OUT / "quick_profile.md").write_text(markdown, encoding="utf-8")
    (OUT / "quick_profile.json").write_text(json.dumps({"wall_s": wall_s, "claims": rows}, indent=1),
                                            encoding="utf-8")
    print(markdown)
    print(f"written: {OUT / 'quick_profile.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
