"""The note's four conditions for SELU's self-normalization, each against the contrast that breaks it:
LeCun normal initialization, standardized inputs, a sequential architecture, dense layers only."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from probes import selu
from probes.cnn import ConvArm, train_cnns
from probes.datasets import digits, digits_raw
from probes.training.spec import DIVERGED_ABOVE  # a diverged CNN's loss is censored here: counted, ranked last
from reports import series
from suite.claims.nonsaturating_activations import selu_domain
from verdicts.domain import inside_by_layer, layers_to_enter
from verdicts.exact import conjunction
from verdicts.family import INTERSECTION_UNION, every_part_holds, per_setting, some_part_holds
from verdicts.location import hodges_lehmann_paired, shift_greater_by_wilcoxon
from verdicts.paired import higher_by_paired_t
from verdicts.self_normalization import (
    CNN_DIFFERENCE_PART,
    CNN_MARGIN,
    CONTROL_PREFIX,
    CONV_MARGIN_USE_PART,
    DOMAIN_BOUNDS,
    STD_BOUNDS,
    moments_in_domain_by_tost,
    moments_leave_domain,
)
from verdicts.sequential import StagedSample, decide_in_stages

HALF_SCALE_LECUN = {"class_name": "VarianceScaling",
                    "config": {"scale": 0.5, "mode": "fan_in", "distribution": "truncated_normal"}}


def _measured_only(name: str, verdict) -> str:
    return f"{name} (measured, not decided): {verdict.summary()}"


@pytest.mark.claim("SELU-NEEDS-LECUN-NORMAL")
def test_selu_needs_lecun_normal_initialization(claim):
    """Every hidden layer weights must be initialized with LeCun normal initialization"""
    sizes, spec = claim.sizes, claim.spec
    widths = [sizes["wide"], sizes["narrow"]] * (sizes["depth"] // 2)
    probe = selu.MomentsProbe(selu.sequential(selu.dense_layers(sizes["narrow"], widths)))
    arms = {"lecun_normal": ("lecun_normal", sizes["networks"]),
            "lecun_uniform": ("lecun_uniform", sizes["contrast_networks"]),
            "he_normal": ("he_normal", sizes["contrast_networks"]),
            "lecun_normal at half scale": (HALF_SCALE_LECUN, sizes["contrast_networks"]),
            "glorot_uniform": ("glorot_uniform", sizes["contrast_networks"])}
    moments = {name: probe.run(selu_domain.seeds(claim, name, count), sizes["batch"], initializer=initializer)
               for name, (initializer, count) in arms.items()}
    levels = {"alpha": spec.alpha, "beta": spec.beta}
    lecun = moments["lecun_normal"]
    parts = {"lecun_normal stays in the domain": moments_in_domain_by_tost(lecun.mean, lecun.std, **levels)}
    for name in ("he_normal", "lecun_normal at half scale", "glorot_uniform"):
        parts[f"{name} leaves the domain"] = moments_leave_domain(moments[name].mean, moments[name].std, **levels)
    uniform = moments_in_domain_by_tost(moments["lecun_uniform"].mean, moments["lecun_uniform"].std, **levels)
    # The card reports lecun_normal's own margin use, the quantity the sentence is about, when it decides alike.
    verdict = conjunction(parts, headline="lecun_normal stays in the domain").noting(
        _measured_only("lecun_uniform in the domain", uniform))
    control = moments_leave_domain(lecun.mean, lecun.std, **levels)  # the theory's own case: stays
    claim.assert_verdict(verdict, watched=uniform.effect, control=("lecun_normal through 'leaves the domain'", control),
                         findings=(
        f"lecun_uniform (LeCun's variance, uniform law) uses {uniform.effect:.2f} of the domain's margin: "
        f"{'it stays in the domain' if uniform.effect < 1 else 'it leaves the domain'}",),
        series=series.panels(*selu_domain.moment_lines(
        moments, title=f"SELU, widths alternating {sizes['wide']} and {sizes['narrow']}")),
        details={name: selu_domain.summary(arm) for name, arm in moments.items()})


@pytest.mark.claim("SELU-SEQUENTIAL-ONLY")
def test_selu_self_normalizes_only_sequential_networks(claim):
    """Network architecture must be sequential, if used on recurrent networks or networks that are Wide & Deep,
    self-normalization not guaranteed"""
    sizes, spec = claim.sizes, claim.spec
    width, depth, batch = sizes["width"], sizes["depth"], sizes["batch"]
    plain = selu_domain.plain_stack(width, depth)
    probes = {"skip-connected": selu.MomentsProbe(selu.residual(selu.dense_layers(width, [width] * depth))),
              "recurrent": selu.MomentsProbe(selu.recurrent(width, depth, width)),
              "wide & deep": selu.MomentsProbe(selu.wide_and_deep(plain.network.layers))}
    moments = {"sequential": plain.run(selu_domain.seeds(claim, "sequential", sizes["control_networks"]), batch)}
    moments.update({name: probe.run(selu_domain.seeds(claim, name, sizes["networks"]), batch)
                    for name, probe in probes.items()})
    levels = {"alpha": spec.alpha, "beta": spec.beta}
    merged_mean, merged_std = moments["wide & deep"].mean[:, -2:], moments["wide & deep"].std[:, -2:]
    wide_and_deep = moments_in_domain_by_tost(merged_mean, merged_std, layer_name="merge step", **levels)
    sequential, skip, recurrent = (moments[name] for name in ("sequential", "skip-connected", "recurrent"))
    verdict = conjunction({
        "sequential stays in the domain": moments_in_domain_by_tost(sequential.mean, sequential.std, **levels),
        "skip-connected leaves the domain": moments_leave_domain(skip.mean, skip.std, **levels),
        "recurrent leaves the domain": moments_leave_domain(recurrent.mean, recurrent.std, layer_name="time step",
                                                            **levels),
    }).noting(_measured_only("Wide & Deep's concatenation and the layer after it in the domain", wide_and_deep))
    plotted = {name: moments[name] for name in ("sequential", "skip-connected", "recurrent")}
    control = moments_leave_domain(sequential.mean, sequential.std, **levels)  # the plain stack: stays by theory
    claim.assert_verdict(verdict, watched=wide_and_deep.effect,
                         control=("the plain sequential stack through 'leaves the domain'", control), findings=(
        f"Wide & Deep's concatenation and the layer after it use {wide_and_deep.effect:.2f} of the domain's margin: "
        f"{'they stay in the domain' if wide_and_deep.effect < 1 else 'they leave the domain'}",),
        series=series.panels(*selu_domain.moment_lines(
        plotted, title="SELU by architecture", x_label="layer (time step for the RNN)")),
        details={**{name: selu_domain.summary(arm) for name, arm in moments.items()},
                 "wide_and_deep_merge": {"mean": merged_mean.mean(axis=0).tolist(),
                                         "std": merged_std.mean(axis=0).tolist(), "verdict": wide_and_deep.decision}})


CNN_ARMS = (ConvArm("selu", "lecun_normal"), ConvArm("relu", "he_normal"), ConvArm("selu", "lecun_normal", draw=1))
CNN_OPTIMIZERS = {"SGD(momentum=0.9) at 0.01": ("SGD", 0.01, {"momentum": 0.9}), "Adam at 0.001": ("Adam", 0.001, {})}


@pytest.mark.claim("SELU-CONVOLUTIONAL")
def test_selu_guarantee_only_dense_but_can_improve_cnns(claim):
    """Only dense layers, but can improve convolutional neural nets as well."""
    sizes, spec = claim.sizes, claim.spec
    stacks = {}
    for size, networks, batch in zip(sizes["image_sizes"], sizes["networks"], sizes["batches"]):
        probe = selu.MomentsProbe(selu.conv_stack(size, sizes["channels"], sizes["depth"]))
        stacks[f"{size}x{size}"] = probe.run(selu_domain.seeds(claim, f"lecun_normal {size}", networks), batch,
                                             initializer="lecun_normal")
    dense = selu_domain.plain_stack(100, sizes["depth"]).run(
        selu_domain.seeds(claim, "dense control", sizes["control_networks"]), 256)
    cnns = {name: train_cnns(digits(), CNN_ARMS, selu_domain.seeds(claim, "cnn", sizes["cnn_seeds"]),
                             optimizer_name=optimizer_name, learning_rate=rate, optimizer_config=config,
                             epochs=sizes["cnn_epochs"], shuffle_seed=claim.seed_for(f"cnn order {name}"))
            for name, (optimizer_name, rate, config) in CNN_OPTIMIZERS.items()}
    loss = {name: np.where(run.diverged, DIVERGED_ABOVE, run.val_loss) for name, run in cnns.items()}

    def leaves(moments, alpha):
        return moments_leave_domain(moments.mean, moments.std, alpha=alpha, beta=spec.beta)

    def lower_loss(differences, alpha):
        return shift_greater_by_wilcoxon(differences, alpha=alpha, beta=spec.beta, min_effect=CNN_MARGIN,
                                         seed=claim.seed_for("bootstrap"))

    def only_dense(moments_by_size, alpha):
        """The guarantee covers dense layers only: some image size's conv stack leaves the domain."""
        return some_part_holds(per_setting(leaves, moments_by_size), alpha=alpha)

    def can_improve(differences_by_optimizer, alpha):
        return some_part_holds(per_setting(lower_loss, differences_by_optimizer), alpha=alpha)

    improvements = {name: losses[1] - losses[0] for name, losses in loss.items()}
    retrained = {name: losses[2] - losses[0] for name, losses in loss.items()}  # the control's: SELU again
    verdict = every_part_holds({
        "only dense layers (a conv stack leaves the domain at some image size)": functools.partial(only_dense, stacks),
        "can improve convolutional nets (SELU's CNN loss below ReLU's)": functools.partial(can_improve, improvements)},
        alpha=spec.alpha, split=INTERSECTION_UNION)
    # Per-part effects, round by round in a calibration: the pooled reference is decided on them
    # (verdicts.self_normalization.pooled_conv_parts), and the pooled control on the control's parts, the
    # dense stack and SELU retrained, through the same decision; the 16x16 stack's last layer is a fixed layer.
    def last_layer_margin_use(moments):
        return STD_BOUNDS.margin_used(float(np.nanmean(moments.std[:, -1])))

    margin_use = last_layer_margin_use(stacks["16x16"])
    parts = {CONV_MARGIN_USE_PART: margin_use,
             **{CNN_DIFFERENCE_PART.format(optimizer=name): hodges_lehmann_paired(d)
                for name, d in improvements.items()},
             CONTROL_PREFIX + CONV_MARGIN_USE_PART: last_layer_margin_use(dense),
             **{CONTROL_PREFIX + CNN_DIFFERENCE_PART.format(optimizer=name): hodges_lehmann_paired(d)
                for name, d in retrained.items()}}
    # Either null construction coming out supported would show a part that cannot go the other way.
    control = some_part_holds({
        "the dense stack leaves the domain": functools.partial(only_dense, {"dense": dense}),
        "SELU's CNN beats SELU retrained": functools.partial(can_improve, retrained)},
        alpha=spec.alpha)
    plots = series.panels(
        *selu_domain.moment_lines({f"{name} conv, lecun_normal": m for name, m in stacks.items()},
                                  title=f"{sizes['depth']} Conv2D 3x3 SELU layers, {sizes['channels']} channels"),
        series.samples({f"{arm.activation}{' again' if arm.draw else ''}, {name}": losses[i].tolist()
                        for name, losses in loss.items() for i, arm in enumerate(CNN_ARMS)},
                       title="small CNN on digits: final validation loss per seed", y_label="validation loss (nats)"))
    claim.assert_verdict(
        verdict, control=("the dense stack, and SELU against SELU retrained", control),
        series=plots, parts=parts, watched=margin_use,
        details={"conv_stacks": {name: selu_domain.summary(m) for name, m in stacks.items()},
                 "networks_not_finite": {name: int((~np.isfinite(m.std).all(axis=1)).sum())
                                         for name, m in {**stacks, "dense": dense}.items()},
                 "dense_control": selu_domain.summary(dense),
                 "cnn_val_loss": {name: {f"{arm.activation}{' again' if arm.draw else ''}": losses[i] for i, arm in
                                         enumerate(CNN_ARMS)} for name, losses in loss.items()},
                 "cnn_diverged": {name: run.diverged.sum(axis=1).tolist() for name, run in cnns.items()}},
        findings=tuple(f"{name} conv stack: pooled std at its lowest layer {float(m.std.mean(axis=0).min()):.3f}, "
                       f"largest |mean| {float(np.abs(m.mean.mean(axis=0)).max()):.3f} (means over networks; the "
                       f"domain is std 0.894 to 1.225, mean within 0.1)" for name, m in stacks.items())
        + tuple(f"small CNN, {name}: mean validation loss SELU {losses[0].mean():.3f}, ReLU {losses[1].mean():.3f}"
                for name, losses in loss.items()))


