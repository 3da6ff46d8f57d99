"""Draws a claim's recorded `series` (the plot specs of reports/SERIES.md) as inline SVG, with a caption.

Headless by construction: figures are `matplotlib.figure.Figure` objects rendered by the SVG backend, so
no pyplot, no display and no global backend state are involved. Text stays text in the SVG
(`svg.fonttype = none`), escaped by matplotlib's writer; every piece of recorded text is also quoted
for mathtext (a `$` in a label is a dollar sign, not a formula). No statistics are computed here.

Every figure says what it shows without colour: each line has its own marker and dash, each reference line
its own dash, and the caption (and the SVG's title and description, for a screen reader) names the lines,
the shaded bands and the reference lines. reports/plot_svg.py makes the SVG small.

A spec that cannot be drawn raises `PlotError` with the reason; the report shows the reason and the data.
"""
from __future__ import annotations

import io
import math
import textwrap
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogFormatter, NullLocator

from reports import plot_svg
from reports.plot_words import caption, description
from reports.wording import numbers_text

KINDS = ("lines", "samples", "bars", "quantiles")
COMMON_FIELDS = ("kind", "title", "x_label", "y_label", "reference", "log_x", "log_y", "band_label", "caption")
QUANTILE_FIELDS = ("probabilities", "law")
MAX_LEGEND_ENTRIES = 12
MAX_LABEL_CHARS = 48
MAX_TICK_CHARS = 24
MAX_TITLE_LINE = 58  # characters of a title line at 9.5 pt across a figure
MAX_NUMBERS = 50_000
MAX_MARKERS_PER_LINE = 16
MAX_TESTED_TICKS = 12
FIGURE_INCHES = (4.8, 3.1)
GOLDEN = (math.sqrt(5) - 1) / 2
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
DASHES = ("-", "--", "-.", ":")
REFERENCE_DASHES = ((0, (5, 3)), (0, (1, 2)), (0, (6, 2, 1, 2)), (0, (2, 4)))
REFERENCE_WORDS = ("dashed", "dotted", "dash-dotted", "loosely dashed")
STYLE = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "legend.frameon": False,
}


class PlotError(ValueError):
    """A spec that cannot be drawn; the message says which field and why."""


@dataclass(frozen=True)
class Drawing:
    """One drawn spec: the SVG element, and the caption that says what its lines, bands and markers are."""

    svg: str
    caption: str


def panels_of(series) -> list:
    """The specs to draw: the `panels` list, a single spec, or nothing for an empty series."""
    if not series:
        return []
    if isinstance(series, Mapping) and "panels" in series:
        panels = series["panels"]
        if not isinstance(panels, list):
            raise PlotError("'panels' must be a list of plot specs")
        return panels
    return [series]


def svg_for(spec, figure_id: str, context: str = "") -> Drawing:
    """One spec drawn; `figure_id` keeps its ids unique on the page, `context` (the claim) opens its title."""
    if not isinstance(spec, Mapping):
        raise PlotError(f"a plot spec must be a mapping, got {type(spec).__name__}")
    kind = spec.get("kind")
    if kind not in DRAWERS:
        raise PlotError(f"no drawing for series kind {kind!r} (known kinds: {', '.join(KINDS)})")
    size = _count_numbers(spec)
    if size > MAX_NUMBERS:
        raise PlotError(f"too large to draw: {size} numbers (reports/SERIES.md asks for a few thousand at most)")
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": figure_id}), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure = Figure(figsize=FIGURE_INCHES, layout="constrained")
        axes = figure.add_subplot()
        _scales(axes, spec)
        DRAWERS[kind](axes, spec)
        references = _decorate(axes, spec)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    title = ": ".join(part for part in (context, str(spec.get("title") or f"{kind} plot")) if part)
    svg = plot_svg.named(plot_svg.compact(buffer.getvalue()), figure_id, title, description(spec))
    return Drawing(svg, caption(spec, references))


