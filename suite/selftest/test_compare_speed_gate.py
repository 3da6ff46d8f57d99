"""Self-tests of the speed claims' shift gate (no TensorFlow): a planted tenfold slowdown fails the
comparison, a 5% shift that flips a verdict near its margin is reported and does not, and a claim whose
weakest comparison changed from one run to the next is compared like with like."""
from __future__ import annotations

import io
import json

import pytest

from reports import baselines, changes, compare, results_file
from suite.selftest.synthetic_results import decided, document

pytestmark = pytest.mark.selftest
CPU = "/CPU:0"
RATIO = "median per-round time ratio"


def speed_claim(claim_id: str, verdict: str, ratios: dict[tuple[str, str, str], float], deciding: tuple[str, str, str],
                *, expected: str | None = None, **extra) -> dict:
    """A speed claim as the harness records it: every comparison in its details, the deciding one as its effect."""
    comparisons = [{"device": CPU, "level": level, "numerator": a, "denominator": b, "ratio": ratio,
                    "ci_low": ratio * 0.97, "ci_high": ratio * 1.03, "decision": verdict, "replicates": 100}
                   for (level, a, b), ratio in ratios.items()]
    effect = ratios[deciding]
    return decided(claim_id, verdict, expected=expected, kind="speed", effect=effect,
                   ci=(effect * 0.97, effect * 1.03), effect_name=RATIO, details={"comparisons": comparisons}, **extra)


ELU_OPS = {("op_cache", "elu", "relu"): 8.8, ("op_memory", "elu", "relu"): 1.8, ("op_cache", "elu", "leaky_relu"): 6.5}
ELU_MODEL = {("inference", "elu", "relu"): 1.04, ("op_cache", "elu", "relu"): 5.0}


def run_of(*claims: dict) -> dict:
    return document(list(claims), name="speed")


def compared(before: dict, after: dict) -> tuple[int, str]:
    out = io.StringIO()
    status = 0
    for change in changes.document_changes(before, after):
        print(f"{'REGRESSION' if change.regression else 'note'} {change.claim_id}: {change.why}", file=out)
        status = max(status, int(change.regression))
    return status, out.getvalue()


def test_a_planted_tenfold_slowdown_of_one_activation_gates():
    baseline = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", ELU_OPS, ("op_cache", "elu", "relu")))
    slower = {**ELU_OPS, ("op_cache", "elu", "relu"): 88.0, ("op_cache", "elu", "leaky_relu"): 65.0}
    status, printed = compared(baseline, run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", slower,
                                                            ("op_cache", "elu", "relu"))))
    assert status == 1
    assert "REGRESSION SPEED-ELU-SLOWER-TO-COMPUTE: the time ratio elu/relu at op_cache on /CPU:0 moved x10" in printed
    assert "beyond the gate factor 2" in printed


def test_a_shift_between_cpu_types_is_a_note_and_within_one_still_gates():
    """TensorFlow picks its kernels by the CPU's vector extensions: a baseline timed on an AVX2 machine cannot gate
    a run on an AVX-512 one (noted), while the same planted slowdown on the same CPU type still fails."""
    avx2, avx512 = ["avx", "avx2", "fma"], ["avx", "avx2", "fma", "avx512f", "avx512_vnni"]
    slower = {**ELU_OPS, ("op_cache", "elu", "relu"): 88.0, ("op_cache", "elu", "leaky_relu"): 65.0}

    def run(ratios, extensions):
        return run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", ratios, ("op_cache", "elu", "relu"),
                                  runtime={"cpu_vector_extensions": extensions}))

    status, printed = compared(run(ELU_OPS, avx2), run(slower, avx512))
    assert status == 0
    assert ("note SPEED-ELU-SLOWER-TO-COMPUTE: the time ratio elu/relu at op_cache on /CPU:0 moved x10, beyond the "
            "gate factor 2, but the two were timed on CPUs with other vector extensions (avx, avx2, fma against avx, "
            "avx2, fma, avx512f, avx512_vnni), where TensorFlow runs other kernels: not gating") in printed
    assert compared(run(ELU_OPS, avx512), run(slower, avx512))[0] == 1
    assert compared(run(ELU_OPS, None), run(slower, avx512))[0] == 1  # a side without its CPU recorded still gates


def test_a_tenfold_speed_up_gates_too():
    """A shift either way is a change in TensorFlow worth a look; the gate is on |log(after/before)|."""
    baseline = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", ELU_OPS, ("op_cache", "elu", "relu")))
    faster = {**ELU_OPS, ("op_cache", "elu", "relu"): 0.88}
    after = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "refuted", faster, ("op_cache", "elu", "relu"),
                               expected="supported"))
    status, printed = compared(baseline, after)
    assert status == 1 and "moved x0.1," in printed and "verdict supported → refuted" in printed


def test_a_small_shift_that_flips_a_verdict_near_its_margin_is_reported_not_gating():
    """SPEED-ELU-SLOWER-INFERENCE sits below its 10% margin: a 5% slower ELU model flips it to supported."""
    baseline = run_of(speed_claim("SPEED-ELU-SLOWER-INFERENCE", "refuted", ELU_MODEL, ("inference", "elu", "relu")))
    shifted = {**ELU_MODEL, ("inference", "elu", "relu"): 1.04 * 1.05}
    after = run_of(speed_claim("SPEED-ELU-SLOWER-INFERENCE", "supported", shifted, ("inference", "elu", "relu"),
                               expected="refuted"))
    status, printed = compared(baseline, after)
    assert status == 0
    assert ("note SPEED-ELU-SLOWER-INFERENCE: verdict refuted → supported near the margin: the time ratio elu/relu "
            "at inference on /CPU:0 moved x1.05, within the gate factor 2 (reported, not gating)") in printed


