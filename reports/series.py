"""Builders of the `series` plot specs a claim records (reports/SERIES.md), and the check of any series.

A claim builds its series with these rather than by writing dicts: `lines`, `samples`, `bars` and
`quantiles` make one spec of their kind, `panels` joins several, `per_layer_lines` makes a `lines` spec from
per-draw tables. Each returns the plain dict reports/plots.py draws, holding only the fields given (an
optional field left at None is absent). Values may be numpy arrays and scalars: the harness makes them plain
(pytest_deepclaims.jsonable) when it records the result.

`validate(series)` checks a whole series (empty, one spec, or `{"panels": [...]}`) against SERIES.md and
raises `ValueError` naming the offending field (`panels[1].lines['relu']: 3 values for 4 x values`). The
harness calls it when a claim records its result, after the verdict is kept, so a series that cannot be
drawn fails its claim without losing the verdict; the builders themselves do not check. numpy only: no
statistics, no TensorFlow.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

KINDS = ("lines", "samples", "bars", "quantiles")
TEXT_FIELDS = ("title", "x_label", "y_label", "band_label", "caption")
FLAG_FIELDS = ("log_x", "log_y")
COMMON_FIELDS = ("kind", *TEXT_FIELDS, *FLAG_FIELDS, "reference")
KIND_FIELDS = {"lines": ("x", "lines", "bands"), "samples": ("groups",), "bars": ("labels", "values", "low", "high"),
               "quantiles": ("probabilities", "law")}
BAND_QUANTILES = (0.05, 0.95)


def _spec(kind: str, fields: dict, common: dict) -> dict:
    return {"kind": kind, **{key: value for key, value in {**fields, **common}.items() if value is not None}}


def lines(x, lines: Mapping, *, bands: Mapping | None = None, title: str | None = None, x_label: str | None = None,
          y_label: str | None = None, reference=None, log_x: bool | None = None, log_y: bool | None = None,
          band_label: str | None = None, caption: str | None = None) -> dict:
    """One line per label over `x` (numbers, or text for categories); None in a line is a gap (diverged or
    missing); `bands` {label: [low, high]}: a shaded interval, a line's own when named after it."""
    return _spec("lines", {"x": x, "lines": lines, "bands": bands},
                 {"title": title, "x_label": x_label, "y_label": y_label, "reference": reference, "log_x": log_x,
                  "log_y": log_y, "band_label": band_label, "caption": caption})


def samples(groups: Mapping, *, title: str | None = None, x_label: str | None = None, y_label: str | None = None,
            reference=None, log_y: bool | None = None, caption: str | None = None) -> dict:
    """A strip and box plot per group {label: values} (timings, per-seed losses)."""
    return _spec("samples", {"groups": groups}, {"title": title, "x_label": x_label, "y_label": y_label,
                                                 "reference": reference, "log_y": log_y, "caption": caption})


def bars(labels, values, *, low=None, high=None, title: str | None = None, x_label: str | None = None,
         y_label: str | None = None, reference=None, log_y: bool | None = None, band_label: str | None = None,
         caption: str | None = None) -> dict:
    """One bar per label, with error bars from `low` to `high` when both are given."""
    return _spec("bars", {"labels": labels, "values": values, "low": low, "high": high},
                 {"title": title, "x_label": x_label, "y_label": y_label, "reference": reference, "log_y": log_y,
                  "band_label": band_label, "caption": caption})


def quantiles(probabilities, law, sample_quantiles: Mapping, *, title: str | None = None, x_label: str | None = None,
              y_label: str | None = None, caption: str | None = None) -> dict:
    """A Q-Q plot: each sample's quantiles {label: list} at `probabilities` against the law's quantiles `law`."""
    clashing = sorted(set(sample_quantiles) & {*COMMON_FIELDS, *KIND_FIELDS["quantiles"]})
    if clashing:
        raise ValueError(f"quantiles: sample label {clashing[0]!r} is a field name of the spec")
    return _spec("quantiles", {"probabilities": probabilities, "law": law, **sample_quantiles},
                 {"title": title, "x_label": x_label, "y_label": y_label, "caption": caption})


def panels(*specs: Mapping) -> dict:
    """Several specs drawn one after another."""
    return {"panels": list(specs)}


def per_layer_lines(tables: Mapping, *, title: str, y_label: str, first_layer: int = 1,
                    x_label: str = "layer (1 = next to the input)", log_y: bool = True, reference=None) -> dict:
    """A `lines` spec from {label: array (draws, layers)} of positive values: the geometric mean over
    draws per layer, with a band from the 5% to the 95% quantile of the draws."""
    layers = next(iter(tables.values())).shape[1]
    return lines(list(range(first_layer, first_layer + layers)),
                 {label: list(np.exp(np.log(table).mean(axis=0))) for label, table in tables.items()},
                 bands={label: [list(np.quantile(table, q, axis=0)) for q in BAND_QUANTILES]
                        for label, table in tables.items()},
                 title=title, x_label=x_label, y_label=y_label, log_y=log_y, reference=reference)


