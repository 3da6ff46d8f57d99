"""Results documents made by hand for the report and comparison self-tests (no TensorFlow, no pytest run).

`decided` builds one claim as the harness records it; `hostile_document` holds one claim of every shape
the report must survive: each series kind, panels, an unknown kind, a malformed series, skipped, error,
not run, an unknown verdict, malformed schema-2 fields, and hostile text (markup, quotes, `$`, non-ASCII, a
very long line). `evidence_document` holds a claim for each part of schema 2 (negligible, untested, a pooled
reference, a control that came out supported, underpowered, revised twice); `version_1_document` is a file
as schema 1 wrote it; `full_run_document` is a run the size of the real one, with its heaviest series.
"""
from __future__ import annotations

import math

from reports import results_file

HOSTILE = "<script>window.__pwned = 1</script> \"quoted\" 'single' & $x_1$ — ünïcödé ✓ 漢字"
LONG_LINE = "a very long line without spaces " + "x" * 3000


def environment(tensorflow: str = "2.21.0", keras: str = "3.15.1") -> dict:
    return {"tensorflow": tensorflow, "keras": keras, "keras_major": int(keras.split(".")[0]), "python": "3.11.7",
            "packages": {"numpy": "2.4.6", "scipy": "1.17.1"}, "machine": "x86_64", "platform": "Linux",
            "cpu_count": 2, "device": "CPU", "threads": {"intra_op": 0, "inter_op": 0}}


def decided(claim_id: str, verdict: str = "supported", *, expected: str | None = None, effect: float = 0.5,
            ci: tuple[float, float] = (0.4, 0.6), series: dict | None = None, kind: str = "mechanistic",
            section: str = "Glorot and He Initialization", quote: str = "a sentence of the note", **extra) -> dict:
    expected = verdict if expected is None else expected
    return {
        "id": claim_id, "kind": kind, "section": section, "quote": quote, "expected": expected,
        "min_effect": 0.1, "effect_unit": "ratio", "rationale": "why the test decides it this way",
        "seed": 112017, "profile": "quick", "rerun": f"pytest suite/claims --claim {claim_id}",
        "decision": verdict, "test": "Welch t-test", "statistic_name": "t", "statistic": 3.2, "p_value": 0.002,
        "alpha": 0.01, "effect_name": "mean difference", "effect": effect, "ci_low": ci[0], "ci_high": ci[1],
        "n": 40, "detectable_effect": 0.2, "beta": 0.05, "ci_level": 0.98, "notes": ["a note"],
        "claim_id": claim_id, "summary": f"{verdict}: Welch t-test", "claim_seed": 1234, "sizes": {"n": 40},
        "verdict": verdict, "series": series or {}, "details": {}, "runtime": {}, "passed": verdict == expected,
        "duration_s": 1.5, **extra,
    }


def outcome(claim_id: str, verdict: str, reason: str, expected: str = "supported") -> dict:
    """A claim that did not decide: skipped, error or not run, with its reason."""
    return {"id": claim_id, "kind": "api", "section": "Glorot and He Initialization", "quote": "a sentence",
            "expected": expected, "min_effect": 0.0, "effect_unit": "", "rationale": "", "seed": 112017,
            "profile": "quick", "rerun": f"pytest suite/claims --claim {claim_id}", "verdict": verdict,
            "passed": None if verdict != "error" else False, "reason": reason, "duration_s": 0.0}


def document(claims: list[dict], *, name: str = "synthetic", tensorflow: str = "2.21.0", keras: str = "3.15.1",
             profile: str = "quick", seed: int = 112017) -> dict:
    return results_file.document(
        run={"name": name, "started": "2026-01-01T00:00:00+00:00", "status": "complete", "profile": profile,
             "seed": seed, "vary_seed": False, "selected": [claim["id"] for claim in claims], "argv": []},
        environment=environment(tensorflow, keras), claims=claims)


