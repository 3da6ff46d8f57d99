"""Self-tests of what the report shows of results schema 2 (no TensorFlow, no numpy): the headline counts, the
untested group, each card's reading, stability, reference, pin, control, power, revisions and findings, the
version matrix's negligible and untested cells, and a schema-1 file upgraded on load."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reports import claim_evidence, claim_view, html_report, matrix, results_file
from reports.wording import SYMBOLS
from suite.selftest.synthetic_results import HOSTILE, evidence_document, hostile_document, version_1_document

pytestmark = pytest.mark.selftest
CSS = (Path(html_report.TEMPLATES) / "report.css").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page():
    return html_report.render(evidence_document())


def words(html: str) -> str:
    """The text of a piece of the page, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&gt;", ">").split())


def article(page: str, claim_id: str) -> str:
    match = re.search(rf'<article ([^>]*)data-claim="{re.escape(claim_id)}">(.*?)</article>', page, re.S)
    assert match, f"no card for {claim_id}"
    return match.group(1) + match.group(2)


def between(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def tile(count, verdict: str) -> str:
    return (f'<span class="count">{count}</span><span class="label"><span class="symbol" aria-hidden="true">'
            f'{SYMBOLS[verdict]}</span> {verdict}</span>')


def test_the_tiles_count_each_headline_and_leave_untested_out_of_the_expectations(page):
    summary = between(page, 'class="summary"', 'class="lists"')
    for verdict, count in {"supported": 3, "negligible": 1, "refuted": 1, "inconclusive": 1, "untested": 1}.items():
        assert tile(count, verdict) in summary
    assert "skipped" not in summary and "error" not in summary
    assert '<span class="count">5/6</span><span class="label">as the catalog expects (untested not counted)' in summary


def test_the_five_decisions_are_always_counted_and_run_outcomes_only_when_met():
    summary = between(html_report.render(version_1_document()), 'class="summary"', 'class="lists"')
    assert tile(0, "negligible") in summary and tile(0, "untested") in summary and tile(1, "skipped") in summary
    assert "error" not in summary and "not run" not in summary


def test_untested_claims_form_their_own_group_with_their_reasons(page):
    group = between(page, '<section class="section untested-group"', "</section>")
    assert 'data-claim="V2-UNTESTED"' in group and page.count('data-claim="V2-UNTESTED"') == 1
    assert "why not tested here:</b> needs an ImageNet-scale run to be fair" in group
    assert "no verdict: not tested here" in words(group)
    rows = between(page, '<tbody class="untested-group">', "</tbody>")
    assert "V2-UNTESTED" in rows and "needs an ImageNet-scale run to be fair" in rows
    lists = words(between(page, 'class="lists"', 'class="filters"'))
    assert "Not tested here (no verdict) V2-UNTESTED needs an ImageNet-scale run to be fair" in lists
    assert "V2-UNTESTED" not in lists[lists.index("Not as the catalog expects"):]


def test_refuted_disagrees_with_the_note_and_negligible_is_listed_apart(page):
    box = words(between(page, "Where the data disagree with the note", "Not as the catalog expects"))
    disagree, rest = box.split("Holds, but smaller than matters")
    assert "V2-REVISED ✗ refuted Glorot init does not keep" in disagree and "V2-NEGLIGIBLE" not in disagree
    assert rest.startswith(" V2-NEGLIGIBLE ≈ negligible ELU is 5% slower")
    assert "Left open: the data could not decide V2-UNDERPOWERED" in rest


def test_each_card_carries_its_reading_above_the_evidence_and_its_stability(page):
    for claim in evidence_document()["claims"]:
        card = article(page, claim["id"])
        if claim["reading"]:
            reading = card.index(f'<p class="reading">{claim["reading"]}</p>')
            assert reading < card.index('<div class="body">') < card.index("<dt>stability</dt>"), claim["id"]
        assert "<dt>stability</dt>" in card and "<dt>negative control</dt>" in card, claim["id"]
    assert "20 of 20 fresh seeds agreed with the catalog ✓ meets its target" in words(article(page, "V2-NEGLIGIBLE"))
    assert 'class="reading"' not in article(page, "V2-PLAIN")


def test_a_stability_below_target_or_in_sample_is_flagged(page):
    card = words(article(page, "V2-UNDERPOWERED"))
    assert "14 of 20 seeds agreed ⚠ below its target of 20 of 20 ⚠ in-sample" in card
    assert "meets its target" not in card
    row = words(re.search(r'<tr class="v-inconclusive">.*?V2-UNDERPOWERED.*?</tr>', page, re.S).group(0))
    assert "⚠ stability below target" in row and "⚠ stability in-sample" in row


def test_an_underpowered_claim_is_flagged_on_its_card_and_in_the_table(page):
    card = words(article(page, "V2-UNDERPOWERED"))
    assert card.count("⚠ underpowered") == 2
    assert "at n = 40 it could detect 0.35, beyond the 0.1 ratio that matters" in card
    row = words(re.search(r'<tr class="v-inconclusive">.*?V2-UNDERPOWERED.*?</tr>', page, re.S).group(0))
    assert "⚠ underpowered" in row
    assert "underpowered" not in words(article(page, "V2-PLAIN"))


def test_a_pooled_reference_shows_the_pooled_headline_and_this_run(page):
    card = words(article(page, "V2-POOLED"))
    assert "pooled finding ✓ supported this run: ? inconclusive" in card
    assert ("pooled reference ✓ supported mean difference = 0.009 [0.001, 0.017] (95% CI), p = 0.034, pooled over 20 "
            "runs of 60 seeds (TF 2.21.0, 2026-11-30)") in card
    assert ("this run ? inconclusive 0.009 [-0.004, 0.022]; a run of this size should land in its 95% prediction "
            "interval [-0.020, 0.038]: ✓ consistent with the reference this run lies where a run of 60 seeds "
            "should") in card
    assert "tox -e claims -- --claim V2-POOLED --calibrate 20" in card
    row = words(re.search(r'<tr class="v-supported">.*?V2-POOLED.*?</tr>', page, re.S).group(0))
    assert "✓ supported this run: inconclusive" in row


def test_a_reference_as_the_catalog_words_it_and_a_failed_run_read_plainly():
    claim = {"verdict": "inconclusive", "passed": False, "effect_name": "gap",
             "reference": {"verdict": "inconclusive", "note": "20 runs of 10 seeds", "consistent": False}}
    reference = claim_evidence.reference(claim)
    assert reference["text"] == "20 runs of 10 seeds" and reference["consistent"] is False
    assert "prediction interval [n/a, n/a]" == reference["prediction"]
    view = claim_view.claim_view({**claim, "id": "X", "expected": "inconclusive"}, "X")
    assert view["as_expected"] is False
    assert view["failing_because"] == ["this run lies outside the reference's prediction"]
    assert ("warn", "⚠ outside the reference's prediction") in view["flags"]


def test_a_control_that_came_out_supported_fails_the_claim_in_plain_sight(page):
    attributes = article(page, "V2-CONTROL-FAILS")
    assert "control-failed" in attributes.split(">")[0]
    card = words(attributes)
    assert "✗ This claim fails: its negative control came out supported." in card
    assert "shuffled labels: supported (effect = 0.30 [0.20, 0.40]) ✗ came out supported" in card
    assert "as required" not in card
    unexpected = words(page[page.index("Not as the catalog expects"):page.index('class="box environment"')])
    assert "V2-CONTROL-FAILS ✓ supported → ✓ supported fails: its negative control came out supported" in \
        unexpected
    assert "✗ control came out supported: 1" in words(between(page, 'class="flag-counts"', "</p>"))
    assert "negative control no negative control recorded" in words(article(page, "V2-PLAIN"))
    assert ("shuffled labels: inconclusive (effect = 0.01 [-0.05, 0.07]) ✓ not supported, as required"
            in words(article(page, "V2-NEGLIGIBLE")))


def test_a_pin_shows_the_part_that_still_holds(page):
    card = words(article(page, "V2-NEGLIGIBLE"))
    assert "pinned part ELU slower than ReLU, at least 1: ✓ still holds ELU is still measurably slower" in card


def test_revisions_show_most_recent_first_and_mark_the_row(page):
    card = words(article(page, "V2-REVISED"))
    assert "✎ revised after the data were seen (2), most recent first" in card
    assert card.index("2026-11-15 · fedcba9876 · sizes.n: 40 → 80 (why: calibration missed the target)") < \
        card.index("2026-10-02 · 0123456789 · min_effect: 0.05 → 0.1")
    assert "findings Keras 3.4 drops the seed of a cloned initializer" in card
    assert "&lt;script&gt;window.__pwned" in article(page, "V2-REVISED")
    row = words(re.search(r'<tr class="v-refuted">.*?V2-REVISED.*?</tr>', page, re.S).group(0))
    assert "✎ revised ×2" in row and "Glorot init does not keep the gradient variance here." in row
    assert "revised" not in words(article(page, "V2-PLAIN"))


def test_a_revision_recorded_with_this_commit_keeps_its_words():
    """Catalog revisions name their commit as "this commit" (the one that records them): only a hash is cut."""
    lines = claim_evidence.revisions({"revisions": [
        {"date": "2026-12-02", "commit": "this commit", "field": "sizes", "change": "2 ms samples"},
        {"date": "2026-12-01", "commit": "0123456789abcdef0123", "field": "metric", "change": "eager logits"}]})
    assert lines == ["2026-12-02 · this commit · sizes: 2 ms samples", "2026-12-01 · 0123456789 · metric: eager logits"]


def test_malformed_schema_2_fields_read_as_not_recorded():
    card = article(html_report.render(hostile_document()), "V2-MALFORMED")
    text = words(card)
    assert "no stability over seeds recorded" in text and "no negative control recorded" in text
    assert "pooled reference" not in text and "pinned part" not in text and "underpowered" not in text
    assert "verdict ? inconclusive" in text
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;").split(" ")[0] in card and "<script>" not in card


def test_every_verdict_filter_has_a_css_rule_and_negligible_its_own_colour(page):
    for verdict in re.findall(r'data-verdict="([^"]+)"', page):
        assert (f'body:has(input[data-verdict="{verdict}"]:not(:checked)) :is(.claim.v-{verdict}, '
                f'.overview tr.v-{verdict}) {{ display: none; }}') in CSS
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", CSS))
    others = [colours[name] for name in ("supported", "refuted", "inconclusive", "untested")]
    assert colours["negligible"] not in others
    assert ".v-negligible.badge, .tile.v-negligible { background: var(--negligible); }" in CSS


def test_a_version_1_file_loads_upgraded_and_renders(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(version_1_document()), encoding="utf-8")
    loaded = results_file.load(path)
    assert (loaded["schema_version"], loaded["upgraded_from"]) == (2, 1)
    one, two, skipped = loaded["claims"]
    assert (one["headline"], two["headline"], skipped["headline"]) == ("supported", "refuted", "skipped")
    assert one["reading"] == "" and one["underpowered"] is None and one["revisions"] == [] == one["findings"]
    assert one["reference"] is one["pin"] is one["control"] is None
    assert (one["stability"]["basis"], one["stability"]["agreed"], one["stability"]["seeds"]) == ("calibration", 19, 20)
    assert two["stability"]["basis"] == "none"
    one["revisions"].append("x")
    assert two["revisions"] == []
    page = html_report.render(loaded)
    assert "19 of 20 seeds agreed (calibration)" in words(article(page, "V1-ONE"))
    assert "schema deepclaims.results v2 (read from v1)" in page
    assert tile(1, "refuted") in page


@pytest.mark.parametrize("version", [0, 3, "2", True, None])
def test_any_other_schema_version_is_one_clear_line(tmp_path, version):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({**version_1_document(), "schema_version": version}), encoding="utf-8")
    with pytest.raises(results_file.ResultsFileError, match=r"this code reads 1 and 2$") as raised:
        results_file.load(path)
    assert "\n" not in str(raised.value) and str(path) in str(raised.value)


