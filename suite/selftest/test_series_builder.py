"""reports/series.py: every kind builds the spec reports/plots.py draws, a malformed series is rejected with
the offending field named, and the harness fails a claim whose series cannot be drawn (planted project)."""
import numpy as np
import pytest

from pytest_deepclaims.jsonable import jsonable
from reports import plots, series
from suite.selftest.synthetic_results import SERIES_OF_EVERY_KIND, UNDRAWABLE_SERIES, full_run_document
from suite.selftest.test_harness import PASSING_TEST, project, results, run  # noqa: F401

BUILT = {
    "lines": series.lines([1, 2, 3], {"relu": [1.0, None, 0.9], "elu": np.array([1.0, 1.1, 1.2])},
                          bands={"relu": [[0.8, 0.8, 0.8], [1.2, 1.2, 1.2]]}, title="t", x_label="layer",
                          y_label="variance", reference=1.0, log_y=True, band_label="90% of draws", caption="c"),
    "samples": series.samples({"relu": [1.0, 1.2], "elu": []}, title="t", y_label="s", reference={"equal": 1.0}),
    "bars": series.bars(["a", "b"], [0.9, None], low=[0.8, None], high=[1.0, None], reference=1.0),
    "quantiles": series.quantiles([0.25, 0.5, 0.75], [-1.0, 0.0, 1.0], {"sample": [-0.9, 0.1, 1.1]}, title="q"),
}


@pytest.mark.parametrize("kind", list(BUILT))
def test_every_kind_builds_a_spec_the_report_draws(kind):
    spec = BUILT[kind]
    assert spec["kind"] == kind
    series.validate(spec)
    assert plots.svg_for(jsonable(spec), f"built-{kind}").svg.startswith("<svg")  # as the harness records it


def test_a_builder_writes_only_the_fields_given():
    assert series.samples({"a": [1.0]}) == {"kind": "samples", "groups": {"a": [1.0]}}
    assert series.lines([1], {"a": [2.0]}, log_y=False) == {"kind": "lines", "x": [1], "lines": {"a": [2.0]},
                                                            "log_y": False}


def test_panels_join_specs_in_order():
    joined = series.panels(BUILT["lines"], BUILT["bars"])
    assert joined == {"panels": [BUILT["lines"], BUILT["bars"]]}
    series.validate(joined)


def test_per_layer_lines_are_geometric_means_with_a_5_to_95_percent_band(rng):
    table = np.exp(rng.normal(size=(200, 4)))
    spec = series.per_layer_lines({"draws": table}, title="t", y_label="y", first_layer=0, reference=1.0)
    assert spec["x"] == [0, 1, 2, 3] and spec["log_y"] is True and spec["reference"] == 1.0
    assert np.allclose(spec["lines"]["draws"], np.exp(np.log(table).mean(axis=0)))
    assert np.allclose(spec["bands"]["draws"], np.quantile(table, [0.05, 0.95], axis=0))


@pytest.mark.parametrize("name", list(SERIES_OF_EVERY_KIND))
def test_the_reports_own_series_of_every_kind_validate(name):
    series.validate(SERIES_OF_EVERY_KIND[name])


def test_the_heavy_series_of_a_full_synthetic_run_validate():
    for claim in full_run_document()["claims"]:
        series.validate(claim.get("series"))


@pytest.mark.parametrize("name", list(UNDRAWABLE_SERIES))
def test_what_the_report_cannot_draw_is_rejected(name):
    with pytest.raises(ValueError):
        series.validate(UNDRAWABLE_SERIES[name])


