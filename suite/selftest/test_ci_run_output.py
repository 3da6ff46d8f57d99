"""What a claim run shows while it runs and leaves for CI, on planted projects (pytester, no TensorFlow):
one progress line per claim at every verbosity and under xdist, JUnit test cases with small readable
properties, and an unwritable results path as a one-line usage error."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from suite.selftest.test_harness import CRASHING_TEST, PASSING_TEST, needs_xdist, project, results, run  # noqa: F401

pytestmark = pytest.mark.selftest
# PASSING_TEST decides with all_checks_hold on one check: the share of checks holding is 1 [1, 1].
LINE = re.compile(r"^claim PLANT-TWO: supported, share of checks holding = 1 \[1, 1\], \d+\.\d s"
                  r"( +\[[ \d]+%\])?$", re.MULTILINE)  # the terminal's progress column may follow
CRASH = "claim PLANT-ONE: error in call (RuntimeError: probe exploded <script>), "


def output(outcome) -> str:
    return outcome.stdout.str()


@pytest.mark.parametrize("verbosity", [[], ["-q"], ["-v"]], ids=["default", "quiet", "verbose"])
def test_each_claim_prints_one_line_as_it_finishes(project, verbosity):
    project.plant(CRASHING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    outcome = run(project, *verbosity)
    outcome.assert_outcomes(passed=1, failed=1)
    printed = output(outcome)
    assert len(LINE.findall(printed)) == 1, printed
    assert printed.count(CRASH) == 1, printed
    assert printed.index(CRASH) < printed.index("claim PLANT-TWO:") < printed.index("= FAILURES =")


def test_a_verdict_other_than_the_catalogs_says_what_was_expected(project):
    failing = PASSING_TEST.format(id="PLANT-TWO", name="two").replace('{"holds": True}', '{"holds": False}')
    project.plant(PASSING_TEST.format(id="PLANT-ONE", name="one"), failing)
    printed = output(run(project))
    assert re.search(r"claim PLANT-TWO: refuted \(expected supported\), share of checks holding = 0 ", printed)


def test_calibration_prints_a_line_per_round(project):
    printed = output(run(project, "--claim", "PLANT-TWO", "--calibrate", "3"))
    rounds = re.findall(r"^claim PLANT-TWO \[seed(\d)\]: supported, ", printed, re.MULTILINE)
    assert [int(n) for n in rounds] == [0, 1, 2]


@needs_xdist
def test_xdist_prints_the_lines_on_the_controller(project):
    project.plant(CRASHING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    outcome = run(project, "-n", "2", subprocess=True)
    printed = output(outcome)
    assert len(LINE.findall(printed)) == 1 and printed.count(CRASH) == 1, printed


def test_junit_test_cases_carry_small_readable_properties(project):
    project.plant(CRASHING_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    run(project, "--junitxml", "out/junit.xml", "--claims-seed", "7")
    cases = {case.get("name"): case for case in ET.parse(project.path / "out" / "junit.xml").iter("testcase")}
    properties = {prop.get("name"): prop.get("value") for prop in cases["test_two"].iter("property")}
    recorded = results(project)["claims"][1]
    assert properties == {
        "claim_id": "PLANT-TWO", "verdict": "supported", "expected": "supported",
        "effect_name": "share of checks holding", "effect": "1", "ci_low": "1", "ci_high": "1", "ci_level": "1",
        "seed": "7", "claim_seed": str(recorded["claim_seed"]), "rerun": recorded["rerun"]}
    assert "--claim PLANT-TWO --claims-seed 7" in recorded["rerun"]
    assert max(len(value) for value in properties.values()) < 100
    crashed = {prop.get("name"): prop.get("value") for prop in cases["test_one"].iter("property")}
    assert crashed == {"claim_id": "PLANT-ONE"} and cases["test_one"].find("failure") is not None


@pytest.mark.parametrize("where", ["/proc/nope/results.json", "out"], ids=["cannot be made", "a folder"])
def test_an_unwritable_results_path_is_a_one_line_usage_error(project, where):
    project.mkdir("out")
    outcome = run(project, "--results", where)
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in outcome.stderr.str().splitlines() if line.strip()]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"ERROR: --results {where}: cannot write the results there (")
    assert "Traceback" not in outcome.stdout.str() + outcome.stderr.str()


def test_the_check_of_the_results_path_leaves_no_folder_behind(project):
    outcome = run(project, "--results", "deep/er/results.json", "--collect-only")
    assert outcome.ret == pytest.ExitCode.OK
    assert not project.path.joinpath("deep").exists()
