"""A pytest plugin that plants a large slowdown of one activation, as a TensorFlow release could ship one.

Loaded with `-p suite.selftest.planted_slowdown`, it makes `tf.nn.elu`, the op Keras's ELU computes with (the
layer, the "elu" activation string, Keras 2 and 3), run the op FACTOR times in a chain. Each link takes the
input plus TINY times the last link's output, so graph optimization can neither fold the links nor share
them, and the values stay ELU's own. It is put back when the session ends; nothing in the product knows of it.

    tox -e speed -- -p suite.selftest.planted_slowdown --results /tmp/planted/results.json
    tox -e compare -- fixtures/baselines/claims.json /tmp/planted/results.json --only-common     # exit 1

suite/selftest/test_ci_planted_slowdown.py checks the plant; test_compare_speed_gate.py the gate it trips.
"""
from __future__ import annotations

import pytest

FACTOR = 10  # "an activation made ten times slower" (issue 18)
# x + TINY * elu(x) == x in float32 for every |x| above 1e-22, so each link computes ELU of the input itself.
TINY = 1e-30


def slowed(elu):
    """`elu` chained FACTOR times, each link depending on the one before."""
    def slow_elu(features, name=None):
        result = elu(features, name=name)
        for _ in range(FACTOR - 1):
            result = elu(features + TINY * result)
        return result
    return slow_elu


def pytest_configure(config):
    # Through the probes' one import, so the planted run has the kernels (oneDNN) the runs it is compared with have.
    from probes.keras_api import tf

    patch = pytest.MonkeyPatch()
    patch.setattr(tf.nn, "elu", slowed(tf.nn.elu))
    config.add_cleanup(patch.undo)


def pytest_report_header(config):
    return f"planted slowdown: tf.nn.elu runs {FACTOR} times in a chain (suite/selftest/planted_slowdown.py)"
