"""Pooled references per part (a claim of several parts whose per-run verdict does not settle): the
calibration keeps each part's effect round by round, a reference may check runs on one named part, and
SELU-CONVOLUTIONAL's pooled decision keeps its error rates at its calibration's size (20 runs), by
simulation at the least favourable nulls."""
import types

import numpy as np
import pytest
from scipy import stats

from pytest_deepclaims.claim_run import reference_effect
from pytest_deepclaims.results import calibration_summary
from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED
from verdicts.self_normalization import (
    CNN_DIFFERENCE_PART,
    CNN_MARGIN,
    CONV_MARGIN_USE_PART,
    pooled_conv_parts,
    pooled_guarantee_only_dense_but_improves_cnns,
)

ALPHA, BETA, RUNS, DRAWS = 0.05, 0.1, 20, 1000
ERROR_BOUND = int(stats.binom.ppf(0.999, DRAWS, ALPHA))
# Between-run spreads of the quick profile's parts, about as the earlier calibration rounds showed them.
MARGIN_USE_SD, DIFFERENCE_SD = 0.03, 0.022
OPTIMIZERS = ("SGD", "Adam")


def _decide(rng, margin_use_mean, difference_means):
    return pooled_guarantee_only_dense_but_improves_cnns(
        rng.normal(margin_use_mean, MARGIN_USE_SD, RUNS),
        {name: rng.normal(mean, DIFFERENCE_SD, RUNS) for name, mean in zip(OPTIMIZERS, difference_means)},
        alpha=ALPHA, beta=BETA, cnn_margin=CNN_MARGIN)


def test_calibration_keeps_each_part_round_by_round():
    rounds = {0: {"passed": True, "verdict": SUPPORTED, "seed": 1, "effect": 0.1, "parts": {"a": 1.1, "b": 0.02}},
              1: {"passed": False, "verdict": INCONCLUSIVE, "seed": 2, "effect": 0.0, "parts": {"a": 1.05}}}
    summary = calibration_summary(rounds)["calibration"]
    assert summary["parts"] == {"a": [1.1, 1.05], "b": [0.02, None]}
    assert "parts" not in calibration_summary({0: {**rounds[0], "parts": {}}})["calibration"]
    staged = calibration_summary({0: {**rounds[0], "stage": {"stage": 1, "n": 10}}, 1: rounds[1]})["calibration"]
    assert staged["stages"] == [1, None] and staged["samples"] == [10, None]


def test_a_reference_naming_a_part_checks_runs_on_that_part():
    verdict = types.SimpleNamespace(effect=1.2)
    plain = types.SimpleNamespace(id="X", reference={"verdict": SUPPORTED})
    on_part = types.SimpleNamespace(id="X", reference={"verdict": SUPPORTED, "part": "b"})
    assert reference_effect(plain, verdict, {"b": 0.03}) == 1.2
    assert reference_effect(on_part, verdict, {"a": 1.2, "b": 0.03}) == 0.03
    with pytest.raises(KeyError, match="does not record"):
        reference_effect(on_part, verdict, {"a": 1.2})


def test_the_joint_pooled_decision_reads_a_calibrations_parts():
    rng = np.random.default_rng(0)
    parts = {CONV_MARGIN_USE_PART: list(rng.normal(1.08, MARGIN_USE_SD, RUNS)),
             CNN_DIFFERENCE_PART.format(optimizer="SGD"): list(rng.normal(0.04, DIFFERENCE_SD, RUNS)),
             CNN_DIFFERENCE_PART.format(optimizer="Adam"): list(rng.normal(-0.01, DIFFERENCE_SD, RUNS))}
    verdict = pooled_conv_parts(parts, alpha=ALPHA, beta=BETA)
    assert verdict.decision == SUPPORTED
    assert any("SGD" in note for note in verdict.notes)


@pytest.mark.parametrize("margin_use, differences, wrong", [
    (1.0, (0.05, 0.05), SUPPORTED),  # (a) on the bound: the stack not shown outside
    (1.1, (0.0, 0.0), SUPPORTED),  # (b) no improvement under either optimizer
])
def test_false_support_at_most_alpha(margin_use, differences, wrong):
    rng = np.random.default_rng(11)
    false = sum(_decide(rng, margin_use, differences).decision == wrong for _ in range(DRAWS))
    assert false <= ERROR_BOUND, f"{false} false supports in {DRAWS} draws (bound {ERROR_BOUND})"


def test_false_refutation_at_most_alpha_on_the_margin():
    """A true improvement exactly at the margin under SGD (Adam none): refuted needs both optimizers shown
    below the margin, so it stays rare; the decision still says supported or negligible or inconclusive."""
    rng = np.random.default_rng(12)
    decisions = [_decide(rng, 1.1, (CNN_MARGIN, 0.0)).decision for _ in range(DRAWS)]
    assert decisions.count(REFUTED) <= ERROR_BOUND
    assert {NEGLIGIBLE, INCONCLUSIVE} & set(decisions)


def test_power_at_the_effects_seen():
    """At the earlier rounds' sizes of effect (margin use 1.08, SGD 0.03 nats) 20 runs decide the claim."""
    rng = np.random.default_rng(13)
    supported = sum(_decide(rng, 1.08, (0.03, -0.01)).decision == SUPPORTED for _ in range(200))
    assert supported >= 200 * (1 - BETA)
