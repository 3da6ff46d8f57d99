"""The cross-version page as a CI engineer reads it (no TensorFlow): a summary per run (as expected, failures,
changes, each linked to the claim's card), failures told from changes, a change of the deciding part reported
as not comparable, a run that did not run shown as such and compared with nothing, a changed-only view."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports import html_report, matrix, results_file
from suite.selftest.synthetic_results import decided, document

pytestmark = pytest.mark.selftest

NIGHTLY_FAILED = "pip could not install tf-nightly: no wheel for this Python"


def parts_of(claim_id: str, deciding: str, effect: float, ci: tuple[float, float], **extra) -> dict:
    """A conjunction decided by `deciding`, with the effect of that part."""
    notes = [f"deciding part: {deciding}"] + [
        f"{name}: supported: Welch t-test, t = 3, p = 0.001 vs alpha = 0.01; margin used = {value} "
        f"[{value - 0.1}, {value + 0.1}] (90% CI), n = 6; could detect 0.5 with power 90%"
        for name, value in (("stays", 0.14), ("leaves", 3.0))]
    return decided(claim_id, effect=effect, ci=ci, effect_name="margin used", notes=notes, **extra)


def write_runs(folder: Path) -> list[Path]:
    runs = {
        "tf215": document([decided("A-ONE"), parts_of("B-PARTS", "leaves", 3.0, (2.9, 3.1)), decided("C-SAME")],
                          name="tf215", tensorflow="2.15.1", keras="2.15.0"),
        "claims": document([decided("A-ONE", "refuted", expected="supported"),
                            parts_of("B-PARTS", "stays", 0.14, (0.0, 0.38)), decided("C-SAME")], name="claims"),
        "nightly": {**document([], name="nightly", tensorflow="2.22.0.dev20261201"), "failed_to_run": NIGHTLY_FAILED},
    }
    paths = []
    for name, run in runs.items():
        paths.append(results_file.write_atomic(folder / name / "results.json", run) or folder / name / "results.json")
        if name != "nightly":
            html_report.write(folder / name / "index.html", run)
    return paths


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    return matrix.render(matrix.load_columns(write_runs(folder), None), folder / "matrix.html")


def summary_row(page: str, name: str) -> str:
    return re.search(rf'<tr id="run-{name}"[^>]*>(.*?)</tr>', page, re.S).group(1)


def test_the_summary_says_per_run_how_many_came_out_as_expected_and_links_each_failure(page):
    assert "<b>3 of 3</b>" in summary_row(page, "tf215")
    claims = summary_row(page, "claims")
    assert "<b>2 of 3</b>" in claims
    assert re.search(r'<span class="kind fail">✗ fails</span> <a href="claims/index.html#A-ONE"><code>A-ONE</code></a> '
                     r"the catalog expects supported, observed refuted", claims)


def test_a_change_is_a_regression_and_a_change_of_the_deciding_part_is_not_comparable(page):
    claims = summary_row(page, "claims")
    assert re.search(r'<span class="kind regression">▲ regression</span> <a href="claims/index.html#A-ONE">', claims)
    assert re.search(r'<span class="kind not-comparable">≠ not comparable</span> '
                     r'<a href="claims/index.html#B-PARTS"><code>B-PARTS</code></a> not comparable: decided by '
                     r"leaves before, by stays now", claims)
    b_cells = re.findall(r'<td class="(cell [^"]*)"', re.search(r'<tr [^>]*data-claim="B-PARTS">.*?</tr>', page,
                                                                  re.S).group())
    assert "not-comparable" in b_cells[1] and "changed" not in b_cells[1].split()
    assert "C-SAME" not in claims


def test_every_cell_links_to_that_runs_card(page):
    row = re.search(r'<tr [^>]*data-claim="C-SAME">.*?</tr>', page, re.S).group()
    assert re.findall(r'<a class="to-card" href="([^"]+)"', row) == ["tf215/index.html#C-SAME",
                                                                     "claims/index.html#C-SAME"]


def test_a_run_that_did_not_run_says_why_and_is_compared_with_nothing(page):
    assert f"<b>did not run: {NIGHTLY_FAILED}</b>" in summary_row(page, "nightly")
    steps = re.findall(r"<h3>(.*?)</h3>", page.split('class="transitions"')[1])
    assert steps == ["tf215 (TF 2.15.1 · Keras 2.15.0) → claims (TF 2.21.0 · Keras 3.15.1)"]
    nightly_cells = [cells[2] for cells in (re.findall(r'<td class="cell [^"]*"[^>]*>(.*?)</td>', row, re.S)
                                            for row in re.findall(r'<tr [^>]*data-claim=.*?</tr>', page, re.S))]
    assert all("did not run" in cell for cell in nightly_cells)


def test_the_changed_only_view_is_css_and_keeps_the_rows_that_changed_or_fail(page):
    assert 'id="changed-only"' in page and "body:has(#changed-only:checked)" in page and "<script" not in page
    changed = re.findall(r'<tr class="([^"]*)" id="[^"]*" data-claim="([^"]+)"', page)
    assert {claim_id for css, claim_id in changed if css.strip()} == {"A-ONE", "B-PARTS"}