SERIES_OF_EVERY_KIND = {
    "lines": {"kind": "lines", "x": [1, 2, 3, 4], "lines": {HOSTILE: [1.0, None, 0.9, 1.1], "_under": [1, 1, 1, 1]},
              "bands": {"interval": [[0.8, 0.8, 0.8, 0.8], [1.2, 1.2, 1.2, 1.2]]}, "reference": 1.0,
              "log_x": True, "title": HOSTILE, "x_label": "layer", "y_label": "variance"},
    "samples": {"kind": "samples", "groups": {"relu": [1.0, 1.2, None, 1.1], "elu <b>": [1.5, 1.6, 1.4], "none": []}},
    "bars": {"kind": "bars", "labels": ["selu", "elu", "relu"], "values": [0.9, None, 0.7], "low": [0.8, None, 0.6],
             "high": [1.0, None, 0.8], "reference": {"chance": 0.5}},
    "quantiles": {"kind": "quantiles", "probabilities": [0.25, 0.5, 0.75], "law": [-1.0, 0.0, 1.0],
                  "sample": [-0.9, 0.1, 1.1]},
    "panels": {"panels": [{"kind": "lines", "x": ["dense_1", "dense_2"], "lines": {"mean": [0.0, 0.1]}},
                          {"kind": "bars", "labels": ["a"], "values": [1.0]}]},
}
UNDRAWABLE_SERIES = {
    "unknown kind": {"kind": "heatmap <i>", "z": [[1, 2], [3, 4]]},
    "malformed": {"kind": "lines", "x": [1, 2], "lines": {"y": ["not a number", 2]}},
    "not a spec": {"panels": "nope"},
}


def hostile_document() -> dict:
    """One claim of every shape the report must render; ids in file order."""
    claims = [decided(f"SERIES-{kind.upper()}", series=series, quote=HOSTILE)
              for kind, series in SERIES_OF_EVERY_KIND.items()]
    claims += [decided(f"UNDRAWABLE-{index}", "refuted", expected="supported", series=series, quote=what)
               for index, (what, series) in enumerate(UNDRAWABLE_SERIES.items())]
    claims += [
        decided("TEXT-LONG", "inconclusive", quote=LONG_LINE, notes=[LONG_LINE, HOSTILE], details={"x": HOSTILE}),
        outcome("RUN-SKIPPED", "skipped", "Keras 2.15 has no keras.ops <lacks API>"),
        outcome("RUN-ERROR", "error", f"call: ValueError: probe exploded {HOSTILE}"),
        outcome("RUN-NOT-RUN", "not run", "the run ended (interrupted) before this claim ran"),
        outcome("RUN-ODD-VERDICT", "<img src=x onerror=alert(1)>", "a hand-edited verdict"),
        decided("V2-MALFORMED", "inconclusive", reading=HOSTILE, headline=None, underpowered="maybe",
                stability="yesterday", reference=[1, 2], pin="pinned", control=3, findings={"a": HOSTILE},
                revisions=[HOSTILE, {"date": None, "change": HOSTILE}]),
        {"id": "BARE-MINIMUM", "kind": "api", "quote": "only the fields the loader requires", "expected": "supported",
         "verdict": "supported", "passed": True, "duration_s": 0.1, "seed": 1},
    ]
    return document(claims, name=HOSTILE)


CALIBRATED = {"basis": "calibration", "agreed": 20, "seeds": 20, "target": "20 of 20", "meets_target": True,
              "seed_set": "fresh-2026", "fresh": True, "text": "20 of 20 fresh seeds agreed with the catalog"}
QUIET_CONTROL = {"name": "shuffled labels", "decision": "inconclusive", "effect": 0.01, "ci_low": -0.05,
                 "ci_high": 0.07, "summary": "no effect where none exists", "supported": False}


def schema_2(claim: dict, *, reading: str, stability: dict | None = None, **fields) -> dict:
    """A claim as schema 2 records it: `claim` with a reading, a stability record and the other new fields."""
    return {**claim, "headline": claim["verdict"], "reading": reading, "underpowered": False,
            "stability": stability or CALIBRATED, "reference": None, "pin": None, "control": QUIET_CONTROL,
            "revisions": [], "findings": [], **fields}


