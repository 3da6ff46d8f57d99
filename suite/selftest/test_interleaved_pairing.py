"""Paired interleaving (probes.timing.Interleaved's `pair_by`): the members of a pair group are called side
by side, one call each per cycle, and take the same calls per sample; unpaired variants keep one shuffled
schedule. Numpy only: the variants sleep a few milliseconds and log their calls (about 0.5 s)."""
import time

import numpy as np
import pytest

from probes.timing import Interleaved


def sleeper(log: list, key: tuple, seconds: float):
    def call():
        log.append(key)
        time.sleep(seconds)
    return call


def test_paired_variants_are_called_side_by_side_with_equal_calls(rng):
    log = []
    # Two builds of a level, each timing a fast and a slow activation (1 ms and 3 ms a call).
    variants = {(level, name, build): sleeper(log, (level, name, build), seconds)
                for level in ("inference",) for build in (0, 1) for name, seconds in (("fast", 0.001), ("slow", 0.003))}
    timer = Interleaved(variants, rng=rng, min_sample_seconds=0.006, pair_by=lambda key: (key[0], key[2]))
    calls = timer.prepare()
    assert calls[("inference", "fast", 0)] == calls[("inference", "slow", 0)] >= 2
    log.clear()
    timer.run_round()
    cycles = [log[index:index + 2] for index in range(0, len(log), 2)]
    assert len(log) == sum(calls.values())
    assert all({key[1] for key in cycle} == {"fast", "slow"} and cycle[0][2] == cycle[1][2] for cycle in cycles)
    assert len({tuple(key[1] for key in cycle) for cycle in cycles}) == 2  # both orders occur


def test_unpaired_variants_keep_their_own_calls_per_sample(rng):
    variants = {name: sleeper([], name, seconds) for name, seconds in (("fast", 0.001), ("slow", 0.003))}
    calls = Interleaved(variants, rng=rng, min_sample_seconds=0.006).prepare()
    assert calls["fast"] > calls["slow"]
    assert np.isclose(calls["slow"], 2, atol=1)


def test_a_sparse_variant_is_timed_in_the_warm_up_then_every_nth_round(rng):
    log = []
    variants = {name: sleeper(log, name, 0.001) for name in ("op", "model a", "model b")}
    timer = Interleaved(variants, rng=rng, min_sample_seconds=0.001, pair_by=lambda key: key.split()[0],
                        every={"model a": 3, "model b": 3}, dense_rounds=2)
    timer.prepare()
    timed = []
    for _ in range(2 + 7):
        log.clear()
        timer.run_round()
        timed.append(set(log))
    assert all(names == set(variants) for names in timed[:2])  # the warm-up times everything
    assert [("model a" in names, "model b" in names) for names in timed[2:]] == [
        (due, due) for due in (True, False, False, True, False, False, True)]
    assert all("op" in names for names in timed)
    seconds = timer.seconds_per_call(skip_rounds=2)
    assert len(seconds["op"]) == 7 and len(seconds["model a"]) == len(seconds["model b"]) == 3


def test_a_variant_period_below_one_round_is_refused(rng):
    with pytest.raises(ValueError, match="at least 1"):
        Interleaved({"a": lambda: None}, rng=rng, min_sample_seconds=0.001, every={"a": 0})


def test_an_unpaired_sparse_variant_is_timed_every_nth_round_after_the_warm_up(rng):
    log = []
    variants = {name: sleeper(log, name, 0.001) for name in ("op", "model")}
    timer = Interleaved(variants, rng=rng, min_sample_seconds=0.001, every={"model": 3}, dense_rounds=1)
    timer.prepare()
    timed = []
    for _ in range(1 + 6):
        log.clear()
        timer.run_round()
        timed.append("model" in log)
    assert timed == [True, True, False, False, True, False, False]
    assert {key: len(values) for key, values in timer.seconds_per_call(skip_rounds=1).items()} == {"op": 6, "model": 2}


def test_without_sparse_variants_a_round_keeps_the_schedule_it_always_had():
    """No period given: the round order is the permutation of every variant's calls, drawn as before
    sparse variants existed, so the other claims' timings are unchanged."""
    variants = {name: (lambda: None) for name in ("a", "b", "c")}
    timer = Interleaved(variants, rng=np.random.default_rng(7), min_sample_seconds=0.001)
    calls = [2, 3, 1]
    expected = np.random.default_rng(7).permutation(np.repeat(np.arange(3), calls))
    assert np.array_equal(timer._schedule(calls, {0, 1, 2}), expected)


def test_only_model_levels_builds_are_sparse():
    from probes.speed_levels import model_level_periods
    keys = {("/CPU:0", "op_cache", "relu"): None, ("/CPU:0", "inference", "relu", 0): None}
    assert model_level_periods(keys, {"model_level_every": 3}) == {("/CPU:0", "inference", "relu", 0): 3}
    assert model_level_periods(keys, {}) == {("/CPU:0", "inference", "relu", 0): 1}
