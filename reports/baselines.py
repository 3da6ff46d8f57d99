"""Make the runs under reports/out the committed baselines: fixtures/baselines/<run name>.json.

    tox -m baselines                  # every TF version's run, then this (the one command)
    python -m reports.baselines       # only this: save what reports/out holds now

A baseline is the results file less what a comparison never reads and what only bloats a diff: the
plotted series, the free-form details and the command line. Everything `reports.compare` compares
(verdicts, effects, intervals, notes, expectations, settings, and of a speed claim's details its time
ratios, which its shift gate compares) is kept as recorded.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reports import compare, results_file

DROPPED_CLAIM_FIELDS = ("series", "details")
DROPPED_RUN_FIELDS = ("argv",)
# Of a speed claim's details, each comparison's identity and ratio (reports.changes.speed_shift).
KEPT_COMPARISON_FIELDS = ("device", "level", "numerator", "denominator", "ratio", "ci_low", "ci_high")
# Runs that never become baselines: one made without tox (pytest_deepclaims.results names it `local`), and
# the runs compared with another run's baseline (the nightly, against the newest release's).
NOT_BASELINES = {"local": "run outside tox", **{name: f"compared with the {baseline!r} baseline, never one itself"
                                                for name, baseline in compare.BASELINE_OF.items()}}


def _slim_claim(claim: dict) -> dict:
    kept = {key: value for key, value in claim.items() if key not in DROPPED_CLAIM_FIELDS}
    details = claim.get("details")
    comparisons = details.get("comparisons") if isinstance(details, dict) else None
    if isinstance(comparisons, list) and comparisons:
        kept["details"] = {"comparisons": [{key: comparison.get(key) for key in KEPT_COMPARISON_FIELDS}
                                           for comparison in comparisons if isinstance(comparison, dict)]}
    return kept


def slim(document: dict) -> dict:
    run = {key: value for key, value in document["run"].items() if key not in DROPPED_RUN_FIELDS}
    return results_file.document(run=run, environment=document["environment"],
                                 claims=[_slim_claim(claim) for claim in document["claims"]])


def save(results_path: Path, baselines_dir: Path) -> Path:
    document = results_file.load(results_path)
    status = document["run"].get("status")
    if status != "complete":
        raise results_file.ResultsFileError(f"{results_path}: the run is {status!r}, not complete; "
                                            "a baseline must hold a whole run")
    target = baselines_dir / f"{compare.run_name(document, results_path)}.json"
    results_file.write_atomic(target, slim(document))
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Save the runs under reports/out as the committed baselines.")
    parser.add_argument("results", nargs="*", type=Path, help="results files (default: all under reports/out)")
    compare.add_run_arguments(parser)
    args = parser.parse_args(argv)
    try:
        paths = args.results or compare.discovered(args)
        for path in paths:
            name = compare.run_name(results_file.load(path), path)
            if name in NOT_BASELINES:
                print(f"{path}: {NOT_BASELINES[name]} (run {name!r}), not a baseline; skipped")
                continue
            print(f"{path} -> {save(path, args.baselines_dir)}")
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
