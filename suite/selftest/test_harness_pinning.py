"""The pinning rules end to end on planted projects (pytester): an untested claim is shown and not
counted, a supported negative control fails its claim, and a result carries its reading and stability."""
from suite.selftest.test_harness import PASSING_TEST, QUOTE_DEFAULT, QUOTE_LIST, entry, project, results, run  # noqa: F401

CONTROLLED_TEST = '''
@pytest.mark.claim("{id}")
def test_{name}(claim):
    """A planted claim whose negative control comes out supported: its decision cannot go the other way."""
    verdict = all_checks_hold({{"holds": True}}, what="planted")
    claim.assert_verdict(verdict, control=("the effect removed by construction", verdict))
'''


UNTESTED_ENTRY = f'''
[[claim]]
id = "PLANT-TWO"
section = "Glorot and He Initialization"
quote = "{QUOTE_LIST}"
kind = "empirical"
untested = "no large image data set offline"
rationale = "A planted claim that cannot be tested here."
'''


def test_an_untested_claim_is_shown_with_its_reason_and_not_counted_as_a_pass(project):
    project.path.joinpath("claims.toml").write_text(entry("PLANT-ONE", QUOTE_DEFAULT) + UNTESTED_ENTRY)
    outcome = run(project)
    outcome.assert_outcomes(passed=1, skipped=1)
    by_id = {claim["id"]: claim for claim in results(project)["claims"]}
    untested = by_id["PLANT-TWO"]
    assert untested["verdict"] == "untested" and untested["passed"] is None
    assert untested["headline"] == "untested" and "no large image data set offline" in untested["reading"]
    assert by_id["PLANT-ONE"]["passed"] is True and by_id["PLANT-ONE"]["reading"].startswith("The note holds")


def test_a_supported_negative_control_fails_its_claim_and_is_recorded(project):
    project.plant(CONTROLLED_TEST.format(id="PLANT-ONE", name="one"), PASSING_TEST.format(id="PLANT-TWO", name="two"))
    outcome = run(project)
    outcome.assert_outcomes(passed=1, failed=1)
    outcome.stdout.fnmatch_lines(["*negative control*came out supported*"])
    recorded = {claim["id"]: claim for claim in results(project)["claims"]}["PLANT-ONE"]
    assert recorded["control"]["supported"] is True and recorded["passed"] is False


def test_every_result_carries_its_stability_and_revisions(project):
    run(project).assert_outcomes(passed=2)
    for claim in results(project)["claims"]:
        assert claim["stability"]["basis"] == "none" and "not calibrated" in claim["stability"]["text"]
        assert claim["revisions"] == [] and claim["headline"] == claim["verdict"]
