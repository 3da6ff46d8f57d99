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

from fixtures.data import digits
from probes.activations import values_and_gradients
from probes.training import MLP, optimizer, train_seeds
from probes.training.units import silent_share, silent_share_curve, silent_units
from verdicts import INCONCLUSIVE
from verdicts.exact import all_checks_hold, conjunction, with_contrasts
from verdicts.location import mean_greater_by_t, shift_greater_by_wilcoxon
from verdicts.proportion import proportion_above_by_binomial
from verdicts.trend import ordered_by_page
from suite.claims.nonsaturating_activations.activation_properties import property_checks, saturation_series

DYING = MLP(5, 64, "relu", "he_normal")
LEAKY = MLP(5, 64, "leaky_relu", "he_normal", slope=0.01)
GRID = (0.01, 0.03, 0.1, 0.2, 0.4)
HIGH, LOW = GRID[-1], GRID[0]
DIVERGED_ABOVE = 1e3  # nats: 400 times the chance-level loss ln 10


def _seeds(claim) -> list[int]:
    return [claim.seed_for(f"seed {i}") for i in range(claim.sizes["seeds"])]


def _dying_run(claim, mlp: MLP, learning_rates, evals_per_epoch: int = 1):
    return train_seeds(digits(), mlp, seeds=_seeds(claim), learning_rates=learning_rates,
                       epochs=claim.sizes["epochs"], optimizer=optimizer("SGD"), divergence_loss=DIVERGED_ABOVE,
                       evals_per_epoch=evals_per_epoch, label=f"{claim.spec.id}: {mlp.label}")


def _listed(values) -> list:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(values, dtype=float)]


@pytest.mark.claim("ACT-RELU-DIES-AT-HIGH-LR")
def test_relu_dies_more_at_higher_learning_rates(claim):
    """ReLu is a great choice, but it suffers from dying ReLu's ... esp. with high learning rates"""
    spec = claim.spec
    run = _dying_run(claim, DYING, GRID)
    dead = silent_share(run)  # [lr, seed]
    complete = ~run.diverged.any(axis=0)
    table = dead[:, complete].T

    def decide(columns):
        return ordered_by_page(columns, alpha=spec.alpha, beta=spec.beta, min_effect=spec.min_effect,
                               seed=claim.seed_for("bootstrap"))

    verdict = with_contrasts(decide(table), {"reversed order": decide(table[:, ::-1])}).noting(
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
    run = _dying_run(claim, DYING, (HIGH, LOW))
    worst_layer = np.nanmax(run.dead_fraction(), axis=-1)  # [lr, seed], NaN when diverged

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
    relu = _dying_run(claim, DYING, (HIGH,), evals_per_epoch=2)
    leaky = _dying_run(claim, LEAKY, (HIGH,), evals_per_epoch=2)
    dead = silent_units(relu, layers=[0])
    checks = {}
    for i in range(dead.count):
        unit = f"seed {dead.seed[i]} unit {dead.unit[i]} (dead at evaluation {dead.silent_at[i]})"
        checks[f"{unit}: zero gradient after"] = bool(dead.zero_gradient_after[i])
        checks[f"{unit}: dead at every later evaluation"] = bool(dead.silent_after[i])
    inactive = silent_units(leaky)
    contrast_checks = {f"leaky seed {inactive.seed[i]} layer {inactive.layer[i]} unit {inactive.unit[i]}: zero "
                       "gradient after": bool(inactive.zero_gradient_after[i]) for i in range(inactive.count)}
    if not checks or not contrast_checks:
        primary = all_checks_hold({"a dead first-layer unit was observed": bool(checks)}, what="dead first-layer units")
        verdict = primary.as_decision(INCONCLUSIVE, f"followed {dead.count} dead ReLU and {inactive.count} inactive "
                                      "leaky units: nothing to decide on")
    else:
        primary = all_checks_hold(checks, what=f"{dead.count} dead first-layer ReLU units (lr {HIGH})")
        contrast = all_checks_hold(contrast_checks, what=f"{inactive.count} inactive leaky (0.01) units")
        verdict = with_contrasts(primary, {"inactive leaky ReLU units get no gradient": contrast})
    curve = (relu.active_share[0, :, :, 0] == 0).sum(axis=(0, 2))
    claim.assert_verdict(verdict, details={
        "dead_followed": dead.count, "leaky_inactive_followed": inactive.count,
        "leaky_inactive_with_gradient": int((~inactive.zero_gradient_after).sum()),
        "diverged": {"relu": int(relu.diverged.sum()), "leaky": int(leaky.diverged.sum())}},
        series={"kind": "lines", "title": "dead first-layer ReLU units over training (all seeds)",
                "x": relu.eval_steps.tolist(), "x_label": "optimizer step", "y_label": "dead units",
                "lines": {f"ReLU, lr {HIGH}": curve.tolist()}})


@pytest.mark.claim("ACT-LEAKY-REVIVES")
def test_leaky_relu_units_come_back_to_life(claim):
    """To deal with that issue, the made leaky ReLu ... and it then has a chance of neurons coming back to life"""
    spec = claim.spec
    relu = _dying_run(claim, DYING, (HIGH,), evals_per_epoch=2)
    leaky = _dying_run(claim, LEAKY, (HIGH,), evals_per_epoch=2)
    followed = silent_units(leaky)
    revival = followed.revival_share_per_model(1, len(leaky.seeds))[0]
    observed = revival[np.isfinite(revival)]
    if observed.size >= 2:
        revives = mean_greater_by_t(observed, alpha=spec.alpha / 2, beta=spec.beta, min_effect=spec.min_effect)
    else:
        revives = all_checks_hold({"inactive leaky units observed in two seeds": False}, what="revival").as_decision(
            INCONCLUSIVE, f"only {observed.size} seeds had an inactive leaky unit to follow")
    fewer = silent_share(relu)[0] - silent_share(leaky)[0]
    fewer_dead = shift_greater_by_wilcoxon(fewer[np.isfinite(fewer)], alpha=spec.alpha / 2, beta=spec.beta,
                                           min_effect=spec.min_effect, seed=claim.seed_for("bootstrap"))
    verdict = conjunction({"inactive leaky units revive": revives, "fewer dead than ReLU": fewer_dead})
    claim.assert_verdict(verdict, details={
        "revival_share_per_seed": revival, "followed_units": followed.count,
        "relu_dead_minus_leaky_inactive": fewer},
        series={"kind": "lines", "title": f"silent hidden units over training (lr {HIGH}, mean over seeds)",
                "x": relu.eval_steps.tolist(), "x_label": "optimizer step", "y_label": "share of hidden units",
                "lines": {"ReLU: dead": _listed(np.nanmean(silent_share_curve(relu), axis=0)),
                          "leaky ReLU 0.01: inactive on every input": _listed(np.nanmean(silent_share_curve(leaky), axis=0))}})


@pytest.mark.claim("ACT-PRELU-LEARNS-SLOPE")
def test_prelu_slopes_move_under_backprop(claim):
    """Parametric leaky Relu (PReLu) can be modified through backprop"""
    z = claim.rng("inputs").normal(0, 3, 1000)
    prelu_value, prelu_gradient = values_and_gradients("prelu", z)
    relu_value, relu_gradient = values_and_gradients("relu", z)
    run = _dying_run(claim, MLP(5, 64, "prelu", "he_normal"), (0.05, 0.0))
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
    claim.assert_verdict(verdict, details={"checks": checks, "contrasts": contrasts}, series=saturation_series())
