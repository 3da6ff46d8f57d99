"""Existential claims (verdicts/family.py `some_part_holds`, `per_setting`): "huge portions *can* die" holds
when one setting shows it. Support needs one part supported at alpha / k, refutation every part refuted;
over many families whose every part is null, the chance of a false support stays at alpha."""
import numpy as np
from scipy import stats

from verdicts.family import per_setting, some_part_holds
from verdicts.location import mean_greater_by_t

ALPHA, BETA, MIN_EFFECT, N = 0.05, 0.2, 0.3, 20
REPLICATES = 400
ERROR_BOUND = int(stats.binom.ppf(0.999, REPLICATES, ALPHA))


def _shows(values, level):
    return mean_greater_by_t(values, alpha=level, beta=BETA, min_effect=MIN_EFFECT)


def test_one_setting_showing_it_is_enough_and_all_settings_refuted_refute_it(rng):
    one_real = {"SGD": rng.normal(0.0, 1, N), "Adam": rng.normal(1.5, 1, N)}
    verdict = some_part_holds(per_setting(_shows, one_real), alpha=ALPHA)
    assert verdict.decision == "supported" and verdict.alpha == ALPHA / 2
    assert any("deciding part: Adam" in note for note in verdict.notes)
    none = {"SGD": rng.normal(-1.0, 0.5, N), "Adam": rng.normal(-1.0, 0.5, N)}
    assert some_part_holds(per_setting(_shows, none), alpha=ALPHA).decision == "refuted"


def test_one_setting_refuted_and_one_undecided_is_not_a_refutation(rng):
    mixed = {"SGD": rng.normal(-1.0, 0.5, N), "Adam": np.r_[rng.normal(0.3, 3, N)]}
    assert some_part_holds(per_setting(_shows, mixed), alpha=ALPHA).decision in ("inconclusive", "supported")
    assert some_part_holds(per_setting(_shows, mixed), alpha=ALPHA).decision != "refuted"


def test_small_but_shown_in_one_setting_and_refuted_elsewhere_reads_negligible(rng):
    small = {"SGD": rng.normal(-1.0, 0.3, 200), "Adam": rng.normal(0.1, 0.3, 200)}
    assert some_part_holds(per_setting(_shows, small), alpha=ALPHA).decision == "negligible"


def test_false_support_over_null_families_stays_at_alpha(rng):
    false_support = sum(
        some_part_holds(per_setting(_shows, {f"setting {i}": rng.normal(0.0, 1, N) for i in range(3)}),
                        alpha=ALPHA).decision == "supported"
        for _ in range(REPLICATES))
    assert false_support <= ERROR_BOUND


def test_the_headline_part_reports_the_record_when_it_decides_as_the_weakest_does(rng):
    from verdicts.family import every_part_holds

    strong, weaker = rng.normal(3.0, 1, N), rng.normal(1.0, 1, N)
    parts = {"trend": lambda level: _shows(strong, level), "decades": lambda level: _shows(weaker, level)}
    plain = every_part_holds(parts, alpha=ALPHA)
    headed = every_part_holds(parts, alpha=ALPHA, headline="trend")
    assert plain.decision == headed.decision == "supported"
    assert plain.effect == _shows(weaker, ALPHA / 2).effect and headed.effect == _shows(strong, ALPHA / 2).effect
    failing = {"trend": lambda level: _shows(strong, level), "decades": lambda level: _shows(-weaker, level)}
    refuted = every_part_holds(failing, alpha=ALPHA, headline="trend")
    assert refuted.decision == "refuted" and refuted.effect == _shows(-weaker, ALPHA / 2).effect