def _rows_of(data):
    """Draws `batch` training rows of `data` (the same rows for the same seed, raw or standardized)."""
    return lambda rng, shape: data.x_train[rng.choice(len(data.x_train), shape[0], replace=False)]


@pytest.mark.claim("SELU-NEEDS-STANDARDIZED-INPUTS")
def test_selu_needs_standardized_inputs(claim):
    """Input features must be standardized(mean=0, std=1)"""
    sizes, spec = claim.sizes, claim.spec
    standardized, raw = digits(), digits_raw()
    probe = selu_domain.plain_stack(selu_domain.NOTEBOOK_WIDTH, selu_domain.NOTEBOOK_DEPTH,
                                     input_dim=standardized.features)
    network_seeds = selu_domain.seeds(claim, "network", sizes["networks"])
    at_init = {name: probe.run(network_seeds, sizes["batch"], inputs=_rows_of(data))
               for name, data in (("standardized", standardized), ("raw", raw))}
    inside = {name: inside_by_layer({"mean": m.mean, "std": m.std}, DOMAIN_BOUNDS) for name, m in at_init.items()}
    entering = {name: layers_to_enter({"mean": m.mean, "std": m.std}, DOMAIN_BOUNDS) for name, m in at_init.items()}
    training_seeds = selu_domain.seeds(claim, "training", sizes["stages"][-1])
    datasets = (("standardized", standardized), ("raw", raw))
    # Seeds in stages (group-sequential): each stage trains only the seeds the one before did not, on both
    # inputs in one stack (the same initial weights and batches per seed).
    trained = StagedSample(lambda start, stop: tuple(selu_domain.notebook_training(
        tuple(data for _, data in datasets), (selu_domain.SELU_NET,), training_seeds[start:stop], sizes["epochs"],
        f"{spec.id}, standardized and raw inputs").final("val_accuracy")))

    def decide(n, level):
        standardized_accuracy, raw_accuracy = trained.first(n)
        return higher_by_paired_t(standardized_accuracy, raw_accuracy, alpha=level, beta=spec.beta,
                                  min_effect=spec.min_effect, diverged_score=0.0)

    verdict = decide_in_stages(decide, sizes["stages"], alpha=spec.alpha)
    accuracy = dict(zip((name for name, _ in datasets), trained.first(verdict.stage["n"])))
    verdict = verdict.noting(*(
        f"at initialization, {name} inputs: the network enters the domain after "
        f"{np.median(inside[name].argmax(axis=1)):g} layers (median), is outside it at "
        f"{np.median((~inside[name]).sum(axis=1)):g} of {selu_domain.NOTEBOOK_DEPTH}, inside for good after "
        f"{np.median(entering[name]):g} (range {entering[name].min()}..{entering[name].max()}; "
        f"{selu_domain.NOTEBOOK_DEPTH + 1} = never), over {entering[name].size} networks" for name in at_init))
    plots = series.panels(*selu_domain.moment_lines(at_init, title="At initialization, digits inputs"),
                          series.samples({name: a.tolist() for name, a in accuracy.items()},
                                         title=f"Validation accuracy after {sizes['epochs']} epochs",
                                         y_label="accuracy"))
    claim.assert_verdict(verdict, series=plots, details={
        "layers_to_enter_domain": {name: layers.tolist() for name, layers in entering.items()},
        "layers_outside_domain": {name: (~flags).sum(axis=1).tolist() for name, flags in inside.items()},
        "first_layer_inside": {name: (flags.argmax(axis=1) + 1).tolist() for name, flags in inside.items()},
        "raw_input": {"mean": float(raw.x_train.mean()), "std": float(raw.x_train.std())},
        **{f"at_init_{name}": selu_domain.summary(moments) for name, moments in at_init.items()}})