def _count_numbers(value) -> int:
    if isinstance(value, Mapping):
        return sum(_count_numbers(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_numbers(item) for item in value)
    return 1


def text(value, limit: int = MAX_LABEL_CHARS) -> str:
    """Recorded text made safe for matplotlib: no mathtext, no legend-hiding leading underscore, short."""
    value = str(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("$", r"\$")
    return "\u200b" + value if value.startswith("_") else value


def _numbers(values, field: str) -> list[float]:
    """A list of numbers; None (diverged or missing) becomes NaN, which matplotlib leaves as a gap."""
    if not isinstance(values, list):
        raise PlotError(f"{field!r} must be a list, got {type(values).__name__}")
    numbers = []
    for value in values:
        if value is None:
            numbers.append(math.nan)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers.append(float(value))
        else:
            raise PlotError(f"{field!r} holds {value!r}, not a number")
    return numbers


def _labelled(mapping, field: str) -> dict:
    if not isinstance(mapping, Mapping) or not mapping:
        raise PlotError(f"{field!r} must be a non-empty mapping of label to values")
    return {str(label): values for label, values in mapping.items()}


def _positions(x) -> tuple[list[float], list[str] | None]:
    """Numeric x as is; any text in x (layer names, activations) makes it categorical."""
    if not isinstance(x, list) or not x:
        raise PlotError("'x' must be a non-empty list")
    if any(isinstance(value, str) for value in x):
        return list(range(len(x))), [text(value, MAX_TICK_CHARS) for value in x]
    return _numbers(x, "x"), None


def _category_ticks(axes, positions, labels):
    """Category labels, turned when they would not fit side by side."""
    crowded = sum(len(label) for label in labels) > 40 or len(labels) > 6
    axes.set_xticks(positions, labels, rotation=35 if crowded else 0, ha="right" if crowded else "center",
                    rotation_mode="anchor")


def _draw_lines(axes, spec):
    x, categories = _positions(spec.get("x"))
    styles = {}
    for index, (label, ys) in enumerate(_labelled(spec.get("lines"), "lines").items()):
        ys = _numbers(ys, f"lines.{label}")
        if len(ys) != len(x):
            raise PlotError(f"line {label!r} has {len(ys)} values for {len(x)} x values")
        every = max(1, math.ceil(len(x) / MAX_MARKERS_PER_LINE))
        line = axes.plot(x, ys, marker=MARKERS[index % len(MARKERS)], markersize=4, markevery=every,
                         linestyle=DASHES[index // len(MARKERS) % len(DASHES)], linewidth=1.3, label=text(label))[0]
        styles[label] = line.get_color()
    for label, band in (spec.get("bands") or {}).items():
        if not isinstance(band, list) or len(band) != 2:
            raise PlotError(f"band {label!r} must be [low list, high list]")
        low, high = _numbers(band[0], f"bands.{label}"), _numbers(band[1], f"bands.{label}")
        if not len(low) == len(high) == len(x):
            raise PlotError(f"band {label!r} does not match the {len(x)} x values")
        # A band named after a line is that line's interval: its colour, no legend entry of its own.
        same = {"color": styles[label], "label": None} if label in styles else {"label": text(f"band: {label}")}
        axes.fill_between(x, low, high, alpha=0.18, linewidth=0, **same)
    if categories:
        _category_ticks(axes, x, categories)
    else:
        _tested_ticks(axes.xaxis, x, bool(spec.get("log_x")))


def _tested_ticks(axis, x: list[float], log: bool):
    """Ticks at the tested values when there are few of them (learning rates, fans), labelled plainly."""
    tested = sorted({value for value in x if math.isfinite(value) and (value > 0 or not log)})
    if not 1 < len(tested) <= MAX_TESTED_TICKS:
        return
    gaps = [b - a for a, b in zip(tested, tested[1:])]
    if not log and max(gaps) > 1.5 * min(gaps):
        return  # uneven linear values would crowd: the default ticks read better
    axis.set_major_locator(FixedLocator(tested))
    axis.set_major_formatter(FuncFormatter(lambda value, _: numbers_text(value)))
    axis.set_minor_locator(NullLocator())


def _spread(count: int) -> list[float]:
    """Horizontal offsets for a strip of points: evenly spread and reproducible, no random numbers."""
    return [((index * GOLDEN) % 1 - 0.5) * 0.36 for index in range(count)]


def _draw_samples(axes, spec):
    groups = _labelled(spec.get("groups"), "groups")
    names, kept = [], []
    for label, values in groups.items():
        numbers = [value for value in _numbers(values, f"groups.{label}") if math.isfinite(value)]
        missing = len(values) - len(numbers)
        names.append(text(label, MAX_TICK_CHARS) + (f"\n({missing} missing)" if missing else ""))
        kept.append(numbers)
    positions = list(range(1, len(kept) + 1))
    drawable = [(position, values) for position, values in zip(positions, kept) if values]
    if drawable:
        axes.boxplot([values for _, values in drawable], positions=[p for p, _ in drawable], widths=0.5,
                     showfliers=False, medianprops={"color": "black"})
    for position, values in drawable:
        marker = MARKERS[(position - 1) % len(MARKERS)]
        axes.scatter([position + offset for offset in _spread(len(values))], values, s=7, alpha=0.6, zorder=3,
                     marker=marker, linewidths=0)
    _category_ticks(axes, positions, names)
    axes.grid(False, axis="x")


def _draw_bars(axes, spec):
    labels = spec.get("labels")
    if not isinstance(labels, list) or not labels:
        raise PlotError("'labels' must be a non-empty list")
    values = _numbers(spec.get("values"), "values")
    if len(values) != len(labels):
        raise PlotError(f"{len(values)} values for {len(labels)} labels")
    positions = list(range(len(labels)))
    errors = None
    if spec.get("low") is not None and spec.get("high") is not None:
        low, high = _numbers(spec["low"], "low"), _numbers(spec["high"], "high")
        if not len(low) == len(high) == len(values):
            raise PlotError("'low' and 'high' must have one entry per label")
        errors = [[abs(v - lo) for v, lo in zip(values, low)], [abs(hi - v) for v, hi in zip(values, high)]]
    axes.bar(positions, [0 if math.isnan(v) else v for v in values], yerr=errors, capsize=3, alpha=0.8)
    for position, value in zip(positions, values):
        if math.isnan(value):
            axes.annotate("n/a", (position, 0), ha="center", va="bottom", fontsize=8)
    _category_ticks(axes, positions, [text(label, MAX_TICK_CHARS) for label in labels])
    axes.grid(False, axis="x")


def _draw_quantiles(axes, spec):
    law = _numbers(spec.get("law"), "law")
    samples = {key: value for key, value in spec.items() if key not in COMMON_FIELDS + QUANTILE_FIELDS}
    if not samples:
        raise PlotError("a quantiles spec needs at least one sample's quantiles besides 'law'")
    for index, (label, quantiles) in enumerate(samples.items()):
        quantiles = _numbers(quantiles, label)
        if len(quantiles) != len(law):
            raise PlotError(f"{label!r} has {len(quantiles)} quantiles for {len(law)} law quantiles")
        axes.plot(law, quantiles, marker=MARKERS[index % len(MARKERS)], markersize=4, linewidth=1, label=text(label))
    finite = [value for value in law if math.isfinite(value)]
    if finite:
        axes.plot([min(finite), max(finite)], [min(finite), max(finite)], color="grey", linestyle=":",
                  linewidth=1, label="the law (y = x)")


def _plain_log_labels(axis):
    """Label a log axis in plain numbers (1, 10, 0.001): mathtext powers cost most of a figure's time."""
    axis.set_major_formatter(LogFormatter())
    axis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def _scales(axes, spec):
    """Log axes before drawing, so that a drawer's ticks at the tested values are not reset by the scale."""
    if spec.get("log_x"):
        axes.set_xscale("log", nonpositive="mask")
        _plain_log_labels(axes.xaxis)
    if spec.get("log_y"):
        axes.set_yscale("log", nonpositive="mask")
        _plain_log_labels(axes.yaxis)


def _decorate(axes, spec) -> list[tuple[str, str, float]]:
    """Reference lines, labels and legend; returns (dash words, label, value) per reference line."""
    reference = spec.get("reference")
    references = reference if isinstance(reference, Mapping) else {"reference": reference}
    drawn = []
    for label, value in references.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            dash = len(drawn) % len(REFERENCE_DASHES)
            axes.axhline(value, color="#444444", linestyle=REFERENCE_DASHES[dash], linewidth=1, label=text(label))
            drawn.append((REFERENCE_WORDS[dash], str(label), float(value)))
    if spec.get("title"):
        axes.set_title("\n".join(textwrap.wrap(text(spec["title"], 2 * MAX_TITLE_LINE), MAX_TITLE_LINE)), fontsize=9.5)
    for setter, field in ((axes.set_xlabel, "x_label"), (axes.set_ylabel, "y_label")):
        if spec.get(field):
            setter(text(spec[field], 70))
    handles, labels = axes.get_legend_handles_labels()
    if 1 < len(labels) <= MAX_LEGEND_ENTRIES or (len(labels) == 1 and spec["kind"] != "samples"):
        axes.legend(fontsize=7 if len(labels) > 6 else 8)
    return drawn


DRAWERS = {"lines": _draw_lines, "samples": _draw_samples, "bars": _draw_bars, "quantiles": _draw_quantiles}