def validate(series) -> None:
    """Raise ValueError, naming the field, unless `series` is empty, one spec, or {"panels": [spec, ...]}."""
    if series is None or (isinstance(series, Mapping) and not series):
        return
    if not isinstance(series, Mapping):
        raise ValueError(f"series: a mapping (one spec, or {{'panels': [...]}}), got {type(series).__name__}")
    if "panels" not in series:
        _check_spec(series, "")
        return
    if set(series) != {"panels"}:
        raise ValueError(f"series: {sorted(set(series) - {'panels'})[0]!r} beside 'panels' (a series of panels "
                         "holds only 'panels')")
    if not isinstance(series["panels"], list):
        raise ValueError(f"panels: a list of plot specs, got {type(series['panels']).__name__}")
    for index, spec in enumerate(series["panels"]):
        _check_spec(spec, f"panels[{index}].")


def _check_spec(spec, where: str) -> None:
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where.rstrip('.') or 'series'}: a plot spec must be a mapping, got {type(spec).__name__}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}kind: {kind!r} is not one of {', '.join(KINDS)}")
    for field in TEXT_FIELDS:
        if field in spec and not isinstance(spec[field], str):
            raise ValueError(f"{where}{field}: text, got {type(spec[field]).__name__}")
    for field in FLAG_FIELDS:
        if field in spec and not isinstance(spec[field], bool | np.bool_):
            raise ValueError(f"{where}{field}: true or false, got {spec[field]!r}")
    if "reference" in spec:
        _check_reference(spec["reference"], f"{where}reference")
    if kind != "quantiles":
        unknown = sorted(set(spec) - {*COMMON_FIELDS, *KIND_FIELDS[kind]})
        if unknown:
            raise ValueError(f"{where}{unknown[0]}: not a field of a {kind} spec (reports/SERIES.md)")
    CHECKS[kind](spec, where)


def _check_reference(value, field: str) -> None:
    if isinstance(value, Mapping):
        if not value:
            raise ValueError(f"{field}: an empty mapping")
        for label, number in value.items():
            _number(number, f"{field}[{label!r}]")
    else:
        _number(value, field)


def _number(value, field: str, *, missing: bool = False) -> None:
    if value is None and missing:
        return
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{field}: {value!r} is not a number")


def _values(value, field: str, *, length: int | None = None, of: str = "", missing: bool = True,
            empty: bool = True) -> list:
    """A list (tuple, 1-d array) of numbers, None allowed where `missing`; `length` entries (one per `of`)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValueError(f"{field}: a list, got {type(value).__name__}")
    if not empty and not value:
        raise ValueError(f"{field}: an empty list")
    if length is not None and len(value) != length:
        raise ValueError(f"{field}: {len(value)} values for {length} {of}")
    for index, item in enumerate(value):
        _number(item, f"{field}[{index}]", missing=missing)
    return list(value)


def _non_empty_list(value, field: str) -> list:
    """`value` as a list (an array's values), which must be a non-empty sequence and not a string."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"{field}: a non-empty list")
    return value


def _labelled(value, field: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{field}: a non-empty mapping of label to values")
    return value


def _check_lines(spec, where: str) -> None:
    x = _non_empty_list(spec.get("x"), f"{where}x")
    if not any(isinstance(value, str) for value in x):
        _values(x, f"{where}x", missing=False)
    for label, ys in _labelled(spec.get("lines"), f"{where}lines").items():
        _values(ys, f"{where}lines[{label!r}]", length=len(x), of="x values")
    bands = spec.get("bands", {})
    if not isinstance(bands, Mapping):
        raise ValueError(f"{where}bands: a mapping of label to [low list, high list]")
    for label, band in bands.items():
        field = f"{where}bands[{label!r}]"
        if isinstance(band, str) or not isinstance(band, Sequence | np.ndarray) or len(band) != 2:
            raise ValueError(f"{field}: [low list, high list]")
        _values(band[0], f"{field}[0]", length=len(x), of="x values")
        _values(band[1], f"{field}[1]", length=len(x), of="x values")


def _check_samples(spec, where: str) -> None:
    for label, values in _labelled(spec.get("groups"), f"{where}groups").items():
        _values(values, f"{where}groups[{label!r}]")


def _check_bars(spec, where: str) -> None:
    labels = _non_empty_list(spec.get("labels"), f"{where}labels")
    _values(spec.get("values"), f"{where}values", length=len(labels), of="labels")
    if ("low" in spec) != ("high" in spec):
        raise ValueError(f"{where}{'high' if 'low' in spec else 'low'}: missing ('low' and 'high' come together)")
    for field in ("low", "high"):
        if field in spec:
            _values(spec[field], f"{where}{field}", length=len(labels), of="labels")


def _check_quantiles(spec, where: str) -> None:
    probabilities = _values(spec.get("probabilities"), f"{where}probabilities", missing=False, empty=False)
    if not all(0 <= p <= 1 for p in probabilities):
        raise ValueError(f"{where}probabilities: each within [0, 1]")
    _values(spec.get("law"), f"{where}law", length=len(probabilities), of="probabilities")
    sample_labels = [key for key in spec if key not in {*COMMON_FIELDS, *KIND_FIELDS["quantiles"]}]
    if not sample_labels:
        raise ValueError(f"{where.rstrip('.') or 'quantiles'}: a quantiles spec needs at least one sample's "
                         "quantiles besides 'law'")
    for label in sample_labels:
        _values(spec[label], f"{where}{label}", length=len(probabilities), of="probabilities")


CHECKS = {"lines": _check_lines, "samples": _check_samples, "bars": _check_bars, "quantiles": _check_quantiles}
