"""Decisions on deterministic facts (an API exists, a constant equals its closed form).

No sampling error: alpha is 0 and the interval is the observed share itself. Every check is named, so
a refutation says exactly which one failed.
"""
from __future__ import annotations

from collections.abc import Mapping

# Composition lives in verdicts.family; these names stay importable from here for the claim tests that use them.
from verdicts.family import conjunction, intersection_union, with_contrasts
from verdicts.record import REFUTED, SUPPORTED, Verdict

__all__ = ["all_checks_hold", "conjunction", "intersection_union", "with_contrasts"]


def all_checks_hold(checks: Mapping[str, bool], *, what: str) -> Verdict:
    """Supported when every named check holds, refuted when any fails."""
    if not checks:
        raise ValueError(f"no checks given for {what}")
    failed = sorted(name for name, held in checks.items() if not held)
    share = 1 - len(failed) / len(checks)
    return Verdict(
        decision=REFUTED if failed else SUPPORTED, test=f"exact check: {what}",
        statistic_name="checks failed", statistic=float(len(failed)), p_value=None, alpha=0.0, beta=0.0,
        effect_name="share of checks holding", effect=share, ci_low=share, ci_high=share, ci_level=1.0,
        n=len(checks), detectable_effect=1 / len(checks), min_effect=0.0,
        notes=tuple(f"failed: {name}" for name in failed),
    )
