"""The generated page read as its readers need it (numpy and matplotlib only, no TensorFlow): a run the size of the
real one stays under the page budget; every effect names its unit, level and threshold at the precision its
interval supports; every plot has a title, a description and a caption; cards are anchored by claim id; the SVG
compaction keeps every reference it draws with. The cross-version page's summary, links, failures, changes
and runs that did not run are checked in test_report_matrix.py."""
from __future__ import annotations

import re

import pytest

from reports import effects, html_report, plot_svg, plots
from reports.wording import estimate, p_text, quote_markup
from suite.selftest.synthetic_results import decided, document, full_run_document

pytestmark = pytest.mark.selftest

# Issue 19: the report of the 40 claims must stay at most 1.5 MB (it was 3.1 MB, 89% of it SVG).
PAGE_BUDGET_BYTES = 1_500_000


@pytest.fixture(scope="module")
def full():
    """A run the size of the real one (40 claims, 75 plots), rendered once for this module."""
    claims = full_run_document()
    return claims, html_report.render(claims)


def test_a_run_the_size_of_the_real_one_stays_under_the_page_budget(full):
    claims, page = full
    assert len(claims["claims"]) == 40 and page.count("<svg ") >= 70
    assert len(page.encode("utf-8")) <= PAGE_BUDGET_BYTES


def test_every_effect_cell_names_its_unit_level_and_threshold(full):
    _, page = full
    cells = re.findall(r'<td class="effect-cell">(.*?)</td>', page, re.S)
    assert len(cells) == 40
    for cell in cells:
        unit = re.search(r'<span class="unit">([^<]+)</span>', cell)
        assert unit and unit.group(1).strip(), cell
        assert re.search(r'<small class="level">\d+(\.\d+)?% CI</small>', cell), cell
        assert '<span class="threshold">matters at 0.1</span>' in cell


def test_every_svg_is_named_by_its_title_and_description(full):
    _, page = full
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    for svg in svgs:
        opening = re.match(r"<svg\b[^>]*>", svg).group()
        assert 'role="img"' in opening
        title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', opening).groups()
        assert re.search(rf'^<svg\b[^>]*><title id="{title_id}">[^<]+</title><desc id="{desc_id}">[^<]+</desc>', svg)


def test_every_reference_inside_a_plot_points_at_an_element_of_that_plot(full):
    _, page = full
    for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
        ids = set(re.findall(r'\bid="([^"]+)"', svg))
        assert set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg)) <= ids
    assert "xlink:href" not in page and "<metadata>" not in page


def test_every_drawn_figure_has_a_caption_that_names_its_marks(full):
    _, page = full
    figures = re.findall(r"<figure>(.*?)</figure>", page, re.S)
    assert figures and all("<figcaption>" in figure for figure in figures)
    assert "Lines: init 0 (circles), init 1 (squares)" in page
    assert "Shaded: 99% interval over 64 networks" in page
    assert "Dashed line: domain low at 0.89. Dotted line: domain high at 1.22" in page
    assert "Dashed line: equal at 1. Dotted line: matters at 1.1" in page


def test_cards_are_anchored_by_claim_id_with_a_permalink(full):
    claims, page = full
    anchors = re.findall(r'<article [^>]*id="([^"]+)" data-claim="([^"]+)"', page)
    assert [anchor for anchor, _ in anchors] == [claim["id"] for claim in claims["claims"]]
    assert all(anchor == claim_id for anchor, claim_id in anchors)
    for anchor, _ in anchors:
        assert f'<a class="permalink" href="#{anchor}"' in page


def test_the_same_id_twice_gets_two_anchors():
    page = html_report.render(document([decided("TWICE"), decided("TWICE"), decided("with space")]))
    assert re.findall(r'<article [^>]*id="([^"]+)"', page) == ["TWICE", "TWICE-2", "with-space"]


@pytest.mark.parametrize(("numbers", "shown"), [
    ((0.0009822, -0.004836, 0.006801), "0.001 [-0.005, 0.007]"),
    ((0.003974, 0.0, 0.01672), "0.004 [0, 0.017]"),
    ((-0.5115, -0.7225, -0.2831), "-0.51 [-0.72, -0.28]"),
    ((47.98, 45.2, 50.75), "48.0 [45.2, 50.8]"),
    ((1.049, 1.027, 1.071), "1.049 [1.027, 1.071]"),
    ((2.208e12, 1.663e12, 2.753e12), "2.2e+12 [1.7e+12, 2.8e+12]"),
    ((1.0, 1.0, 1.0), "1"),
])
def test_an_estimate_is_shown_at_the_precision_its_interval_supports(numbers, shown):
    assert estimate(*numbers) == shown


def test_p_values_read_as_a_reader_needs_them():
    assert [p_text(p) for p in (6.87e-48, 0.00411, 0.0318, 0.997, None)] == [
        "p < 0.001", "p = 0.0041", "p = 0.032", "p > 0.99", "no p-value"]


