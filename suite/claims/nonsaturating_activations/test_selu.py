"""Claims of "Nonsaturating Activation Functions" about SELU itself: its constants, the theory of
self-normalization, a 100-layer Keras stack, AlphaDropout, and the notebook's training experiment.
Its four conditions are in test_selu_conditions.py; the shared stack and series in selu_domain.py, the decisions in
verdicts/self_normalization.py."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from probes import selu
from probes.datasets import DataUnavailable, digits, fashion_mnist
from pytest_deepclaims.hypothesis_draws import property_holds
from reports import series
from suite.claims.nonsaturating_activations import selu_domain
from suite.claims.nonsaturating_activations.protocols import tuned_protocol
from verdicts.exact import all_checks_hold, conjunction, with_contrasts
from verdicts.family import INTERSECTION_UNION, every_part_holds, per_setting
from verdicts.location import shift_greater_by_wilcoxon
from verdicts.paired import higher_by_paired_t
from verdicts.self_normalization import (
    beyond_float32_rounding,
    follows_selu_map_by_tost,
    map_residuals,
    moments_in_domain_by_tost,
    moments_leave_domain,
)
from verdicts.theory import selu as selu_theory

# The precision for Keras's constants against the closed form.
CONSTANT_TOLERANCE = 1e-7
INPUT_LIMIT = 50.0  # float32 exp(-50) is still normal; |x| beyond adds nothing but overflow risk
SELU_INPUTS = arrays(np.float32, st.integers(1, 64), elements=st.floats(-INPUT_LIMIT, INPUT_LIMIT, width=32))
FIXED_POINT_TOLERANCE = 1e-9  # the quadrature is good to ~1e-14 and the constants to double precision
PAPER_ROUNDING = 5e-5  # half a unit in the last digit of the paper's 0.7877
SMALL_VARIANCES = dict(selu_theory.DOMAIN, variance=(0.05, 0.3))


def _agrees(keras_fn, reference_fn, seed: int, examples: int) -> tuple[bool, float | None]:
    """Whether keras_fn(x) lies within float32 rounding of reference_fn(x) on every array Hypothesis draws
    (verdicts.self_normalization.beyond_float32_rounding); when not, the shrunk counterexample's worst input."""
    def excess(x):
        return beyond_float32_rounding(keras_fn(x), reference_fn(x.astype(np.float64)))

    def check(x):
        assert not (excess(x) > 0).any(), "selu differs beyond float32 rounding"

    held, counterexample = property_holds(check, SELU_INPUTS, examples=examples, seed=seed, shrink=True)
    return held, None if held else float(counterexample[np.argmax(excess(counterexample))])


def _constants_match(alpha: float, scale: float) -> dict[str, bool]:
    return {f"alpha = {selu_theory.SELU_ALPHA:.10f} to 1e-7": abs(alpha - selu_theory.SELU_ALPHA) <= CONSTANT_TOLERANCE,
            f"scale = {selu_theory.SELU_SCALE:.10f} to 1e-7": abs(scale - selu_theory.SELU_SCALE) <= CONSTANT_TOLERANCE}


@pytest.mark.claim("SELU-CONSTANTS")
def test_selu_is_scaled_elu_with_the_papers_constants(claim):
    """*Scaled ELU* (SELU)"""
    examples, seed = claim.sizes["examples"], claim.seed_for("hypothesis")
    alpha, scale = selu.keras_selu_constants()
    references = {"selu = scale*elu_alpha (float64 closed form)": selu_theory.SELU,
                  "selu = scale*keras elu(alpha)": lambda x: selu.keras_scaled_elu(x, alpha, scale)}
    agreement = {name: _agrees(selu.keras_selu, reference, seed, examples) for name, reference in references.items()}
    rounded_alpha = _agrees(selu.keras_selu, lambda x: selu.keras_scaled_elu(x, round(alpha, 4), scale), seed,
                            examples)
    checks = {**_constants_match(alpha, scale), **{name: held for name, (held, _) in agreement.items()}}
    verdict = with_contrasts(all_checks_hold(checks, what="Keras's selu against the closed form"), {
        "ELU's constants (1, 1)": all_checks_hold(_constants_match(1.0, 1.0), what="ELU's constants"),
        "constants rounded to 4 decimals": all_checks_hold(_constants_match(round(alpha, 4), round(scale, 4)),
                                                           what="rounded constants"),
        "elu with alpha rounded to 4 decimals": all_checks_hold(
            {"selu = scale*keras elu(alpha rounded)": rounded_alpha[0]}, what="rounded alpha"),
    })
    counterexamples = {name: worst for name, (_, worst) in {**agreement, "alpha rounded": rounded_alpha}.items()}
    labels = ["alpha", "scale"]
    claim.assert_verdict(verdict, series=series.bars(
        labels, [alpha - selu_theory.SELU_ALPHA, scale - selu_theory.SELU_SCALE],
        title="Keras's SELU constants minus the closed form", y_label="difference",
        reference={"tolerance": CONSTANT_TOLERANCE}),
        details={"keras": {"alpha": alpha, "scale": scale},
                 "closed_form": {"alpha": selu_theory.SELU_ALPHA, "scale": selu_theory.SELU_SCALE},
                 "checks": checks, "counterexamples": counterexamples, "examples": examples})


