"""The nightly check (no TensorFlow, no network): .ci/nightly.py says in one line why a nightly cannot be
installed or imported, with exit 69 and a results file that did not run; compare and the Markdown summary
say "did not run" instead of reporting every claim as gone; the nightly is compared with the newest
release's baseline, changed claims first, and never becomes a baseline itself; tox and the workflow run it
apart from what gates. Tools the script calls (uv, the env's Python) are stand-ins written here."""
from __future__ import annotations

import configparser
import importlib.util
import io
import re
import stat
import sys
from pathlib import Path

import pytest

from pytest_deepclaims import environment
from reports import baselines, compare, results_file, summary
from suite.selftest.synthetic_results import decided, document

pytestmark = pytest.mark.selftest
REPO = Path(__file__).resolve().parents[2]
UV_CONFLICT = ("  × No solution found when resolving dependencies:\n"
               "  ╰─▶ Because tf-nightly==2.23.0.dev20261026 depends on numpy<2.3 and you require numpy==2.4.6,\n"
               "      we can conclude that your requirements are unsatisfiable.\n")
REASON = ("install tf-nightly keras-nightly failed (exit 1): No solution found when resolving dependencies: "
          "Because tf-nightly==2.23.0.dev20261026 depends on numpy<2.3 and you require numpy==2.4.6, we can "
          "conclude that your requirements are unsatisfiable.")


