"""Interleaved timing of code variants in one process: the measuring half of the speed claims.

Why interleave: on a shared machine the load changes from one millisecond to the next. Timing variant
A for ten seconds and then B for ten seconds confounds the variants with the load. Here a round runs
every variant's calls shuffled together, call by call, in a fresh random order, and times each call:
a variant's sample is the mean of its calls, spread over the whole round, so every variant sees the
round's load alike, and the decisions (verdicts.timing) pair the samples by round.

A variant is a zero-argument callable that runs its work once and returns when the work is done (on
an asynchronous device it waits for the device itself). `Interleaved.prepare` calls every variant a
few times first, so that tracing, graph optimization and allocator warm-up stay out of the samples,
and sets how many calls make one sample (at least `min_sample_seconds` of work, so the timer's
resolution and the call's own jitter stay small). `run_round` is the target for `benchmark.pedantic`;
raw seconds per call are kept for every round, warm-up rounds included, and `seconds_per_call` drops
those. Mixing levels call by call also means a small op may find the cache cleared by a large one:
every variant of a level meets that alike, as ops in a real program do.

Paired variants (`pair_by`, a function naming each variant's pair group: the same model level and build
with different activations) are called side by side: a round runs cycles of one call of each member of a
group, in a fresh random order, the cycles of all groups shuffled together, and every member of a group
takes the same calls per sample. On a heavily loaded machine (load average 7-10 on 2 cores) the load
changes within a round by far more than an activation's cost; side by side, the members of a pair meet
the same few milliseconds of it, and the ratio of their samples keeps what the load spares.

Sparse variants (`every`, a period per variant, and `dense_rounds`): a variant with period n is timed in the first
`dense_rounds` rounds (the warm-up) and then in every n-th round only, so a costly level whose decision rests
on its builds rather than its rounds (a model level) takes fewer samples than the cheap op levels beside it;
within a round it is interleaved with everything timed there, as any variant. Its series holds only the rounds
it was timed in, so a pair of variants with one period stays paired by round.

The garbage collector is paused during a round (as pytest-benchmark's --benchmark-disable-gc does), so
a collection never lands inside a sample; it catches up between rounds.
"""
from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Hashable, Mapping
from itertools import chain

import numpy as np

TRACE_CALLS = 2
CALIBRATION_CALLS = 5


def fastest_call_seconds(variant: Callable[[], object], calls: int = CALIBRATION_CALLS) -> float:
    """The fastest of a few timed calls (the one least disturbed by other load), after warm-up calls
    that trace and compile."""
    for _ in range(TRACE_CALLS):
        variant()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        variant()
        times.append(time.perf_counter() - started)
    return min(times)


class Interleaved:
    """Variants timed in rounds, each round in a random order drawn from `rng`."""

    def __init__(self, variants: Mapping[Hashable, Callable[[], object]], *, rng: np.random.Generator,
                 min_sample_seconds: float, pair_by: Callable[[Hashable], Hashable] | None = None,
                 every: Mapping[Hashable, int] | None = None, dense_rounds: int = 0):
        if not variants:
            raise ValueError("no variants to time")
        self.variants = dict(variants)
        self.every = {key: int((every or {}).get(key, 1)) for key in self.variants}
        if min(self.every.values()) < 1:
            raise ValueError(f"a variant's period is a whole number of rounds, at least 1: {every}")
        self.dense_rounds = int(dense_rounds)
        self.rng = rng
        self.min_sample_seconds = float(min_sample_seconds)
        self.groups: dict[Hashable, list[int]] | None = None
        if pair_by is not None:
            self.groups = {}
            for index, key in enumerate(self.variants):
                self.groups.setdefault(pair_by(key), []).append(index)
        self.calls_per_sample: dict[Hashable, int] = {}
        self.rounds: list[dict[Hashable, float]] = []

    def prepare(self) -> dict[Hashable, int]:
        """Trace and warm every variant, then choose its calls per sample from the fastest of a few
        timed calls (the one least disturbed by other load)."""
        for key, variant in self.variants.items():
            single = max(fastest_call_seconds(variant), 1e-9)
            self.calls_per_sample[key] = max(1, math.ceil(self.min_sample_seconds / single))
        keys = list(self.variants)
        for members in (self.groups or {}).values():
            calls = max(self.calls_per_sample[keys[index]] for index in members)
            self.calls_per_sample.update({keys[index]: calls for index in members})
        return dict(self.calls_per_sample)

    def due(self, round_index: int) -> list[Hashable]:
        """The variants timed in round `round_index` (0-based, warm-up rounds included)."""
        after = round_index - self.dense_rounds
        return [key for key in self.variants if after < 0 or after % self.every[key] == 0]

    def _schedule(self, calls: list[int], timed: set[int]) -> np.ndarray:
        """The order of one round's calls, as indices of the variants (those in `timed` only)."""
        if self.groups is None:
            counts = [count if index in timed else 0 for index, count in enumerate(calls)]
            return self.rng.permutation(np.repeat(np.arange(len(calls)), counts))
        cycles = [[index for index in members if index in timed] for members in self.groups.values()
                  for _ in range(calls[members[0]])]
        cycles = [cycle for cycle in cycles if cycle]
        order = self.rng.permutation(len(cycles))
        return np.fromiter(chain.from_iterable(self.rng.permutation(cycles[index]) for index in order), dtype=int)

    def run_round(self):
        """One sample of every variant due this round (`due`), its calls shuffled among theirs; the benchmark
        target."""
        if not self.calls_per_sample:
            self.prepare()
        keys = list(self.variants)
        calls = [self.calls_per_sample[key] for key in keys]
        due = set(self.due(len(self.rounds)))
        timed = {index for index, key in enumerate(keys) if key in due}
        schedule = self._schedule(calls, timed)
        variants = [self.variants[key] for key in keys]
        totals = [0.0] * len(keys)
        clock = time.perf_counter
        collecting = gc.isenabled()
        gc.disable()
        try:
            for index in schedule:
                started = clock()
                variants[index]()
                totals[index] += clock() - started
        finally:
            if collecting:
                gc.enable()
        self.rounds.append({key: totals[i] / calls[i] for i, key in enumerate(keys) if i in timed})

    def seconds_per_call(self, skip_rounds: int = 0) -> dict[Hashable, np.ndarray]:
        """Raw seconds per call of every variant, one value per round it was timed in after the first
        `skip_rounds`."""
        kept = self.rounds[skip_rounds:]
        return {key: np.array([row[key] for row in kept if key in row]) for key in self.variants}