def _theory_checks(activation, domain: dict, points: int) -> tuple[dict[str, bool], dict]:
    fixed_mean, fixed_variance = (float(v) for v in selu_theory.moment_map(0.0, 1.0, activation=activation))
    at_fixed_point = float(selu_theory.spectral_norm(selu_theory.jacobian(0.0, 1.0, activation=activation)))
    grid = selu_theory.domain_grid(points, domain)
    norms = selu_theory.spectral_norm(selu_theory.jacobian(grid["mean"], grid["variance"], grid["omega"],
                                                           grid["tau"], activation=activation))
    image_mean, image_variance = selu_theory.moment_map(grid["mean"], grid["variance"], grid["omega"], grid["tau"],
                                                        activation=activation)
    (mean_low, mean_high), (var_low, var_high) = domain["mean"], domain["variance"]
    checks = {
        "g(0, 1) = (0, 1) to 1e-9": max(abs(fixed_mean), abs(fixed_variance - 1)) < FIXED_POINT_TOLERANCE,
        "spectral norm at (0, 1) = 0.7877 (paper)":
            abs(at_fixed_point - selu_theory.PAPER_JACOBIAN_NORM_AT_FIXED_POINT) <= PAPER_ROUNDING,
        "spectral norm < 1 on the domain grid": bool(norms.max() < 1),
        "g maps the domain grid into the domain": bool(mean_low <= image_mean.min() and image_mean.max() <= mean_high
                                                       and var_low <= image_variance.min()
                                                       and image_variance.max() <= var_high),
    }
    figures = {"g(0, 1)": [fixed_mean, fixed_variance], "norm at (0, 1)": at_fixed_point,
               "largest norm": float(norms.max()), "smallest norm": float(norms.min()),
               "image mean": [float(image_mean.min()), float(image_mean.max())],
               "image variance": [float(image_variance.min()), float(image_variance.max())],
               "grid": {"points per axis": points, "variances": sorted(set(grid["variance"].tolist())),
                        "largest norm by variance": [float(norms[grid["variance"] == v].max())
                                                     for v in sorted(set(grid["variance"].tolist()))]}}
    return checks, figures


@pytest.mark.claim("SELU-FIXED-POINT")
def test_selu_moment_map_contracts_to_zero_one(claim):
    """(SELU) will self-normalize ... preserving a mean of 0 and std of 1"""
    points = claim.sizes["grid_points"]
    checks, figures = _theory_checks(selu_theory.SELU, selu_theory.DOMAIN, points)
    elu_checks, elu_figures = _theory_checks(selu_theory.ELU, selu_theory.DOMAIN, points)
    small_checks, small_figures = _theory_checks(selu_theory.SELU, SMALL_VARIANCES, points)
    verdict = with_contrasts(all_checks_hold(checks, what="the SELU moment map on the paper's domain"), {
        "ELU (alpha = scale = 1)": all_checks_hold(elu_checks, what="the ELU moment map"),
        "variances 0.05 to 0.3": all_checks_hold(small_checks, what="SELU on small variances"),
    })
    corners = [(m, v) for m in selu_theory.DOMAIN["mean"] for v in selu_theory.DOMAIN["variance"]]
    trajectories = {f"from ({m:g}, {v:g})": list(np.sqrt(selu_theory.iterate_map(m, v, 10)[1])) for m, v in corners}
    grid = figures["grid"]
    claim.assert_verdict(verdict, series=series.panels(
        series.lines(grid["variances"], {"SELU, paper's domain": grid["largest norm by variance"]},
                     title="Largest spectral norm of the Jacobian over mean, omega, tau",
                     x_label="input variance nu", y_label="spectral norm", reference=1.0),
        series.lines(list(range(1, 11)), trajectories, title="The map iterated from the domain's corners",
                     x_label="layer", y_label="std", reference=1.0),
    ), details={"selu": figures, "elu": elu_figures, "small_variances": small_figures,
                 "constants": {"alpha": selu_theory.SELU_ALPHA, "scale": selu_theory.SELU_SCALE}})


