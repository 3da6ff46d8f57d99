"""Claims of the note's section "Nonsaturating Activation Functions" about speed.

Each test times its activations at several levels (probes/speed_levels.py: the op alone at a
cache-resident and a memory-sized tensor, a deep MLP's compiled inference, inference regimes of MLPs and a
CNN at several batch sizes, a training step) in interleaved rounds under pytest-benchmark
(pytest_deepclaims/speed_bench.py; each model level from several builds, its replicates), and decides at
the levels the note's sentence is about (verdicts.timing.time_ratio_family); the other levels are judged
too and reported, so the verdict says at which levels the sentence holds. Where a claim has a negative
control, the reference activation timed twice (A/A: its `twin`) goes through the same decision. Every
comparison runs on every device TensorFlow sees; the CPU decides (the catalog's expectation is the
CPU's), a GPU's verdicts are reported beside it.

Marked `speed`: timings never run under xdist (`-m "not speed"` there; they skip if they get there).
"""
from __future__ import annotations

import numpy as np
import pytest

from probes.activation_speed import protocol_train_step_call
from probes.datasets import digits
from probes.speed_levels import CALL_UNIT, COPY, OP_LEVELS, OP_UNIT, Measurement, regime_levels, twin
from probes.training import MLP, optimizer, train_seeds
from probes.training.reference import keras_mlp
from probes.training.spec import DIVERGED_ABOVE
from pytest_deepclaims.speed_bench import CPU, SpeedBench
from reports import series
from verdicts.timing import EVERY, SOME, TimingFamily, wall_time_ratio_within_margin

pytestmark = pytest.mark.speed

# A samples panel draws at most this many values per group: quantiles when there are more rounds (the
# raw rounds stay in the details and the benchmark JSON); it keeps the report small.
PLOTTED_VALUES = 50
# The note's activations that Keras implements (RReLU has no Keras layer), ReLU first.
NOTE_ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu", "selu", "tanh", "sigmoid")


def _plotted(values: np.ndarray) -> list[float]:
    if values.size <= PLOTTED_VALUES:
        return values.tolist()
    return np.quantile(values, np.linspace(0, 1, PLOTTED_VALUES)).tolist()


def _series(bench: SpeedBench, measurement: Measurement, comparisons, title: str) -> dict:
    """Ratios with intervals (CPU), then each level's raw distribution against its reference."""
    cpu = [c for c in comparisons if c["device"] == CPU]
    panels = [series.bars([f"{c['level']}: {c['numerator']}/{c['denominator']}" for c in cpu],
                          [c["ratio"] for c in cpu], low=[c["ci_low"] for c in cpu], high=[c["ci_high"] for c in cpu],
                          title=f"{title}: time ratios on the CPU", y_label="time ratio",
                          reference={"equal": 1.0, "matters": 1.0 + bench.claim.spec.min_effect})]
    levels = sorted({level for (device, level, _) in measurement.values if device == CPU})
    for level in levels:
        groups = {name: _plotted(measurement.of(CPU, level, name))
                  for (device, lvl, name) in measurement.values if device == CPU and lvl == level}
        rounds = measurement.of(CPU, level, next(iter(groups))).size
        shown = "" if rounds <= PLOTTED_VALUES else f" ({PLOTTED_VALUES} quantiles of {rounds} rounds)"
        copy = {"memory limit (copy)": float(np.median(measurement.of(CPU, level, COPY)))} if COPY in groups else None
        panels.append(series.samples(groups, title=f"{level} on the CPU{shown}", reference=copy,
                                     y_label=OP_UNIT if level in OP_LEVELS else CALL_UNIT))
    return series.panels(*panels)


def _record(claim, bench: SpeedBench, measurement: Measurement, family: TimingFamily, title: str,
            control: tuple[str, TimingFamily] | None = None, watched: float | None = None):
    """The claim's verdict with its timings; a control's comparisons are kept and plotted beside the claim's."""
    details = bench.keep(measurement, family, control)
    comparisons = [*family.comparisons, *(control[1].comparisons if control else ())]
    claim.assert_verdict(family.verdict, series=_series(bench, measurement, comparisons, title), details=details,
                         control=None if control is None else (control[0], control[1].verdict), watched=watched)


def _across_regimes(claim, bench: SpeedBench, reference: str, rivals: tuple[str, ...], title: str, *,
                    over_levels: str = EVERY):
    """Each rival against `reference` in every inference regime of the catalog, decided jointly over the
    regimes (at every one, or with `over_levels=SOME` at some one); the A/A control, `reference` against its
    twin, through the same decision. A claim that watches its ratios gets the smallest one on the CPU."""
    regimes = tuple(regime_levels(claim.sizes))
    control = twin(reference)
    measurement = bench.measure({level: (*rivals, reference, control) for level in regimes}, paired=True)
    family = bench.decide(measurement, [(rival, reference) for rival in rivals], relation="greater",
                          deciding=regimes, over_levels=over_levels)
    same = bench.decide(measurement, [(control, reference)], relation="greater", deciding=regimes,
                        over_levels=over_levels)
    smallest = min(c["ratio"] for c in family.comparisons if c["device"] == CPU and c["level"] in regimes)
    _record(claim, bench, measurement, family, title,
            control=(f"{reference} against {reference}, timed the same way (A/A)", same),
            watched=smallest if claim.spec.watch else None)


@pytest.mark.claim("SPEED-ELU-SLOWER-INFERENCE")
def test_elu_is_slower_at_inference(claim, benchmark):
    """at test time it will be slower"""
    _across_regimes(claim, SpeedBench(benchmark, claim), "relu", ("elu",), "ELU against ReLU")


