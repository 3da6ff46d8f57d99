"""A pytest plugin that plants a Keras whose PReLU has no trainable slopes, as a release could ship one.

Loaded with `-p suite.selftest.planted_weightless_prelu`, it makes the suite's PReLU (probes.activations'
`activation_layer("prelu")`) a layer that computes ReLU and builds no weights. ACT-PRELU-LEARNS-SLOPE must
then record the verdict the data give (refuted: no slope to modify), with the reason, not crash in the probe.
suite/selftest/test_missing_layer_weights.py runs the claim under it.
"""
from __future__ import annotations

import pytest


def pytest_configure(config):
    from probes import activations
    from probes.keras_api import keras

    original = activations.activation_layer

    def weightless_prelu(name, *, slope=None, seed=0):
        return keras.layers.ReLU() if name == "prelu" else original(name, slope=slope, seed=seed)

    patch = pytest.MonkeyPatch()
    patch.setattr(activations, "activation_layer", weightless_prelu)
    from probes.training import spec  # the MLP builds its activations through the name imported there

    patch.setattr(spec, "activation_layer", weightless_prelu)
    config.add_cleanup(patch.undo)


def pytest_report_header(config):
    return "planted: PReLU without trainable slopes (suite/selftest/planted_weightless_prelu.py)"
