"""The report's words for verdicts and numbers, shared by the claim cards, the summary and the version matrix.

A verdict is never told by colour alone: each has a symbol and its name beside the colour.
"""
from __future__ import annotations

import math

DECISIONS = ("supported", "negligible", "refuted", "inconclusive")
UNTESTED = "untested"
# Always counted on the page, even at zero; the outcomes of a run (skipped, error, not run) only when present.
COUNTED = (*DECISIONS, UNTESTED)
VERDICT_ORDER = (*COUNTED, "skipped", "error", "not run")
SYMBOLS = {"supported": "✓", "negligible": "≈", "refuted": "✗", "inconclusive": "?", "untested": "∅",
           "skipped": "↷", "error": "!", "not run": "…"}
MAX_SHORT_QUOTE = 140


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