def load_script():
    spec = importlib.util.spec_from_file_location("ci_nightly", REPO / ".ci" / "nightly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stand_in(path: Path, body: str) -> Path:
    """An executable Python script at `path` doing `body` (a tool the nightly script calls)."""
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def tools(tmp_path, monkeypatch):
    """A folder on PATH for a stand-in `uv`, alone on PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("DEEPCLAIMS_RUN_NAME", "nightly")
    return folder


def nightly(tmp_path, *args) -> tuple[int, Path]:
    results = tmp_path / "out" / "nightly" / "results.json"
    return load_script().main([str(results), *map(str, args)]), results


def uv_that_succeeds(tools: Path):
    # `uv export` must leave its output file; `uv pip install` just succeeds.
    stand_in(tools / "uv", "args = sys.argv[1:]\n"
                           "if args[0] == 'export':\n"
                           "    open(args[args.index('--output-file') + 1], 'w').write('numpy==2.4.6\\n')")


def test_a_nightly_that_cannot_be_installed_is_one_line_exit_69_and_a_run_that_did_not_run(tmp_path, tools, capsys):
    stand_in(tools / "uv", "args = sys.argv[1:]\n"
                           "if args[0] == 'export': open(args[args.index('--output-file') + 1], 'w').write('')\n"
                           f"else: sys.stderr.write('warning: a warning uv gives\\n' + {UV_CONFLICT!r}); sys.exit(1)")
    status, results = nightly(tmp_path)
    assert status == 69
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [f"nightly: did not run: {REASON}"]
    recorded = results_file.load(results)
    assert recorded["failed_to_run"] == REASON and recorded["claims"] == []
    assert recorded["run"]["name"] == "nightly" and recorded["run"]["status"] == "failed to run"
    assert recorded["environment"]["requested"] == ["tf-nightly", "keras-nightly"]


def test_a_nightly_that_installs_but_cannot_be_imported_says_so(tmp_path, tools, capsys):
    uv_that_succeeds(tools)
    python = stand_in(tmp_path / "python", "sys.stderr.write('Traceback (most recent call last):\\n  ...\\n"
                                           "ImportError: libtensorflow_framework.so.2: undefined symbol\\n')\n"
                                           "sys.exit(1)")
    status, results = nightly(tmp_path, "--python", python)
    assert status == 69
    reason = results_file.load(results)["failed_to_run"]
    assert reason == ("import tensorflow and keras failed (exit 1): "
                      "ImportError: libtensorflow_framework.so.2: undefined symbol")
    assert capsys.readouterr().err == f"nightly: did not run: {reason}\n"


def test_an_import_that_crashes_names_the_signal(tmp_path, tools):
    uv_that_succeeds(tools)
    python = stand_in(tmp_path / "python", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    status, results = nightly(tmp_path, "--python", python)
    assert status == 69
    assert results_file.load(results)["failed_to_run"] == (
        "import tensorflow and keras failed (killed by signal 11): no output")


def test_without_uv_the_nightly_says_where_uv_comes_from(tmp_path, tools):
    status, results = nightly(tmp_path)
    assert status == 69 and results_file.load(results)["failed_to_run"] == (
        "install: uv is not on PATH (it comes with tox-uv)")


def test_a_nightly_that_imports_prints_its_versions_and_leaves_the_results_to_pytest(tmp_path, tools, capsys):
    uv_that_succeeds(tools)
    python = stand_in(tmp_path / "python", "print('{\"tensorflow\": \"2.23.0-dev20261026\", "
                                           "\"keras\": \"3.16.0.dev2026102704\"}')")
    status, results = nightly(tmp_path, "--python", python)
    assert status == 0 and not results.exists()
    assert "nightly: TensorFlow 2.23.0-dev20261026, Keras 3.16.0.dev2026102704" in capsys.readouterr().out


def did_not_run(tmp_path) -> Path:
    script = load_script()
    path = tmp_path / "out" / "nightly" / "results.json"
    results_file.write_atomic(path, script.did_not_run("nightly", REASON, list(script.NIGHTLIES)))
    return path


def baseline_of_40(tmp_path) -> Path:
    path = tmp_path / "baselines" / "claims.json"
    results_file.write_atomic(path, document([decided(f"CLAIM-{n}") for n in range(40)], name="claims"))
    return path


def run_compare(*args) -> tuple[int, str]:
    out = io.StringIO()
    return compare.main([str(arg) for arg in args], out=out), out.getvalue()


def test_compare_says_the_nightly_did_not_run_instead_of_40_regressions(tmp_path):
    status, printed = run_compare(baseline_of_40(tmp_path), did_not_run(tmp_path))
    assert status == compare.DID_NOT_RUN == 3
    assert f"(did not run: {REASON})" in printed and "not compared: the run did not run" in printed
    assert "REGRESSION" not in printed and "CLAIM-" not in printed
    assert printed.rstrip().endswith("no regression; 1 run(s) did not run")


def test_the_nightly_is_found_and_compared_with_the_newest_releases_baseline(tmp_path):
    base = baseline_of_40(tmp_path).parent
    claims = [decided(f"CLAIM-{n}") for n in range(40)]
    claims[30] = decided("CLAIM-30", "refuted", expected="supported")
    claims[10] = decided("CLAIM-10", effect=0.55, ci=(0.35, 0.75))  # a wider interval: nothing to report
    results_file.write_atomic(tmp_path / "out" / "nightly" / "results.json",
                              document(claims, name="nightly", tensorflow="2.23.0-dev20261026",
                                       keras="3.16.0.dev2026102704"))
    status, printed = run_compare("--results-dir", tmp_path / "out", "--baselines-dir", base)
    assert status == 1
    assert f"baseline {base / 'claims.json'} (TF 2.21.0" in printed
    assert "results  " in printed and "(TF 2.23.0-dev20261026, Keras 3.16.0.dev2026102704" in printed
    assert "REGRESSION CLAIM-30: verdict supported → refuted" in printed


def test_compare_lists_the_regressions_before_the_notes(tmp_path):
    before = document([decided("A-NOTED"), decided("B-REGRESSED"), decided("C-NOTED")], name="claims")
    after = document([decided("A-NOTED", expected="refuted"), decided("B-REGRESSED", "refuted", expected="supported"),
                      decided("D-NEW")], name="claims")
    results_file.write_atomic(tmp_path / "before.json", before)
    results_file.write_atomic(tmp_path / "after.json", after)
    status, printed = run_compare(tmp_path / "before.json", tmp_path / "after.json")
    listed = re.findall(r"^  (REGRESSION|note) ([A-Z-]+):", printed, re.MULTILINE)
    assert status == 1 and listed == [("REGRESSION", "B-REGRESSED"), ("note", "A-NOTED"), ("note", "C-NOTED"),
                                      ("note", "D-NEW")]


def test_the_summary_of_a_nightly_that_did_not_run_is_one_line_saying_why(tmp_path):
    failed = results_file.load(did_not_run(tmp_path))
    text = summary.markdown(failed, results_file.load(baseline_of_40(tmp_path)), "fixtures/baselines/claims.json")
    assert text == ("## deepclaims: nightly — did not run\n\n"
                    f"**Did not run**: {REASON.replace('<', '&lt;')}\n\n"
                    "Nothing was compared with the baseline `fixtures/baselines/claims.json`.\n")


def test_the_summary_shows_the_changes_against_the_baseline_before_the_counts(tmp_path):
    baseline = results_file.load(baseline_of_40(tmp_path))
    claims = [dict(claim) for claim in baseline["claims"]]
    claims[5] = decided("CLAIM-5", "refuted", expected="supported")
    text = summary.markdown(document(claims, name="nightly"), baseline, "claims.json")
    assert text.index("**1 claim(s) regressed**: CLAIM-5.") < text.index("| verdict | claims |")


def test_a_nightly_run_never_becomes_a_baseline(tmp_path, capsys):
    out = tmp_path / "out"
    results_file.write_atomic(out / "nightly" / "results.json", document([decided("A")], name="nightly"))
    assert baselines.main(["--results-dir", str(out), "--baselines-dir", str(tmp_path / "baselines")]) == 0
    assert "compared with the 'claims' baseline, never one itself (run 'nightly'), not a baseline; skipped" in (
        capsys.readouterr().out)
    assert not (tmp_path / "baselines").exists()


def test_tox_runs_the_nightly_apart_from_what_gates():
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(REPO / "tox.ini")
    env = ini["testenv:nightly"]
    assert "python .ci/nightly.py reports/out/nightly/results.json" in env["commands_pre"]
    assert "--results reports/out/nightly/results.json" in env["commands"]
    assert "nightly" not in ini["tox"]["env_list"] + ini["tox"]["labels"]
    assert "nightly" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_workflow_runs_the_nightly_daily_allowed_to_fail():
    workflow = (REPO / ".github" / "workflows" / "deepclaims.yml").read_text(encoding="utf-8")
    assert re.search(r"^  schedule:\n    - cron: ", workflow, re.MULTILINE)
    job = workflow.split("\n  nightly:\n", 1)[1].split("\n\n  ", 1)[0]
    assert "if: github.event_name == 'schedule'" in job and "continue-on-error: true" in job
    assert "python -m tox -e nightly" in job and "--runs nightly" in job
    # The other jobs do not run on the schedule: the nightly is the only one allowed to fail.
    assert workflow.count("github.event_name != 'schedule'") == 2


def test_a_run_on_the_nightlies_records_their_versions_and_keras_major(monkeypatch):
    """tf-nightly and keras-nightly are distributions of their own: without them a run records no TensorFlow
    and no Keras, and applies Keras 2's expectations and watch bounds to Keras 3."""
    nightlies = {"tf-nightly": "2.23.0.dev20261026", "keras-nightly": "3.16.0.dev2026102704"}

    def installed(name):
        if name not in nightlies:
            raise environment.metadata.PackageNotFoundError(name)
        return nightlies[name]
    monkeypatch.setattr(environment.metadata, "version", installed)
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    assert (environment.tensorflow_version(), environment.keras_version()) == tuple(nightlies.values())
    assert environment.keras_major() == 3 and environment.unsupported_tensorflow_reason() is None