def test_a_change_of_the_weakest_comparison_compares_like_with_like():
    """Which comparison a claim records as its effect can change between runs (op_cache 8.8x, op_memory 1.8x):
    a false fivefold shift unless each deciding comparison is compared with itself."""
    baseline = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", ELU_OPS, ("op_cache", "elu", "relu")))
    again = {**ELU_OPS, ("op_cache", "elu", "relu"): 8.6, ("op_memory", "elu", "relu"): 1.85}
    after = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", again, ("op_memory", "elu", "relu")))
    factor, what = changes.speed_shift(baseline["claims"][0], after["claims"][0])
    assert what == "time ratio elu/relu at op_memory on /CPU:0"  # of the two deciding ones, the one that moved most
    assert factor == pytest.approx(1.85 / 1.8)
    assert [(c.what, c.regression) for c in changes.document_changes(baseline, after)] == [("decision", False)]


@pytest.mark.parametrize("gate, after_effect, gates", [(None, 0.46 * 1.9, False), (None, 0.46 * 2.1, True),
                                                       (1.25, 0.46 * 1.2, False), (1.25, 0.46 * 1.3, True)])
def test_the_gate_factor_is_the_claims_own_or_two(gate, after_effect, gates):
    """A claim without comparisons (a wall-time ratio) is gated on its effect; `shift_gate` comes from the catalog."""
    own = {} if gate is None else {"shift_gate": gate}
    before = decided("SPEED-ELU-COMPENSATES", kind="speed", effect=0.46, ci=(0.41, 0.51),
                     effect_name="wall-time-to-target ratio", **own)
    after = decided("SPEED-ELU-COMPENSATES", kind="speed", effect=after_effect,
                    ci=(after_effect * 0.9, after_effect * 1.1), effect_name="wall-time-to-target ratio", **own)
    assert any(c.regression for c in changes.document_changes(run_of(before), run_of(after))) == gates


def test_speed_claims_that_cannot_be_compared_are_notes():
    before = decided("SPEED-X", "refuted", kind="speed", effect=1.04, effect_name=RATIO)
    after = decided("SPEED-X", "supported", expected="refuted", kind="speed", effect=2.5,
                    effect_name="geometric mean time ratio over builds")
    found = changes.document_changes(run_of(before), run_of(after))
    assert not any(change.regression for change in found)
    assert "the shift is unknown: reported, not gating" in found[0].why


def test_a_speed_claim_that_errs_is_a_regression():
    before = speed_claim("SPEED-ELU-SLOWER-INFERENCE", "refuted", ELU_MODEL, ("inference", "elu", "relu"))
    crashed = {**decided("SPEED-ELU-SLOWER-INFERENCE", "error", expected="refuted", kind="speed"),
               "reason": "call: ValueError"}
    assert [c.regression for c in changes.document_changes(run_of(before), run_of(crashed))
            if c.what == "verdict"] == [True]


def test_compare_exits_1_on_the_slowdown_and_0_on_the_flip_from_saved_baselines(tmp_path):
    """Through the command and a saved baseline, which keeps the comparisons the gate reads."""
    run = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", ELU_OPS, ("op_cache", "elu", "relu")),
                 speed_claim("SPEED-ELU-SLOWER-INFERENCE", "refuted", ELU_MODEL, ("inference", "elu", "relu")))
    results_file.write_atomic(tmp_path / "run.json", run)
    baseline = baselines.save(tmp_path / "run.json", tmp_path / "baselines")
    kept = json.loads(baseline.read_text())["claims"][0]["details"]["comparisons"]
    assert [(c["level"], c["ratio"]) for c in kept] == [(level, ratio) for (level, _, _), ratio in ELU_OPS.items()]

    flip = {**ELU_MODEL, ("inference", "elu", "relu"): 1.092}
    near = run_of(run["claims"][0], speed_claim("SPEED-ELU-SLOWER-INFERENCE", "supported", flip,
                                                ("inference", "elu", "relu"), expected="refuted"))
    results_file.write_atomic(tmp_path / "near.json", near)
    out = io.StringIO()
    assert compare.main([str(baseline), str(tmp_path / "near.json")], out=out) == 0, out.getvalue()
    assert "note SPEED-ELU-SLOWER-INFERENCE: verdict refuted → supported near the margin" in out.getvalue()

    slow = {**ELU_OPS, ("op_cache", "elu", "relu"): 88.0}
    slower = run_of(speed_claim("SPEED-ELU-SLOWER-TO-COMPUTE", "supported", slow, ("op_cache", "elu", "relu")),
                    run["claims"][1])
    results_file.write_atomic(tmp_path / "slower.json", slower)
    out = io.StringIO()
    assert compare.main([str(baseline), str(tmp_path / "slower.json")], out=out) == 1, out.getvalue()
    assert "1 of 2 claims compared changed: SPEED-ELU-SLOWER-TO-COMPUTE" in out.getvalue()
