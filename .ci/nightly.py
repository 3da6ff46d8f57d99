"""Install TensorFlow's and Keras's nightly builds into the running tox env, or say in one line why not.

    python .ci/nightly.py reports/out/nightly/results.json     # what `tox -e nightly` runs before the claims

The newest `tf-nightly` and `keras-nightly` on PyPI are installed with uv, under the `test` group's pins
from uv.lock as constraints: numpy, scipy, pytest and the rest stay as every other env has them, and the
packages only TensorFlow requires resolve freely. Then TensorFlow and Keras are imported in a fresh
interpreter. When either step fails (no wheel for this Python or machine, a conflict with a locked pin,
an import that crashes), it prints one line saying why, writes RESULTS as a run that did not run (its
`failed_to_run` says why; no claims: reports/RESULTS.md), which compare, the summary and the comparison
page show as such rather than as every claim regressed, and exits 69 (EX_UNAVAILABLE) so that a nightly
that cannot be had here is told apart from one whose claims fail (pytest's 1).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reports import results_file

ROOT = Path(__file__).resolve().parents[1]
NIGHTLIES = ("tf-nightly", "keras-nightly")
EXIT_UNAVAILABLE = 69  # sysexits.h: a service (here, a nightly build for this machine) is unavailable
STATUS = "failed to run"
INSTALL_TIMEOUT_S = 1800  # tf-nightly is a wheel of about 600 MB
IMPORT_TIMEOUT_S = 600
REASON_CHARS = 600
# Prints the versions the claims will run on, as JSON; any failure of the import ends in a traceback.
IMPORT_CHECK = ("import json, tensorflow as tf, keras; "
                "print(json.dumps({'tensorflow': tf.__version__, 'keras': keras.__version__}))")


class Unavailable(Exception):
    """The nightly cannot be installed or imported here; the message is the one-line reason."""


def one_line(text: str) -> str:
    """A tool's error output as one line: its warnings and uv's frame characters dropped, whitespace
    collapsed, cut."""
    kept = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("warning:"))
    flat = " ".join(kept.replace("×", " ").replace("╰─▶", " ").replace("│", " ").split())
    return flat if len(flat) <= REASON_CHARS else flat[:REASON_CHARS - 1] + "…"


def last_line(text: str) -> str:
    """A traceback's last line: the exception."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def checked(step: str, command: list[str], timeout: float, *, reason=one_line) -> str:
    """Run a command; its standard output, or `Unavailable` naming the step and what it said (`reason` of
    its error output)."""
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{step}: no answer within {timeout:.0f} s") from None
    except OSError as error:
        raise Unavailable(f"{step}: {error}") from None
    if done.returncode:
        said = reason(done.stderr) or reason(done.stdout) or "no output"
        how = f"killed by signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise Unavailable(f"{step} failed ({how}): {said}")
    return done.stdout


def install(python: str, packages: list[str]):
    """The newest builds of `packages` into `python`'s environment, the `test` group pinned as uv.lock has it."""
    uv = shutil.which("uv")
    if uv is None:
        raise Unavailable("install: uv is not on PATH (it comes with tox-uv)")
    with tempfile.TemporaryDirectory(prefix="deepclaims-nightly-") as folder:
        constraints = Path(folder) / "constraints.txt"
        checked("uv export", [uv, "export", "--locked", "--only-group", "test", "--no-hashes", "--no-emit-project",
                              "--quiet", "--output-file", str(constraints)], IMPORT_TIMEOUT_S)
        # Pre-releases only where nothing else will do: the nightlies are all dev builds, what they
        # require is not (protobuf's release candidates stay out).
        checked(f"install {' '.join(packages)}", [uv, "pip", "install", "--quiet", "--python", python,
                                                  "--prerelease", "if-necessary", "--constraint", str(constraints),
                                                  *packages], INSTALL_TIMEOUT_S)


def imported(python: str) -> dict:
    """TensorFlow's and Keras's versions as a fresh interpreter imports them."""
    printed = checked("import tensorflow and keras", [python, "-c", IMPORT_CHECK], IMPORT_TIMEOUT_S,
                      reason=last_line)
    try:
        return json.loads(printed.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise Unavailable(f"import tensorflow and keras: printed no versions ({one_line(printed)!r})") from None


def did_not_run(name: str, reason: str, packages: list[str]) -> dict:
    """A results document of a run that never started: the reason, the machine, no claims."""
    run = {"name": name, "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
           "status": STATUS, "profile": None, "seed": None, "selected": []}
    environment = {"tensorflow": None, "keras": None, "requested": packages, "python": platform.python_version(),
                   "machine": platform.machine(), "platform": platform.platform()}
    return {**results_file.document(run=run, environment=environment, claims=[]), "failed_to_run": reason}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Install the TensorFlow and Keras nightlies, or record why not.")
    parser.add_argument("results", type=Path, help="where the run's results go (written here only on failure)")
    parser.add_argument("--packages", nargs="+", default=list(NIGHTLIES), help="what to install (default: %(default)s)")
    parser.add_argument("--python", default=sys.executable, help="the environment's interpreter (default: this one)")
    args = parser.parse_args(argv)
    print(f"nightly: installing the newest {', '.join(args.packages)} from PyPI", flush=True)
    try:
        install(args.python, args.packages)
        versions = imported(args.python)
    except Unavailable as reason:
        name = os.environ.get("DEEPCLAIMS_RUN_NAME") or "nightly"
        results_file.write_atomic(args.results, did_not_run(name, str(reason), args.packages))
        print(f"nightly: did not run: {reason}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(f"nightly: TensorFlow {versions.get('tensorflow')}, Keras {versions.get('keras')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
