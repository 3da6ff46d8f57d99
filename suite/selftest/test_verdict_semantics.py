"""The verdict vocabulary and how a verdict may be pinned (issue 14), on planted numbers, numpy only.

- A small true effect reads negligible; an absent or opposite one refuted; a large one supported.
- A tail draw cannot be pinned: the stability rule rejects a calibration below its target, and a run
  that strays from its pooled reference fails.
- A negative control that comes out supported fails the claim; a pinned refuted claim that loses more
  of what still held fails the claim itself.
- Every verdict has a plain reading, and an underpowered decision says so.
"""
import dataclasses

import numpy as np
import pytest

from pytest_deepclaims import catalog, revisions, stability
from verdicts.location import mean_greater_by_t
from verdicts.reading import plain_reading
from verdicts.reference import (
    CONSISTENCY_ALPHA,
    CONSISTENCY_FAMILY_ALPHA,
    POOLED_GATES,
    TIMING_CONSISTENCY_ALPHA,
    judge_run,
    pooled_reference,
    prediction_interval,
)

ALPHA, BETA, MARGIN = 0.05, 0.2, 0.1


def decide(rng, true_effect: float, n: int = 400, sd: float = 0.2):
    return mean_greater_by_t(rng.normal(true_effect, sd, n), alpha=ALPHA, beta=BETA, min_effect=MARGIN)


def test_a_planted_small_true_effect_reads_negligible(rng):
    """Half the margin, well measured: the direction is shown, the size is shown below what matters."""
    verdict = decide(rng, MARGIN / 2)
    assert verdict.decision == "negligible", verdict.summary()
    assert 0 < verdict.ci_low and verdict.ci_high < MARGIN


@pytest.mark.parametrize("true_effect", [0.0, -0.05])
def test_an_absent_or_opposite_effect_is_refuted(rng, true_effect):
    assert decide(rng, true_effect).decision == "refuted"


def test_an_effect_that_matters_is_supported_and_a_small_sample_cannot_tell(rng):
    assert decide(rng, 2 * MARGIN).decision == "supported"
    small = decide(rng, MARGIN / 2, n=5)
    assert small.decision == "inconclusive" and small.underpowered is True
    assert "underpowered" in small.power_text()


def test_negligible_is_rare_when_the_effect_sits_on_the_margin(rng):
    """At exactly the margin, 'shown below it' is a level-alpha error: at most 5% + slack of 300 runs."""
    decisions = [decide(rng, MARGIN).decision for _ in range(300)]
    assert decisions.count("negligible") + decisions.count("refuted") <= 27  # binomial(300, 0.05) 99.9% bound


def claim_with(**changes) -> catalog.Claim:
    base = catalog.load_catalog()["ACT-ELU-BETTER-THAN-RELU"]
    return dataclasses.replace(base, **changes)


def test_a_tail_draw_cannot_be_pinned_without_a_pooled_reference():
    tail = claim_with(calibration={"agreed": 4, "seeds": 20}, reference=None)
    assert "chance result cannot be pinned" in stability.unstable_pin(tail)
    assert stability.unstable_pin(claim_with(calibration={"agreed": 19, "seeds": 20})) == ""
    mechanistic = claim_with(kind="mechanistic", calibration={"agreed": 19, "seeds": 20})
    assert stability.unstable_pin(mechanistic) != ""


def test_a_calibration_on_the_seeds_that_chose_the_size_is_in_sample():
    record = {"agreed": 20, "seeds": 20, "seed_set": "A", "sizes_chosen_on": "A"}
    described = stability.describe(claim_with(calibration=record))
    assert described["fresh"] is False and "in-sample" in described["text"]
    assert stability.describe(claim_with(calibration={**record, "seed_set": "B"}))["fresh"] is True


def test_the_real_catalog_pins_no_unstable_verdict():
    claims = catalog.load_catalog()
    assert all(stability.unstable_pin(claim) == "" for claim in claims.values())


def test_a_pooled_reference_decides_by_the_claims_rule_and_predicts_one_run(rng):
    """Runs of a small true effect: the pooled interval decides; one more run lies in the prediction
    interval about 1 - CONSISTENCY_ALPHA of the time."""
    runs = rng.normal(0.009, 0.02, 20)
    reference = {**pooled_reference(runs, alpha=ALPHA, min_effect=0.01), "seeds_per_run": 60}
    assert reference["verdict"] in ("supported", "inconclusive", "negligible")
    low, high = prediction_interval(reference)
    inside = np.mean([(low <= x <= high) for x in rng.normal(0.009, 0.02, 4000)])
    assert inside > 1 - 3 * CONSISTENCY_ALPHA


