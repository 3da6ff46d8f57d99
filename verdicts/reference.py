"""Pooled references: the headline of a claim whose per-run verdict is not stable over seeds.

Where no per-run size within the CI budget gives a verdict that holds over fresh seeds, the claim is
decided on the pooled evidence of many runs (its calibration: R runs of n seeds each), and each run is
checked for consistency with that reference instead of for a verdict its base seed happened to give.

    python -m verdicts.reference RESULTS.json CLAIM-ID   # the reference from a `--calibrate R` results file
    python -m verdicts.reference B.json:10 D.json --claim ID --joint --alpha 0.05   # a claim of parts, pooled
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats

from verdicts.record import SUPPORTED, one_sided
from verdicts.self_normalization import pooled_conv_parts

# Claims of several parts whose pooled headline joins the parts' pooled decisions as the per-run test does.
JOINT_POOLED = {"SELU-CONVOLUTIONAL": pooled_conv_parts}

# The per-run consistency checks of the pooled claims decided on trained or drawn networks fail a correct suite
# run with at most this probability together: one run of the suite faces all of them, so at 1% each it would
# fail about 1 correct run in 20 (Bonferroni over the gates). A fixed base seed that sits in its reference's
# tail makes this matter: ACT-HIGH-LEAK-BETTER's gives 0.0567 on one 2-core machine type and 0.0655 on another
# (float rounding differs between CPU kernels and a long training amplifies it), and 0.0655 lay outside 99%.
CONSISTENCY_FAMILY_ALPHA = 0.01
# The catalog's pooled claims that are not timings (a self-test checks that this counts them all).
POOLED_GATES = 5
CONSISTENCY_ALPHA = CONSISTENCY_FAMILY_ALPHA / POOLED_GATES
# A timing claim's run is its own serial session (`tox -e speed`, reported in CI, not gating), and another CPU
# can really shift a time ratio, which its gate should show: its check keeps 1%, and its reference describes
# the machine type it was pooled on.
TIMING_CONSISTENCY_ALPHA = 0.01


def consistency_alpha(kind: str) -> float:
    """The consistency check's false-fail rate for a claim of this catalog `kind`."""
    return TIMING_CONSISTENCY_ALPHA if kind == "speed" else CONSISTENCY_ALPHA


# A negative control drawn from a true null comes out supported at its test's level by construction (5% of
# runs at alpha 0.05), which would fail correct runs as often. A run fails on its control when the control
# is supported at this level (p below it; an exact control, with no p-value, whenever it is supported), so
# the control costs a correct claim no more than the consistency check does.
CONTROL_ALPHA = 0.01


def pooled_reference(run_effects, *, alpha: float, min_effect: float) -> dict:
    """The mean of R runs' effects with its Student t interval (1 - 2 alpha, each end a one-sided
    level-alpha test, as the per-run decisions use), decided by the one-sided rule on that interval."""
    effects = np.asarray(run_effects, dtype=float)
    if effects.size < 2 or not np.all(np.isfinite(effects)):
        raise ValueError(f"need at least 2 finite run effects, got {effects.size}")
    runs, mean, sd = effects.size, float(effects.mean()), float(effects.std(ddof=1))
    half = stats.t.ppf(1 - alpha, runs - 1) * sd / math.sqrt(runs)
    p_value = float(stats.ttest_1samp(effects, 0.0, alternative="greater").pvalue)
    return {"verdict": one_sided(p_value < alpha, mean + half, min_effect), "effect": mean, "ci_low": mean - half,
            "ci_high": mean + half, "ci_level": 1 - 2 * alpha, "runs": runs, "run_sd": sd, "p_value": p_value}


def prediction_interval(reference, alpha: float = CONSISTENCY_ALPHA) -> tuple[float, float]:
    """Where one more run's effect falls with probability 1 - alpha, if runs behave as the reference's:
    mean ± t(R - 1) · run SD · sqrt(1 + 1/R)."""
    runs, sd = int(reference["runs"]), float(reference["run_sd"])
    half = stats.t.ppf(1 - alpha / 2, runs - 1) * sd * math.sqrt(1 + 1 / runs)
    return float(reference["effect"]) - float(half), float(reference["effect"]) + float(half)


def consistent_with_reference(effect: float | None, reference, alpha: float = CONSISTENCY_ALPHA) -> dict:
    """This run's effect against the reference's prediction interval (a diverged run's missing effect is
    inconsistent)."""
    low, high = prediction_interval(reference, alpha)
    consistent = effect is not None and math.isfinite(effect) and low <= effect <= high
    return {"prediction_low": float(low), "prediction_high": float(high), "prediction_level": 1 - alpha,
            "consistent": bool(consistent)}


