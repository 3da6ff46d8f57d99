"""A Keras whose PReLU has no trainable slopes (planted by suite/selftest/planted_weightless_prelu.py): the
claim that measures the slopes records the verdict the data give, refuted with the reason, and its results
entry says so for compare to report, instead of ending in a TypeError inside the probe. Needs TensorFlow;
trains the claim's quick profile (about 20 s)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
CLAIM = "suite/claims/nonsaturating_activations/test_relu_family.py::test_prelu_slopes_move_under_backprop"


def test_a_prelu_without_slopes_is_a_recorded_refutation_not_a_crash(pytester, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    results = tmp_path / "results.json"
    outcome = pytester.runpytest_subprocess(
        str(REPO / CLAIM), "--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml"), "-p", "no:cacheprovider",
        "-p", "suite.selftest.planted_weightless_prelu", "--results", str(results), "-q")
    outcome.assert_outcomes(failed=1)  # expected supported, observed refuted: a failing claim, not an error
    assert "TypeError" not in outcome.stdout.str()
    record = json.loads(results.read_text())["claims"][0]
    assert record["id"] == "ACT-PRELU-LEARNS-SLOPE" and record["verdict"] == "refuted"
    assert any("no trainable slope" in finding for finding in record["findings"])
