"""The words that go with a plot: a caption that says what its lines, markers, bands and reference lines
are, and a description of its data for a screen reader (the SVG's `<desc>`). Only recorded values are
named (first and last points, ranges); nothing is estimated.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from reports.wording import numbers_text, short

MARKER_WORDS = ("circles", "squares", "triangles", "diamonds", "down-triangles", "plus signs", "crosses", "stars",
                "left-triangles", "right-triangles", "hexagons", "pentagons")
MAX_DESCRIBED = 12
MAX_DESCRIPTION_CHARS = 900
BOXES = ("one point per recorded value; the box spans the middle half of the values, its black line is the "
         "median, the whiskers reach the furthest value within 1.5 box lengths")
UNSAID_BAND = "the band recorded with each line (the series does not say what it spans)"


def _values(values) -> list[float]:
    if not isinstance(values, list):
        return []
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]


def _named(labels) -> str:
    labels = [str(label) for label in labels]
    shown = ", ".join(f"{short(label, 40)} ({MARKER_WORDS[index % len(MARKER_WORDS)]})"
                      for index, label in enumerate(labels[:MAX_DESCRIBED]))
    return shown + (f" and {len(labels) - MAX_DESCRIBED} more" if len(labels) > MAX_DESCRIBED else "")


def caption(spec: Mapping, references: list[tuple[str, str, float]]) -> str:
    """What the reader sees, in words: the spec's own caption first, then its marks and lines."""
    kind = spec.get("kind")
    said = [str(spec["caption"])] if spec.get("caption") else []
    lines = spec.get("lines") if isinstance(spec.get("lines"), Mapping) else {}
    if kind == "lines" and lines:
        said.append(f"Lines: {_named(lines)}")
        if spec.get("bands"):
            said.append(f"Shaded: {spec.get('band_label') or UNSAID_BAND}")
    elif kind == "samples":
        said.append(BOXES[0].upper() + BOXES[1:])
    elif kind == "bars":
        bars = spec.get("band_label") or "the recorded low to high"
        said.append("Bars: the recorded values" + (f"; error bars: {bars}" if spec.get("low") is not None else ""))
    elif kind == "quantiles":
        samples = [key for key in spec if key not in ("kind", "title", "x_label", "y_label", "reference", "log_x",
                                                      "log_y", "band_label", "caption", "probabilities", "law")]
        said.append(f"Each sample's quantiles against the law's: {_named(samples)}; on the dotted line y = x a "
                    "sample follows the law exactly")
    said += [f"{words.capitalize()} line: {label} at {numbers_text(value)}" for words, label, value in references]
    if spec.get("log_x") or spec.get("log_y"):
        said.append(f"{' and '.join(axis for axis, key in (('x', 'log_x'), ('y', 'log_y')) if spec.get(key))} on a "
                    "log scale")
    return ". ".join(said) + "." if said else ""


def _range(values: list[float]) -> str:
    if not values:
        return "no finite value"
    low, high = min(values), max(values)
    return numbers_text(low) if low == high else f"{numbers_text(low)} to {numbers_text(high)}"


def description(spec: Mapping) -> str:
    """The data in words, for a screen reader: per line its first and last value, per group its range."""
    kind = spec.get("kind")
    axes = f"{spec.get('y_label') or 'value'}" + (f" against {spec['x_label']}" if spec.get("x_label") else "")
    parts = []
    if kind == "lines":
        x = spec.get("x") if isinstance(spec.get("x"), list) else []
        for label, ys in list((spec.get("lines") or {}).items())[:MAX_DESCRIBED]:
            pairs = [(xi, y) for xi, y in zip(x, ys if isinstance(ys, list) else [])
                     if isinstance(y, (int, float)) and math.isfinite(y)]
            if pairs:
                (x0, y0), (x1, y1) = pairs[0], pairs[-1]
                parts.append(f"{label}: {numbers_text(y0)} at {x0}, {numbers_text(y1)} at {x1}")
        opening = f"Line chart of {axes}"
    elif kind == "samples":
        for label, values in list((spec.get("groups") or {}).items())[:MAX_DESCRIBED]:
            found = _values(values)
            parts.append(f"{label}: {len(found)} values, {_range(found)}")
        opening = f"Box and strip chart of {axes}"
    elif kind == "bars":
        labels = spec.get("labels") if isinstance(spec.get("labels"), list) else []
        values = spec.get("values") if isinstance(spec.get("values"), list) else []
        parts = [f"{label}: {numbers_text(value)}" for label, value in list(zip(labels, values))[:MAX_DESCRIBED]]
        opening = f"Bar chart of {axes}"
    else:
        opening = f"Quantile-quantile plot of {axes}"
    text = f"{opening}. " + "; ".join(parts)
    return text if len(text) <= MAX_DESCRIPTION_CHARS else text[:MAX_DESCRIPTION_CHARS - 1] + "…"
