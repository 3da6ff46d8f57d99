"""The harness's promises, checked on planted projects (pytester): selection, bad input, the catalog
check at collection, and results that survive crashes, interrupts and xdist.

The planted claims decide with numpy-only `all_checks_hold`, so none of this imports TensorFlow.
"""
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QUOTE_DEFAULT = "By default, Keras uses Glorot initialization with uniform distribution"
QUOTE_LIST = "Below is a list of initializers"


def entry(claim_id: str, quote: str) -> str:
    return f'''
[[claim]]
id = "{claim_id}"
section = "Glorot and He Initialization"
quote = "{quote}"
kind = "api"
expected = "supported"
alpha = 0.0
beta = 0.0
min_effect = 0.0
effect_unit = "share of checks"
rationale = "A planted claim."
[claim.sizes.quick]
n = 1
[claim.sizes.thorough]
n = 2
'''


PASSING_TEST = '''
@pytest.mark.claim("{id}")
def test_{name}(claim):
    """A planted claim."""
    claim.assert_verdict(all_checks_hold({{"holds": True}}, what="planted"), series={{"kind": "bars",
                         "labels": ["a"], "values": [claim.sizes["n"]]}})
'''
CRASHING_TEST = '''
@pytest.mark.claim("{id}")
def test_{name}(claim):
    """A planted claim whose probe raises."""
    raise RuntimeError("probe exploded <script>")
'''
HEADER = "import pytest\nfrom verdicts.exact import all_checks_hold\n"


