"""The three layers import one way (probes -> verdicts -> reports, README "How it is built"): every import
statement of every module, at any depth (a function's lazy import too), read with `ast`, never executed."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What each layer must not import: verdicts decide without TensorFlow and know nothing of how numbers were
# measured or shown; probes measure and decide nothing; reports render results JSON without TensorFlow.
FORBIDDEN = {
    "verdicts": {"tensorflow", "keras", "tf_keras", "probes", "reports"},
    "probes": {"verdicts", "reports"},
    "reports": {"probes", "verdicts", "tensorflow", "keras", "tf_keras"},
}


def _imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every import in `path`; a relative import resolved from its package."""
    package = path.relative_to(root).parent.parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            target = [*base, *(node.module.split(".") if node.module else [])]
            found.append((node.lineno, target[0] if target else "(above the root)"))
    return found


def violations(root: Path) -> list[str]:
    """'path:line imports module' for every import a layer forbids, under `root`."""
    found = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            found += [f"{path.relative_to(root)}:{line} imports {module}"
                      for line, module in _imported(path, root) if module in forbidden]
    return found


def test_the_layers_import_one_way():
    assert violations(ROOT) == []


def test_the_layers_are_there_to_check():
    assert all(list((ROOT / layer).rglob("*.py")) for layer in FORBIDDEN)


@pytest.mark.parametrize("layer, module, source", [
    ("verdicts", "tensorflow", "import tensorflow as tf\n"),
    ("verdicts", "probes", "def lazy():\n    from probes.forward import forward_moments\n"),
    ("verdicts", "reports", "from ...reports import plots\n"),
    ("probes", "verdicts", "from verdicts.record import Verdict\n"),
    ("reports", "keras", "import keras.layers\n"),
    ("reports", "verdicts", "import os, verdicts\n"),
])
def test_a_planted_violation_is_found(tmp_path, layer, module, source):
    for name in FORBIDDEN:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text('"""A clean module."""\nimport math\nfrom . import sibling\n')
    nested = tmp_path / layer / "inner"
    nested.mkdir()
    (nested / "planted.py").write_text(source)
    found = violations(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"{layer}/inner/planted.py:") and found[0].endswith(module)
