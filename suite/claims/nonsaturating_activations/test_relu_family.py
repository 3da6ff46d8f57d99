"""Claims of "Nonsaturating Activation Functions" about dying ReLUs, leaky ReLU, PReLU's slopes and
the activations' defining properties.

The dying protocol: a 5×64 ReLU MLP (he_normal), plain SGD (no momentum, which could carry a dead
unit), batch 32, on digits, over a learning-rate grid up to the edge of divergence (0.5 diverged in
6 of 20 pilot seeds). A unit is dead when its pre-activation is ≤ 0 on every training input. A model
whose loss turns non-finite or exceeds 1e3 nats has diverged: it is dropped, never counted as dead.
"""
from __future__ import annotations

import numpy as np
import pytest

from probes.datasets import digits
from probes.activations import values_and_gradients
from probes.training import MLP, Variant, optimizer, train_variants
from probes.training.units import silence_first_layer_units, silent_share, silent_share_curve, silent_units
from verdicts import INCONCLUSIVE
from verdicts.exact import all_checks_hold, conjunction, with_contrasts
from verdicts.location import mean_greater_by_t, shift_greater_by_wilcoxon
from verdicts.proportion import proportion_above_by_binomial
from verdicts.trend import ordered_by_page
from suite.claims.nonsaturating_activations.activation_properties import (elu_gradient_underflow, property_checks,
                                                                          saturation_series, subnormal_flush)

DYING = MLP(5, 64, "relu", "he_normal")
LEAKY = MLP(5, 64, "leaky_relu", "he_normal", slope=0.01)
GRID = (0.01, 0.03, 0.1, 0.2, 0.4)
HIGH, LOW = GRID[-1], GRID[0]
DIVERGED_ABOVE = 1e3  # nats: 400 times the chance-level loss ln 10


def _seeds(claim) -> list[int]:
    return [claim.seed_for(f"seed {i}") for i in range(claim.sizes["seeds"])]


def _dying_run(claim, variants, evals_per_epoch: int = 1, adjust_initial=None):
    return train_variants(digits(), variants, seeds=_seeds(claim), epochs=claim.sizes["epochs"],
                          optimizer=optimizer("SGD"), divergence_loss=DIVERGED_ABOVE, evals_per_epoch=evals_per_epoch,
                          adjust_initial=adjust_initial, label=claim.spec.id)


def _grid(mlp: MLP, learning_rates) -> list[Variant]:
    return [Variant(mlp, rate) for rate in learning_rates]


def _listed(values) -> list:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(values, dtype=float)]


@pytest.mark.claim("ACT-RELU-DIES-AT-HIGH-LR")
def test_relu_dies_more_at_higher_learning_rates(claim):
    """ReLu is a great choice, but it suffers from dying ReLu's ... esp. with high learning rates"""
    spec = claim.spec
    run = _dying_run(claim, _grid(DYING, GRID))
    dead = silent_share(run)  # [lr, seed]
    complete = ~run.diverged.any(axis=0)
    table = dead[:, complete].T
    verdict = ordered_by_page(table, alpha=spec.alpha, beta=spec.beta, min_effect=spec.min_effect,
                              seed=claim.seed_for("bootstrap")).noting(
        f"{int((~complete).sum())} of {complete.size} seeds dropped (a run diverged); "
        f"diverged runs per learning rate: {run.diverged.sum(axis=1).tolist()}")
    low, high = np.nanquantile(dead, [0.1, 0.9], axis=1)
    claim.assert_verdict(verdict, details={"dead_share": dead, "diverged": run.diverged, "wall_time_s": run.wall_time_s},
                         series={"kind": "lines", "title": "dead ReLU units after training", "x": list(GRID),
                                 "log_x": True, "x_label": "learning rate (SGD)",
                                 "y_label": "share of hidden units dead",
                                 "lines": {"mean over seeds": _listed(np.nanmean(dead, axis=1))},
                                 "bands": {"mean over seeds": [_listed(low), _listed(high)]}})


