"""The speed claims' family decision (verdicts.timing.time_ratio_family): every pair at every level on every
device, decided at the deciding levels on the deciding device only, at the speed claims' quick sizes
(alpha 0.01, 10% margin, 60 rounds or 6 builds), on the shared-machine model of
suite/selftest/shared_machine.py."""
import zlib

import pytest

from suite.selftest.shared_machine import BUILDS, ROUNDS, builds_of, round_loads, shared_machine_rounds
from verdicts.timing import time_ratio_family

ALPHA, BETA, MARGIN = 0.01, 0.05, 0.10
CPU, GPU = "/CPU:0", "/GPU:0"


def seed_for(stream: str) -> int:
    return zlib.crc32(stream.encode())


def replicates(rng, times: dict, *, by_builds=("inference",), rounds: int = ROUNDS) -> dict:
    """{(device, level, name): samples} from {(device, level): {name: undisturbed time}}: the levels named
    in `by_builds` as builds, the others as rounds; the variants of a level share its rounds' loads."""
    drawn = {}
    for (device, level), variants in times.items():
        load = round_loads(rng, rounds)
        draw = builds_of if level in by_builds else shared_machine_rounds
        drawn.update({(device, level, name): draw(rng, seconds, load) for name, seconds in variants.items()})
    return drawn


def family(samples, pairs, deciding, relation="greater"):
    return time_ratio_family(samples, pairs, relation=relation, deciding_levels=deciding, deciding_device=CPU,
                             alpha=ALPHA, beta=BETA, min_effect=MARGIN, seed_for=seed_for)


def test_only_the_deciding_levels_on_the_deciding_device_decide(rng):
    """ELU 1.5x slower on the GPU and 6x at the op, as fast as ReLU in the CPU's inference: decided at the
    CPU's inference it is refuted, though the other levels are supported; decided at the op, supported."""
    samples = replicates(rng, {(CPU, "inference"): {"elu": 1.0, "relu": 1.0},
                               (CPU, "op_cache"): {"elu": 6.0, "relu": 1.0},
                               (GPU, "inference"): {"elu": 1.5, "relu": 1.0},
                               (GPU, "op_cache"): {"elu": 6.0, "relu": 1.0}})
    at_inference = family(samples, [("elu", "relu")], ("inference",))
    assert at_inference.verdict.decision == "refuted", at_inference.verdict.summary()
    assert {key: verdict.decision for key, verdict in at_inference.per_level.items()} == {
        (CPU, "inference"): "refuted", (CPU, "op_cache"): "supported",
        (GPU, "inference"): "supported", (GPU, "op_cache"): "supported"}
    assert family(samples, [("elu", "relu")], ("op_cache",)).verdict.decision == "supported"


def test_every_deciding_comparison_must_hold_for_support(rng):
    """The nearest wrong law of a family: one of its two pairs as fast as the reference. One equal pair
    refutes it, and the verdict names that pair; both pairs 1.3x slower support it."""
    one_equal = replicates(rng, {(CPU, "inference"): {"elu": 1.3, "selu": 1.0, "leaky": 1.0}})
    pairs = [("elu", "leaky"), ("selu", "leaky")]
    verdict = family(one_equal, pairs, ("inference",)).verdict
    assert verdict.decision == "refuted", verdict.summary()
    assert "deciding part: inference selu / leaky" in verdict.notes
    both_slower = replicates(rng, {(CPU, "inference"): {"elu": 1.3, "selu": 1.3, "leaky": 1.0}})
    verdict = family(both_slower, pairs, ("inference",)).verdict
    assert verdict.decision == "supported", verdict.summary()


def test_a_small_slowdown_at_every_deciding_level_is_negligible(rng):
    """5% slower at both deciding levels, well measured (400 rounds): true but small."""
    samples = replicates(rng, {(CPU, "op_cache"): {"elu": 1.05, "relu": 1.0},
                               (CPU, "op_memory"): {"elu": 1.05, "relu": 1.0}}, rounds=400)
    verdict = family(samples, [("elu", "relu")], ("op_cache", "op_memory")).verdict
    assert verdict.decision == "negligible", verdict.summary()


