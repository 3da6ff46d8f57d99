"""Claims of "Nonsaturating Activation Functions" about dying ReLUs, leaky ReLU, PReLU's slopes and
the activations' defining properties.

The dying claims read one protocol (probes/training/dying.py, trained once per session): a 5×64 ReLU MLP
(he_normal) on digits, batch 32, under plain SGD and Adam over learning-rate grids that reach past the edge
of divergence, with leaky ReLU at the highest rates. A unit is dead when its pre-activation is ≤ 0 on
every training input; the claims count units that died in training (alive at initialization). A diverged
run is kept and read at its last evaluation before divergence; divergence is counted per rate.
ACT-PRELU-LEARNS-SLOPE uses the older single-rate SGD run (`_dying_run`).
"""
from __future__ import annotations

import numpy as np
import pytest

from probes.activations import values_and_gradients
from probes.datasets import digits
from probes.keras_api import KERAS_VERSION
from probes.training import MLP, Variant, optimizer, train_variants
from probes.training.dying import (
    dead_at_start_share,
    died_share,
    dying_runs,
    silenced_relu_run,
    unit_fates,
    worst_layer_died_share,
)
from probes.training.spec import DIVERGED_ABOVE
from reports import series
from suite.claims.nonsaturating_activations.activation_properties import (
    elu_gradient_underflow,
    leaky_checks,
    recorded_checks,
    saturation_series,
    subnormal_flush,
)
from verdicts.exact import all_checks_hold, conjunction, with_contrasts
from verdicts.family import INTERSECTION_UNION, every_part_holds, per_setting, some_part_holds
from verdicts.location import mean_greater_by_t
from verdicts.proportion import proportion_above_by_binomial
from verdicts.trend import ordered_by_page

DYING = MLP(5, 64, "relu", "he_normal")
LEAKY = MLP(5, 64, "leaky_relu", "he_normal", slope=0.01)
GRID = (0.01, 0.03, 0.1, 0.2, 0.4)
HIGH, LOW = GRID[-1], GRID[0]
PROTOCOL = "dying protocol"


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


def _protocol(claim) -> dict:
    """The dying protocol's runs (trained once per session for the four claims that read them)."""
    return dying_runs(claim.protocol_seeds(PROTOCOL, claim.sizes["seeds"]), claim.sizes["epochs"])


def _diverged_per_rate(arm) -> dict:
    return {f"{arm.name} {rate:g}": int(arm.run.diverged[arm.relu(rate)].sum()) for rate in arm.rates}


@pytest.mark.claim("ACT-RELU-DIES-AT-HIGH-LR")
def test_relu_dies_more_at_higher_learning_rates(claim):
    """ReLu is a great choice, but it suffers from dying ReLu's ... esp. with high learning rates"""
    spec, runs = claim.spec, _protocol(claim)
    # [seed, rate]: share of hidden units that died in training, along each optimizer's grid (rate 0 left out)
    died = {name: died_share(arm.run)[[arm.relu(rate) for rate in arm.trained_rates]].T for name, arm in runs.items()}
    shuffle = claim.rng("control")
    permuted = {name: np.array([shuffle.permutation(row) for row in table]) for name, table in died.items()}

    def rises(table, alpha):
        return ordered_by_page(table, alpha=alpha, beta=spec.beta, min_effect=spec.min_effect,
                               seed=claim.seed_for("bootstrap"))

    verdict = every_part_holds(per_setting(rises, died), alpha=spec.alpha, split=INTERSECTION_UNION)
    control = every_part_holds(per_setting(rises, permuted), alpha=spec.alpha, split=INTERSECTION_UNION)
    diverged = {name: _diverged_per_rate(arm) for name, arm in runs.items()}
    wholly_dead = {name: np.where(arm.run.diverged, 1.0, died_share(arm.run)) for name, arm in runs.items()}
    claim.assert_verdict(
        verdict.noting(f"diverged runs (kept, read before divergence): {diverged}"),
        control=("learning-rate labels permuted within each seed", control),
        watched=rises(died["Adam"], spec.alpha).effect,
        details={"died_share": {name: died[name] for name in runs}, "diverged": diverged,
                 "dead_at_start_share": {name: dead_at_start_share(arm.run) for name, arm in runs.items()},
                 "if_diverged_counted_wholly_dead": wholly_dead, "seeds": runs["SGD"].run.seeds},
        findings=tuple(f"{name}: mean share died in training by rate " + ", ".join(
            f"{rate:g}: {share:.1%}" for rate, share in zip(arm.trained_rates, died[name].mean(axis=0)))
            for name, arm in runs.items()),
        series=_died_by_grid_position(runs, died))


