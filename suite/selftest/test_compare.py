"""Self-tests of the baseline comparison, the baselines it reads and the version matrix (no TensorFlow):
a planted verdict change or effect shift is flagged for exactly that claim, noise is not, and a bad file
is one clear line."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reports import baselines, changes, compare, matrix, results_file
from suite.selftest.synthetic_results import decided, document, outcome

pytestmark = pytest.mark.selftest
REPO = Path(__file__).resolve().parents[2]


def baseline_run(**overrides) -> dict:
    claims = {"GLOROT-VAR": decided("GLOROT-VAR"), "HE-VAR": decided("HE-VAR", effect=1.0, ci=(0.9, 1.1)),
              "API-NAMES": decided("API-NAMES", kind="api", notes=["added since the note: none"]),
              "ELU-SLOWER": decided("ELU-SLOWER", kind="speed", effect=1.3, ci=(1.2, 1.4)),
              "NEEDS-KERAS3": outcome("NEEDS-KERAS3", "skipped", "Keras 2 lacks keras.ops")}
    claims.update(overrides)
    return document([claim for claim in claims.values() if claim is not None])


def flagged(before: dict, after: dict, **options) -> dict[str, list[str]]:
    found = {}
    for change in changes.document_changes(before, after, **options):
        if change.regression:
            found.setdefault(change.claim_id, []).append(change.what)
    return found


def test_identical_runs_have_no_change():
    assert changes.document_changes(baseline_run(), baseline_run()) == []


def test_a_verdict_change_is_flagged_for_exactly_that_claim():
    after = baseline_run(**{"HE-VAR": decided("HE-VAR", "refuted", expected="supported", effect=1.0, ci=(0.9, 1.1))})
    assert flagged(baseline_run(), after) == {"HE-VAR": ["verdict"]}


def test_an_effect_whose_interval_no_longer_overlaps_is_flagged():
    shifted = baseline_run(**{"HE-VAR": decided("HE-VAR", effect=1.3, ci=(1.15, 1.45))})
    assert flagged(baseline_run(), shifted) == {"HE-VAR": ["effect"]}


def test_an_effect_that_moved_within_its_interval_is_not_flagged():
    moved = baseline_run(**{"HE-VAR": decided("HE-VAR", effect=1.08, ci=(1.0, 1.16))})
    assert flagged(baseline_run(), moved) == {}


def test_a_speed_shift_is_noted_unless_counted():
    faster = baseline_run(**{"ELU-SLOWER": decided("ELU-SLOWER", kind="speed", effect=1.8, ci=(1.7, 1.9))})
    assert flagged(baseline_run(), faster) == {}
    assert [c.what for c in changes.document_changes(baseline_run(), faster)] == ["effect"]
    counted = flagged(baseline_run(), faster, effect_kinds=changes.EFFECT_KINDS + ("speed",))
    assert counted == {"ELU-SLOWER": ["effect"]}


def noted(before: dict, after: dict) -> dict[str, list[str]]:
    found = {}
    for change in changes.document_changes(before, after):
        assert not change.regression, change
        found.setdefault(change.claim_id, []).append(change.what)
    return found


def test_a_claim_on_one_side_only_is_a_note_never_a_regression():
    after = baseline_run(**{"GLOROT-VAR": None, "SELU-NEW": decided("SELU-NEW")})
    assert noted(baseline_run(), after) == {"GLOROT-VAR": ["missing"], "SELU-NEW": ["new"]}
    assert noted(after, baseline_run()) == {"GLOROT-VAR": ["new"], "SELU-NEW": ["missing"]}
    assert changes.document_changes(baseline_run(), after, only_common=True) == []


@pytest.mark.parametrize("undecided", ["not run", "skipped", "untested"])
def test_a_claim_not_decided_on_either_side_is_a_note_never_a_regression(undecided):
    """The README's own workflow: a baseline made without the speed claims holds them as "not run"."""
    absent = baseline_run(**{"HE-VAR": outcome("HE-VAR", undecided, "not in this run"),
                             "ELU-SLOWER": outcome("ELU-SLOWER", undecided, "deselected")})
    assert noted(absent, baseline_run()) == {"HE-VAR": ["undecided"], "ELU-SLOWER": ["undecided"]}
    assert noted(baseline_run(), absent) == {"HE-VAR": ["undecided"], "ELU-SLOWER": ["undecided"]}
    assert changes.document_changes(absent, absent) == []


@pytest.mark.parametrize("before, after", [("supported", "negligible"), ("negligible", "supported"),
                                           ("negligible", "refuted"), ("supported", "error")])
def test_a_real_verdict_change_is_still_a_regression(before, after):
    run = baseline_run(**{"HE-VAR": decided("HE-VAR", after, expected=before, effect=1.0, ci=(0.9, 1.1))})
    start = baseline_run(**{"HE-VAR": decided("HE-VAR", before, effect=1.0, ci=(0.9, 1.1))})
    assert flagged(start, run) == {"HE-VAR": ["verdict"]}


def test_fields_a_reader_does_not_know_are_ignored():
    """Schema 2 adds fields (and a later version may add more): a comparison reads what it knows."""
    extra = {"headline": "supported", "stability": {"basis": "none"}, "findings": [{"text": "x"}], "unheard_of": [1]}
    richer = baseline_run(**{claim_id: {**claim, **extra} for claim_id, claim in
                             ((c["id"], c) for c in baseline_run()["claims"])})
    richer["schema_version"], richer["run"]["new_setting"] = 2, True
    assert changes.document_changes(baseline_run(), richer) == []


