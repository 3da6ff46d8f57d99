"""The report's words for verdicts and numbers, shared by the claim cards, the summary and the version matrix.

A verdict is never told by colour alone: each has a symbol and its name beside the colour.
"""
from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

DECISIONS = ("supported", "negligible", "refuted", "inconclusive")
UNTESTED = "untested"
# Always counted on the page, even at zero; the outcomes of a run (skipped, error, not run) only when present.
COUNTED = (*DECISIONS, UNTESTED)
VERDICT_ORDER = (*COUNTED, "skipped", "error", "not run")
SYMBOLS = {"supported": "✓", "negligible": "≈", "refuted": "✗", "inconclusive": "?", "untested": "∅",
           "skipped": "↷", "error": "!", "not run": "…"}
MAX_SHORT_QUOTE = 140
NOTE_MARKUP = re.compile(r"<(sub|sup)>([^<>]*)</\1>|(?<![\w#*])([#*])(?=\S)([^#*<>]*?\S)\3(?![\w#*])")


def number(value, digits: int = 4) -> str:
    """A recorded number for reading: 4 significant digits, `n/a` where nothing was recorded."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}g}" if math.isfinite(value) else str(value)
    return str(value)


def interval(low, high) -> str:
    return f"[{number(low)}, {number(high)}]"


def verdict_class(verdict) -> str:
    """A CSS class for a verdict; anything unrecognised is styled as `other`, never trusted as a class."""
    return verdict.replace(" ", "-") if verdict in VERDICT_ORDER else "other"


def symbol(verdict) -> str:
    return SYMBOLS.get(verdict, "")


def short(text, limit: int = MAX_SHORT_QUOTE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def strings(values) -> list[str]:
    """A recorded list as strings; a single value as a list of one; nothing as an empty list."""
    return [str(value) for value in values] if isinstance(values, list) else [] if values is None else [str(values)]


def _decimals(low, high) -> int | None:
    """Decimal places that show an interval's width to two significant digits; None for a zero width."""
    width = abs(high - low)
    if not math.isfinite(width) or width == 0:
        return None
    return 1 - math.floor(math.log10(width))


def _at(value: float, decimals: int | None, reach: float) -> str:
    """`value` at `decimals` places (negative: rounded to tens, hundreds...), or at 4 significant digits
    where no interval sets the precision; scientific beyond a million or for what fixed decimals would hide."""
    if value == 0:
        return "0"
    if decimals is None:
        return numbers_text(value)
    if reach >= 1e6 or decimals > 6:
        significant = max(2, min(6, math.floor(math.log10(reach)) + decimals + 1)) if reach > 0 else 2
        return f"{value:.{significant}g}"
    text = f"{value:.{max(decimals, 0)}f}" if decimals >= 0 else f"{round(value, decimals):.0f}"
    return "0" if float(text) == 0 and text.lstrip("-").strip("0.") == "" else text


def estimate(value, low, high, suffix: str = "") -> str:
    """An estimate and its interval at the precision the interval supports: 0.0009822 [-0.004836, 0.006801]
    reads 0.001 [-0.005, 0.007]; `suffix` (a unit sign such as ×) follows each number."""
    finite = [v for v in (value, low, high) if isinstance(v, (int, float)) and not isinstance(v, bool)
              and math.isfinite(v)]
    if len(finite) < 3:
        return f"{number(value)}{suffix} {interval(low, high)}"
    decimals = _decimals(low, high)
    reach = max(abs(v) for v in finite)
    if decimals is None:
        return f"{_at(value, None, reach)}{suffix}"
    return f"{_at(value, decimals, reach)}{suffix} [{_at(low, decimals, reach)}, {_at(high, decimals, reach)}]"


def numbers_text(value) -> str:
    """A number read alone (a tick, a threshold): up to 4 significant digits, no exponent between 0.001 and
    a million."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return number(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e6:
        return f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:.4g}"
    return f"{value:.3g}"


def p_text(p) -> str:
    """A p-value as a reader needs it: two digits, and bounds beyond 0.001 and 0.99."""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not math.isfinite(p):
        return "no p-value"
    if p < 0.001:
        return "p < 0.001"
    if p > 0.99:
        return "p > 0.99"
    return f"p = {p:.2g}"


def level_text(level) -> str:
    """A confidence level: 0.98 reads '98% CI', 1 (an exact check, no sampling error) 'exact'."""
    if not isinstance(level, (int, float)) or isinstance(level, bool):
        return "CI of unrecorded level"
    if level >= 1:
        return "exact"
    return f"{numbers_text(level * 100)}% CI"


def quote_markup(text) -> Markup:
    """The note's quote as HTML: every character escaped except the note's own markup, which is shown as
    markup: `<sub>` and `<sup>` (fan<sub>avg</sub>), and `#words#` or `*words*`, the note's emphasis, in italics."""
    text = " ".join(str(text).split())
    pieces, position = [], 0
    for found in NOTE_MARKUP.finditer(text):
        pieces.append(escape(text[position:found.start()]))
        tag, inner = (found.group(1), found.group(2)) if found.group(1) else ("em", found.group(4))
        pieces.append(Markup(f"<{tag}>") + escape(inner) + Markup(f"</{tag}>"))
        position = found.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def short_quote_markup(text, limit: int = MAX_SHORT_QUOTE) -> Markup:
    """A quote for the overview: whole with its markup when short, else shortened as plain words."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return quote_markup(text)
    return escape(short(NOTE_MARKUP.sub(lambda found: found.group(2) or found.group(4), text), limit))