def _died_by_grid_position(runs: dict, died: dict) -> dict:
    """Each optimizer's mean died share along its own grid; a shorter grid's line ends early (None)."""
    positions = max(len(arm.trained_rates) for arm in runs.values())
    return series.lines(
        list(range(1, positions + 1)),
        {f"{name} ({', '.join(f'{r:g}' for r in arm.trained_rates)})":
         died[name].mean(axis=0).tolist() + [None] * (positions - len(arm.trained_rates))
         for name, arm in runs.items()},
        title="ReLU units that died in training (mean over seeds)",
        x_label="position on the optimizer's learning-rate grid (SGD 0.01..1.0, Adam 0.001..0.1)",
        y_label="share of hidden units")


@pytest.mark.claim("ACT-RELU-HUGE-PORTIONS-DIE")
def test_huge_portions_of_a_relu_network_die(claim):
    """Huge portions of the network can die, esp. with high learning rates"""
    spec, runs = claim.spec, _protocol(claim)
    worst = {name: worst_layer_died_share(arm.run) for name, arm in runs.items()}  # [V, S]

    def most_runs_half_dead(shares, alpha):
        return proportion_above_by_binomial(int((shares >= 0.5).sum()), shares.size, share=0.5, alpha=alpha,
                                            beta=spec.beta, min_effect=spec.min_effect)

    def at(rate_of):
        return {f"{name} {rate_of(arm):g}": worst[name][arm.relu(rate_of(arm))] for name, arm in runs.items()}

    verdict = with_contrasts(some_part_holds(per_setting(most_runs_half_dead, at(lambda arm: arm.trained_rates[-1])),
                                             alpha=spec.alpha),
                             {"lowest rates": some_part_holds(per_setting(most_runs_half_dead,
                                                                          at(lambda arm: arm.trained_rates[0])),
                                                              alpha=spec.alpha)})
    control = some_part_holds(per_setting(most_runs_half_dead, at(lambda arm: 0.0)), alpha=spec.alpha)
    claim.assert_verdict(
        verdict.noting(f"diverged runs (kept, read before divergence): "
                       f"{ {name: _diverged_per_rate(arm) for name, arm in runs.items()} }"),
        control=("learning rate 0", control),
        details={"worst_layer_died_share": worst, "seeds": runs["SGD"].run.seeds},
        series=series.samples({f"{name} lr {rate:g}": worst[name][arm.relu(rate)].tolist()
                               for name, arm in runs.items() for rate in (arm.trained_rates[0], *arm.high_rates)},
                              title="largest share of a layer's ReLU units that died in training, per run",
                              y_label="share of the layer's units", reference=0.5))