def test_api_notes_that_differ_are_reported_as_notes():
    renamed = baseline_run(**{"API-NAMES": decided("API-NAMES", kind="api", notes=["added since the note: STFT"])})
    found = changes.document_changes(baseline_run(), renamed)
    assert [(c.what, c.regression) for c in found] == [("notes", False)]
    assert "- added since the note: none" in found[0].why and "+ added since the note: STFT" in found[0].why


def run_compare(*args) -> tuple[int, str]:
    out = io.StringIO()
    return compare.main([str(arg) for arg in args], out=out), out.getvalue()


def write(path: Path, content: dict) -> Path:
    results_file.write_atomic(path, content)
    return path


def test_compare_exits_1_naming_each_regressed_claim_and_why(tmp_path):
    after = baseline_run(**{"HE-VAR": decided("HE-VAR", effect=1.3, ci=(1.15, 1.45))})
    status, printed = run_compare(write(tmp_path / "base.json", baseline_run()), write(tmp_path / "new.json", after))
    assert status == 1
    assert "REGRESSION HE-VAR: effect shifted: mean difference = 1 [0.9, 1.1] → mean difference = 1.3" in printed
    assert "1 of 5 claims compared changed: HE-VAR" in printed


def test_compare_finds_each_runs_baseline_by_its_name(tmp_path):
    out, base = tmp_path / "out", tmp_path / "baselines"
    write(out / "results.json", document(baseline_run()["claims"], name="claims"))
    write(out / "tf215" / "results.json", document(baseline_run()["claims"], name="tf215", tensorflow="2.15.1"))
    write(out / "tf216" / "results.json", document(baseline_run()["claims"], name="tf216"))
    assert baselines.main(["--results-dir", str(out), "--baselines-dir", str(base)]) == 0
    (base / "tf216.json").unlink()
    status, printed = run_compare("--results-dir", out, "--baselines-dir", base)
    assert status == 0, printed
    assert printed.count("0 of 5 claims compared changed") == 2
    assert f"no baseline for {out / 'tf216' / 'results.json'}" in printed


def test_a_baseline_keeps_what_compare_reads_and_drops_the_plots(tmp_path):
    run = document([decided("HE-VAR", series={"kind": "bars", "labels": ["a"], "values": [1.0]},
                            details={"big": list(range(100))})], name="tf217")
    saved = json.loads(baselines.save(write(tmp_path / "r.json", run), tmp_path / "b").read_text())
    assert "series" not in saved["claims"][0] and "details" not in saved["claims"][0]
    assert changes.document_changes(saved, run) == []


def test_an_unfinished_run_cannot_become_a_baseline(tmp_path):
    run = baseline_run()
    run["run"]["status"] = "interrupted"
    with pytest.raises(results_file.ResultsFileError, match="not complete"):
        baselines.save(write(tmp_path / "r.json", run), tmp_path / "b")


BAD_FILES = {
    "missing": (None, "no such results file"),
    "truncated": ('{"schema": "deepclaims.results", "schema_version": 1, "claims": [{"id"', "not valid JSON"),
    "hand-edited claim": ('{"schema": "deepclaims.results", "schema_version": 1, "run": {}, "environment": {}, '
                          '"claims": [{"id": "X", "verdict": "supported"}]}', "claim #1 lacks kind"),
    "hand-edited run": ('{"schema": "deepclaims.results", "schema_version": 1, "run": "yesterday", '
                        '"environment": {}, "claims": []}', "'run' must be an object"),
    "another schema": ('{"schema": "pytest-json", "claims": []}', "not a deepclaims results file"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_baseline_is_one_clear_line_without_traceback(tmp_path, capsys, case):
    content, problem = BAD_FILES[case]
    bad = tmp_path / "baseline.json"
    if content is not None:
        bad.write_text(content)
    good = write(tmp_path / "results.json", baseline_run())
    finished = subprocess.run([sys.executable, "-m", "reports.compare", str(bad), str(good)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr.count("\n") == 1 and problem in finished.stderr and str(bad) in finished.stderr
    for main, args in ((matrix.main, [bad, good]), (baselines.main, [bad, "--baselines-dir", tmp_path / "b"])):
        assert main([str(arg) for arg in args]) == 2
        stderr = capsys.readouterr().err
        assert stderr.count("\n") == 1 and problem in stderr and str(bad) in stderr


def test_the_matrix_orders_versions_and_aligns_rows(tmp_path):
    keras3 = write(tmp_path / "tf216" / "results.json", document(baseline_run()["claims"], name="tf216",
                                                                  tensorflow="2.16.2"))
    legacy = write(tmp_path / "tf216-legacy" / "results.json", document(
        baseline_run(**{"NEEDS-KERAS3": None})["claims"], name="tf216-legacy", tensorflow="2.16.2", keras="2.16.0"))
    oldest = write(tmp_path / "tf215" / "results.json", document(
        baseline_run(**{"HE-VAR": decided("HE-VAR", "refuted", expected="supported")})["claims"], name="tf215",
        tensorflow="2.15.1", keras="2.15.0"))
    columns = matrix.load_columns([keras3, oldest, legacy], None)
    assert [column.run["name"] for column in columns] == ["tf215", "tf216-legacy", "tf216"]
    grouped = matrix.rows(columns)
    all_rows = [row for _, section_rows in grouped for row in section_rows]
    assert [len(row["cells"]) for row in all_rows] == [3] * 5
    by_claim = {row["id"]: row for row in all_rows}
    assert [cell["verdict"] for cell in by_claim["NEEDS-KERAS3"]["cells"]] == ["skipped", matrix.NOT_IN_RUN, "skipped"]
    assert [bool(cell["since"]) for cell in by_claim["HE-VAR"]["cells"]] == [False, True, False]
    assert [row["id"] for row in all_rows if row["changed"]] == ["HE-VAR"]
