"""The planted slowdown (suite/selftest/planted_slowdown.py) is real work and changes nothing else: needs
TensorFlow. Keras's ELU under it computes the same values with FACTOR Elu ops in its graph where it had one,
and the plugin is active for a session and gone after it. What the slowdown does to the speed claims' ratios,
and that compare gates on it, is in test_compare_speed_gate.py and the commit that ran it."""
from __future__ import annotations

import numpy as np
import pytest

from probes.keras_api import keras, tf
from suite.selftest import planted_slowdown

pytestmark = pytest.mark.selftest


def elu_ops(function, x) -> int:
    graph = tf.function(function).get_concrete_function(x).graph
    return sum(op.type == "Elu" for op in graph.get_operations())


@pytest.fixture
def planted(monkeypatch):
    monkeypatch.setattr(tf.nn, "elu", planted_slowdown.slowed(tf.nn.elu))


@pytest.mark.parametrize("layer", [lambda: keras.layers.Activation("elu"), lambda: keras.layers.ELU(alpha=1.0)],
                         ids=["activation string", "ELU layer"])
def test_kerass_elu_runs_the_op_factor_times_and_computes_the_same_values(rng, monkeypatch, layer):
    x = tf.constant(rng.standard_normal((64, 128)).astype(np.float32))
    before, ops_before = layer()(x).numpy(), elu_ops(layer(), x)
    monkeypatch.setattr(tf.nn, "elu", planted_slowdown.slowed(tf.nn.elu))
    after, ops_after = layer()(x).numpy(), elu_ops(layer(), x)
    np.testing.assert_array_equal(after, before)
    assert (ops_before, ops_after) == (1, planted_slowdown.FACTOR)


def test_relu_is_untouched(planted, rng):
    x = tf.constant(rng.standard_normal((8, 128)).astype(np.float32))
    assert elu_ops(keras.layers.Activation("relu"), x) == 0
    np.testing.assert_array_equal(keras.layers.Activation("relu")(x).numpy(), np.maximum(x.numpy(), 0))


def test_the_plugin_plants_for_its_session_only(pytester):
    pytester.makepyfile("""
        import tensorflow as tf

        def test_elu_is_slowed():
            assert tf.nn.elu.__name__ == "slow_elu"
    """)
    original = tf.nn.elu
    outcome = pytester.runpytest("-p", "suite.selftest.planted_slowdown", "-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1)
    outcome.stdout.fnmatch_lines([f"planted slowdown: tf.nn.elu runs {planted_slowdown.FACTOR} times in a chain*"])
    assert tf.nn.elu is original