@pytest.mark.claim("ACT-DEAD-RELU-STAYS-DEAD")
def test_dead_relu_units_stay_dead(claim):
    """it suffers from dying ReLu's, where some neurons only output 0"""
    spec, runs = claim.spec, _protocol(claim)
    relu_variants = {name: [arm.relu(rate) for rate in arm.trained_rates] for name, arm in runs.items()}
    # Per seed: the share of units alive at initialization that output only 0 at the end, over the trained rates.
    died = {name: died_share(arm.run)[relu_variants[name]] for name, arm in runs.items()}
    untrained = np.mean([died_share(arm.run)[arm.relu(0.0)] for arm in runs.values()], axis=0)

    def some_die(shares):
        return mean_greater_by_t(shares, alpha=spec.alpha, beta=spec.beta, min_effect=spec.min_effect)

    verdict = some_die(np.concatenate(list(died.values())).mean(axis=0))
    control = some_die(untrained)  # no update, so no unit can die in training: must not come out supported
    fates = {name: unit_fates(arm.run) for name, arm in runs.items()}
    persistence = {name: (int(fates[name].stayed_silent[relu_variants[name]].sum()),
                          int(fates[name].followed[relu_variants[name]].sum())) for name in runs}
    claim.assert_verdict(
        verdict, control=("learning rate 0: no training, so no unit can die", control),
        details={"died_share_per_seed": {name: table.mean(axis=0) for name, table in died.items()},
                 "died_share_by_rate": {name: dict(zip(map(str, runs[name].trained_rates), table.mean(axis=1)))
                                        for name, table in died.items()},
                 "untrained_died_share_per_seed": untrained,
                 "silent_units_followed_and_staying_silent": {name: {"followed": followed, "stayed_silent": stayed}
                                                              for name, (stayed, followed) in persistence.items()}},
        findings=tuple(f"{name}: {100 * table.mean():.1f}% of ReLU units died in training and output only 0 at the end "
                       f"(mean over its {table.shape[0]} trained rates and the seeds)" for name, table in died.items())
        + tuple(f"{name}: of {followed} ReLU units that went silent in training before the last evaluation, "
                f"{stayed} ({stayed / max(followed, 1):.0%}) stayed silent to the end (persistence is not this "
                f"sentence's claim; the previous design decided it)"
                for name, (stayed, followed) in persistence.items()),
        series=series.samples({**{f"ReLU, {name}": table.mean(axis=0).tolist() for name, table in died.items()},
                               "learning rate 0 (control)": untrained.tolist()},
                              title="share of units alive at initialization that output only 0 after training",
                              y_label="share of the network's units", reference=spec.min_effect))


@pytest.mark.claim("ACT-LEAKY-REVIVES")
def test_leaky_relu_units_come_back_to_life(claim):
    """To deal with that issue, the made leaky ReLu ... and it then has a chance of neurons coming back to life"""
    spec, sizes, runs = claim.spec, claim.sizes, _protocol(claim)
    fates = {name: (unit_fates(arm.run), [arm.leaky(r) for r in arm.high_rates]) for name, arm in runs.items()}
    followed = sum(f.followed[leaky].sum(axis=0) for f, leaky in fates.values())
    stayed = sum(f.stayed_silent[leaky].sum(axis=0) for f, leaky in fates.values())
    silenced = silenced_relu_run(runs["SGD"].run.seeds.tolist(), sizes["epochs"], sizes["silenced_units"],
                                 rate=runs["SGD"].high_rates[0])
    silenced_fates = unit_fates(silenced, layers=[0], silent_from_start=True)

    def revive(followed_and_stayed, alpha):
        followed, stayed = followed_and_stayed
        kept = followed > 0
        return mean_greater_by_t(1 - stayed[kept] / followed[kept], alpha=alpha, beta=spec.beta,
                                 min_effect=spec.min_effect)

    verdict = revive((followed, stayed), spec.alpha)
    control = revive((silenced_fates.followed[0], silenced_fates.stayed_silent[0]), spec.alpha)
    relu_dead = {name: died_share(arm.run)[[arm.relu(r) for r in arm.high_rates]].mean() for name, arm in runs.items()}
    leaky_inactive = {name: died_share(arm.run)[[arm.leaky(r) for r in arm.high_rates]].mean()
                      for name, arm in runs.items()}
    claim.assert_verdict(
        verdict, control=("silenced first-layer ReLU units under plain SGD", control),
        details={"leaky_followed_per_seed": followed, "leaky_stayed_inactive_per_seed": stayed,
                 "relu_died_share_high_rates": relu_dead, "leaky_inactive_share_high_rates": leaky_inactive},
        findings=tuple(f"{name} at its two highest rates: ReLU {relu_dead[name]:.1%} of units died in training, "
                       f"leaky ReLU {leaky_inactive[name]:.1%} inactive at the end" for name in runs),
        series=series.samples({"leaky ReLU 0.01 (SGD and Adam, two highest rates)": _revived(followed, stayed),
                               "silenced first-layer ReLU (control)": _revived(silenced_fates.followed[0],
                                                                               silenced_fates.stayed_silent[0])},
                              title="share of inactive units that came back, per seed",
                              y_label="share of followed units", reference=spec.min_effect))