@pytest.mark.claim("SPEED-ELU-SLOWER-TO-COMPUTE")
def test_elu_is_slower_to_compute_than_relu_and_variants(claim, benchmark):
    """Its main con is that its slower to compute than ReLu and its variants"""
    bench = SpeedBench(benchmark, claim)
    activations = ("elu", "selu", "relu", "leaky_relu")
    measurement = bench.measure({"op_cache": activations, "op_memory": activations, "train_step": activations})
    pairs = [(slow, fast) for slow in ("elu", "selu") for fast in ("relu", "leaky_relu")]
    family = bench.decide(measurement, pairs, relation="greater", deciding=OP_LEVELS)
    _record(claim, bench, measurement, family, "ELU and SELU against ReLU and leaky ReLU")


@pytest.mark.claim("SPEED-LEAKY-FOR-LATENCY")
def test_leaky_relu_has_lower_latency_than_elu_and_selu(claim, benchmark):
    """If I care about runtime latency, leaky Relu"""
    _across_regimes(claim, SpeedBench(benchmark, claim), "leaky_relu", ("elu", "selu"),
                    "ELU and SELU against leaky ReLU at batch 1", over_levels=SOME)


@pytest.mark.claim("SPEED-RELU-IS-FAST")
def test_relu_is_fast(claim, benchmark):
    """ReLu has a lot of support and is fast"""
    bench = SpeedBench(benchmark, claim)
    levels = ("op_cache", "op_memory", "inference")
    measurement = bench.measure({level: NOTE_ACTIVATIONS for level in levels})
    pairs = [("relu", rival) for rival in NOTE_ACTIVATIONS[1:]]
    family = bench.decide(measurement, pairs, relation="within", deciding=levels)
    _record(claim, bench, measurement, family, "ReLU against the note's other activations")


def _steps_to_target(run, target_loss: float) -> tuple[np.ndarray, dict]:
    """Per seed, optimizer steps until the training loss first reaches the target; a model that never
    does, or diverges, counts as one evaluation interval past the end (as ACT-ELU-CONVERGES-FASTER)."""
    steps, evals = run.steps_to_target(target_loss)[0], run.eval_steps
    censored = {"never reached": int(np.sum(np.isinf(steps))), "diverged": int(np.sum(np.isnan(steps))),
                "last step": int(evals[-1])}
    return np.where(np.isfinite(steps), steps, evals[-1] + (evals[-1] - evals[-2])), censored


def _compensation_panels(steps: dict, last_step: int, wall, step_time, margin: float) -> list[dict]:
    return [
        series.bars(["wall time to target", "one training step"], [wall.effect, step_time.effect],
                    low=[wall.ci_low, step_time.ci_low], high=[wall.ci_high, step_time.ci_high],
                    title="ELU/ReLU: wall time to the target and one step's time", y_label="ratio ELU/ReLU",
                    reference={"equal": 1.0, "margin": 1 + margin}),
        series.samples({name: _plotted(value) for name, value in steps.items()},
                       title="optimizer steps to the target training loss, per seed", y_label="steps",
                       reference={"end of training": float(last_step)}),
    ]


@pytest.mark.claim("SPEED-ELU-COMPENSATES")
def test_elu_convergence_compensates_its_slower_steps(claim, benchmark):
    """That it converges faster during training compensates"""
    bench, s = SpeedBench(benchmark, claim), claim.sizes
    data = digits()
    seeds = [claim.seed_for(f"seed {index}") for index in range(s["seeds"])]
    protocol = {name: MLP(hidden_layers=s["hidden_layers"], width=s["width"], activation=name,
                          kernel_initializer="he_normal") for name in ("elu", "relu")}
    sgd = optimizer("SGD", momentum=s["momentum"])
    steps, censored = {}, {}
    for name, mlp in protocol.items():
        run = train_seeds(data, mlp, seeds=seeds, learning_rates=[s["learning_rate"]], optimizer=sgd,
                          epochs=s["epochs"], batch_size=s["batch"], evals_per_epoch=s["evals_per_epoch"],
                          divergence_loss=DIVERGED_ABOVE, record_units=False)
        steps[name], censored[name] = _steps_to_target(run, s["target_loss"])

    def step_of(mlp):
        def build(device, seed):
            return protocol_train_step_call(lambda: keras_mlp(mlp, data.features, data.classes),
                                            lambda: sgd.build(s["learning_rate"]), data.features, data.classes,
                                            s["batch"], device, seed)
        return build

    measurement = bench.measure({}, custom={"train_step": {name: step_of(mlp) for name, mlp in protocol.items()}})
    step_time = bench.decide(measurement, [("elu", "relu")], relation="greater", deciding=("train_step",))
    verdict = wall_time_ratio_within_margin(
        steps["elu"], steps["relu"], measurement.of(CPU, "train_step", "elu"),
        measurement.of(CPU, "train_step", "relu"), alpha=claim.spec.alpha, beta=claim.spec.beta,
        margin=claim.spec.min_effect, seed=claim.seed_for("bootstrap wall time"))
    verdict = verdict.noting(f"ELU's step slower than ReLU's: {step_time.verdict.summary()}",
                             f"censored steps: {censored}", bench.gpu_status())
    details = bench.keep(measurement, step_time)
    details.update({"steps_to_target": {name: value.tolist() for name, value in steps.items()},
                    "censored": censored, "seeds": seeds})
    # The ratios' bars give way to the wall time's and the steps to the target; each level's timings stay.
    timings = _series(bench, measurement, step_time.comparisons, "ELU against ReLU, one training step")["panels"][1:]
    compensation = _compensation_panels(steps, censored["relu"]["last step"], verdict, step_time.verdict,
                                        claim.spec.min_effect)
    claim.assert_verdict(verdict, series=series.panels(*compensation, *timings), details=details)
