"""Compare results against committed baselines; exit 1 on a regression (reports.changes says which changes are).

    python -m reports.compare                      # each run under reports/out/ against its baseline
    python -m reports.compare BASELINE RESULTS     # two given files

A run's baseline is fixtures/baselines/<run name>.json, the run name being the tox env that wrote it
(`claims`, `tf215`, ...); the nightly's is the newest release's (`claims`). Each change is printed on one
line naming the claim and why, regressions first: a REGRESSION (a verdict changed, an effect shifted
significantly, a speed ratio moved beyond its gate factor), then the notes (a claim on one side only or not
decided on one side, a verdict flip of a speed claim near its margin, ...). A run that never started (its
`failed_to_run` says why: a nightly that could not be installed) is reported as such, not compared.
Exit status: 0 when nothing regressed, 1 when something did, 2 when a file cannot be used (one line naming
it, no traceback), 3 when nothing regressed but a run did not run.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from reports import changes, results_file

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "reports" / "out"
BASELINES_DIR = ROOT / "fixtures" / "baselines"
SAFE_RUN_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
# Runs compared with another run's baseline: the nightly is checked against the newest release.
BASELINE_OF = {"nightly": "claims"}
DID_NOT_RUN = 3


def results_files(results_dir: Path, runs: list[str] | None = None) -> list[Path]:
    """The results tox runs leave: reports/out/results.json (env `claims`) and reports/out/<env>/results.json;
    with `runs`, only those whose run name is listed (a matrix leaves out other runs, such as `speed`)."""
    top = [results_dir / "results.json"] if (results_dir / "results.json").is_file() else []
    found = top + sorted(results_dir.glob("*/results.json"))
    return found if runs is None else [path for path in found if run_name(results_file.load(path), path) in runs]


def run_names(text: str) -> list[str]:
    """`--runs a,b,c` as a list."""
    return [name.strip() for name in text.split(",") if name.strip()]


def add_run_arguments(parser: argparse.ArgumentParser):
    """The options that find runs and their baselines (shared by compare, matrix and baselines)."""
    parser.add_argument("--runs", type=run_names, help="only these runs (comma-separated names), not all")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where tox runs leave results")
    parser.add_argument("--baselines-dir", type=Path, default=BASELINES_DIR, help="committed baselines")


def discovered(args) -> list[Path]:
    """The results files the run options select; at least one, or a `ResultsFileError`."""
    found = results_files(args.results_dir, args.runs)
    if not found:
        runs = f" of runs {', '.join(args.runs)}" if args.runs else ""
        raise results_file.ResultsFileError(f"{args.results_dir}: no results.json{runs} (run tox first)")
    return found


def run_name(document: dict, path: Path) -> str:
    name = str((document.get("run") or {}).get("name", ""))
    if not SAFE_RUN_NAME.match(name):
        raise results_file.ResultsFileError(f"{path}: run name {name!r} cannot name a baseline file")
    return name


def baseline_for(baselines_dir: Path, name: str) -> Path:
    """The committed baseline a run of this name is compared with."""
    return baselines_dir / f"{BASELINE_OF.get(name, name)}.json"


def describe(document: dict, path: Path) -> str:
    if changes.failed_to_run(document):
        return f"{path} (did not run: {changes.failed_to_run(document)})"
    environment, run = document.get("environment") or {}, document.get("run") or {}
    return (f"{path} (TF {environment.get('tensorflow')}, Keras {environment.get('keras')}, "
            f"{run.get('profile')} profile, seed {run.get('seed')})")


def report_pair(baseline: dict, baseline_path: Path, results: dict, results_path: Path, *,
                effect_kinds, only_common: bool, out) -> int | None:
    """Print one comparison; the number of regressions it found, or None when a side did not run."""
    print(f"baseline {describe(baseline, baseline_path)}", file=out)
    print(f"results  {describe(results, results_path)}", file=out)
    if changes.failed_to_run(baseline) or changes.failed_to_run(results):
        print("  not compared: the run did not run", file=out)
        return None
    for warning in changes.setting_warnings(baseline, results):
        print(f"  warning: {warning}", file=out)
    found = changes.document_changes(baseline, results, effect_kinds=effect_kinds, only_common=only_common)
    for change in sorted(found, key=lambda change: not change.regression):
        print(f"  {'REGRESSION' if change.regression else 'note'} {change.claim_id}: {change.why}", file=out)
    regressed = sorted({change.claim_id for change in found if change.regression})
    compared = len(set(changes.by_id(baseline)) & set(changes.by_id(results)))
    print(f"  {len(regressed)} of {compared} claims compared changed" +
          (f": {', '.join(regressed)}" if regressed else ""), file=out)
    return len(regressed)


def pairs(args) -> list[tuple[Path, Path]]:
    if args.baseline or args.results:
        if not (args.baseline and args.results):
            raise results_file.ResultsFileError("give both BASELINE and RESULTS, or neither")
        return [(args.baseline, args.results)]
    return [(baseline_for(args.baselines_dir, run_name(results_file.load(path), path)), path)
            for path in discovered(args)]


def main(argv=None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(description="Compare deepclaims results with their baselines.")
    parser.add_argument("baseline", nargs="?", type=Path, help="baseline results JSON")
    parser.add_argument("results", nargs="?", type=Path, help="results JSON to check")
    add_run_arguments(parser)
    parser.add_argument("--count-speed-effects", action="store_true",
                        help="also count a speed claim's interval shift as a regression (same machine and load only); "
                             "a ratio that moved beyond its gate factor counts regardless")
    parser.add_argument("--only-common", action="store_true",
                        help="compare only claims both files hold (a run of a few claims against a full baseline)")
    args = parser.parse_args(argv)
    effect_kinds = changes.EFFECT_KINDS + (("speed",) if args.count_speed_effects else ())
    regressions = compared = not_run = 0
    try:
        for baseline_path, results_path in pairs(args):
            if not baseline_path.is_file() and not (args.baseline or args.results):
                print(f"no baseline for {results_path}: {baseline_path} does not exist (not compared)", file=out)
                continue
            compared += 1
            found = report_pair(results_file.load(baseline_path), baseline_path, results_file.load(results_path),
                                results_path, effect_kinds=effect_kinds, only_common=args.only_common, out=out)
            not_run += found is None
            regressions += found or 0
        if not compared:
            raise results_file.ResultsFileError(f"{args.baselines_dir}: no baseline for any results file")
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    did_not_run = f"; {not_run} run(s) did not run" if not_run else ""
    print((f"{regressions} regression(s) against the baselines" if regressions else "no regression") + did_not_run,
          file=out)
    return 1 if regressions else DID_NOT_RUN if not_run else 0


if __name__ == "__main__":
    sys.exit(main())
