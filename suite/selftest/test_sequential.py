"""Group-sequential decisions (verdicts/sequential.py): the spending, the stopping rule, the staged sample,
and, by simulation at each sequential claim's stages and alpha, false-support and false-refutation rates
within alpha and power within beta. Least favourable nulls: the true effect at 0 (a false support) and at the
margin (a false refutation: "shown below the margin")."""
import numpy as np
import pytest
from scipy import stats

from verdicts.paired import higher_by_paired_t
from verdicts.power import detectable_shift
from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED, Verdict
from verdicts.sequential import (
    OBRIEN_FLEMING,
    POCOCK,
    StagedSample,
    decide_in_stages,
    spent,
    stage_levels,
)
from verdicts.share import each_cause_a_part

DRAWS = 2000


def _bound(alpha: float) -> int:
    """A rate at most alpha passes unless its count exceeds Binomial(DRAWS, alpha)'s 99.9% quantile."""
    return int(stats.binom.ppf(0.999, DRAWS, alpha))


def test_the_levels_spend_alpha_exactly_and_obrien_fleming_spends_little_early():
    for spending in (OBRIEN_FLEMING, POCOCK):
        levels = stage_levels(0.05, [10, 20, 30], spending)
        assert sum(levels) == pytest.approx(0.05) and all(level > 0 for level in levels)
    first, last = stage_levels(0.05, [10, 20])
    assert first == pytest.approx(0.00557, abs=1e-5) and last == pytest.approx(0.04443, abs=1e-5)
    assert stage_levels(0.05, [20]) == pytest.approx((0.05,))  # one stage: the one-shot design
    assert spent(0.05, 1.0, POCOCK) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        stage_levels(0.05, [20, 10])


def test_a_run_stops_at_the_first_stage_that_decides_and_measures_only_what_it_needs():
    calls = []

    def measure(start, stop):
        calls.append((start, stop))
        return (np.arange(start, stop, dtype=float),)

    sample = StagedSample(measure)
    assert sample.first(3)[0].tolist() == [0, 1, 2]
    assert sample.first(5)[0].tolist() == [0, 1, 2, 3, 4] and sample.first(2)[0].tolist() == [0, 1]
    assert calls == [(0, 3), (3, 5)]

    def decide(n, level, decided_at=2):
        return Verdict(SUPPORTED if n >= decided_at * 10 else INCONCLUSIVE, "t", "t", 0.0, 0.5, level, "d", 0.0,
                       -1.0, 1.0, n, 1.0)

    verdict = decide_in_stages(decide, [10, 20, 30], alpha=0.05)
    assert verdict.decision == SUPPORTED and verdict.stage["stage"] == 2 and verdict.stage["n"] == 20
    assert verdict.alpha == pytest.approx(stage_levels(0.05, [10, 20, 30])[1])
    undecided = decide_in_stages(lambda n, level: decide(n, level, decided_at=9), [10, 20], alpha=0.05)
    assert undecided.decision == INCONCLUSIVE and undecided.stage["stage"] == 2
    assert "stopped at stage 2 of 2" in undecided.notes[-1]


# SELU-NEEDS-STANDARDIZED-INPUTS: paired accuracies over training seeds, stages [10, 20], alpha 0.05, margin
# 0.02; the per-seed spread of the difference about as its runs show it (SD 0.1).
STANDARDIZED = {"stages": [10, 20], "alpha": 0.05, "beta": 0.1, "margin": 0.02, "sd": 0.1}


def _paired_run(rng, difference, design=STANDARDIZED):
    n = design["stages"][-1]
    raw = rng.uniform(0.5, 0.8, n)
    standardized = raw + rng.normal(difference, design["sd"], n)
    return decide_in_stages(lambda k, level: higher_by_paired_t(standardized[:k], raw[:k], alpha=level,
                                                                beta=design["beta"], min_effect=design["margin"],
                                                                diverged_score=0.0),
                            design["stages"], alpha=design["alpha"])


@pytest.mark.parametrize("difference, wrong", [(0.0, (SUPPORTED, NEGLIGIBLE)),
                                               (STANDARDIZED["margin"], (REFUTED, NEGLIGIBLE))])
def test_paired_t_in_stages_errs_at_most_alpha(difference, wrong):
    rng = np.random.default_rng(21)
    errors = sum(_paired_run(rng, difference).decision in wrong for _ in range(DRAWS))
    assert errors <= _bound(STANDARDIZED["alpha"]), f"{errors} wrong of {DRAWS}"


