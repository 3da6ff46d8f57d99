"""The report and the comparison page in a real browser (headless Chromium): they render with no console
error, show every claim, run no injected script and need no network; the report prints each card whole on a
page of its own (A4) with nothing to scroll; the comparison page's changed-only switch works. Skips, with the
reason, where Debian's chromium or chromium-driver is not installed."""
from __future__ import annotations

import pytest

from reports import html_report, matrix
from suite.selftest.headless_chromium import Chromium, pdf_pages, unavailable
from suite.selftest.synthetic_results import decided, document, full_run_document, hostile_document, outcome

pytestmark = [pytest.mark.selftest, pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))]
# An A4 page less the print stylesheet's 12 mm margins, in CSS pixels (96 per inch): 186 mm x 273 mm.
PRINTED_WIDTH_PX, PRINTED_HEIGHT_PX = 703, 1031
PRINT_LAYOUT = """
const cards = Array.from(document.querySelectorAll('article.claim'));
const style = element => getComputedStyle(element);
return {
  cards: cards.map(card => [card.dataset.claim, style(card).breakBefore, style(card).breakInside,
                            Math.ceil(card.getBoundingClientRect().height)]),
  hidden: ['.filters', '.rerun'].map(selector => style(document.querySelector(selector)).display),
  scrolling: Array.from(document.querySelectorAll('.box, pre')).filter(box => box.scrollHeight > box.clientHeight + 1
                                                                     && box.getBoundingClientRect().height > 0).length,
  wider: document.documentElement.scrollWidth > window.innerWidth,
};
"""

VISIBLE_CLAIMS = """
return Array.from(document.querySelectorAll(arguments[0]))
  .filter(element => element.getBoundingClientRect().height > 0)
  .map(element => element.dataset.claim);
"""


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        yield chromium


def console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.console() if entry["level"] == "SEVERE"]


def test_the_report_renders_every_claim_with_no_console_error(browser, tmp_path):
    hostile = hostile_document()
    page = html_report.write(tmp_path / "index.html", hostile)
    browser.open(page)
    assert console_errors(browser) == []
    assert browser.run(VISIBLE_CLAIMS, "article.claim") == [claim["id"] for claim in hostile["claims"]]
    assert browser.run("return window.__pwned === undefined") is True
    assert browser.run("return document.querySelectorAll('article.claim svg').length") >= 6
    assert browser.run("return document.documentElement.scrollWidth <= window.innerWidth") is True


def test_the_verdict_filters_hide_and_show_claims(browser, tmp_path):
    page = html_report.write(tmp_path / "index.html", hostile_document())
    browser.open(page)
    shown = browser.run(VISIBLE_CLAIMS, "article.claim")
    browser.run("document.querySelector('input[data-verdict=supported]').click()")
    hidden = set(shown) - set(browser.run(VISIBLE_CLAIMS, "article.claim"))
    assert hidden == {claim_id for claim_id in shown if claim_id.startswith("SERIES-") or claim_id == "BARE-MINIMUM"}


def test_the_comparison_page_lines_up_every_claim_with_no_console_error(browser, tmp_path):
    runs = {
        "tf215": document([decided("A-ONE"), outcome("A-TWO", "skipped", "this Keras lacks the API")],
                          name="tf215", tensorflow="2.15.1", keras="2.15.0"),
        "claims": document([decided("A-ONE", "refuted", expected="supported"), decided("A-TWO"),
                            decided("A-THREE")], name="claims"),
    }
    paths = []
    for name, run in runs.items():
        path = tmp_path / name / "results.json"
        html_report.results_file.write_atomic(path, run)
        paths.append(path)
    page = tmp_path / "matrix.html"
    page.write_text(matrix.render(matrix.load_columns(paths, None)), encoding="utf-8")
    browser.open(page)
    assert console_errors(browser) == []
    assert browser.run(VISIBLE_CLAIMS, "table.matrix tr[data-claim]") == ["A-ONE", "A-TWO", "A-THREE"]
    cells = browser.run("return Array.from(document.querySelectorAll('tr[data-claim]'))"
                        ".map(row => row.querySelectorAll('td.cell').length)")
    assert cells == [2, 2, 2]
    changed = browser.run("return Array.from(document.querySelectorAll('td.cell.changed'))"
                          ".map(cell => cell.closest('tr').dataset.claim)")
    # A-TWO was skipped on TF 2.15: with nothing to compare, a skip on one side is a note, not a change
    # (issue 18: no false regressions); A-ONE's verdict did change.
    assert changed == ["A-ONE"]


def test_the_report_prints_each_card_whole_on_a_page_of_its_own(tmp_path):
    run = full_run_document(8)
    page = html_report.write(tmp_path / "index.html", run)
    with Chromium(width=PRINTED_WIDTH_PX, height=PRINTED_HEIGHT_PX) as printer:
        printer.open(page)
        printer.emulate_media("print")
        layout = printer.run(PRINT_LAYOUT)
        pages = pdf_pages(printer.print_pdf(tmp_path / "index.pdf"))
    assert [card[0] for card in layout["cards"]] == [claim["id"] for claim in run["claims"]]
    for claim_id, before, inside, height in layout["cards"]:
        assert (before, inside) == ("page", "avoid"), claim_id
        assert height <= PRINTED_HEIGHT_PX, f"{claim_id} is {height} px tall: it cannot print on one page"
    assert layout["hidden"] == ["none", "none"] and layout["scrolling"] == 0 and not layout["wider"]
    assert len(run["claims"]) < pages <= 2 * len(run["claims"]) + 2


def test_the_changed_only_switch_leaves_the_rows_that_changed(browser, tmp_path):
    runs = [document([decided("A-ONE"), decided("A-TWO")], name="tf215", tensorflow="2.15.1", keras="2.15.0"),
            document([decided("A-ONE", "refuted", expected="supported"), decided("A-TWO")], name="claims")]
    paths = [html_report.results_file.write_atomic(tmp_path / run["run"]["name"] / "results.json", run)
             for run in runs]
    page = tmp_path / "matrix.html"
    page.write_text(matrix.render(matrix.load_columns(paths, None), page), encoding="utf-8")
    browser.open(page)
    assert browser.run(VISIBLE_CLAIMS, "table.matrix tr[data-claim]") == ["A-ONE", "A-TWO"]
    browser.run("document.getElementById('changed-only').click()")
    assert browser.run(VISIBLE_CLAIMS, "table.matrix tr[data-claim]") == ["A-ONE"]
