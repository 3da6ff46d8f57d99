"""A planted TensorFlow regression is caught by the baseline comparison, and only where it belongs.

Needs TensorFlow (it runs real claims): two claims run twice with the same seed, once as they are and
once with Keras's Dense layer defaulting to he_uniform, as if an upgrade had changed the default
initializer. The comparison must flag exactly INIT-KERAS-DEFAULT, and INIT-API-LIST must stay unchanged.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reports import changes, compare, results_file

pytestmark = pytest.mark.selftest
REPO = Path(__file__).resolve().parents[2]
CLAIMS = ("INIT-KERAS-DEFAULT", "INIT-API-LIST")
PLANTED_PLUGIN = '''
"""Keras's Dense layer defaults to he_uniform instead of glorot_uniform: a planted regression."""
from probes.keras_api import keras

_original_init = keras.layers.Dense.__init__


def _he_by_default(self, *args, kernel_initializer="he_uniform", **kwargs):
    _original_init(self, *args, kernel_initializer=kernel_initializer, **kwargs)


keras.layers.Dense.__init__ = _he_by_default
'''


def modules_of(claim_ids) -> list[str]:
    """The claim test modules that declare these claims (collecting only them keeps the run short)."""
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "suite" / "claims").rglob("test_*.py")
               for claim_id in claim_ids if f'@pytest.mark.claim("{claim_id}")' in path.read_text(encoding="utf-8")}
    return sorted(modules)


def start_run(results: Path, *plugins: str, pythonpath: Path) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pythonpath), str(REPO)]),
                   "TF_CPP_MIN_LOG_LEVEL": "2"}
    environment.pop("DEEPCLAIMS_RUN_NAME", None)
    command = [sys.executable, "-m", "pytest", *modules_of(CLAIMS), "-p", "no:cacheprovider", "-q",
               "--claim", ",".join(CLAIMS), "--results", str(results), *plugins]
    return subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_a_planted_default_initializer_change_is_flagged_for_exactly_that_claim(tmp_path):
    pytest.importorskip("tensorflow", reason="the planted regression runs real claims")
    (tmp_path / "planted_default_initializer.py").write_text(PLANTED_PLUGIN)
    clean, planted = tmp_path / "clean" / "results.json", tmp_path / "planted" / "results.json"
    runs = [start_run(clean, pythonpath=tmp_path),
            start_run(planted, "-p", "planted_default_initializer", pythonpath=tmp_path)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert runs[0].returncode == 0, outputs[0]
    assert runs[1].returncode == 1, outputs[1]  # the planted claim fails its own test too

    found = changes.document_changes(results_file.load(clean), results_file.load(planted))
    assert {change.claim_id for change in found if change.regression} == {"INIT-KERAS-DEFAULT"}
    printed = io.StringIO()
    assert compare.main([str(clean), str(planted)], out=printed) == 1
    assert "REGRESSION INIT-KERAS-DEFAULT: verdict supported → refuted" in printed.getvalue()
    assert "INIT-API-LIST" not in printed.getvalue()
