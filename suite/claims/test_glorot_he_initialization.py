"""Claims of the note's section "Glorot and He Initialization"."""
from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from hypothesis import strategies as st
from scipy import stats

from probes import initializers
from probes.dense_stack import Init
from probes.forward import forward_moments
from probes.gradients import backward_variances, dense_layer_gains
from probes.keras_api import KERAS_VERSION
from pytest_deepclaims.hypothesis_draws import hypothesis_examples
from pytest_deepclaims.note import listed_initializer_names
from reports import series
from verdicts.equivalence import mean_equivalent_by_tost
from verdicts.exact import all_checks_hold, conjunction
from verdicts.family import BONFERRONI, decide_each, every_part_holds, per_setting, support_level
from verdicts.fit import fits_law_by_ks, variance_equivalent_by_ci
from verdicts.theory import initializer_laws as laws


@pytest.mark.claim("INIT-API-LIST")
def test_initializer_list_matches_keras(claim):
    """Below is a list of initializers"""
    listed = listed_initializer_names()
    present = initializers.public_initializer_names()
    misspelt = [f"{name}_x" for name in listed]  # names that cannot exist
    lowercase = [name for name in listed if name.islower() and name not in initializers.NOT_INITIALIZERS]
    resolved = initializers.resolve_by_name(lowercase)
    added, removed = sorted(set(present) - set(listed)), sorted(set(listed) - set(present))
    verdict = all_checks_hold({f"{name} exists": name in present for name in listed},
                              what=f"the note's initializer names in Keras {KERAS_VERSION}")
    control = all_checks_hold({f"{name} exists": name in present for name in misspelt}, what="misspelt names")
    unresolved = {name: info.get("error") or info["class"] for name, info in resolved.items() if not info["matches"]}
    claim.assert_verdict(
        verdict.noting(f"added since the note: {', '.join(added) or 'none'}",
                       f"removed since the note: {', '.join(removed) or 'none'}"),
        control=("the note's names misspelt", control),
        watched=sum(info["matches"] for info in resolved.values()) / len(resolved),
        findings=tuple(f"keras.initializers.get({name!r}) does not give {initializers.camel_case(name)}: {what}"
                       for name, what in unresolved.items()),
        details={"listed": listed, "present": present, "added": added, "removed": removed,
                 "resolved": resolved, "keras_version": KERAS_VERSION},
    )


def _glorot_uniform_law(fan_in: int, fan_out: int):
    limit = math.sqrt(6 / (fan_in + fan_out))
    return stats.uniform(-limit, 2 * limit), limit


@pytest.mark.claim("INIT-KERAS-DEFAULT")
def test_keras_defaults_to_glorot_uniform(claim):
    """By default, Keras uses Glorot initialization with uniform distribution"""
    sizes, spec = claim.sizes, claim.spec
    fan_in, fan_out = sizes["dense_fan_in"], sizes["dense_fan_out"]
    k, c_in, c_out = sizes["conv_kernel"], sizes["conv_channels_in"], sizes["conv_channels_out"]
    defaults = initializers.default_kernel_initializers()
    class_check = all_checks_hold({f"{layer} default is GlorotUniform": name == "GlorotUniform"
                                   for layer, name in defaults.items()}, what="default kernel initializers")
    dense_law, dense_limit = _glorot_uniform_law(fan_in, fan_out)
    conv_law, conv_limit = _glorot_uniform_law(k * k * c_in, k * k * c_out)
    dense = initializers.default_dense_kernel(fan_in, fan_out, claim.seed_for("dense"))
    conv = initializers.default_conv2d_kernel(k, c_in, c_out, claim.seed_for("conv"))

    def decide(sample, law, name, alpha):
        return fits_law_by_ks(sample, law, alpha=alpha, beta=spec.beta, min_effect=spec.min_effect, law_name=name)

    normal = claim.rng("normal contrast").normal(0, dense_limit / math.sqrt(3), dense.size)
    he = initializers.sample_initializer("he_uniform", (fan_in, fan_out), claim.seed_for("he contrast"))
    # Two KS tests, one per layer, Bonferroni: the claim's false-refutation rate stays at alpha.
    fits = every_part_holds({
        "Dense kernel": functools.partial(decide, dense, dense_law, f"U(±{dense_limit:.4f})"),
        "Conv2D kernel": functools.partial(decide, conv, conv_law, f"U(±{conv_limit:.4f})"),
    }, alpha=spec.alpha, split=BONFERRONI, contrasts={
        "same-variance normal": functools.partial(decide, normal, dense_law, "Glorot uniform"),
        "he_uniform": functools.partial(decide, he, dense_law, "Glorot uniform")})
    verdict = conjunction({"default classes": class_check, "kernels fit": fits})
    quantiles = [i / 20 for i in range(1, 20)]
    claim.assert_verdict(verdict, details={"defaults": defaults}, series=series.quantiles(
        quantiles, list(dense_law.ppf(quantiles)),
        {label: list(stats.mstats.mquantiles(sample, quantiles))
         for label, sample in (("Dense kernel", dense), ("same-variance normal", normal), ("he_uniform", he))},
        title="Dense kernel against U(±limit)", x_label="Glorot uniform quantile", y_label="sample quantile"))


