"""A numpy model of timings on a shared machine, for the timing decisions' self-tests.

Each sample is the variant's own time times a load factor of its round (shared by the variants timed in
that round: the point of interleaving), with lognormal jitter of its own and, in one sample of ten, a
preemption that adds about a whole extra run. A model's builds are each off its model's time by their own
factor, so that a ratio of two builds spreads by 0.019 (measured: six ELU/ReLU inference pairs in one run).
"""
import numpy as np

ROUNDS = 60  # the quick profile's rounds
JITTER, PREEMPTION_SHARE = 0.08, 0.1
BUILDS, BUILD_SD = 6, 0.019 / np.sqrt(2)


def round_loads(rng, rounds: int = ROUNDS) -> np.ndarray:
    """How much slower the machine runs in each round (shared by the variants timed in it)."""
    return rng.lognormal(0, 0.3, rounds)


def shared_machine_rounds(rng, seconds: float, load: np.ndarray) -> np.ndarray:
    """Per-round times of a variant whose undisturbed time is `seconds`, under each round's load."""
    preempted = rng.random(load.size) < PREEMPTION_SHARE
    return seconds * load * rng.lognormal(0, JITTER, load.size) + preempted * rng.exponential(seconds, load.size)


def builds_of(rng, seconds: float, load: np.ndarray, builds: int = BUILDS) -> list[np.ndarray]:
    """Per-round times of `builds` builds of one model, each off its model's time by its own factor."""
    return [shared_machine_rounds(rng, seconds * rng.lognormal(0, BUILD_SD), load) for _ in range(builds)]