def judge_run(decision: str, effect: float | None, *, expected: str, reference=None, pin=None,
              control_decision: str | None = None, watch=None, watched: float | None = None,
              control_p_value: float | None = None, kind: str = "empirical") -> dict:
    """What one run of a claim must show to pass, decided jointly: its verdict equals the expected one
    (or, with a pooled reference, its effect lies within the reference's prediction interval, and the
    headline is the reference's verdict); the part a pinned verdict still holds to (`pin`: bounds on the
    effect) still holds; and the negative control, where the effect is absent by construction, is not
    supported; and a watched finding (`watch`: its bounds, `watched`: its value) stays within its bounds.
    The prediction interval's level follows the claim's catalog `kind` (`consistency_alpha`). `failures`
    says, one line each, what did not hold."""
    failures = []
    consistency = None
    if reference is not None:
        consistency = consistent_with_reference(effect, reference, consistency_alpha(kind))
        headline = reference["verdict"]
        if not consistency["consistent"]:
            failures.append(f"effect {effect if effect is None else format(effect, '.4g')} lies outside the pooled "
                            f"reference's {consistency['prediction_level']:.2%} prediction interval "
                            f"[{consistency['prediction_low']:.4g}, {consistency['prediction_high']:.4g}] for one run")
    else:
        headline = decision
        if decision != expected:
            failures.append(f"expected {expected}, observed {decision}")
    pin_holds = None
    if pin is not None:
        low, high = pin.get("low", -math.inf), pin.get("high", math.inf)
        pin_holds = bool(effect is not None and math.isfinite(effect) and low <= effect <= high)
        if not pin_holds:
            failures.append(f"what still held no longer does ({pin['what']}): effect "
                            f"{effect if effect is None else format(effect, '.4g')} outside [{low:.4g}, {high:.4g}]")
    watch_holds = None
    if watch is not None:
        low, high = watch.get("low") or -math.inf, watch.get("high") or math.inf
        watch_holds = bool(watched is not None and math.isfinite(watched) and low <= watched <= high)
        if not watch_holds:
            failures.append(f"a watched finding no longer holds ({watch['what']}): "
                            f"{watched if watched is None else format(watched, '.4g')} outside [{low:.4g}, {high:.4g}]")
    control_supported = control_decision == SUPPORTED and (control_p_value is None
                                                            or control_p_value < CONTROL_ALPHA)
    if control_supported:
        failures.append(f"the negative control (the effect absent by construction) came out supported "
                        f"(p below {CONTROL_ALPHA:g}): this decision cannot go the other way")
    return {"headline": headline, "consistency": consistency, "pin_holds": pin_holds, "watch_holds": watch_holds,
            "control_supported": control_supported, "failures": failures}


def _calibration(path: str, claim_id: str) -> tuple[dict, dict]:
    """`PATH` or `PATH:FIRST` (its rounds from FIRST on, counting from 0): the claim's record and its
    calibration restricted to those rounds (per-round lists, `parts` included)."""
    name, _, first = path.rpartition(":") if path.rpartition(":")[2].isdigit() else (path, "", "0")
    document = json.loads(Path(name).read_text(encoding="utf-8"))
    claim = next((c for c in document.get("claims", []) if c.get("id") == claim_id), None)
    if claim is None or "calibration" not in claim:
        raise LookupError(f"{name}: no calibration of {claim_id} (run it with --calibrate R)")
    start = int(first)
    calibration = {key: value[start:] for key, value in claim["calibration"].items() if isinstance(value, list)}
    calibration["parts"] = {part: values[start:] for part, values in claim["calibration"].get("parts", {}).items()}
    return claim, calibration


def _pooled_rounds(paths, claim_id: str) -> tuple[dict, dict]:
    """Several calibrations of one claim as one: their rounds in order (a part a file lacks counts as None)."""
    loaded = [_calibration(path, claim_id) for path in paths]
    effects = [effect for _, calibration in loaded for effect in calibration["effects"]]
    names = sorted({part for _, calibration in loaded for part in calibration["parts"]})
    parts = {part: [value for _, calibration in loaded
                    for value in calibration["parts"].get(part, [None] * len(calibration["effects"]))]
             for part in names}
    return loaded[0][0], {"effects": effects, "parts": parts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+",
                        help="results.json files written with --calibrate R, pooled in order; PATH:FIRST keeps its "
                             "rounds from FIRST on (counting from 0), to leave out rounds already seen; without "
                             "--claim, the last one is the claim id (RESULTS CLAIM)")
    parser.add_argument("--claim", default=None, help="the claim id")
    parser.add_argument("--alpha", type=float, default=None,
                        help="the catalog's alpha (default: the recorded verdict's, which a family may have split; "
                             "required with --joint)")
    parser.add_argument("--min-effect", type=float, default=None, help="the catalog's margin (default: the record's)")
    parser.add_argument("--joint", action="store_true",
                        help="decide a claim of several parts on its pooled parts, as its per-run test joins them")
    parser.add_argument("--control", action="store_true", help="with --joint: decide the negative control's parts")
    parser.add_argument("--part", default=None,
                        help="pool this part's effects (a claim of several parts records them round by round)")
    args = parser.parse_args(argv)
    if args.claim is None:
        if len(args.results) < 2:
            parser.error("give RESULTS... CLAIM, or --claim ID")
        args.results, args.claim = args.results[:-1], args.results[-1]
    try:
        claim, calibration = _pooled_rounds(args.results, args.claim)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
    alpha = claim["alpha"] if args.alpha is None else args.alpha
    min_effect = claim["min_effect"] if args.min_effect is None else args.min_effect
    effects = calibration["effects"]
    if args.joint:
        if args.claim not in JOINT_POOLED or args.alpha is None:
            print(f"--joint needs --alpha (the catalog's) and a claim among {sorted(JOINT_POOLED)}", file=sys.stderr)
            return 2
        verdict = JOINT_POOLED[args.claim](calibration["parts"], alpha=alpha, beta=claim["beta"],
                                           control=args.control)
        print(json.dumps(verdict.as_dict(), indent=1))
        return 0
    if args.part is not None:
        if args.part not in calibration["parts"]:
            print(f"{args.claim} records no part {args.part!r} (parts: {sorted(calibration['parts'])})",
                  file=sys.stderr)
            return 2
        effects = [value for value in calibration["parts"][args.part] if value is not None]
    reference = pooled_reference(effects, alpha=alpha, min_effect=min_effect)
    # At the level a run is checked at (a timing claim's is 1%, the others' 0.2%).
    low, high = prediction_interval(reference, consistency_alpha(claim.get("kind", "")))
    print(json.dumps({**reference, **({"part": args.part} if args.part else {}),
                      "seeds_per_run": claim.get("sizes", {}).get("seeds"),
                      "prediction_low": low, "prediction_high": high}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