GLOROT_VARIANTS = {"glorot_uniform": Init("glorot_uniform"), "glorot_normal": Init("glorot_normal")}
# The nearest wrong laws a variance-keeping decision must reject: He's doubled variance, and one only 20% off.
WRONG_VARIANCES = {"he_uniform (gain 2)": Init("he_uniform"),
                   "VarianceScaling(1.2, fan_avg) (gain 1.2)":
                       Init("variance_scaling", {"scale": 1.2, "mode": "fan_avg", "distribution": "uniform"})}


def _square_linear_gains(claim, direction: str) -> dict:
    """Per-layer variance gains, shape (draws, depth), through square linear Dense layers."""
    s = claim.sizes
    gains = {}
    for label, init in {**GLOROT_VARIANTS, **WRONG_VARIANCES}.items():
        run = dict(width=s["width"], depth=s["depth"], activation="linear", init=init, draws=s["draws"],
                   batch=s["batch"], seed=claim.seed_for(label))
        if direction == "forward":
            moments = forward_moments(**run)
            gains[label] = moments.post_var / moments.layer_input_var
        else:  # Var(dL/dh_(l-1)) / Var(dL/dh_l) for layers l = 1..depth
            variances = backward_variances(**run)
            gains[label] = variances[:, :-1] / variances[:, 1:]
    return gains


def _assert_variance_kept(claim, gains: dict, direction: str):
    spec = claim.spec

    def kept(table, alpha):  # each draw's mean per-layer gain, TOST against 1 ± min_effect
        return mean_equivalent_by_tost(table.mean(axis=1), target=1.0, margin=spec.min_effect, alpha=alpha,
                                       beta=spec.beta)

    # Both Glorot variants, Bonferroni; the wrong variances are contrasts decided alone, at the claim's alpha.
    verdict = every_part_holds(per_setting(kept, {label: gains[label] for label in GLOROT_VARIANTS}),
                               alpha=spec.alpha, split=BONFERRONI,
                               contrasts={label: kept(gains[label], spec.alpha) for label in WRONG_VARIANCES})
    cumulative = {label: np.cumprod(g, axis=1) for label, g in gains.items()}
    order = "1 = next to the input" if direction == "forward" else "1 = next to the input; gradients flow down"
    claim.assert_verdict(verdict, series=series.per_layer_lines(
        cumulative, title=f"{direction.capitalize()} variance through square linear layers, relative to the start",
        y_label="variance ratio", x_label=f"layer ({order})", reference=1.0),
        details={label: {"mean_gain": float(g.mean()), "per_layer_mean_gain": list(g.mean(axis=0))}
                 for label, g in gains.items()})


@pytest.mark.claim("INIT-GLOROT-FORWARD")
def test_glorot_keeps_forward_variance_on_square_layers(claim):
    """Argued that we need the vairance of the outputs of each layer to match its inputs"""
    _assert_variance_kept(claim, _square_linear_gains(claim, "forward"), "forward")


@pytest.mark.claim("INIT-GLOROT-BACKWARD")
def test_glorot_keeps_backward_variance_on_square_layers(claim):
    """and the gradients need to have equal variance before and after flowing in the reverse direction"""
    _assert_variance_kept(claim, _square_linear_gains(claim, "backward"), "backward")


@st.composite
def _fan_pairs(draw):
    """(fan_in, fan_out), square half of the time."""
    fan_in = draw(st.integers(16, 256))
    return fan_in, fan_in if draw(st.booleans()) else draw(st.integers(16, 256))


