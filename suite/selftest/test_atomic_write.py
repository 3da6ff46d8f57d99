"""The one atomic writer (reports/results_file.py): a reader sees the old file or the new one, never half."""
import json
import math
import stat
from pathlib import Path

import pytest

from reports.results_file import write_atomic, write_text_atomic


def test_it_writes_a_readable_file_and_replaces_the_old_one(tmp_path):
    path = tmp_path / "out" / "page.html"
    write_text_atomic(path, "old")
    assert write_text_atomic(path, "<p>new</p>") == path and path.read_text(encoding="utf-8") == "<p>new</p>"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["page.html"]


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "page.html"
    write_text_atomic(path, "old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(path, "half written \udc80 then a character UTF-8 cannot encode")
    assert path.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_json_is_standard_json_and_a_nan_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "results.json"
    write_atomic(path, {"claims": [], "effect": 0.5, "quote": "σ"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"claims": [], "effect": 0.5, "quote": "σ"}
    with pytest.raises(ValueError):
        write_atomic(path, {"effect": math.nan})
    assert json.loads(path.read_text(encoding="utf-8"))["effect"] == 0.5 and len(list(tmp_path.iterdir())) == 1


def test_the_report_page_and_the_matrix_page_are_written_by_it(tmp_path, monkeypatch):
    from reports import html_report, matrix, results_file
    from suite.selftest.synthetic_results import decided, document

    written = []

    def recording(path, text):
        written.append(Path(path).name)
        return write_text_atomic(path, text)

    monkeypatch.setattr(results_file, "write_text_atomic", recording)
    run = write_atomic(tmp_path / "claims" / "results.json", document([decided("A-ONE")], name="claims"))
    page = html_report.write(tmp_path / "claims" / "index.html", results_file.load(run))
    assert matrix.main([str(run), "--out", str(tmp_path / "matrix.html")]) == 0
    assert written == ["results.json", "index.html", "matrix.html"]
    assert stat.S_IMODE(page.stat().st_mode) == stat.S_IMODE((tmp_path / "matrix.html").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["claims", "index.html", "matrix.html", "results.json"]
