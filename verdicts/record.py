"""The frozen record every decision returns, and the rules most decisions share.

A one-sided claim with a margin ("ELU is slower, by at least the 10% that matters") has four outcomes:
*supported* (the direction is shown and the effect is not shown below the margin), *negligible* (the
direction is shown, but the effect is shown below the margin: true but small), *refuted* (the effect is
shown absent or opposite: below the margin without a shown direction), and *inconclusive*.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

SUPPORTED = "supported"
NEGLIGIBLE = "negligible"
REFUTED = "refuted"
INCONCLUSIVE = "inconclusive"
# The catalog says the claim cannot be tested fairly with what this suite can run: no verdict.
UNTESTED = "untested"
# Outcomes of a run rather than of a decision: a probe that raised, a claim a version cannot run.
ERROR = "error"
SKIPPED = "skipped"
NOT_RUN = "not run"
DECISIONS = (SUPPORTED, NEGLIGIBLE, REFUTED, INCONCLUSIVE)
# From the weakest to the strongest, for conjunctions: one refuted part refutes the whole, one
# inconclusive part leaves it open, a negligible part makes a whole that holds only by a small margin.
STRENGTH = {REFUTED: 0, INCONCLUSIVE: 1, NEGLIGIBLE: 2, SUPPORTED: 3}


@dataclass(frozen=True)
class Verdict:
    """What a decision concluded and everything needed to judge it.

    `effect` is the estimate of the claim's effect in `effect_name` units, `ci_low..ci_high` its
    confidence interval at `ci_level`; `detectable_effect` is the smallest effect the decision had
    power 1 - beta to find at this `n`. `claim_id` and `seed` are filled in when a claim records it.
    """

    decision: str
    test: str
    statistic_name: str
    statistic: float
    p_value: float | None
    alpha: float
    effect_name: str
    effect: float
    ci_low: float
    ci_high: float
    n: int
    detectable_effect: float
    beta: float = 0.05
    ci_level: float = 0.95
    min_effect: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    claim_id: str | None = None
    seed: int | None = None
    # A group-sequential decision's stopping record (verdicts.sequential): stage, stages, n, n_planned, levels.
    stage: dict | None = None

    def __post_init__(self):
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {self.decision!r}")

    def for_claim(self, claim_id: str, seed: int) -> Verdict:
        return dataclasses.replace(self, claim_id=claim_id, seed=seed)

    def at_stage(self, stage: dict) -> Verdict:
        return dataclasses.replace(self, stage=dict(stage))

    def noting(self, *notes: str) -> Verdict:
        return dataclasses.replace(self, notes=self.notes + tuple(notes))

    def as_decision(self, decision: str, *notes: str) -> Verdict:
        return dataclasses.replace(self, decision=decision, notes=self.notes + tuple(notes))

    def test_text(self) -> str:
        """The test, its statistic and p against alpha."""
        p = "n/a" if self.p_value is None else f"{self.p_value:.3g}"
        return f"{self.test}, {self.statistic_name} = {self.statistic:.4g}, p = {p} vs alpha = {self.alpha:g}"

    def effect_text(self) -> str:
        """The effect with its interval."""
        return (f"{self.effect_name} = {self.effect:.4g} [{self.ci_low:.4g}, {self.ci_high:.4g}] "
                f"({self.ci_level * 100:.4g}% CI)")

    def power_text(self) -> str:
        flag = f" (underpowered: the margin that matters is {self.min_effect:.4g})" if self.underpowered else ""
        return f"could detect {self.detectable_effect:.4g} with power {1 - self.beta:.0%}{flag}"

    @property
    def underpowered(self) -> bool | None:
        """True when the smallest effect it could detect at this n exceeds the smallest that matters.

        None where no positive margin was stated (a claim "above zero" has no size to reach)."""
        if self.min_effect is None or not self.min_effect > 0 or not math.isfinite(self.detectable_effect):
            return None
        return self.detectable_effect > self.min_effect

    def summary(self) -> str:
        """The decision in plain words: test, statistic, p against alpha, effect and interval, n."""
        return f"{self.decision}: {self.test_text()}; {self.effect_text()}, n = {self.n}; {self.power_text()}"

    def as_dict(self) -> dict:
        record = dataclasses.asdict(self)
        record["notes"] = list(self.notes)
        record["summary"] = self.summary()
        record["underpowered"] = self.underpowered
        return {key: _finite_or_none(value) for key, value in record.items()}


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def one_sided(direction_shown: bool, upper: float, min_effect: float) -> str:
    """The rule of one-sided claims "the effect is positive and matters", given whether a level-alpha
    test showed the direction and the upper end of the effect's interval.

    Supported: the direction is shown and the effect is not shown smaller than `min_effect`.
    Negligible: the direction is shown, and so is an effect smaller than `min_effect` (true but small).
    Refuted: the effect is shown smaller than `min_effect` and its direction is not shown (absent or opposite).
    Inconclusive otherwise: the data cannot tell, and `detectable_effect` says what they could have told.
    """
    if upper < min_effect:
        return NEGLIGIBLE if direction_shown else REFUTED
    return SUPPORTED if direction_shown else INCONCLUSIVE


def three_way(lower: float, upper: float, min_effect: float) -> str:
    """`one_sided` on a two-sided (1 - 2 alpha) interval: each bound is a one-sided level-alpha test, and
    the direction is shown when the lower bound is above 0. (Named before the fourth outcome existed.)"""
    return one_sided(lower > 0, upper, min_effect)


def unless_significant(decision: str, significant: bool) -> str:
    """Where a test's p-value must confirm what an interval shows: without it, a shown direction is not
    shown (supported becomes inconclusive, negligible becomes refuted)."""
    if significant:
        return decision
    return {SUPPORTED: INCONCLUSIVE, NEGLIGIBLE: REFUTED}.get(decision, decision)


def equivalence(lower: float, upper: float, margin_low: float, margin_high: float) -> str:
    """Two one-sided tests on a (1 - 2 alpha) interval: inside the margins is equivalence,
    entirely outside them is a shown difference, anything else cannot be told at this n."""
    if margin_low < lower and upper < margin_high:
        return SUPPORTED
    if upper < margin_low or lower > margin_high:
        return REFUTED
    return INCONCLUSIVE