# Pairs whose fans differ by this share of their sum have predicted gains 1 ± 0.2 or further: four
# equivalence margins away from 1, so "both gains are 1" must be refutable there.
DISTINCT_FAN_SHARE = 0.2
# A square and a clearly non-square pair join every draw, so the claim's two halves are always tested.
ANCHOR_FAN_PAIRS = [(64, 64), (64, 256)]


@pytest.mark.claim("INIT-FAN-TRADEOFF")
def test_glorot_gains_are_one_only_for_square_layers(claim):
    """Not possible to do guarantee both unless layer has equal number of inputs and neurons"""
    s, spec = claim.sizes, claim.spec
    drawn = hypothesis_examples(_fan_pairs(), examples=s["fan_pairs"], seed=claim.seed_for("fan pairs"))
    pairs = sorted(set(ANCHOR_FAN_PAIRS + drawn), key=lambda pair: (pair[1] / sum(pair), pair))

    def equal(values, target, alpha):
        return mean_equivalent_by_tost(values / target, target=1.0, margin=spec.min_effect, alpha=alpha,
                                       beta=spec.beta)

    def both_one(forward, backward, alpha):
        return conjunction({"forward": equal(forward, 1.0, alpha), "backward": equal(backward, 1.0, alpha)})

    matches, contrasts, rows = {}, {}, []
    for fan_in, fan_out in pairs:
        draws = max(s["min_draws"], math.ceil(s["weights_per_pair"] / (fan_in * fan_out)))
        forward, backward = dense_layer_gains(fan_in=fan_in, fan_out=fan_out, init=Init("glorot_uniform"),
                                              draws=draws, batch=s["batch"], seed=claim.seed_for(f"{fan_in}x{fan_out}"))
        predicted = (2 * fan_in / (fan_in + fan_out), 2 * fan_out / (fan_in + fan_out))
        name = f"{fan_in}->{fan_out}"
        matches[f"{name} forward"] = functools.partial(equal, forward, predicted[0])
        matches[f"{name} backward"] = functools.partial(equal, backward, predicted[1])
        if abs(fan_in - fan_out) >= DISTINCT_FAN_SHARE * (fan_in + fan_out):
            contrasts[f"{name}: both gains 1"] = functools.partial(both_one, forward, backward)
        rows.append((fan_in, fan_out, forward, backward, predicted))
    # Two gains per pair, Bonferroni over all of them; each contrast's two gains at the same level.
    verdict = every_part_holds(matches, alpha=spec.alpha, split=BONFERRONI, contrasts=contrasts)
    squares = sum(fan_in == fan_out for fan_in, fan_out in pairs)
    share = [fan_out / (fan_in + fan_out) for fan_in, fan_out, *_ in rows]
    claim.assert_verdict(verdict, series=series.lines(
        share, {"forward measured": [float(r[2].mean()) for r in rows], "forward predicted": [r[4][0] for r in rows],
                "backward measured": [float(r[3].mean()) for r in rows],
                "backward predicted": [r[4][1] for r in rows]},
        bands={f"{d} measured": [[float(np.quantile(r[i], q)) for r in rows] for q in (0.05, 0.95)]
               for d, i in (("forward", 2), ("backward", 3))},
        title="Glorot gains of one Dense layer against 2·fan/(fan_in+fan_out)",
        x_label="fan_out / (fan_in + fan_out)", y_label="variance gain", reference=1.0,
    ), details={"pairs": [{"fan_in": a, "fan_out": b, "forward_mean": float(f.mean()), "backward_mean": float(g.mean()),
                           "predicted": list(p)} for a, b, f, g, p in rows], "square_pairs": squares})