def evidence_document() -> dict:
    """One claim for each part of schema 2 the report shows, in this order."""
    untested = outcome("V2-UNTESTED", "untested", "", expected="untested")
    del untested["reason"]
    claims = [
        schema_2(decided("V2-NEGLIGIBLE", "negligible", kind="speed", section="Nonsaturating activations"),
                 reading=("ELU is 5% slower at inference on this CPU: the note holds, by less than the 10% that "
                          "matters."),
                 pin={"what": "ELU slower than ReLU", "low": 1.0, "high": None, "holds": True,
                      "text": "ELU is still measurably slower"}),
        schema_2(untested, reading="Whether SELU helps on huge datasets needs compute this suite does not have.",
                 stability={"basis": "none", "text": ""}, control=None, headline="untested",
                 untested_reason="needs an ImageNet-scale run to be fair"),
        schema_2(decided("V2-POOLED", "inconclusive", expected="supported", effect=0.009, ci=(-0.004, 0.022),
                         passed=True),
                 headline="supported", reading="Leaky slopes of 0.2 beat 0.01, by a hair, over 1200 seeds.",
                 stability={"basis": "pooled reference", "agreed": None, "seeds": 1200, "target": "19 of 20",
                            "meets_target": None, "seed_set": "calibration", "fresh": True,
                            "text": "pooled over 1200 seeds"},
                 reference={"verdict": "supported", "effect": 0.009, "ci_low": 0.001, "ci_high": 0.017,
                            "ci_level": 0.95, "runs": 20, "seeds_per_run": 60, "date": "2026-11-30",
                            "tensorflow": "2.21.0", "command": "tox -e claims -- --claim V2-POOLED --calibrate 20",
                            "p_value": 0.034, "prediction_low": -0.02, "prediction_high": 0.038,
                            "prediction_level": 0.95, "consistent": True,
                            "text": "this run lies where a run of 60 seeds should"}),
        schema_2(decided("V2-CONTROL-FAILS", passed=False), reading="He init keeps the variance of ReLU layers.",
                 control={**QUIET_CONTROL, "decision": "supported", "effect": 0.3, "ci_low": 0.2, "ci_high": 0.4,
                          "supported": True, "summary": "the control found an effect"}),
        schema_2(decided("V2-UNDERPOWERED", "inconclusive"), reading="Too few seeds to tell PReLU from ReLU.",
                 underpowered=True, detectable_effect=0.35,
                 stability={**CALIBRATED, "agreed": 14, "meets_target": False, "fresh": False,
                            "text": "14 of 20 seeds agreed"}),
        schema_2(decided("V2-REVISED", "refuted"), reading="Glorot init does not keep the gradient variance here.",
                 findings=["Keras 3.4 drops the seed of a cloned initializer", HOSTILE],
                 revisions=[{"date": "2026-10-02", "commit": "0123456789abcdef", "field": "min_effect",
                             "change": "0.05 → 0.1", "reason": "the note's 'roughly' read as 10%"},
                            {"date": "2026-11-15", "commit": "fedcba9876543210", "field": "sizes.n",
                             "change": "40 → 80", "reason": "calibration missed the target"}]),
        schema_2(decided("V2-PLAIN"), reading="", control=None),
    ]
    return document(claims, name="evidence")


def version_1_document() -> dict:
    """A results file exactly as schema 1 wrote it: no schema-2 field, one claim with a calibration record."""
    recorded = {"agreed": 19, "seeds": 20, "profile": "quick", "date": "2026-11-30", "tensorflow": "2.21.0"}
    claims = [decided("V1-ONE", calibration_record=recorded), decided("V1-TWO", "refuted", expected="supported"),
              outcome("V1-SKIPPED", "skipped", "this Keras lacks the API")]
    return {**document(claims, name="claims"), "schema_version": 1}


def _wave(count: int, scale: float, phase: int) -> list[float]:
    """Deterministic, irregular numbers (no random state): what a measured curve or a timing sample looks like."""
    return [scale * (1 + 0.3 * math.sin(1.7 * index + phase) + 0.1 * math.cos(5.3 * index * (phase + 1)))
            for index in range(count)]


