"""Thread counts are read in one place (pytest_deepclaims/environment.py), without importing TensorFlow."""
import os
import platform
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from pytest_deepclaims.environment import cpu_description, tensorflow_threads

ROOT = Path(__file__).resolve().parents[2]


def _in_fresh_process(code: str, env: dict | None = None) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT, env=env).stdout


def test_thread_counts_are_empty_and_tensorflow_unimported_where_no_probe_loaded_it():
    out = _in_fresh_process("import sys; from pytest_deepclaims.environment import tensorflow_threads; "
                            "print(tensorflow_threads(), 'tensorflow' in sys.modules)")
    assert out.split() == ["{}", "False"]


def test_thread_counts_are_the_loaded_tensorflows_own(monkeypatch):
    """Read from the TensorFlow module a probe loaded (here a stand-in with TensorFlow's threading API:
    importing TensorFlow in a fresh process takes 20 s on this machine)."""
    threading = SimpleNamespace(get_intra_op_parallelism_threads=lambda: 3, get_inter_op_parallelism_threads=lambda: 2)
    monkeypatch.setitem(sys.modules, "tensorflow", SimpleNamespace(config=SimpleNamespace(threading=threading)))
    assert tensorflow_threads() == {"intra_op_threads": 3, "inter_op_threads": 2}


def test_the_cpu_is_described_by_its_model_and_the_vector_extensions_that_pick_tensorflows_kernels(tmp_path):
    """Two machine types of one 2-core kind gave a chaotic claim different effects: the results say which CPU."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx fma avx2 sha_ni\n\n"
                       "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx fma avx2 sha_ni\n")
    assert cpu_description(cpuinfo) == {"model": "AMD EPYC", "vector_extensions": ["avx", "avx2", "fma"]}
    assert cpu_description(tmp_path / "absent") == {}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="TensorFlow's oneDNN switch is x86's")
def test_the_probes_turn_onednn_on_unless_told_otherwise_and_the_results_say_which_ran():
    """TensorFlow picks oneDNN by itself only on some CPUs (AVX-512 VNNI and newer): the probes' one TensorFlow
    import turns it on everywhere, an explicit TF_ENABLE_ONEDNN_OPTS=0 wins, and `onednn_enabled` reads which ran.
    One fresh process per setting (TensorFlow reads the variable once, at import)."""
    code = ("import os, sys; from pytest_deepclaims.environment import onednn_enabled; before = onednn_enabled(); "
            "import probes.keras_api; print(before, onednn_enabled(), os.environ['TF_ENABLE_ONEDNN_OPTS'])")
    environment = {name: value for name, value in os.environ.items() if name != "TF_ENABLE_ONEDNN_OPTS"}
    ran = {setting: _in_fresh_process(code, env={**environment, **extra}).split()
           for setting, extra in (("default", {}), ("off", {"TF_ENABLE_ONEDNN_OPTS": "0"}))}
    assert ran == {"default": ["None", "True", "1"], "off": ["None", "False", "0"]}