def test_the_simulation_would_catch_stages_that_do_not_spend_alpha():
    """The same two looks, each at the full alpha (no spending): false supports exceed the bound."""
    rng = np.random.default_rng(24)
    n, first = STANDARDIZED["stages"][-1], STANDARDIZED["stages"][0]
    false = 0
    for _ in range(DRAWS):
        raw = rng.uniform(0.5, 0.8, n)
        standardized = raw + rng.normal(0.0, STANDARDIZED["sd"], n)
        looks = [higher_by_paired_t(standardized[:k], raw[:k], alpha=STANDARDIZED["alpha"], beta=STANDARDIZED["beta"],
                                    min_effect=STANDARDIZED["margin"], diverged_score=0.0) for k in (first, n)]
        decided = next((look for look in looks if look.decision != INCONCLUSIVE), looks[-1])
        false += decided.decision in (SUPPORTED, NEGLIGIBLE)
    assert false > _bound(STANDARDIZED["alpha"]), f"only {false} false supports without spending"


def test_paired_t_in_stages_keeps_its_power_and_stops_early_when_clear():
    rng = np.random.default_rng(22)
    # The power the record states: the last stage's detectable effect at its own level (0.0444), from the
    # design's spread, not one run's.
    last = stage_levels(STANDARDIZED["alpha"], STANDARDIZED["stages"])[-1]
    n = STANDARDIZED["stages"][-1]
    detectable = detectable_shift(STANDARDIZED["sd"] / np.sqrt(n), n - 1, last, STANDARDIZED["beta"])
    runs = [_paired_run(rng, detectable) for _ in range(1000)]
    assert sum(r.decision == SUPPORTED for r in runs) >= 1000 * (1 - STANDARDIZED["beta"]) - 30
    clear = [_paired_run(rng, 0.15) for _ in range(500)]  # the claim's size of effect
    assert sum(r.stage["stage"] == 1 for r in clear) > 250 and all(r.decision == SUPPORTED for r in clear)


# GRAD-SIGMOID-AND-INIT-CAUSE: Shapley shares of two causes over draws, stages [15, 30], alpha 0.01,
# threshold 0.1; cells as the width-1000 networks give them (decay about 0.2 decades per layer, SD 0.02).
SHARES = {"stages": [15, 30], "alpha": 0.01, "beta": 0.05, "share": 0.1, "sd": 0.02}


def _share_run(rng, m00, m01, m10, m11):
    n = SHARES["stages"][-1]
    cells = {key: rng.normal(mean, SHARES["sd"], n) for key, mean in
             zip([(False, False), (False, True), (True, False), (True, True)], (m00, m01, m10, m11))}
    return decide_in_stages(
        lambda k, level: each_cause_a_part({key: values[:k] for key, values in cells.items()},
                                           causes=("activation", "initialization"), share=SHARES["share"],
                                           alpha=level, beta=SHARES["beta"]),
        SHARES["stages"], alpha=SHARES["alpha"])


def test_shapley_shares_in_stages_err_at_most_alpha():
    """At the least favourable null, the initialization's share exactly at the threshold, 0.1 of a 0.2 decay:
    (1/2)[(0.2 - m01) + (m10 - m11)] / 0.2 = 0.1 with m01 = 0.18, m10 = m11 + 0.02. A false support and a
    false refutation (shown below the threshold it sits on) each stay within alpha. (The conjunction of two
    causes puts the false-support rate near alpha / 2, so 2000 draws could not tell a design that does not
    spend alpha from one that does; the paired t test above shows the simulation can.)"""
    rng = np.random.default_rng(23)
    decisions = [_share_run(rng, 0.2, 0.18, 0.04, 0.02).decision for _ in range(DRAWS)]
    supported = sum(d in (SUPPORTED, NEGLIGIBLE) for d in decisions)
    refuted = sum(d in (REFUTED, NEGLIGIBLE) for d in decisions)
    assert supported <= _bound(SHARES["alpha"]), f"{supported} false supports of {DRAWS}"
    assert refuted <= _bound(SHARES["alpha"]), f"{refuted} false refutations of {DRAWS}"
    # And for a false refutation: both shares well above it (0.5 each), refuted or negligible never.
    clear = [_share_run(rng, 0.2, 0.1, 0.1, 0.0) for _ in range(500)]
    assert not any(r.decision in (REFUTED, NEGLIGIBLE) for r in clear)
    assert sum(r.stage["stage"] == 1 for r in clear) > 450