@pytest.mark.claim("ACT-RELU-HUGE-PORTIONS-DIE")
def test_huge_portions_of_a_relu_network_die(claim):
    """Huge portions of the network can die, esp. with high learning rates"""
    spec = claim.spec
    run = _dying_run(claim, _grid(DYING, (HIGH, LOW)))
    worst_layer = np.max(run.dead_fraction(), axis=-1)  # [lr, seed], NaN when diverged

    def decide(variant):
        kept = ~run.diverged[variant]
        return proportion_above_by_binomial(int((worst_layer[variant][kept] >= 0.5).sum()), int(kept.sum()),
                                            share=0.5, alpha=spec.alpha, beta=spec.beta, min_effect=spec.min_effect)

    verdict = with_contrasts(decide(0), {f"low learning rate {LOW}": decide(1)}).noting(
        f"diverged seeds (dropped) at lr {HIGH}: {int(run.diverged[0].sum())}, at lr {LOW}: {int(run.diverged[1].sum())}")
    claim.assert_verdict(verdict, details={"worst_layer_dead_share": worst_layer, "diverged": run.diverged},
                         series={"kind": "samples", "title": "largest dead share of any layer, per seed",
                                 "y_label": "share of the layer's units dead", "reference": 0.5,
                                 "groups": {f"lr {HIGH}": _listed(worst_layer[0]), f"lr {LOW}": _listed(worst_layer[1])}})


@pytest.mark.claim("ACT-DEAD-RELU-STAYS-DEAD")
def test_dead_first_layer_relu_gets_no_gradient_and_stays_dead(claim):
    """it suffers from dying ReLu's, where some neurons only output 0"""
    silenced = claim.sizes["silenced_units"]
    run = _dying_run(claim, [Variant(DYING, HIGH), Variant(LEAKY, HIGH)], evals_per_epoch=2,
                     adjust_initial=lambda w: silence_first_layer_units(w, digits().x_train, silenced))
    followed = silent_units(run, layers=[0])
    relu, leaky = followed.variant == 0, followed.variant == 1
    checks = {}
    for i in np.flatnonzero(relu):
        unit = f"seed {followed.seed[i]} unit {followed.unit[i]} (dead at evaluation {followed.silent_at[i]})"
        checks[f"{unit}: zero gradient after"] = bool(followed.zero_gradient_after[i])
        checks[f"{unit}: dead at every later evaluation"] = bool(followed.silent_after[i])
    contrast_checks = {f"leaky seed {followed.seed[i]} unit {followed.unit[i]}: zero gradient after":
                       bool(followed.zero_gradient_after[i]) for i in np.flatnonzero(leaky)}
    if not checks or not contrast_checks:
        verdict = all_checks_hold({"dead units were followed": False}, what="dead first-layer units").as_decision(
            INCONCLUSIVE, f"followed {int(relu.sum())} dead ReLU and {int(leaky.sum())} inactive leaky units")
    else:
        primary = all_checks_hold(checks, what=f"{int(relu.sum())} dead first-layer ReLU units (lr {HIGH})")
        contrast = all_checks_hold(contrast_checks, what=f"{int(leaky.sum())} inactive first-layer leaky (0.01) units")
        verdict = with_contrasts(primary, {"inactive leaky ReLU units get no gradient": contrast})
    natural = relu & (followed.unit >= silenced)
    dead_count = (run.active_share[:, :, :, 0] == 0).sum(axis=(1, 3))  # [variant, evaluation]
    claim.assert_verdict(verdict.noting(f"{int(natural.sum())} of the followed ReLU units died in training, the "
                                        f"rest were silenced at the start ({silenced} per seed)"), details={
        "dead_relu_followed": int(relu.sum()), "died_in_training": int(natural.sum()),
        "leaky_inactive_followed": int(leaky.sum()),
        "leaky_with_gradient": int((~followed.zero_gradient_after[leaky]).sum()),
        "leaky_revived": int(followed.revived()[leaky].sum()), "diverged": run.diverged.sum(axis=1)},
        series={"kind": "lines", "title": "silent first-layer units over training (all seeds)",
                "x": run.eval_steps.tolist(), "x_label": "optimizer step", "y_label": "units",
                "lines": {f"ReLU, lr {HIGH}: dead": dead_count[0].tolist(),
                          f"leaky ReLU 0.01, lr {HIGH}: inactive on every input": dead_count[1].tolist()}})


