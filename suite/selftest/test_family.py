"""Joint decisions (verdicts/family.py): the family owns the alpha split.

Real t-tests decide the parts: a family whose every part is drawn from the claimed law (a shift that
matters) holds, one with a part from the nearest wrong law (no shift) does not; over many families with
every part null, the chance of any false support stays at alpha under Bonferroni and under Holm; Holm
shows at least what Bonferroni shows.
"""
import numpy as np
import pytest
from scipy import stats

from verdicts.exact import all_checks_hold
from verdicts.family import (
    BONFERRONI,
    HOLM,
    INTERSECTION_UNION,
    decide_each,
    every_part_holds,
    intersection_union,
    support_level,
)
from verdicts.location import mean_greater_by_t

ALPHA, BETA, MIN_EFFECT, N = 0.05, 0.2, 0.3, 20
REPLICATES = 400  # families per error-rate check
# A false-support count above this is evidence (p < 0.001) of a family-wise rate above alpha.
ERROR_BOUND = int(stats.binom.ppf(0.999, REPLICATES, ALPHA))


def _test(values):
    """The decision as a family takes it: a function of its level."""
    return lambda level: mean_greater_by_t(values, alpha=level, beta=BETA, min_effect=MIN_EFFECT)


def _levels_seen(family_call, parts: dict) -> dict:
    seen = {}

    def spying(name, values):
        def decide(level):
            seen.setdefault(name, []).append(level)
            return mean_greater_by_t(values, alpha=level, beta=BETA, min_effect=MIN_EFFECT)
        return decide

    family_call({name: spying(name, values) for name, values in parts.items()})
    return seen


def test_every_part_holds_on_the_claimed_law_and_not_with_one_part_from_the_nearest_wrong_law(rng):
    real = {f"part {i}": _test(rng.normal(1.0, 1, N)) for i in range(3)}
    assert every_part_holds(real, alpha=ALPHA).decision == "supported"
    one_null = {**real, "part 2": _test(rng.normal(0.0, 1, N))}
    assert every_part_holds(one_null, alpha=ALPHA).decision != "supported"
    one_opposite = {**real, "part 2": _test(rng.normal(-1.0, 1, N))}
    assert every_part_holds(one_opposite, alpha=ALPHA).decision == "refuted"


def test_bonferroni_runs_each_test_at_alpha_over_the_tests_and_exact_checks_take_no_share(rng):
    parts = {"a": rng.normal(1, 1, N), "b": rng.normal(1, 1, N)}
    seen = _levels_seen(lambda tests: every_part_holds(tests, alpha=ALPHA, split=BONFERRONI), parts)
    assert seen == {"a": [ALPHA / 2], "b": [ALPHA / 2]}
    exact = all_checks_hold({"a class exists": True}, what="classes")
    seen = _levels_seen(lambda tests: every_part_holds({**tests, "classes": exact}, alpha=ALPHA), {"a": parts["a"]})
    assert seen == {"a": [ALPHA]}


def test_bonferroni_matches_the_conjunction_of_parts_each_at_the_split_level(rng):
    a, b = rng.normal(0.8, 1, N), rng.normal(0.5, 1, N)
    family = every_part_holds({"a": _test(a), "b": _test(b)}, alpha=ALPHA)
    by_hand = [mean_greater_by_t(x, alpha=ALPHA / 2, beta=BETA, min_effect=MIN_EFFECT) for x in (a, b)]
    weakest = max(by_hand, key=lambda v: v.p_value)
    assert (family.decision, family.effect, family.ci_low, family.alpha) == (
        weakest.decision, weakest.effect, weakest.ci_low, ALPHA / 2)


def test_a_test_decided_outside_the_family_is_refused(rng):
    outside = mean_greater_by_t(rng.normal(1, 1, N), alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT)
    with pytest.raises(ValueError, match="function of its level"):
        every_part_holds({"a": outside, "b": _test(rng.normal(1, 1, N))}, alpha=ALPHA)