@pytest.fixture
def project(pytester, monkeypatch):
    """A planted project: the real plugin, a two-claim catalog, tests under suite/claims."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.syspath_prepend(str(REPO))
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\nclaims_root = suite/claims\n")
    pytester.makeconftest('pytest_plugins = ["pytest_deepclaims.plugin"]\n')
    pytester.path.joinpath("claims.toml").write_text(entry("PLANT-ONE", QUOTE_DEFAULT) + entry("PLANT-TWO", QUOTE_LIST))
    claims = pytester.mkdir("suite").joinpath("claims")
    claims.mkdir()

    def plant(*tests: str):
        claims.joinpath("test_planted.py").write_text(HEADER + "".join(tests))

    plant(PASSING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    pytester.plant = plant
    return pytester


def run(pytester, *args, subprocess=False):
    options = ["suite/claims", "--catalog", "claims.toml", "--results", "out/results.json", *args]
    return pytester.runpytest_subprocess(*options) if subprocess else pytester.runpytest(*options)


def results(pytester) -> dict:
    return json.loads(pytester.path.joinpath("out", "results.json").read_text())


@pytest.mark.parametrize("selection", [["--claim", "PLANT-TWO"], ["-k", "two"]])
def test_claim_selection_runs_only_the_named_claim(project, selection):
    outcome = run(project, *selection)
    outcome.assert_outcomes(passed=1, deselected=1)
    assert [claim["id"] for claim in results(project)["claims"]] == ["PLANT-TWO"]


@pytest.mark.parametrize("args, message", [
    (["--claim", "NOPE"], "unknown claim id 'NOPE'"),
    (["--claim", "PLANT-ONF"], "did you mean PLANT-ONE"),
    (["--profile", "huge"], "invalid choice: 'huge'"),
    (["--claims-seed", "-3"], "seed must be an integer"),
    (["--claims-seed", "x"], "seed must be an integer"),
    (["--vary-seed", "--claims-seed", "3"], "exclude each other"),
    (["--calibrate", "1"], "--calibrate needs a whole number of seeds, at least 2"),
    (["--calibrate", "x"], "--calibrate needs a whole number of seeds, at least 2"),
])
def test_a_users_mistake_is_a_usage_error_without_traceback(project, args, message):
    outcome = run(project, *args)
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert message in outcome.stderr.str()
    assert "Traceback" not in outcome.stderr.str() + outcome.stdout.str()


ONE, TWO = PASSING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two")


@pytest.mark.parametrize("tests, message", [
    ([ONE], "catalog claims without a test: PLANT-TWO"),
    ([ONE, TWO, PASSING_TEST.format(id="PLANT-THREE", name="three")], "'PLANT-THREE', which is not in the catalog"),
    ([ONE, TWO, PASSING_TEST.format(id="PLANT-ONE", name="again")], "exactly one test; more than one for PLANT-ONE"),
], ids=["claim without a test", "marker without a claim", "two tests for one claim"])
def test_a_mismatch_between_catalog_and_tests_stops_the_run(project, tests, message):
    project.plant(*tests)
    outcome = run(project)
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert message in outcome.stderr.str()


def test_a_bad_catalog_entry_is_named(project):
    bad = entry("PLANT-ONE", "a sentence the note never says")
    project.path.joinpath("claims.toml").write_text(bad)
    outcome = run(project)
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert "claim #1 (PLANT-ONE): quote 'a sentence the note never says' is not verbatim" in outcome.stderr.str()


def test_a_crashing_claim_is_recorded_as_error_and_the_rest_run_on(project):
    project.plant(CRASHING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    outcome = run(project)
    outcome.assert_outcomes(passed=1, failed=1)
    by_id = {claim["id"]: claim for claim in results(project)["claims"]}
    assert by_id["PLANT-ONE"]["verdict"] == "error"
    assert "probe exploded <script>" in by_id["PLANT-ONE"]["reason"]
    assert by_id["PLANT-TWO"]["verdict"] == "supported" and by_id["PLANT-TWO"]["passed"] is True
    html = project.path.joinpath("out", "index.html").read_text()
    assert "probe exploded &lt;script&gt;" in html and "<script>" not in html


def test_an_interrupted_run_leaves_a_valid_file_with_what_finished(project):
    interrupting = '''
@pytest.mark.claim("PLANT-TWO")
def test_two(claim):
    """Ctrl-C arrives while this claim runs."""
    raise KeyboardInterrupt
'''
    project.plant(PASSING_TEST.format(id="PLANT-ONE", name="one"), interrupting)
    outcome = run(project, subprocess=True)
    assert outcome.ret == pytest.ExitCode.INTERRUPTED
    document = results(project)
    assert document["run"]["status"] == "interrupted"
    verdicts = {claim["id"]: claim["verdict"] for claim in document["claims"]}
    assert verdicts == {"PLANT-ONE": "supported", "PLANT-TWO": "not run"}
    assert "interrupted" in project.path.joinpath("out", "index.html").read_text()


needs_xdist = pytest.mark.skipif("xdist" not in sys.modules and not __import__("importlib").util.find_spec("xdist"),
                                reason="pytest-xdist is not installed")


def _comparable(document: dict) -> dict:
    """The file minus what legitimately differs between two runs: timings and the command line."""
    for claim in document["claims"]:
        claim.pop("duration_s")
    for key in ("started", "argv"):
        document["run"].pop(key)
    return document


@needs_xdist
def test_xdist_writes_one_file_with_the_serial_content(project):
    project.plant(CRASHING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    run(project, "--vary-seed", "-p", "no:xdist", subprocess=True)
    serial = results(project)
    seed = str(serial["run"]["seed"])
    run(project, "--claims-seed", seed, subprocess=True)
    serial = _comparable(results(project))
    outcome = run(project, "--claims-seed", seed, "-n", "2", subprocess=True)
    outcome.assert_outcomes(passed=1, failed=1)
    assert _comparable(results(project)) == serial
    assert sorted(p.name for p in project.path.joinpath("out").iterdir()) == ["index.html", "results.json"]


@needs_xdist
def test_a_claim_deselected_under_xdist_is_left_out_as_in_a_serial_run(project):
    project.plant(PASSING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    run(project, "-k", "not two", "-p", "no:xdist", subprocess=True)
    serial = _comparable(results(project))
    outcome = run(project, "-k", "not two", "-n", "2", subprocess=True)
    outcome.assert_outcomes(passed=1)
    parallel = _comparable(results(project))
    assert [claim["id"] for claim in parallel["claims"]] == ["PLANT-ONE"]
    assert parallel == serial


def test_vary_seed_is_printed_and_recorded(project):
    outcome = run(project, "--vary-seed")
    seed = results(project)["run"]["seed"]
    assert f"base seed {seed}" in outcome.stdout.str()
    assert all(claim["seed"] == seed for claim in results(project)["claims"])


def test_calibration_reports_each_claims_agreement_over_fresh_seeds(project):
    flaky = '''
@pytest.mark.claim("PLANT-TWO")
def test_two(claim):
    """Holds for some seeds only: its false-fail rate is what calibration measures."""
    claim.assert_verdict(all_checks_hold({"holds": claim.seed % 2 == 0}, what="planted"))
'''
    project.plant(PASSING_TEST.format(id="PLANT-ONE", name="one"), flaky)
    outcome = run(project, "--calibrate", "6")
    by_id = {claim["id"]: claim for claim in results(project)["claims"]}
    steady, flaky = by_id["PLANT-ONE"]["calibration"], by_id["PLANT-TWO"]["calibration"]
    assert (steady["agreed"], steady["rounds"]) == (6, 6) and steady["ci_high"] == 1.0
    assert 0 < flaky["agreed"] < 6 and len(set(flaky["seeds"])) == 6
    assert len(flaky["effects"]) == len(flaky["ci_lows"]) == len(flaky["ci_highs"]) == 6
    assert set(flaky["effects"]) == {0.0, 1.0}  # the share of checks holding, per seed
    assert "calibration PLANT-TWO:" in outcome.stdout.str()


def test_an_unsupported_tensorflow_skips_every_claim_with_the_reason(project):
    project.makeconftest('''
from importlib import metadata

pytest_plugins = ["pytest_deepclaims.plugin"]
real_version = metadata.version


def pretend_tensorflow_2_12(name):
    return "2.12.0" if name in ("tensorflow", "tensorflow-cpu") else real_version(name)


metadata.version = pretend_tensorflow_2_12
''')
    outcome = run(project, subprocess=True)
    outcome.assert_outcomes(skipped=2)
    assert outcome.ret == pytest.ExitCode.OK
    reasons = {claim["verdict"]: claim["reason"] for claim in results(project)["claims"]}
    assert list(reasons) == ["skipped"]
    assert "TensorFlow 2.12.0 is older than 2.15" in reasons["skipped"]


def test_a_killed_worker_is_recorded_as_error_and_the_run_completes(project):
    killed = '''
import os, signal

@pytest.mark.claim("PLANT-ONE")
def test_one(claim):
    """The worker running this claim is killed (out of memory, say)."""
    os.kill(os.getpid(), signal.SIGKILL)
'''
    project.plant(killed, PASSING_TEST.format(id="PLANT-TWO", name="two"))
    run(project, "-n", "2", subprocess=True)
    by_id = {claim["id"]: claim for claim in results(project)["claims"]}
    assert by_id["PLANT-ONE"]["verdict"] == "error" and "crashed" in by_id["PLANT-ONE"]["reason"]
    assert by_id["PLANT-TWO"]["verdict"] == "supported"
    assert results(project)["run"]["status"] == "complete"


@pytest.mark.parametrize("content, problem", [
    (None, "no such results file"),
    ('{"schema": "deepclaims.results", "schema_version": 1, "claims": [', "not valid JSON"),
    ('{"schema": "deepclaims.results", "schema_version": 1, "run": {}, "environment": {}, "claims": [{"id": "X"}]}',
     "claim #1 lacks kind"),
    ('{"schema": "something else"}', "not a deepclaims results file"),
])
def test_a_bad_results_file_is_one_clear_line(tmp_path, content, problem):
    import subprocess

    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    outcome = subprocess.run([sys.executable, "-m", "reports.html_report", str(path)], cwd=REPO,
                             capture_output=True, text=True)
    assert outcome.returncode != 0
    assert outcome.stderr.strip().count("\n") == 0 and problem in outcome.stderr
    assert str(path) in outcome.stderr


def test_timings_run_first_and_each_group_keeps_its_order():
    from pytest_deepclaims.plugin import timings_first

    class Item:
        def __init__(self, name, speed):
            self.name, self.speed = name, speed

        def get_closest_marker(self, name):
            return object() if name == "speed" and self.speed else None

    items = [Item("train a", False), Item("time b", True), Item("train c", False), Item("time d", True)]
    assert [item.name for item in timings_first(items)] == ["time b", "time d", "train a", "train c"]