@pytest.mark.claim("ACT-LEAKY-REVIVES")
def test_leaky_relu_units_come_back_to_life(claim):
    """To deal with that issue, the made leaky ReLu ... and it then has a chance of neurons coming back to life"""
    spec = claim.spec
    run = _dying_run(claim, [Variant(DYING, HIGH), Variant(LEAKY, HIGH)], evals_per_epoch=2)
    followed = silent_units(run)
    revival = followed.revival_share_per_model(2, len(run.seeds))[1]
    observed = revival[np.isfinite(revival)]
    if observed.size >= 2:
        revives = mean_greater_by_t(observed, alpha=spec.alpha / 2, beta=spec.beta, min_effect=spec.min_effect)
    else:
        revives = all_checks_hold({"inactive leaky units observed in two seeds": False}, what="revival").as_decision(
            INCONCLUSIVE, f"only {observed.size} seeds had an inactive leaky unit to follow")
    fewer = silent_share(run)[0] - silent_share(run)[1]
    fewer_dead = shift_greater_by_wilcoxon(fewer[np.isfinite(fewer)], alpha=spec.alpha / 2, beta=spec.beta,
                                           min_effect=spec.min_effect, seed=claim.seed_for("bootstrap"))
    verdict = conjunction({"inactive leaky units revive": revives, "fewer dead than ReLU": fewer_dead})
    claim.assert_verdict(verdict, details={
        "revival_share_per_seed": revival, "followed_units": followed.count,
        "relu_dead_minus_leaky_inactive": fewer},
        series={"kind": "lines", "title": f"silent hidden units over training (lr {HIGH}, mean over seeds)",
                "x": run.eval_steps.tolist(), "x_label": "optimizer step", "y_label": "share of hidden units",
                "lines": {"ReLU: dead": _listed(np.nanmean(silent_share_curve(run, 0), axis=0)),
                          "leaky ReLU 0.01: inactive on every input": _listed(np.nanmean(silent_share_curve(run, 1), axis=0))}})


@pytest.mark.claim("ACT-PRELU-LEARNS-SLOPE")
def test_prelu_slopes_move_under_backprop(claim):
    """Parametric leaky Relu (PReLu) can be modified through backprop"""
    z = claim.rng("inputs").normal(0, 3, 1000)
    prelu_value, prelu_gradient = values_and_gradients("prelu", z)
    relu_value, relu_gradient = values_and_gradients("relu", z)
    run = _dying_run(claim, _grid(MLP(5, 64, "prelu", "he_normal"), (0.05, 0.0)))
    slopes = run.activation_weights  # [lr, seed, eval, layer, unit]
    moved = (slopes[:, :, -1] != 0).mean(axis=(-2, -1))  # [lr, seed]
    starts_as_relu = {"every slope starts at 0": bool(np.all(slopes[:, :, 0] == 0)),
                      "a fresh PReLU computes ReLU": bool(np.array_equal(prelu_value, relu_value)),
                      "a fresh PReLU has ReLU's gradient": bool(np.array_equal(prelu_gradient, relu_gradient))}

    def slopes_move(variant):
        return all_checks_hold({f"seed {i}: most slopes moved off 0 ({share:.0%})": bool(share > 0.5)
                                for i, share in enumerate(moved[variant])}, what=f"PReLU slopes at lr {run.learning_rates[variant]:g}")

    verdict = conjunction({"starts as ReLU": all_checks_hold(starts_as_relu, what="PReLU before training"),
                           "slopes move": with_contrasts(slopes_move(0), {"learning rate 0": slopes_move(1)})})
    mean_abs = np.abs(slopes).mean(axis=(1, 4))  # [lr, eval, layer]
    claim.assert_verdict(verdict, details={"share_moved": moved, "diverged": run.diverged}, series={
        "kind": "lines", "title": "PReLU: mean |slope| per layer (lr 0.05)", "x": run.eval_steps.tolist(),
        "x_label": "optimizer step", "y_label": "mean |slope|",
        "lines": {f"layer {layer + 1}": mean_abs[0, :, layer].tolist() for layer in range(mean_abs.shape[2])}})


@pytest.mark.claim("ACT-PROPERTIES")
def test_activation_gradients_have_their_defining_properties(claim):
    """To deal with that issue, the made leaky ReLu where when its less than zero it becomes negative instead of 0"""
    checks, contrasts = property_checks(claim.sizes["max_examples"], claim.seed_for("hypothesis"))
    verdict = with_contrasts(all_checks_hold(checks, what="activation gradients over Hypothesis inputs"),
                             {name: all_checks_hold({name: held}, what=name) for name, held in contrasts.items()})
    claim.assert_verdict(verdict, details={"checks": checks, "contrasts": contrasts,
                                           "elu_float32": elu_gradient_underflow(),
                                           "subnormal_inputs": subnormal_flush()}, series=saturation_series())
