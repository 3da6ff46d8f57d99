"""Self-tests of the HTML report (numpy and matplotlib only): every claim shown, hostile text escaped,
every series kind drawn, anything undrawable shown as data, and the decision worded in plain words."""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from reports import html_report, plots
from reports.wording import SYMBOLS
from suite.selftest.synthetic_results import HOSTILE, decided, document, hostile_document

pytestmark = pytest.mark.selftest


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> _Elements:
    elements = _Elements()
    elements.feed(html)
    return elements


@pytest.fixture(scope="module")
def hostile():
    return hostile_document()


@pytest.fixture(scope="module")
def page(hostile):
    return html_report.render(hostile)


def _article(page: str, claim_id: str) -> str:
    match = re.search(rf'<article [^>]*data-claim="{re.escape(claim_id)}">(.*?)</article>', page, re.S)
    assert match, f"no article for {claim_id}"
    return match.group(1)


def test_every_claim_is_shown_once_in_order_and_linked_by_its_id(hostile, page):
    tags = parsed(page).tags
    articles = [attrs for tag, attrs in tags if tag == "article"]
    assert [attrs["data-claim"] for attrs in articles] == [claim["id"] for claim in hostile["claims"]]
    anchors = {attrs["id"] for attrs in articles}
    links = {attrs["href"][1:] for tag, attrs in tags if tag == "a" and attrs.get("href", "").startswith("#")}
    assert anchors <= links, "every card is linked from the overview and has its permalink"


def test_hostile_text_is_shown_as_text_and_never_as_markup(page):
    elements = parsed(page)
    assert not [tag for tag, _ in elements.tags if tag in ("script", "img", "iframe", "object")]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "elu &lt;b&gt;" in _article(page, "SERIES-SAMPLES")
    text = "".join(elements.text)
    assert HOSTILE in text
    assert "<img src=x onerror=alert(1)>" in text
    assert not any("onerror" in attrs for _, attrs in elements.tags)


def test_the_page_forbids_scripts_and_network_requests(page):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_every_series_kind_is_drawn_as_inline_svg(hostile, page):
    for claim in hostile["claims"]:
        if claim["id"].startswith("SERIES-"):
            article = _article(page, claim["id"])
            panels = len(claim["series"].get("panels", [claim["series"]]))
            assert article.count("<svg ") == panels, claim["id"]
            assert "not drawn" not in article


def test_a_series_that_cannot_be_drawn_shows_why_and_its_data(page):
    assert "no drawing for series kind &#39;heatmap &lt;i&gt;&#39;" in _article(page, "UNDRAWABLE-0")
    assert "&#39;lines.y&#39; holds &#39;not a number&#39;" in _article(page, "UNDRAWABLE-1")
    assert "&#39;panels&#39; must be a list" in _article(page, "UNDRAWABLE-2")
    assert "&#34;z&#34;: [" in _article(page, "UNDRAWABLE-0").replace("\n", "")


def test_runs_that_did_not_decide_show_their_reason(page):
    assert "Keras 2.15 has no keras.ops &lt;lacks API&gt;" in _article(page, "RUN-SKIPPED")
    assert "probe exploded &lt;script&gt;" in _article(page, "RUN-ERROR")
    assert "before this claim ran" in _article(page, "RUN-NOT-RUN")
    assert "no measured series recorded" in _article(page, "BARE-MINIMUM")


def test_svg_ids_are_unique_across_the_page(page):
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []


def test_the_decision_reads_in_plain_words():
    page = html_report.render(document([decided("WORDS-ONE", effect=0.5, ci=(0.4, 0.6))]))
    text = " ".join(" ".join(parsed(_article(page, "WORDS-ONE")).text).split())
    for phrase in ("test Welch t-test", "statistic t = 3.2", "p = 0.002, below alpha = 0.01",
                   "effect 0.50 [0.40, 0.60] 98% CI mean difference · ratio matters at 0.1",
                   "smallest it could detect 0.2 ratio with power 95% at n = 40", "seed base 112017, claim 1234",
                   "rerun: pytest suite/claims --claim WORDS-ONE"):
        assert phrase in text


def test_a_calibrated_claim_shows_its_agreement_and_how_far_its_effect_ranged():
    calibration = {"rounds": 4, "agreed": 3, "ci_low": 0.19, "ci_high": 0.99,
                   "verdicts": ["supported", "supported", "refuted", "supported"], "seeds": [1, 2, 3, 4],
                   "effects": [1.12, 1.09, float("nan"), 1.3], "ci_lows": [1.0] * 4, "ci_highs": [1.4] * 4}
    recorded = {"agreed": 20, "seeds": 20, "profile": "quick", "date": "2026-11-30", "tensorflow": "2.21.0"}
    page = html_report.render(document([decided("CAL-ONE", calibration=calibration,
                                                calibration_record=recorded)]))
    text = " ".join(" ".join(parsed(_article(page, "CAL-ONE")).text).split())
    assert "3 of 4 fresh seeds agree with the catalog (95% CI of the rate 0.19 to 0.99)" in text
    assert "effect over the seeds from 1.09 to 1.3" in text
    assert "last calibrated 20 of 20 seeds agreed (quick profile, TF 2.21.0, 2026-11-30)" in text


def test_the_summary_counts_verdicts_and_lists_the_surprises(hostile, page):
    summary = page[page.index('class="summary"'):page.index('class="filters"')]
    counts = Counter(claim["verdict"] for claim in hostile["claims"])
    for verdict, count in counts.items():
        if verdict in SYMBOLS:
            assert (f'<span class="count">{count}</span><span class="label"><span class="symbol" aria-hidden="true">'
                    f'{SYMBOLS[verdict]}</span> {verdict}</span>') in summary
    unexpected = summary[summary.index("Not as the catalog expects"):]
    for claim_id in ("UNDRAWABLE-0", "RUN-ERROR", "RUN-NOT-RUN", "RUN-ODD-VERDICT"):
        assert f"<code>{claim_id}</code>" in unexpected
    assert "<code>RUN-SKIPPED</code>" not in summary


@pytest.mark.parametrize("label", ["$", "$x_1$ costs $5", "_leading", "\\frac{", "x" * 500])
def test_any_recorded_label_draws(label):
    spec = {"kind": "lines", "x": [1, 2], "lines": {label: [0.0, None]}, "title": label, "log_y": True}
    assert "<svg " in plots.svg_for(spec, "label-test").svg


def test_an_empty_series_draws_nothing():
    assert plots.panels_of({}) == [] and plots.panels_of(None) == []


def test_an_oversized_series_is_refused_not_drawn():
    huge = {"kind": "samples", "groups": {"all": [0.5] * (plots.MAX_NUMBERS + 1)}}
    with pytest.raises(plots.PlotError, match="too large to draw"):
        plots.svg_for(huge, "huge")