@pytest.mark.claim("INIT-GLOROT-FAN-AVG")
def test_glorot_variance_is_one_over_fan_avg(claim):
    """The Xavier or Glorot Initialization is fan_avg = (fan_in + fan_out) / 2"""
    s, spec = claim.sizes, claim.spec
    k, c_in, c_out = s["conv_kernel"], s["conv_channels_in"], s["conv_channels_out"]
    shapes = {"Dense": (s["dense_fan_in"], s["dense_fan_out"]), "Conv2D": (k, k, c_in, c_out)}
    parts, contrasts = {}, {}
    for layer, shape in shapes.items():
        fan_in, fan_out = laws.fans(shape)
        wrong = {"1/fan_in": 1 / fan_in, "1/fan_out": 1 / fan_out}
        if layer == "Conv2D":
            wrong["1/mean of channels (no receptive field)"] = 2 / (c_in + c_out)
        for variant in ("glorot_uniform", "glorot_normal"):
            samples = initializers.layer_kernel_samples(layer, shape, variant, s["samples"],
                                                        claim.seed_for(f"{layer} {variant}"))
            law = laws.named_law(variant, shape)

            def decide(target, alpha, samples=samples, law=law):
                return variance_equivalent_by_ci(samples, target=target, rel_margin=spec.min_effect, alpha=alpha,
                                                 beta=spec.beta, kurtosis=law.kurtosis)

            name = f"{layer} {shape} {variant}"
            parts[name] = functools.partial(decide, 2 / (fan_in + fan_out))
            contrasts.update({f"{name} against {label}": functools.partial(decide, target)
                              for label, target in wrong.items()})
    # Bonferroni over the four kernels; the contrasts at the level of each part.
    verdict = every_part_holds(parts, alpha=spec.alpha, split=BONFERRONI, contrasts=contrasts)
    decided = decide_each(parts, alpha=spec.alpha, split=BONFERRONI)
    level = support_level(spec.alpha, len(parts), BONFERRONI)
    claim.assert_verdict(verdict, series=series.bars(
        list(decided), [v.effect for v in decided.values()], low=[v.ci_low for v in decided.values()],
        high=[v.ci_high for v in decided.values()], title="Kernel variance × fan_avg (1 = Glorot's law)",
        reference=1.0,
    ), details={name: {"variance_ratio_to_target": v.effect, "interval": [v.ci_low, v.ci_high]}
                for name, v in {**decided, **{name: c(level) for name, c in contrasts.items()}}.items()})


@pytest.mark.claim("INIT-HE-FOR-RELU")
def test_he_init_keeps_relu_second_moment(claim):
    """The He initialization is also a name for ReLu."""
    s, spec = claim.sizes, claim.spec
    runs = {label: forward_moments(width=s["width"], depth=s["depth"], activation="relu", init=Init(label),
                                   draws=s["draws"], batch=s["batch"], seed=claim.seed_for(label))
            for label in ("he_normal", "glorot_normal")}
    moments = {label: run.pre_second_moment for label, run in runs.items()}
    # He et al.'s eq. 10 fixes the expected per-layer gain q_l / q_(l-1) of the second moment: 1 under He.
    # Per draw, the mean gain over layers; draws are the unit of replication.
    gains = {label: (q[:, 1:] / q[:, :-1]).mean(axis=1) for label, q in moments.items()}

    def keeps_the_moment(label):
        return mean_equivalent_by_tost(gains[label], target=1.0, margin=spec.min_effect, alpha=spec.alpha,
                                       beta=spec.beta)

    # Recorded, not decided: the log-slope over depth the earlier design decided, biased by about
    # -Var(ln gain)/2 per layer at finite width.
    slopes = {label: np.log(q[:, -1] / q[:, 0]) / (q.shape[1] - 1) for label, q in moments.items()}
    claim.assert_verdict(
        keeps_the_moment("he_normal"),
        control=("glorot_normal (gain 1/2 by construction)", keeps_the_moment("glorot_normal")),
        series=series.per_layer_lines(moments, title="Second moment of ReLU pre-activations, square layers",
                                      y_label="mean of z_l²"),
        details={label: {"mean_gain": float(gains[label].mean()), "mean_log_slope": float(slopes[label].mean()),
                         "per_layer_log_gain_sd": float(np.log(q[:, 1:] / q[:, :-1]).std())}
                 for label, q in moments.items()},
        findings=tuple(f"{label}: mean per-layer gain {gains[label].mean():.4f}, log-slope over depth "
                       f"{slopes[label].mean():.4f} per layer" for label in moments))


@st.composite
def _kernel_shapes_and_scale(draw):
    """A Dense (in, out), Conv1D (k, in, out) or Conv2D (k, k, in, out) kernel shape (at least 32 x 32
    channels, so each tensor holds 1024 weights or more), and a VarianceScaling scale."""
    kind = draw(st.sampled_from(["Dense", "Conv1D", "Conv2D"]))
    channels = (draw(st.integers(32, 256)), draw(st.integers(32, 256)))
    k = draw(st.integers(1, 5))
    shape = {"Dense": channels, "Conv1D": (k, *channels), "Conv2D": (k, k, *channels)}[kind]
    return shape, round(draw(st.floats(0.25, 4.0, allow_nan=False, allow_infinity=False)), 3)