def test_the_matrix_shows_negligible_untested_and_failing_cells_distinctly(tmp_path):
    paths = []
    for name, document in (("v1", version_1_document()), ("evidence", evidence_document())):
        paths.append(tmp_path / name / "results.json")
        results_file.write_atomic(paths[-1], document)
    page = matrix.render(matrix.load_columns(paths, None))

    def cell(claim_id: str) -> str:
        row = re.search(rf'<tr[^>]*data-claim="{claim_id}">(.*?)</tr>', page, re.S).group(1)
        return re.findall(r'<td class="(cell [^"]*)"[^>]*>(.*?)</td>', row, re.S)[-1]

    css, text = cell("V2-NEGLIGIBLE")
    assert css.startswith("cell v-negligible") and "≈ negligible" in words(text)
    css, text = cell("V2-UNTESTED")
    assert css.startswith("cell v-untested") and "∅ untested needs an ImageNet-scale run to be fair" in words(text)
    assert "✓ supported this run: inconclusive" in words(cell("V2-POOLED")[1])
    assert "✗ control came out supported" in words(cell("V2-CONTROL-FAILS")[1])
    matrix_css = (Path(html_report.TEMPLATES) / "matrix.css").read_text(encoding="utf-8")
    assert ".matrix .cell.v-negligible" in matrix_css and ".matrix .cell.v-untested" in matrix_css
