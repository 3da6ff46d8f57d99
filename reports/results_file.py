"""The results JSON: its schema version, an atomic writer, and a loader that checks what it reads.

The schema is documented in reports/RESULTS.md; bump `SCHEMA_VERSION` with any incompatible change. The loader
also reads the older versions in `READABLE_VERSIONS`, upgrading each claim: a field a version lacks takes its
default (`with_defaults`), so every reader sees one shape.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

SCHEMA = "deepclaims.results"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
CLAIM_FIELDS = ("id", "kind", "quote", "expected", "verdict", "passed", "duration_s", "seed")
# What a claim recorded by schema 1 (or by a harness that left a field out) reads as; `headline` is the verdict.
CLAIM_DEFAULTS = {"reading": "", "underpowered": None, "reference": None, "pin": None, "control": None,
                  "revisions": [], "findings": []}
NO_STABILITY = {"basis": "none", "agreed": None, "seeds": None, "target": None, "meets_target": None,
                "seed_set": None, "fresh": None, "text": ""}


class ResultsFileError(ValueError):
    """A results file that cannot be used; the message names the file and the problem."""


def document(*, run: dict, environment: dict, claims: list[dict]) -> dict:
    return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "run": run, "environment": environment,
            "claims": claims}


def write_text_atomic(path: Path, text: str) -> Path:
    """The one atomic writer (results, baselines, report and matrix pages): write to a temporary file in the
    same folder, then rename over `path`, so a reader never sees half a file and a failed write leaves the
    old one. The file is readable by everyone (mkstemp makes it 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o644)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_atomic(path: Path, content: dict) -> Path:
    """A JSON document (standard JSON: no NaN), written by `write_text_atomic`."""
    return write_text_atomic(path, json.dumps(content, indent=1, allow_nan=False, ensure_ascii=False) + "\n")


def load(path: Path) -> dict:
    """Read a results file and check its shape; every problem is one `ResultsFileError` line."""
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: no such results file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsFileError(f"{path}: not valid JSON (truncated or edited?): {error}") from None
    if not isinstance(content, dict) or content.get("schema") != SCHEMA:
        raise ResultsFileError(f"{path}: not a deepclaims results file (schema is not {SCHEMA!r})")
    version = content.get("schema_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise ResultsFileError(f"{path}: schema_version {version!r}, this code reads "
                               f"{' and '.join(map(str, READABLE_VERSIONS))}")
    for section in ("run", "environment"):
        if not isinstance(content.get(section), dict):
            raise ResultsFileError(f"{path}: {section!r} must be an object")
    claims = content.get("claims")
    if not isinstance(claims, list):
        raise ResultsFileError(f"{path}: 'claims' must be a list")
    for index, claim in enumerate(claims):
        missing = [name for name in CLAIM_FIELDS if not isinstance(claim, dict) or name not in claim]
        if missing:
            raise ResultsFileError(f"{path}: claim #{index + 1} lacks {', '.join(missing)}")
    return upgraded(content)


def upgraded(content: dict) -> dict:
    """The document at `SCHEMA_VERSION`, every claim with every field; an older file says which it was."""
    claims = [with_defaults(claim) if isinstance(claim, Mapping) else claim for claim in content["claims"]]
    version = content.get("schema_version")
    older = {"upgraded_from": version} if version != SCHEMA_VERSION else {}
    return {**content, "schema_version": SCHEMA_VERSION, **older, "claims": claims}


def with_defaults(claim: Mapping) -> dict:
    """One claim with the fields schema 2 added filled in where it lacks them (nothing it holds is changed).

    A schema-1 claim's `calibration_record` (the catalog's last calibration) becomes its stability, as far as
    it goes: how many seeds agreed of how many; the target and whether the seeds were fresh were not recorded.
    """
    defaults = {name: list(value) if isinstance(value, list) else value for name, value in CLAIM_DEFAULTS.items()}
    filled = {**defaults, "headline": claim.get("verdict"), "stability": _stability_of_record(claim), **claim}
    if filled.get("verdict") == "untested":
        filled.setdefault("untested_reason", str(claim.get("reason") or ""))
    return filled


def _stability_of_record(claim: Mapping) -> dict:
    record = claim.get("calibration_record")
    if not isinstance(record, Mapping) or record.get("seeds") is None:
        return dict(NO_STABILITY)
    return {**NO_STABILITY, "basis": "calibration", "agreed": record.get("agreed"), "seeds": record.get("seeds")}