def test_a_run_far_from_its_pooled_reference_fails_and_a_typical_one_passes():
    reference = {"verdict": "supported", "effect": 0.009, "run_sd": 0.0206, "runs": 20}
    typical = judge_run("inconclusive", 0.01, expected="supported", reference=reference)
    assert typical["failures"] == [] and typical["headline"] == "supported"
    tail = judge_run("supported", 0.12, expected="supported", reference=reference)
    assert "prediction interval" in tail["failures"][0]


def test_a_supported_negative_control_fails_the_claim():
    judged = judge_run("supported", 1.0, expected="supported", control_decision="supported")
    assert judged["control_supported"] and "negative control" in judged["failures"][0]
    assert judge_run("supported", 1.0, expected="supported", control_decision="refuted")["failures"] == []


def test_a_pinned_refuted_claim_fails_when_what_still_held_is_lost():
    pin = {"what": "48 of 49 checks hold", "low": 0.9795}
    assert judge_run("refuted", 48 / 49, expected="refuted", pin=pin)["failures"] == []
    lost = judge_run("refuted", 47 / 49, expected="refuted", pin=pin)
    assert lost["pin_holds"] is False and "no longer" in lost["failures"][0]


def test_an_expected_verdict_changed_without_a_revision_is_rejected():
    claim = claim_with(expected="negligible", revisions=())
    baseline = {"environment": {"keras": "3.12.0"}, "claims": [{"id": claim.id, "expected": "supported"}]}
    assert "no revision" in revisions.unexplained_expected_changes({claim.id: claim}, baseline)[0]
    revised = dataclasses.replace(claim, revisions=({"field": "expected", "after": "negligible"},))
    assert revisions.unexplained_expected_changes({claim.id: revised}, baseline) == []


def test_the_committed_baselines_need_no_unexplained_change():
    from pytest_deepclaims.plugin import unexplained_expected_changes
    assert unexplained_expected_changes(catalog.load_catalog(), catalog.FIXTURES / "baselines") == []


@pytest.mark.parametrize("decision, words", [("supported", "The note holds"),
                                             ("negligible", "True but small"),
                                             ("refuted", "contradict"), ("inconclusive", "cannot tell")])
def test_every_verdict_has_a_plain_reading(decision, words):
    text = plain_reading(decision, finding="ELU is slower at inference", effect=1.049, ci_low=1.027, ci_high=1.071,
                         effect_name="time ratio", unit="x", min_effect=0.1)
    assert words in text and "ELU is slower at inference" in text
    assert plain_reading("untested", finding="x", reason="no large images offline").startswith("Not tested here")


def test_a_named_seed_set_gives_calibration_seeds_that_chose_nothing():
    from pytest_deepclaims import seeds
    set_a = {seeds.calibration_seed(seeds.DEFAULT_SEED, r) for r in range(20)}
    set_b = {seeds.calibration_seed(seeds.DEFAULT_SEED, r, "B") for r in range(20)}
    assert len(set_a) == len(set_b) == 20 and not set_a & set_b
    assert seeds.calibration_seed(seeds.DEFAULT_SEED, 3, "A") == seeds.calibration_seed(seeds.DEFAULT_SEED, 3)


def test_a_statistical_control_fails_a_run_only_below_the_control_level_and_an_exact_one_always():
    from verdicts.reference import CONTROL_ALPHA

    by_chance = judge_run("supported", 1.0, expected="supported", control_decision="supported",
                          control_p_value=0.03)
    assert by_chance["failures"] == [] and not by_chance["control_supported"]
    shown = judge_run("supported", 1.0, expected="supported", control_decision="supported",
                      control_p_value=CONTROL_ALPHA / 2)
    assert shown["control_supported"] and "negative control" in shown["failures"][0]
    exact = judge_run("supported", 1.0, expected="supported", control_decision="supported", control_p_value=None)
    assert exact["control_supported"]


def test_the_consistency_budget_is_split_over_every_pooled_gate_of_the_catalog():
    """One suite run faces every pooled gate that is not a timing: they share one family-wise budget, so
    POOLED_GATES must count them all (a new pooled claim without raising it would overspend); a timing
    claim's gate keeps its own level."""
    pooled = [claim for claim in catalog.load_catalog().values() if claim.reference is not None]
    assert POOLED_GATES == sum(claim.kind != "speed" for claim in pooled)
    reference = {"verdict": "supported", "effect": 0.0, "run_sd": 1.0, "runs": 40}
    levels = {kind: judge_run("inconclusive", 0.0, expected="supported", reference=reference,
                              kind=kind)["consistency"]["prediction_level"]
              for kind in ("empirical", "speed")}
    assert levels == {"empirical": pytest.approx(1 - CONSISTENCY_FAMILY_ALPHA / POOLED_GATES),
                      "speed": pytest.approx(1 - TIMING_CONSISTENCY_ALPHA)}