LINES = {"kind": "lines", "x": [1, 2], "lines": {"relu": [1.0, 2.0]}}
MALFORMED = [
    (["not", "a", "mapping"], "series: a mapping"),
    ({"kind": "heatmap"}, "kind: 'heatmap' is not one of"),
    ({"panels": {"kind": "lines"}}, "panels: a list"),
    ({"panels": [LINES], "title": "t"}, "'title' beside 'panels'"),
    ({"panels": [LINES, {**LINES, "x": []}]}, "panels[1].x: a non-empty list"),
    ({**LINES, "lines": {"relu": [1.0]}}, "lines['relu']: 1 values for 2 x values"),
    ({**LINES, "lines": {"relu": [1.0, "2"]}}, "lines['relu'][1]: '2' is not a number"),
    ({**LINES, "lines": {}}, "lines: a non-empty mapping"),
    ({**LINES, "bands": {"relu": [[0.0, 0.0]]}}, "bands['relu']: [low list, high list]"),
    ({**LINES, "bands": {"relu": [[0.0, 0.0], [1.0]]}}, "bands['relu'][1]: 1 values for 2 x values"),
    ({**LINES, "log_y": "yes"}, "log_y: true or false"),
    ({**LINES, "title": 3}, "title: text"),
    ({**LINES, "reference": "one"}, "reference: 'one' is not a number"),
    ({**LINES, "reference": {"equal": "1"}}, "reference['equal']: '1' is not a number"),
    ({**LINES, "groups": {"a": [1.0]}}, "groups: not a field of a lines spec"),
    ({"kind": "samples", "groups": {"a": [True]}}, "groups['a'][0]: True is not a number"),
    ({"kind": "samples", "groups": {"a": 1.0}}, "groups['a']: a list"),
    ({"kind": "bars", "labels": ["a", "b"], "values": [1.0]}, "values: 1 values for 2 labels"),
    ({"kind": "bars", "labels": ["a"], "values": [1.0], "low": [0.5]}, "high: missing"),
    ({"kind": "bars", "labels": [], "values": []}, "labels: a non-empty list"),
    ({"kind": "quantiles", "probabilities": [0.5], "law": [0.0]}, "needs at least one sample's quantiles"),
    ({"kind": "quantiles", "probabilities": [0.5, 2.0], "law": [0.0, 1.0], "s": [0.0, 1.0]}, "probabilities: each"),
    ({"kind": "quantiles", "probabilities": [0.5], "law": [0.0], "sample": [0.0, 1.0]}, "sample: 2 values for 1"),
]


@pytest.mark.parametrize("spec, field", MALFORMED, ids=[field for _, field in MALFORMED])
def test_a_malformed_series_is_rejected_with_its_field_named(spec, field):
    with pytest.raises(ValueError) as raised:
        series.validate(spec)
    assert field in str(raised.value)


def test_a_builder_leaves_the_check_to_validate_but_refuses_a_sample_named_as_a_field():
    built = series.lines([1, 2, 3], {"relu": [1.0, 2.0]})  # kept as built: the harness records it, then fails it
    with pytest.raises(ValueError, match=r"lines\['relu'\]: 2 values for 3 x values"):
        series.validate(built)
    with pytest.raises(ValueError, match=r"panels\[0\]: a plot spec must be a mapping"):
        series.validate(series.panels([1, 2]))
    with pytest.raises(ValueError, match="sample label 'law' is a field name"):
        series.quantiles([0.5], [0.0], {"law": [0.1]})


def test_an_empty_series_is_no_plot():
    series.validate({})
    series.validate(None)


MALFORMED_SERIES_TEST = '''
@pytest.mark.claim("{id}")
def test_{name}(claim):
    """A planted claim whose series has one value for two labels."""
    claim.assert_verdict(all_checks_hold({{"holds": True}}, what="planted"), series={{"kind": "bars",
                         "labels": ["a", "b"], "values": [1.0]}})
'''


def test_a_claim_whose_series_cannot_be_drawn_fails_and_is_recorded(project):  # noqa: F811
    project.plant(MALFORMED_SERIES_TEST.format(id="PLANT-ONE", name="one"),
                  PASSING_TEST.format(id="PLANT-TWO", name="two"))
    outcome = run(project)
    outcome.assert_outcomes(passed=1, failed=1)
    outcome.stdout.fnmatch_lines(["*PLANT-ONE: its series cannot be drawn*values: 1 values for 2 labels*"])
    by_id = {claim["id"]: claim for claim in results(project)["claims"]}
    assert by_id["PLANT-ONE"]["verdict"] == "supported" and by_id["PLANT-ONE"]["passed"] is False
    assert by_id["PLANT-TWO"]["passed"] is True