# Fans this far apart make fan_in's and fan_out's variances differ by half: ten variance margins.
DISTINCT_FAN_RATIO = 1.5
# A Conv2D kernel with fans 3x apart joins every draw, so fan_in is always told from fan_out.
ANCHOR_KERNEL = ((3, 3, 32, 96), 2.0)
# He's variance is twice LeCun's and fan_in's 1.5x fan_out's or more here: a ±5% variance margin tells both.
VARIANCE_MARGIN = 0.05
# Keras 3's initializer tests accept a sample when its std is within an absolute 0.1 of the expected one.
KERAS_STD_TOLERANCE = 0.1


@pytest.mark.claim("INIT-DISTRIBUTIONS")
def test_variance_scaling_initializers_draw_their_laws(claim):
    """Below is a list of initializers: each variance-scaling one draws from its documented law."""
    s, spec = claim.sizes, claim.spec
    drawn = [ANCHOR_KERNEL] + hypothesis_examples(_kernel_shapes_and_scale(), examples=s["shapes"],
                                                  seed=claim.seed_for("shapes"))

    def fits(samples, law, alpha):  # the law's shape (KS) and its variance, Bonferroni over the two
        return every_part_holds({
            "KS": lambda level: fits_law_by_ks(samples, law.distribution, alpha=level, beta=spec.beta,
                                               min_effect=spec.min_effect, law_name=law.name),
            "variance": lambda level: variance_equivalent_by_ci(samples, target=law.variance,
                                                                rel_margin=VARIANCE_MARGIN, alpha=level,
                                                                beta=spec.beta, kurtosis=law.kurtosis),
        }, alpha=alpha, split=BONFERRONI)

    parts, contrasts, ratios, keras_check = {}, {}, {}, []
    for example, (shape, scale) in enumerate(drawn):
        fan_in, fan_out = laws.fans(shape)
        where = f"{shape} scale {scale:g} #{example}"
        samples = {}
        for label, (name, config, law_args) in laws.variance_scaling_cases(scale).items():
            samples[label] = initializers.draw_samples(name, shape, s["samples"], claim.seed_for(f"{label} {where}"),
                                                       **config)
            law = laws.variance_scaling_law(*law_args, shape)
            parts[f"{label} {where}"] = functools.partial(fits, samples[label], law)
            ratios.setdefault(label.replace("VarianceScaling", "VS"), []).append(
                float(samples[label].var() / law.variance))
        for dist in ("normal", "uniform"):
            lecun = laws.named_law(f"lecun_{dist}", shape)
            contrasts[f"he_{dist} {where} against lecun_{dist}"] = functools.partial(fits, samples[f"he_{dist}"], lecun)
            keras_check.append(abs(samples[f"he_{dist}"].std() - math.sqrt(lecun.variance)) < KERAS_STD_TOLERANCE)
        if max(fan_in, fan_out) >= DISTINCT_FAN_RATIO * min(fan_in, fan_out):
            for dist in laws.DISTRIBUTIONS:
                label = f"VarianceScaling(fan_in, {dist})"
                contrasts[f"{label} {where} against fan_out"] = functools.partial(
                    fits, samples[label], laws.variance_scaling_law(scale, "fan_out", dist, shape))
    # Bonferroni over every case's law, and within each over its two tests; each contrast at a part's level.
    verdict = every_part_holds(parts, alpha=spec.alpha, split=BONFERRONI, contrasts=contrasts).noting(
        f"Keras's own check (std within {KERAS_STD_TOLERANCE} of the target) passes he samples "
                             f"as lecun in {sum(keras_check)} of {len(keras_check)} cases")
    claim.assert_verdict(verdict, series=series.samples(
        ratios, title="Sample variance / scale/fan, one point per shape (VS = VarianceScaling)",
        y_label="s² / (scale / fan)", reference=1.0,
    ), details={"shapes": [{"shape": list(shape), "fans": list(laws.fans(shape)), "scale": scale}
                           for shape, scale in drawn], "keras_std_check_accepts_he_as_lecun": keras_check})
