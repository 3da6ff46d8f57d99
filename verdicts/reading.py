"""The plain reading of a verdict: one sentence a learner understands, from the verdict, the effect and
the margin. Words only; the numbers come from the decision."""
from __future__ import annotations

from verdicts.record import INCONCLUSIVE, NEGLIGIBLE, REFUTED, SUPPORTED, UNTESTED


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _effect(effect, low, high, effect_name: str, unit: str) -> str:
    unit_text = f" {unit}" if unit else ""
    return f"{effect_name} {_number(effect)} [{_number(low)}, {_number(high)}]{unit_text}"


def plain_reading(decision: str, *, finding: str, effect=None, ci_low=None, ci_high=None, effect_name: str = "effect",
                  unit: str = "", min_effect=None, detectable=None, underpowered: bool | None = None,
                  basis: str = "", reason: str = "") -> str:
    """One sentence: what the data say about the note's claim (`finding`, in plain words). Only the
    negligible reading names the margin, as only there does the margin decide the words: other decisions
    (equivalence, a domain, exact checks) use their margins in ways a sentence would misstate."""
    claim = finding or "the note's claim holds"
    measured = _effect(effect, ci_low, ci_high, effect_name, unit)
    source = f" ({basis})" if basis else ""
    if decision == UNTESTED:
        return f"Not tested here: {reason}"
    if decision == SUPPORTED:
        return f"The note holds{source}: {claim} ({measured})."
    if decision == NEGLIGIBLE:
        return (f"True but small{source}: {claim}, but by less than matters ({measured}, shown below the "
                f"{_number(min_effect)} that matters).")
    if decision == REFUTED:
        return f"The data contradict the note{source}: it is not so here that {claim} ({measured})."
    if decision == INCONCLUSIVE:
        power = (f"; at this size it could detect only {_number(detectable)}, more than the {_number(min_effect)} "
                 "that matters (underpowered)" if underpowered else "")
        return f"The data cannot tell{source} whether {claim} ({measured}){power}."
    return f"No verdict ({decision}): {reason}" if reason else f"No verdict ({decision})."
