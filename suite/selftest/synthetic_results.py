"""Results documents made by hand for the report and comparison self-tests (no TensorFlow, no pytest run).

`decided` builds one claim as the harness records it; `hostile_document` holds one claim of every shape
the report must survive: each series kind, panels, an unknown kind, a malformed series, skipped, error,
not run, an unknown verdict, and hostile text (markup, quotes, `$`, non-ASCII, a very long line).
"""
from __future__ import annotations

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
        {"id": "BARE-MINIMUM", "kind": "api", "quote": "only the fields the loader requires", "expected": "supported",
         "verdict": "supported", "passed": True, "duration_s": 0.1, "seed": 1},
    ]
    return document(claims, name=HOSTILE)
