"""The speed levels (probes.speed_levels): unit normalization on planted raw seconds, inference regimes as
levels, and twins (the A/A control). Imports TensorFlow (one test builds two tiny MLPs) but times nothing."""
import zlib

import numpy as np
import pytest

from probes.speed_levels import COPY, EMPTY, activation_of, normalized, regime_level, regime_levels, twin, workloads

SIZES = {"cache_elements": 16384, "memory_elements": 4194304}
CPU = "/CPU:0"


def test_ops_are_per_element_net_of_the_fastest_empty_call_and_models_in_ms_per_call():
    """An op of chain 256 at the cache size taking 0.2 ms of dispatch plus 0.5 ns per element per
    application; an op at the memory size once per call; a model's three builds averaged per round."""
    dispatch = np.array([2.0e-4, 2.5e-4, 3.0e-4])
    work = 256 * SIZES["cache_elements"] * 0.5e-9
    raw = {(CPU, "op_cache", EMPTY): dispatch, (CPU, "op_cache", "relu"): dispatch + work,
           (CPU, "op_memory", EMPTY): dispatch,
           (CPU, "op_memory", COPY): np.full(3, 2.0e-4 + SIZES["memory_elements"] * 1e-9),
           **{(CPU, "inference", "relu", build): np.array([1.0e-3, 2.0e-3, 3.0e-3]) * (1 + build)
              for build in range(3)}}
    chains = {(CPU, "op_cache", "relu"): 256, (CPU, "op_cache", EMPTY): 1, (CPU, "op_memory", EMPTY): 1,
              (CPU, "op_memory", COPY): 1}
    values, builds = normalized(raw, chains, SIZES)
    assert (CPU, "op_cache", EMPTY) not in values
    # The fastest empty call (0.2 ms) is subtracted: slower dispatch in a round counts as the op's work.
    assert values[(CPU, "op_cache", "relu")] == pytest.approx(0.5 + (dispatch - 2.0e-4) / (256 * 16384) * 1e9)
    assert values[(CPU, "op_memory", COPY)] == pytest.approx(np.full(3, 1.0))
    assert len(builds[(CPU, "inference", "relu")]) == 3
    assert builds[(CPU, "inference", "relu")][2] == pytest.approx([3.0, 6.0, 9.0])
    assert values[(CPU, "inference", "relu")] == pytest.approx([2.0, 4.0, 6.0])


def test_an_op_lost_in_the_dispatch_cost_is_an_error_not_a_value():
    raw = {(CPU, "op_cache", EMPTY): np.array([2.0e-4, 3.0e-4]),
           (CPU, "op_cache", "relu"): np.array([1.9e-4, 3.1e-4])}
    with pytest.raises(RuntimeError, match="lost in the dispatch cost"):
        normalized(raw, {(CPU, "op_cache", "relu"): 1}, SIZES)


def test_a_twin_is_timed_as_the_same_activation_under_its_own_name():
    assert twin("relu") != "relu" and activation_of(twin("relu")) == "relu" and activation_of("elu") == "elu"


def test_regimes_become_model_levels_named_by_model_and_batch():
    regimes = [{"model": "mlp", "depth": 20, "width": 100, "batch": 1},
               {"model": "cnn", "depth": 3, "filters": 32, "image": 128, "batch": 1}]
    assert list(regime_levels({"regimes": regimes})) == ["inference MLP 20x100 batch 1",
                                                         "inference CNN 3x32ch 128px batch 1"]
    assert regime_levels(SIZES) == {}


def test_a_regime_and_its_twin_build_the_same_weights_as_separate_workloads():
    """Real TensorFlow, no timing: an MLP regime's ReLU and ReLU-twin workloads of one build share their
    weights' seed, so they compute the same outputs; each is its own compiled call."""
    regime = {"model": "mlp", "depth": 2, "width": 8, "batch": 1}
    level = regime_level(regime)
    variants, _ = workloads({level: ("relu", twin("relu"))}, {}, sizes={"builds": 2, "regimes": [regime]},
                            devices=[CPU], seed_for=lambda stream: zlib.crc32(stream.encode()))
    assert sorted(variants) == sorted((CPU, level, name, build) for name in ("relu", twin("relu")) for build in (0, 1))
    first, again = variants[(CPU, level, "relu", 0)](), variants[(CPU, level, twin("relu"), 0)]()
    assert variants[(CPU, level, "relu", 0)] is not variants[(CPU, level, twin("relu"), 0)]
    np.testing.assert_array_equal(np.asarray(first), np.asarray(again))