def _heavy_series(index: int) -> dict:
    """The shapes of the real run's series, in its proportions: 100-layer curves with bands and two reference lines,
    timing strips of 5 groups of 50 quantiles beside 9 ratio bars (the speed claims' average), learning curves
    with per-seed strips, a Q-Q plot, 8-layer curves."""
    layers = list(range(1, 101))
    band = [_wave(100, 0.8, index), _wave(100, 1.2, index)]
    domain = {"domain low": 0.89, "domain high": 1.22}
    kinds = [
        {"panels": [{"kind": "lines", "title": f"{name} per layer", "x_label": "layer", "y_label": name, "x": layers,
                     "lines": {f"init {k}": _wave(100, 1 + k, k + index) for k in range(5)},
                     "bands": {"init 0": band}, "band_label": "99% interval over 64 networks",
                     "reference": domain, "log_y": name == "std"} for name in ("mean", "std")]},
        {"panels": [{"kind": "bars", "title": "time ratios", "labels": [f"level {k}: act{k}/relu" for k in range(9)],
                     "values": _wave(9, 1.0, index), "low": _wave(9, 0.9, index), "high": _wave(9, 1.1, index),
                     "reference": {"equal": 1.0, "matters": 1.1}}]
         + [{"kind": "samples", "title": f"level {level}", "y_label": "ms per call",
             "groups": {f"act{k}": _wave(50, 1 + k / 10, k + level) for k in range(5)}} for level in range(3)]},
        {"panels": [{"kind": "lines", "title": "validation loss", "x": list(range(0, 1001, 100)),
                     "lines": {"leaky 0.01": _wave(11, 0.4, index), "leaky 0.2": _wave(11, 0.35, index)}},
                    {"kind": "samples", "title": "per seed, at the end",
                     "groups": {"leaky 0.01": _wave(60, 0.4, 1), "leaky 0.2": _wave(60, 0.35, 2)}}]},
        {"kind": "quantiles", "title": "kernel against U(±limit)", "probabilities": _wave(19, 0.5, 0),
         "law": [k / 10 - 0.9 for k in range(19)], "kernel": _wave(19, 0.1, 1), "normal": _wave(19, 0.1, 2)},
    ]
    light = {"kind": "lines", "title": "gradient RMS per layer", "x": list(range(1, 9)), "log_y": True,
             "lines": {f"init {k}": _wave(8, 10.0 ** -k, k) for k in range(3)},
             "bands": {f"init {k}": [_wave(8, 0.8 * 10.0 ** -k, k), _wave(8, 1.2 * 10.0 ** -k, k)] for k in range(3)}}
    # Per 8 claims of the real run: 2 with 100-layer curves, 1 speed claim, 2 with learning curves, 3 light.
    return [kinds[0], kinds[1], kinds[2], kinds[3], kinds[0], kinds[2], light, light][index % 8]


def full_run_document(claims: int = 40) -> dict:
    """A run the size of the real one (40 claims, about 70 plots, long rationales, notes and revisions), for
    the page's weight budget. Every fourth claim is a conjunction whose notes name its deciding part."""
    made = []
    for index in range(claims):
        parts = [f"part {k}: supported: Welch t-test, t = 3.2, p = 0.002 vs alpha = 0.01; mean difference = "
                 f"0.{k + 1}5 [0.{k + 1}1, 0.{k + 1}9] (98% CI), n = 40; could detect 0.2 with power 95%"
                 for k in range(3)]
        notes = ["deciding part: part 0", *parts] if index % 4 == 0 else [f"note {k} " + "words " * 30
                                                                         for k in range(8)]
        revisions = [{"date": f"2026-11-{10 + k}", "commit": "0123456789", "field": "sizes",
                      "change": "n 40 -> 80 " + "because " * 20, "reason": "calibration " * 15} for k in range(4)]
        claim = schema_2(decided(f"FULL-{index:02d}", series=_heavy_series(index), notes=notes,
                                 rationale="a design explained at length " * 30, details={"facts": {"a": 1.5}}),
                         reading="The note holds: a plain sentence for a learner, with the effect and its unit.",
                         revisions=revisions)
        made.append(claim)
    return document(made, name="full")