def _map_moments(moments: selu.LayerMoments) -> tuple[np.ndarray, ...]:
    """What the moment-map decision reads: pooled means and variances by layer, and the inputs' own."""
    return moments.mean, moments.variance, moments.input_mean, moments.input_variance


@pytest.mark.claim("SELU-SELF-NORMALIZES")
def test_selu_stack_keeps_mean_zero_and_std_one(claim):
    """(SELU) will self-normalize (if you only use dense layers, and all use SELU), preserving a mean of 0
    and std of 1"""
    sizes, spec = claim.sizes, claim.spec
    width, depth, batch = sizes["width"], sizes["depth"], sizes["batch"]
    moments = selu_domain.plain_stack(width, depth).run(selu_domain.seeds(claim, "selu", sizes["networks"]), batch)
    elu = selu_domain.plain_stack(width, depth, "elu").run(
        selu_domain.seeds(claim, "elu", sizes["contrast_networks"]), batch)
    levels = {"alpha": spec.alpha, "beta": spec.beta}
    parts = {"pooled moments in the domain": moments_in_domain_by_tost(moments.mean, moments.std, **levels),
             "notebook's per-unit std in the domain": moments_in_domain_by_tost(moments.mean, moments.unit_std,
                                                                                **levels),
             "layers follow the moment map": follows_selu_map_by_tost(*_map_moments(moments), **levels)}
    contrasts = {"ELU stack in the domain": moments_in_domain_by_tost(elu.mean, elu.std, **levels),
                 "ELU stack follows the SELU map": follows_selu_map_by_tost(*_map_moments(elu), **levels)}
    verdict = with_contrasts(conjunction(parts), contrasts)
    mean_residual, variance_residual, _ = map_residuals(*_map_moments(moments))
    claim.assert_verdict(verdict, series=series.panels(*selu_domain.moment_lines(
        {"selu + lecun_normal": moments, "elu + lecun_normal (contrast)": elu},
        title=f"{depth} Dense layers of {width}", notebook_std=True)),
        details={"selu": selu_domain.summary(moments), "elu": selu_domain.summary(elu),
                 "residual_mean_by_layer": list(mean_residual.mean(axis=0)),
                 "residual_variance_by_layer": list(variance_residual.mean(axis=0)),
                 "notebook_std_by_layer": list(moments.unit_std.mean(axis=0))})


@pytest.mark.claim("SELU-ALPHA-DROPOUT")
def test_alpha_dropout_keeps_self_normalization(claim):
    """Alpha Dropout is a `Dropout` that keeps mean and variance of inputs to their original values, in
    order to ensure the self-normalizing property even after this dropout."""
    if not selu.has_alpha_dropout():
        pytest.skip("this Keras has no keras.layers.AlphaDropout (Keras 3.0.0 shipped without it)")
    sizes, spec = claim.sizes, claim.spec
    width, depth, batch, rate = sizes["width"], sizes["depth"], sizes["batch"], sizes["rate"]
    dense = selu_domain.plain_stack(width, depth).network.layers
    arms = {}
    for kind, count in (("AlphaDropout", sizes["networks"]), ("Dropout", sizes["contrast_networks"])):
        network = selu.sequential(dense, dropout=kind, rate=rate, dropout_seed=claim.seed_for(f"{kind} masks"))
        arms[kind] = selu.MomentsProbe(network, training=True).run(selu_domain.seeds(claim, kind, count), batch)
    kept, dropped = arms["AlphaDropout"], arms["Dropout"]
    verdict = conjunction({
        "AlphaDropout stays in the domain": moments_in_domain_by_tost(kept.mean, kept.std, alpha=spec.alpha,
                                                                      beta=spec.beta),
        "Dropout leaves the domain": moments_leave_domain(dropped.mean, dropped.std, alpha=spec.alpha, beta=spec.beta),
    })
    claim.assert_verdict(verdict, series=series.panels(*selu_domain.moment_lines(
        {f"AlphaDropout({rate:g})": arms["AlphaDropout"], f"Dropout({rate:g}) (contrast)": arms["Dropout"]},
        title=f"{depth} SELU layers with dropout, training mode")),
        details={kind: selu_domain.summary(moments) for kind, moments in arms.items()})