def test_within_margin_family_holds_for_equal_rivals(rng):
    samples = replicates(rng, {(CPU, "inference"): {"relu": 1.0, "tanh": 1.0, "elu": 1.02}})
    verdict = family(samples, [("relu", "tanh"), ("relu", "elu")], ("inference",), relation="within").verdict
    assert verdict.decision == "supported", verdict.summary()


def test_records_say_what_replicated_each_comparison_and_its_refutation_level(rng):
    """Builds at model levels, rounds elsewhere; a deciding comparison's refutation alpha is split over
    every pair at every deciding level, a reported level's over its own pairs."""
    samples = replicates(rng, {(CPU, "inference"): {"elu": 1.2, "selu": 1.2, "relu": 1.0},
                               (CPU, "op_cache"): {"elu": 5.0, "selu": 5.0, "relu": 1.0},
                               (CPU, "op_memory"): {"elu": 2.0, "selu": 2.0, "relu": 1.0}})
    records = family(samples, [("elu", "relu"), ("selu", "relu")], ("op_cache", "op_memory")).comparisons
    assert len(records) == 6
    by_level = {(record["level"], record["numerator"]): record for record in records}
    assert by_level[("inference", "elu")]["replicate"] == "builds"
    assert by_level[("inference", "elu")]["replicates"] == BUILDS
    assert by_level[("op_cache", "elu")]["replicate"] == "rounds"
    assert by_level[("op_cache", "elu")]["replicates"] == ROUNDS
    assert by_level[("op_cache", "selu")]["refutation_alpha"] == pytest.approx(ALPHA / 4)
    assert by_level[("inference", "selu")]["refutation_alpha"] == pytest.approx(ALPHA / 2)
    assert all(record["relation"] == "slower than" and record["alpha"] == ALPHA for record in records)


def test_a_single_comparison_is_not_split(rng):
    samples = replicates(rng, {(CPU, "train_step"): {"elu": 1.3, "relu": 1.0}})
    result = family(samples, [("elu", "relu")], ("train_step",))
    assert "refutation_alpha" not in result.comparisons[0]
    assert result.verdict.decision == "supported" and result.verdict.alpha == ALPHA


def test_a_deciding_level_must_be_measured(rng):
    samples = replicates(rng, {(CPU, "op_cache"): {"elu": 1.0, "relu": 1.0}})
    with pytest.raises(ValueError, match="must be among the measured levels"):
        family(samples, [("elu", "relu")], ("inference",))
    with pytest.raises(ValueError, match="must be among the measured levels"):
        family(samples, [("elu", "relu")], ())


def test_advice_needs_each_pair_at_some_level_only(rng):
    """over_levels=SOME (SPEED-LEAKY-FOR-LATENCY): both rivals 1.3x slower in one regime and as fast in two
    others hold at some level, so the family is supported where the every-level family is refuted; a rival
    as fast as the reference in every regime refutes it."""
    pairs = [("elu", "leaky"), ("selu", "leaky")]
    regimes = ("mlp", "wide", "cnn")
    one_regime = replicates(rng, {(CPU, "mlp"): {"elu": 1.0, "selu": 1.0, "leaky": 1.0},
                                  (CPU, "wide"): {"elu": 1.0, "selu": 1.0, "leaky": 1.0},
                                  (CPU, "cnn"): {"elu": 1.3, "selu": 1.3, "leaky": 1.0}}, by_builds=regimes)

    def decided(samples, over_levels):
        return time_ratio_family(samples, pairs, relation="greater", deciding_levels=regimes, deciding_device=CPU,
                                 alpha=ALPHA, beta=BETA, min_effect=MARGIN, seed_for=seed_for,
                                 over_levels=over_levels).verdict

    assert decided(one_regime, "some").decision == "supported", decided(one_regime, "some").summary()
    assert decided(one_regime, "every").decision == "refuted"
    nowhere = replicates(rng, {(CPU, level): {"elu": 1.3, "selu": 1.0, "leaky": 1.0} for level in regimes},
                         by_builds=regimes)
    verdict = decided(nowhere, "some")
    assert verdict.decision == "refuted", verdict.summary()
    assert "deciding part: selu / leaky at some level" in verdict.notes
    with pytest.raises(ValueError, match="over_levels"):
        decided(one_regime, "most")