def test_a_ratio_reads_as_times_with_its_margin_and_exact_checks_as_a_count():
    ratio = decided("RATIO", effect=1.049, ci=(1.027, 1.071), effect_name="geometric mean time ratio",
                    effect_unit="time ratio ELU/ReLU minus 1")
    shown = effects.presentation(ratio)
    assert (shown["value"], shown["unit"], shown["threshold"]) == ("1.049× [1.027, 1.071]", "time ratio ELU/ReLU",
                                                                   "matters at 1.10×")
    checks = decided("CHECKS", "refuted", effect=48 / 49, ci=(48 / 49, 48 / 49), n=49, ci_level=1.0,
                     effect_name="share of checks holding", effect_unit="share of checks", min_effect=0.0)
    shown = effects.presentation(checks)
    assert (shown["value"], shown["level"], shown["threshold"]) == ("48 of 49 checks holding", "exact check", "")
    assert effects.tidy_name("mean - -0.693147") == "mean + 0.693147" and effects.tidy_name("mean - 0") == "mean"


NOTES = ["30 blocks × 8 ordered treatments", "deciding part: monotone trend",
         "monotone trend: supported: Page's L trend test, L = 6120, p = 6.87e-48 vs alpha = 0.005; mean per-block "
         "Spearman rho = 1 [1, 1] (99% CI), n = 30; could detect 0.2913 with power 95%",
         "decades across the stack: supported: one-sided one-sample t-test, t = 215.2, p = 2.6e-48 vs alpha = 0.005; "
         "mean - 0 = 2.248 [2.22, 2.277] (99% CI), n = 30; could detect 0.04655 with power 95%",
         "contrast tanh, glorot_normal: refuted (L = 4685, p = 0.978)",
         "recorded, not decided: sigmoid: supported: t-test, t = 5, p = 0.001 vs alpha = 0.005; mean - 0 = 1.225 "
         "[1.163, 1.286] (99% CI), n = 30; could detect 0.1 with power 95%"]


def test_a_conjunction_shows_each_part_its_effect_and_which_part_decided():
    found = effects.parts({"notes": NOTES})
    assert [(part["name"], part["deciding"], part["decided"]) for part in found] == [
        ("monotone trend", True, True), ("decades across the stack", False, True), ("sigmoid", False, False)]
    assert found[1]["effect_name"] == "mean" and found[1]["effect"] == "2.248 [2.220, 2.277] (99% CI), n = 30"
    page = html_report.render(document([decided("PARTS", notes=NOTES)]))
    table = re.search(r'<table class="parts">.*?</table>', page, re.S).group()
    assert "3 parts; the claim's verdict is its weakest part's: <b>monotone trend</b>" in table
    assert re.search(r'<tr class="deciding">\s*<td><span class="decided-mark">▶ decided</span></td>\s*'
                     r'<th scope="row">monotone trend</th>', table)
    assert effects.deciding_chain({"notes": ["deciding part: inner", "deciding part: outer"]}) == "outer › inner"
    assert effects.parts({"notes": ["a note", "x: supported: summary"]}) == []


def test_two_runs_decided_by_different_parts_are_not_comparable():
    before = {"effect_name": "margin used", "notes": ["deciding part: stays in the domain"]}
    after = {"effect_name": "margin used", "notes": ["deciding part: leaves the domain"]}
    assert not effects.comparable(before, after)
    assert effects.comparable(before, before) and effects.comparable({"effect_name": "x"}, {"effect_name": "x"})


def test_the_notes_markup_shows_as_markup_and_nothing_else_does():
    assert str(quote_markup("fan<sub>avg</sub> and the #exploding gradients# and *dying ReLU's*")) == \
        "fan<sub>avg</sub> and the <em>exploding gradients</em> and <em>dying ReLU&#39;s</em>"
    assert str(quote_markup("<sub onclick=x>a</sub> <script>1</script> 2*3 = 6 * 7")) == \
        "&lt;sub onclick=x&gt;a&lt;/sub&gt; &lt;script&gt;1&lt;/script&gt; 2*3 = 6 * 7"


def test_the_compaction_rounds_coordinates_and_keeps_what_is_drawn():
    drawing = plots.svg_for({"kind": "lines", "x": [1, 2, 3], "lines": {"a": [0.1, 0.2, 0.3]}, "title": "t"}, "k-")
    attributes = re.findall(r'="([^"]*)"', drawing.svg)
    assert attributes and not [value for value in attributes if re.search(r"\d\.\d{2,}", value)]
    assert plot_svg.compact('<?xml?><svg><g><g id="unused"><path d="M 1.26 2.04 L 3 4" style="fill: red"/></g></g>'
                            "</svg>") == '<svg><path d="M1.3 2L3 4" style="fill:red"/></svg>'


def test_a_sequential_decision_shows_where_it_stopped():
    from reports.claim_view import run_rows

    rows = dict(run_rows({"seed": 1, "duration_s": 2.0, "stage": {
        "stage": 1, "stages": 2, "n": 15, "n_planned": 30, "levels": [0.00027, 0.0097],
        "spending": "O'Brien-Fleming", "alpha": 0.01}}))
    assert rows["sequential"] == ("stopped at stage 1 of 2, on 15 of 30 samples (O'Brien-Fleming spending of "
                                  "alpha 0.01: stage levels 0.00027, 0.0097)")
    assert "sequential" not in dict(run_rows({"seed": 1, "duration_s": 2.0}))