NETS = (selu_domain.SELU_NET, selu_domain.RELU_NET)  # SELU + lecun_normal against ReLU + he_normal


def _fashion_mnist_check(claim) -> dict:
    """The notebook's own data when Keras has it cached and the profile asks for it: reported, not decided."""
    count = claim.sizes["fashion_seeds"]
    if not count:
        return {"run": False, "reason": f"the {claim.profile} profile runs no Fashion-MNIST seeds"}
    try:
        data = fashion_mnist()
    except DataUnavailable as error:
        return {"run": False, "reason": str(error)}
    run = selu_domain.notebook_training(data, NETS, selu_domain.seeds(claim, "fashion", count),
                                        claim.sizes["notebook_epochs"],
                                        f"{claim.spec.id} on Fashion-MNIST")
    accuracy = run.final("val_accuracy")
    return {"run": True, "selu": accuracy[0].tolist(), "relu": accuracy[1].tolist(),
            "verdict": higher_by_paired_t(accuracy[0], accuracy[1], alpha=claim.spec.alpha, beta=claim.spec.beta,
                                          min_effect=claim.spec.min_effect, diverged_score=0.0).summary()}


def _notebook_comparison(claim) -> dict:
    """The notebook's own experiment (SELU against ReLU only, 100 layers, lr 1e-3): recorded, not decided."""
    sizes = claim.sizes
    if not sizes["notebook_seeds"]:
        return {"run": False, "reason": f"the {claim.profile} profile runs no seeds of the notebook's experiment "
                                        "(recorded, not decided: the thorough profile runs it)"}
    run = selu_domain.notebook_training(digits(), NETS, selu_domain.seeds(claim, "seed", sizes["notebook_seeds"]),
                                        sizes["notebook_epochs"], f"{claim.spec.id} notebook experiment on digits")
    accuracy = run.final("val_accuracy")
    return {"run": True, "selu": accuracy[0].tolist(), "relu": accuracy[1].tolist(),
            "notebook": {"selu": 0.82, "relu": 0.74}, "diverged": run.diverged.sum(axis=1).tolist()}


def _notebook_finding(notebook: dict) -> str:
    if not notebook["run"]:
        return f"the notebook's experiment (SELU vs ReLU only, 100 layers, lr 1e-3) was not run: {notebook['reason']}"
    return (f"the notebook's experiment (SELU vs ReLU only, 100 layers, lr 1e-3, {len(notebook['selu'])} seeds): "
            f"SELU {np.mean(notebook['selu']):.3f}, ReLU {np.mean(notebook['relu']):.3f} accuracy")


@pytest.mark.claim("SELU-OUTPERFORMS")
def test_selu_outperforms_relu_in_the_notebooks_experiment(claim):
    """It will outperform other activation functions"""
    spec, runs = claim.spec, tuned_protocol(claim)
    accuracy = dict(zip(runs.names, runs.final("val_accuracy")))
    selu_again = runs.final("val_accuracy", runs.repeat)[0]

    def higher_accuracy(differences, alpha):
        return shift_greater_by_wilcoxon(differences, alpha=alpha, beta=spec.beta, min_effect=spec.min_effect,
                                         seed=claim.seed_for("bootstrap"))

    others = {f"SELU > {name}": accuracy["SELU"] - accuracy[name] for name in runs.names if name != "SELU"}
    verdict = every_part_holds(per_setting(higher_accuracy, others), alpha=spec.alpha, split=INTERSECTION_UNION)
    control = higher_accuracy(accuracy["SELU"] - selu_again, spec.alpha)
    notebook = _notebook_comparison(claim)
    claim.assert_verdict(
        verdict.noting(f"tuned learning rates: {runs.rates}",
                       f"diverged runs (counted, ranked last): {runs.diverged()}"),
        control=("SELU against SELU retrained from other seeds", control),
        details={"final_val_accuracy": accuracy, "learning_rates": runs.rates, "notebook_experiment": notebook,
                 "fashion_mnist": _fashion_mnist_check(claim)},
        findings=("mean final validation accuracy at tuned rates: " +
                  ", ".join(f"{name} {np.mean(v):.3f}" for name, v in accuracy.items()),
                  _notebook_finding(notebook)),
        series=series.samples({name: v.tolist() for name, v in accuracy.items()},
                              title="final validation accuracy per seed, each activation at its tuned rate",
                              y_label="accuracy", reference={"chance": 0.1}))
