"""The timing decisions (verdicts/timing.py): equal speeds are rejected, a measurably slower variant is
accepted, at the speed claims' quick sizes (60 rounds, alpha 0.01, 10% margin).

The numpy tests draw rounds from a model of a shared machine (suite/selftest/shared_machine.py). The
last test does the same with real TensorFlow timings (marked `speed`, so it runs serially and skips
under xdist): two identical ReLU graphs, and one made slower by doubling its work.
"""
import numpy as np
import pytest

from probes.timing import Interleaved
from suite.selftest.shared_machine import BUILDS, ROUNDS, builds_of, round_loads, shared_machine_rounds
from verdicts.exact import intersection_union
from verdicts.timing import (
    time_ratio_greater_by_builds,
    time_ratio_greater_by_rounds,
    time_ratio_within_margin_by_builds,
    time_ratio_within_margin_by_rounds,
    wall_time_ratio_within_margin,
)

ALPHA, BETA, MARGIN = 0.01, 0.05, 0.10
SEEDS = 10   # SPEED-ELU-COMPENSATES's quick seeds


def _decide(slower, faster, **kwargs):
    return time_ratio_greater_by_rounds(slower, faster, alpha=ALPHA, beta=BETA, min_effect=MARGIN, **kwargs)


def test_equal_speeds_are_refuted_and_a_slower_variant_supported(rng):
    load = round_loads(rng)
    base = shared_machine_rounds(rng, 1.0, load=load)
    same = shared_machine_rounds(rng, 1.0, load=load)
    slower = shared_machine_rounds(rng, 1.3, load=load)
    equal_verdict = _decide(same, base)
    assert equal_verdict.decision == "refuted", equal_verdict.summary()
    slower_verdict = _decide(slower, base)
    assert slower_verdict.decision == "supported", slower_verdict.summary()
    assert slower_verdict.ci_low < 1.3 < slower_verdict.ci_high


def test_a_slowdown_smaller_than_what_matters_is_negligible(rng):
    """The nearest wrong law of "slower by a ratio that matters": 3% slower, well measured. The direction
    holds and is shown, the size does not: true but small, not false."""
    load = round_loads(rng, 200)
    verdict = _decide(shared_machine_rounds(rng, 1.03, load), shared_machine_rounds(rng, 1.0, load))
    assert verdict.decision == "negligible", verdict.summary()


def test_equal_speeds_well_measured_are_refuted(rng):
    """No slowdown at all: the effect is shown below the margin and no direction is shown."""
    load = round_loads(rng, 200)
    verdict = _decide(shared_machine_rounds(rng, 1.0, load), shared_machine_rounds(rng, 1.0, load))
    assert verdict.decision == "refuted", verdict.summary()


def test_equal_speeds_are_rarely_called_slower(rng):
    """False support at most alpha: 100 pairs of equal-speed variants, at most 5 supported
    (binomial(100, 0.01) exceeds 5 with probability below 0.001)."""
    def equal_pair():
        load = round_loads(rng)
        return _decide(shared_machine_rounds(rng, 1.0, load), shared_machine_rounds(rng, 1.0, load))

    supported = sum(equal_pair().decision == "supported" for _ in range(100))
    assert supported <= 5


def test_wall_time_counts_both_steps_and_step_time(rng):
    """Half the steps at 1.2x the step time is faster; the same steps at 1.4x is not."""
    steps_rival = rng.integers(150, 220, SEEDS).astype(float)
    load = round_loads(rng)
    step_rival = shared_machine_rounds(rng, 1.0, load)

    def decide(steps, step_seconds):
        return wall_time_ratio_within_margin(steps, steps_rival, step_seconds, step_rival, alpha=ALPHA, beta=BETA,
                                             margin=MARGIN)

    assert decide(steps_rival * 0.5, shared_machine_rounds(rng, 1.2, load)).decision == "supported"
    assert decide(steps_rival, shared_machine_rounds(rng, 1.4, load)).decision == "refuted"


def test_decisions_need_paired_rounds():
    with pytest.raises(ValueError, match="same rounds"):
        time_ratio_greater_by_rounds(np.ones(10), np.ones(9), alpha=ALPHA, beta=BETA, min_effect=MARGIN)


def _family(rng, candidate_ratios, rounds: int = ROUNDS):
    """Non-inferiority comparisons of a family, each a candidate at its ratio to its own rival, as
    intersection_union takes them: each at alpha and at alpha split over the family."""
    load = round_loads(rng, rounds)
    at_alpha, at_split = {}, {}
    for index, ratio in enumerate(candidate_ratios):
        candidate, rival = shared_machine_rounds(rng, ratio, load), shared_machine_rounds(rng, 1.0, load)
        for collected, alpha in ((at_alpha, ALPHA), (at_split, ALPHA / len(candidate_ratios))):
            collected[f"rival {index}"] = time_ratio_within_margin_by_rounds(candidate, rival, alpha=alpha,
                                                                             beta=BETA, margin=MARGIN)
    return at_alpha, at_split


def test_intersection_union_supports_a_family_of_equal_speeds_and_refutes_one_slow_rival(rng):
    """SPEED-RELU-IS-FAST's shape: six rivals; all as fast is supported, one 1.4x slower refutes."""
    equal = intersection_union(*_family(rng, [1.0] * 6))
    assert equal.decision == "supported", equal.summary()
    one_slow = intersection_union(*_family(rng, [1.0] * 5 + [1.4]))
    assert one_slow.decision == "refuted", one_slow.summary()
    assert "deciding part: rival 5" in one_slow.notes


