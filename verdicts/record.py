"""The frozen record every decision returns, and the three-way rule most decisions share."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

SUPPORTED = "supported"
REFUTED = "refuted"
INCONCLUSIVE = "inconclusive"
# Outcomes of a run rather than of a decision: a probe that raised, a claim a version cannot run.
ERROR = "error"
SKIPPED = "skipped"
NOT_RUN = "not run"
DECISIONS = (SUPPORTED, REFUTED, INCONCLUSIVE)


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

    def __post_init__(self):
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {self.decision!r}")

    def for_claim(self, claim_id: str, seed: int) -> Verdict:
        return dataclasses.replace(self, claim_id=claim_id, seed=seed)

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
        return f"could detect {self.detectable_effect:.4g} with power {1 - self.beta:.0%}"

    def summary(self) -> str:
        """The decision in plain words: test, statistic, p against alpha, effect and interval, n."""
        return f"{self.decision}: {self.test_text()}; {self.effect_text()}, n = {self.n}; {self.power_text()}"

    def as_dict(self) -> dict:
        record = dataclasses.asdict(self)
        record["notes"] = list(self.notes)
        record["summary"] = self.summary()
        return {key: _finite_or_none(value) for key, value in record.items()}


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def three_way(lower: float, upper: float, min_effect: float) -> str:
    """The rule shared by one-sided claims "the effect is positive and matters".

    `lower..upper` is a two-sided (1 - 2 alpha) interval, so each bound is a one-sided level-alpha test:
    supported when the effect is significantly above 0 and not shown smaller than `min_effect`;
    refuted when it is shown smaller than `min_effect` (the upper bound lies below it);
    inconclusive otherwise: the data cannot tell, and `detectable_effect` says what they could have told.
    """
    if upper < min_effect:
        return REFUTED
    if lower > 0:
        return SUPPORTED
    return INCONCLUSIVE


def equivalence(lower: float, upper: float, margin_low: float, margin_high: float) -> str:
    """Two one-sided tests on a (1 - 2 alpha) interval: inside the margins is equivalence,
    entirely outside them is a shown difference, anything else cannot be told at this n."""
    if margin_low < lower and upper < margin_high:
        return SUPPORTED
    if upper < margin_low or lower > margin_high:
        return REFUTED
    return INCONCLUSIVE