def test_holm_steps_down_and_stops_at_the_first_part_it_cannot_show(rng):
    # Shifts whose p-values fall near 0.001, 0.02 and 0.04: Bonferroni (alpha/3 each) shows only the first,
    # Holm (alpha/3, alpha/2, alpha) all three; with the third null, Holm stops there.
    def with_p(target):
        z = stats.t.isf(target, N - 1)
        values = rng.normal(0, 1, N)
        values = (values - values.mean()) / values.std(ddof=1)
        return values + z / np.sqrt(N)

    tests = {"strong": _test(with_p(0.001)), "middle": _test(with_p(0.02)), "weak": _test(with_p(0.04))}
    bonferroni = decide_each(tests, alpha=ALPHA, split=BONFERRONI)
    holm = decide_each(tests, alpha=ALPHA, split=HOLM)
    assert [v.decision in ("supported", "negligible") for v in bonferroni.values()] == [True, False, False]
    assert [v.alpha for v in holm.values()] == pytest.approx([ALPHA / 3, ALPHA / 2, ALPHA])
    assert all(v.p_value < v.alpha for v in holm.values())
    stopped = decide_each({**tests, "weak": _test(with_p(0.3))}, alpha=ALPHA, split=HOLM)
    assert stopped["weak"].alpha == pytest.approx(ALPHA) and stopped["weak"].p_value > ALPHA
    late = decide_each({"first": _test(with_p(0.001)), "stops": _test(with_p(0.04)), "after": _test(with_p(0.045))},
                       alpha=ALPHA, split=HOLM)
    assert late["stops"].alpha == late["after"].alpha == pytest.approx(ALPHA / 2)


@pytest.mark.parametrize("split", [BONFERRONI, HOLM])
def test_separate_statements_keep_the_family_wise_false_support_rate_at_alpha(rng, split):
    false = sum(any(v.decision == "supported" for v in decide_each(
        {f"null {i}": _test(rng.normal(0, 1, N)) for i in range(4)}, alpha=ALPHA, split=split).values())
        for _ in range(REPLICATES))
    assert false <= ERROR_BOUND


def test_holm_shows_every_statement_bonferroni_shows(rng):
    for _ in range(50):
        tests = {f"part {i}": _test(rng.normal(0.6, 1, N)) for i in range(4)}
        bonferroni, holm = (decide_each(tests, alpha=ALPHA, split=split) for split in (BONFERRONI, HOLM))
        shown = {name for name, verdict in bonferroni.items() if verdict.decision in ("supported", "negligible")}
        assert all(holm[name].decision in ("supported", "negligible") for name in shown)


def test_intersection_union_is_the_exact_rule_at_alpha_and_at_the_split(rng):
    samples = {f"rival {i}": rng.normal(0.7, 1, N) for i in range(3)}
    family = every_part_holds({name: _test(x) for name, x in samples.items()}, alpha=ALPHA, split=INTERSECTION_UNION)
    by_hand = intersection_union(
        {name: mean_greater_by_t(x, alpha=ALPHA, beta=BETA, min_effect=MIN_EFFECT) for name, x in samples.items()},
        {name: mean_greater_by_t(x, alpha=ALPHA / 3, beta=BETA, min_effect=MIN_EFFECT) for name, x in samples.items()})
    assert (family.decision, family.effect, family.alpha) == (by_hand.decision, by_hand.effect, by_hand.alpha)
    assert support_level(ALPHA, 3, INTERSECTION_UNION) == ALPHA and support_level(ALPHA, 3, HOLM) == ALPHA / 3


def test_contrasts_run_at_the_support_level_and_a_blind_one_withholds_support(rng):
    parts = {"a": _test(rng.normal(1, 1, N)), "b": _test(rng.normal(1, 1, N))}
    levels = []

    def contrast(values):
        def decide(level):
            levels.append(level)
            return mean_greater_by_t(values, alpha=level, beta=BETA, min_effect=MIN_EFFECT)
        return decide

    seeing = every_part_holds(parts, alpha=ALPHA, contrasts={"no shift": contrast(rng.normal(-0.5, 1, 200))})
    assert seeing.decision == "supported" and levels == [ALPHA / 2]
    blind = every_part_holds(parts, alpha=ALPHA, contrasts={"same law": contrast(rng.normal(1, 1, N))})
    assert blind.decision == "inconclusive"


def test_recorded_decisions_are_noted_at_the_support_level_and_decide_nothing(rng):
    parts = {"a": _test(rng.normal(1, 1, N)), "b": _test(rng.normal(1, 1, N))}
    verdict = every_part_holds(parts, alpha=ALPHA, recorded={"null arm": _test(rng.normal(-1, 1, N))})
    assert verdict.decision == "supported"
    assert any(note.startswith("recorded, not decided: null arm: refuted") and f"alpha = {ALPHA / 2:g}" in note
               for note in verdict.notes)
