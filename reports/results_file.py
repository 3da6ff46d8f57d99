"""The results JSON: its schema version, an atomic writer, and a loader that checks what it reads.

The schema is documented in reports/RESULTS.md; bump `SCHEMA_VERSION` with any incompatible change.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

SCHEMA = "deepclaims.results"
SCHEMA_VERSION = 1
CLAIM_FIELDS = ("id", "kind", "quote", "expected", "verdict", "passed", "duration_s", "seed")


class ResultsFileError(ValueError):
    """A results file that cannot be used; the message names the file and the problem."""


def document(*, run: dict, environment: dict, claims: list[dict]) -> dict:
    return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "run": run, "environment": environment,
            "claims": claims}


def write_atomic(path: Path, content: dict) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; a results file is for everyone to read
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(content, stream, indent=1, allow_nan=False, ensure_ascii=False)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    if content.get("schema_version") != SCHEMA_VERSION:
        raise ResultsFileError(f"{path}: schema_version {content.get('schema_version')!r}, this code reads "
                               f"{SCHEMA_VERSION}")
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
    return content