def test_intersection_union_rarely_supports_a_family_with_one_comparison_on_its_margin(rng):
    """The nearest wrong law: one of three comparisons exactly at the margin (1.10). Support needs every
    comparison supported, so it stays a level-alpha test without a split: at most 5 of 100 families
    supported (binomial(100, 0.01) exceeds 5 with probability below 0.001)."""
    supported = sum(intersection_union(*_family(rng, [1.0, 1.0, 1.0 + MARGIN])).decision == "supported"
                    for _ in range(100))
    assert supported <= 5


def test_intersection_union_needs_the_same_comparisons_at_both_levels(rng):
    at_alpha, at_split = _family(rng, [1.0, 1.0])
    with pytest.raises(ValueError, match="same comparisons"):
        intersection_union(at_alpha, {"rival 0": at_split["rival 0"]})


def test_over_builds_equal_models_are_refuted_and_a_slower_model_supported(rng):
    load = round_loads(rng)
    base = builds_of(rng, 1.0, load)
    equal = time_ratio_greater_by_builds(builds_of(rng, 1.0, load), base, alpha=ALPHA, beta=BETA, min_effect=MARGIN)
    assert equal.decision == "refuted", equal.summary()
    slower = time_ratio_greater_by_builds(builds_of(rng, 1.3, load), base, alpha=ALPHA, beta=BETA,
                                          min_effect=MARGIN)
    assert slower.decision == "supported", slower.summary()
    assert slower.ci_low < 1.3 < slower.ci_high and slower.n == BUILDS


@pytest.mark.parametrize("within, samples", [
    (time_ratio_within_margin_by_rounds, shared_machine_rounds),
    (time_ratio_within_margin_by_builds, builds_of),
], ids=["over rounds", "over builds"])
def test_within_margin_accepts_equal_speeds_and_refutes_a_clearly_slower_candidate(rng, within, samples):
    load = round_loads(rng)
    rival = samples(rng, 1.0, load)

    def decide(candidate):
        return within(candidate, rival, alpha=ALPHA, beta=BETA, margin=MARGIN)

    assert decide(samples(rng, 1.0, load)).decision == "supported"
    assert decide(samples(rng, 1.4, load)).decision == "refuted"


def test_intervals_over_builds_cover_a_models_ratio_and_intervals_over_rounds_do_not(rng):
    """A model truly 5% slower (below the 10% that matters), each build off by its own few percent. Over
    builds, the 98% interval covers 1.05 and the verdict is shown below the margin (negligible, or refuted
where the direction is not shown) in at least 90 of 100 runs; over one
    build's 400 rounds, the interval ignores the builds' offsets and misses 1.05 far more often than 2 in
    100: why the model levels replicate builds (SPEED-ELU-SLOWER-INFERENCE flipped between runs before)."""
    def run():
        load = round_loads(rng, 400)
        slower, faster = builds_of(rng, 1.05, load), builds_of(rng, 1.0, load)
        by_builds = time_ratio_greater_by_builds(slower, faster, alpha=ALPHA, beta=BETA, min_effect=MARGIN)
        by_rounds = _decide(slower[0], faster[0])
        return (by_builds.ci_low < 1.05 < by_builds.ci_high, by_builds.decision in ("negligible", "refuted"),
                by_rounds.ci_low < 1.05 < by_rounds.ci_high)

    covered_by_builds, refuted, covered_by_rounds = np.array([run() for _ in range(100)]).sum(axis=0)
    assert covered_by_builds >= 93 and refuted >= 90
    assert covered_by_rounds < 85  # nominally 98: P(fewer than 85 of 100) < 1e-6 at a true 98% coverage


def test_decisions_over_builds_need_enough_builds(rng):
    load = round_loads(rng)
    with pytest.raises(ValueError, match="at least 3"):
        time_ratio_greater_by_builds(builds_of(rng, 1.0, load, 2), builds_of(rng, 1.0, load, 2), alpha=ALPHA,
                                     beta=BETA, min_effect=MARGIN)


@pytest.mark.speed
def test_real_timings_reject_identical_graphs_and_accept_doubled_work(benchmark):
    """TensorFlow (not numpy-only): the timing method end to end, on the op level's ReLU chain."""
    if benchmark.disabled:
        pytest.skip("pytest-benchmark is disabled (xdist or --benchmark-disable): timings need a serial run")
    from probes.activation_speed import op_call

    seed = 20170606  # the self-tests' seed (suite/selftest/conftest.py)
    variants = {"relu": op_call("relu", 16384, 1024, "/CPU:0", seed),
                "relu again": op_call("relu", 16384, 1024, "/CPU:0", seed),
                "relu twice the work": op_call("relu", 16384, 2048, "/CPU:0", seed)}
    timer = Interleaved(variants, rng=np.random.default_rng(seed), min_sample_seconds=0.005)
    timer.prepare()
    benchmark.pedantic(timer.run_round, rounds=ROUNDS, warmup_rounds=3)
    seconds = timer.seconds_per_call(skip_rounds=3)
    equal = _decide(seconds["relu again"], seconds["relu"])
    doubled = _decide(seconds["relu twice the work"], seconds["relu"])
    benchmark.extra_info.update({"equal": equal.as_dict(), "doubled": doubled.as_dict(),
                                 "seconds": {key: value.tolist() for key, value in seconds.items()}})
    assert equal.decision != "supported", equal.summary()
    assert doubled.decision == "supported", doubled.summary()
