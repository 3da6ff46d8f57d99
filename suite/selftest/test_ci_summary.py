"""Self-tests of the Markdown summary (no TensorFlow): counts, changes against a baseline, the claims that
disagree with the note, and text that cannot break the Markdown."""
from __future__ import annotations

import io
import re

import pytest

from reports import results_file, summary
from suite.selftest.synthetic_results import HOSTILE, decided, document, outcome

pytestmark = pytest.mark.selftest


def run_of(**changed) -> dict:
    claims = {"INIT-HE": decided("INIT-HE", quote="He init | suits ReLU"),
              "ELU-SMALL": decided("ELU-SMALL", "negligible", quote="ELU is slower at inference"),
              "SELU-NORM": decided("SELU-NORM", "refuted", quote=HOSTILE),
              "ACT-RANK": decided("ACT-RANK", "inconclusive"),
              "PRELU-BIG": outcome("PRELU-BIG", "untested", "no large image data offline")}
    claims.update(changed)
    return document([claim for claim in claims.values() if claim is not None], name="claims")


def rows(markdown: str, heading: str) -> list[list[str]]:
    """The table rows under a heading, as cells (header and rule left out)."""
    section = markdown.split(heading, 1)[1].split("\n###", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")][1:]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_the_summary_counts_verdicts_and_lists_the_claims_that_disagree_with_the_note():
    text = summary.markdown(run_of())
    assert text.startswith("## deepclaims: claims — TensorFlow 2.21.0, Keras 3.15.1\n")
    assert rows(text, "### Verdicts") == [["supported", "1"], ["negligible", "1"], ["refuted", "1"],
                                           ["inconclusive", "1"], ["untested", "1"]]
    assert [row[0] for row in rows(text, "### Where the note does not hold (refuted)")] == ["SELU-NORM"]
    below = rows(text, "### Holds but below the margin that matters (negligible)")
    assert below == [["ELU-SMALL", "ELU is slower at inference", "mean difference = 0.5 [0.4, 0.6]"]]
    assert "Against the baseline" not in text and "other than the catalog's" not in text


def test_the_summary_lists_changes_against_the_baseline_regressions_first():
    changed = run_of(**{"INIT-HE": decided("INIT-HE", "refuted", expected="supported", quote="He init | suits ReLU"),
                        "ACT-RANK": None, "NEW-ONE": decided("NEW-ONE")})
    text = summary.markdown(changed, run_of(), "fixtures/baselines/claims.json")
    assert "### Against the baseline `fixtures/baselines/claims.json`\n\n**1 claim(s) regressed**: INIT-HE." in text
    found = rows(text, "### Against the baseline")
    assert [row[:2] for row in found] == [["INIT-HE", "REGRESSION"], ["NEW-ONE", "note"]]
    assert "Not compared (absent from one run, or not decided in one): ACT-RANK." in text
    off = rows(text, "### Verdicts other than the catalog's")
    assert [row[:3] for row in off] == [["INIT-HE", "refuted", "supported"]]
    assert "No regression." in summary.markdown(run_of(), run_of(), "b.json")


def test_text_from_the_results_cannot_break_the_markdown():
    text = summary.markdown(run_of())
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "He init \\| suits ReLU" not in text  # only claims that disagree are quoted
    refuted = rows(text, "### Where the note does not hold (refuted)")[0]
    assert len(refuted) == 3 and "\\|" not in HOSTILE and refuted[1].startswith("&lt;script&gt;")
    assert all(len(line) < 600 for line in text.splitlines())


def test_the_command_writes_markdown_and_a_bad_file_is_one_line(tmp_path, capsys):
    results_file.write_atomic(tmp_path / "results.json", run_of())
    results_file.write_atomic(tmp_path / "baseline.json", run_of())
    out = io.StringIO()
    assert summary.main([str(tmp_path / "results.json"), "--baseline", str(tmp_path / "baseline.json")], out=out) == 0
    assert "No regression." in out.getvalue()
    job_summary = tmp_path / "step_summary.md"
    job_summary.write_text("earlier step\n")
    assert summary.main([str(tmp_path / "results.json"), "--output", str(job_summary)]) == 0
    assert job_summary.read_text().startswith("earlier step\n## deepclaims: claims")
    assert summary.main([str(tmp_path / "missing.json")], out=io.StringIO()) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "missing.json: no such results file" in error