def _revived(followed, stayed) -> list:
    kept = followed > 0
    return (1 - stayed[kept] / followed[kept]).tolist()


@pytest.mark.claim("ACT-PRELU-LEARNS-SLOPE")
def test_prelu_slopes_move_under_backprop(claim):
    """Parametric leaky Relu (PReLu) can be modified through backprop"""
    z = claim.rng("inputs").normal(0, 3, 1000)
    prelu_value, prelu_gradient = values_and_gradients("prelu", z)
    relu_value, relu_gradient = values_and_gradients("relu", z)
    run = _dying_run(claim, _grid(MLP(5, 64, "prelu", "he_normal"), (0.05, 0.0)))
    slopes = run.activation_weights  # [lr, seed, eval, layer, unit]; None when this Keras's PReLU has no weights
    if slopes is None:
        # What the data give: nothing to modify through backprop. A change compare reports, not a crash.
        missing = all_checks_hold({"this Keras's PReLU has a trainable slope per unit": False},
                                  what=f"PReLU in Keras {KERAS_VERSION}")
        claim.assert_verdict(missing.noting("keras.layers.PReLU built no trainable weights, so no slope can move"),
                             details={"keras_version": KERAS_VERSION, "trainable_weights": 0},
                             findings=(f"Keras {KERAS_VERSION}: PReLU has no trainable slope",))
        return
    moved = (slopes[:, :, -1] != 0).mean(axis=(-2, -1))  # [lr, seed]
    starts_as_relu = {"every slope starts at 0": bool(np.all(slopes[:, :, 0] == 0)),
                      "a fresh PReLU computes ReLU": bool(np.array_equal(prelu_value, relu_value)),
                      "a fresh PReLU has ReLU's gradient": bool(np.array_equal(prelu_gradient, relu_gradient))}

    def slopes_move(variant):
        return all_checks_hold({f"seed {i}: most slopes moved off 0 ({share:.0%})": bool(share > 0.5)
                                for i, share in enumerate(moved[variant])},
                               what=f"PReLU slopes at lr {run.learning_rates[variant]:g}")

    verdict = conjunction({"starts as ReLU": all_checks_hold(starts_as_relu, what="PReLU before training"),
                           "slopes move": with_contrasts(slopes_move(0), {"learning rate 0": slopes_move(1)})})
    mean_abs = np.abs(slopes).mean(axis=(1, 4))  # [lr, eval, layer]
    claim.assert_verdict(verdict, details={"share_moved": moved, "diverged": run.diverged}, series=series.lines(
        run.eval_steps.tolist(), {f"layer {layer + 1}": mean_abs[0, :, layer].tolist()
                                  for layer in range(mean_abs.shape[2])},
        title="PReLU: mean |slope| per layer (lr 0.05)", x_label="optimizer step", y_label="mean |slope|"))


@pytest.mark.claim("ACT-PROPERTIES")
def test_activation_gradients_have_their_defining_properties(claim):
    """To deal with that issue, the made leaky ReLu where when its less than zero it becomes negative instead of 0"""
    examples, seed = claim.sizes["max_examples"], claim.seed_for("hypothesis")
    verdict = all_checks_hold(leaky_checks("leaky_relu", examples, seed), what="leaky ReLU over Hypothesis inputs")
    control = all_checks_hold(leaky_checks("relu", examples, seed), what="ReLU through the leaky checks")
    others, contrasts = recorded_checks(examples, seed)
    underflow = elu_gradient_underflow()
    claim.assert_verdict(
        verdict, control=("ReLU (0 below zero by construction)", control),
        details={"recorded_checks": others, "recorded_contrasts": contrasts, "elu_float32": underflow,
                 "subnormal_inputs": subnormal_flush()},
        findings=(*(f"{name}: {'holds' if held else 'fails'}" for name, held in others.items()),
                  f"ELU's float32 gradient (computed from its output) is exactly 0 from z = "
                  f"{underflow['largest_z_with_zero_gradient']} down, and up to "
                  f"{underflow['largest_relative_error_for_z_in_[-15,0]']:.0%} off alpha*exp(z) over [-15, 0]"),
        series=saturation_series())
