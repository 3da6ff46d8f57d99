"""Claims of "Nonsaturating Activation Functions" comparing how well activations train and generalize.

The performance protocol: an 8×64 MLP (deeper than 5 layers, as in Clevert et al.'s ELU experiments),
SGD with momentum 0.9 at learning rate 0.01, batch 32, on digits (standardized, fixed split). Each
seed fixes the batch order, and, for activations sharing an initializer, the initial weights: the
comparisons are paired across seeds. A model whose loss turns non-finite or exceeds 1e3 nats has
diverged and is dropped from every comparison (the count is noted in the verdict).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from probes.activations import RRELU_LOWER, RRELU_UPPER
from probes.datasets import digits
from probes.training import MLP, Variant, optimizer, train_variants
from probes.training.spec import DIVERGED_ABOVE
from reports import series
from suite.claims.nonsaturating_activations.protocols import tuned_protocol
from verdicts.family import INTERSECTION_UNION, every_part_holds, per_setting
from verdicts.location import shift_greater_by_wilcoxon
from verdicts.trend import ordered_by_page

DEPTH, WIDTH = 8, 64
OPTIMIZER = optimizer("SGD", momentum=0.9)
LEARNING_RATE = 0.01
SMALL_SET_TITLE = "validation loss (small training set)"
TARGET_TRAIN_LOSS = 0.1  # nats, for "converges faster": about 97% training accuracy
# Evaluations only draw the curves where the end decides: every 2 epochs (10 for 100 short epochs).
EPOCHS_PER_EVAL, EPOCHS_PER_EVAL_SMALL = 2, 10
RRELU_MEAN_SLOPE = 2 / (RRELU_LOWER + RRELU_UPPER)  # 1/5.5, RReLU's inference slope


def _mlp(activation: str, slope: float | None = None) -> MLP:
    return MLP(DEPTH, WIDTH, activation, "he_normal", slope=slope)


def _train(claim, named_mlps: dict, data=None, *, epochs: int | None = None, evals_per_epoch: int = 1,
           epochs_per_eval: int = 1):
    """All the named MLPs trained together from the claim's seeds (paired); returns {name: variant index}
    and the run."""
    run = train_variants(data or digits(), [Variant(mlp, LEARNING_RATE) for mlp in named_mlps.values()],
                         seeds=[claim.seed_for(f"seed {i}") for i in range(claim.sizes["seeds"])],
                         epochs=epochs or claim.sizes["epochs"], optimizer=OPTIMIZER, divergence_loss=DIVERGED_ABOVE,
                         evals_per_epoch=evals_per_epoch, epochs_per_eval=epochs_per_eval, record_units=False,
                         label=claim.spec.id)
    return {name: index for index, name in enumerate(named_mlps)}, run


def _paired_greater(claim, differences, what: str):
    """Wilcoxon that per-seed `differences` are centred above 0; diverged seeds (NaN) dropped."""
    differences = np.asarray(differences, dtype=float)
    kept = np.isfinite(differences)
    spec = claim.spec
    verdict = shift_greater_by_wilcoxon(differences[kept], alpha=spec.alpha, beta=spec.beta,
                                        min_effect=spec.min_effect, seed=claim.seed_for("bootstrap"))
    return verdict.noting(f"effect: {what}", f"{int((~kept).sum())} of {kept.size} seeds dropped (diverged)")


def _listed(values) -> list:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(values, dtype=float)]


def _curves_and_samples(names: dict, run, metric: str, title: str, final: dict, *, reference=None,
                        log_y: bool | None = None) -> dict:
    return series.panels(
        series.lines(run.eval_steps.tolist(),
                     {name: _listed(np.nanmean(run.curve(metric, v), axis=0)) for name, v in names.items()},
                     title=f"{title}: mean over seeds", x_label="optimizer step", y_label=metric.replace("_", " "),
                     reference=reference, log_y=log_y),
        series.samples({k: _listed(v) for k, v in final.items()}, title=f"{title}: per seed, at the end"))


@pytest.mark.claim("ACT-HIGH-LEAK-BETTER")
def test_high_leak_beats_small_leak(claim):
    """High leaks seem to do really well"""
    names, run = _train(claim, {"leaky 0.01": _mlp("leaky_relu", 0.01), "leaky 0.2": _mlp("leaky_relu", 0.2)},
                        epochs_per_eval=EPOCHS_PER_EVAL)
    final = {name: run.final("val_loss")[v] for name, v in names.items()}
    difference = final["leaky 0.01"] - final["leaky 0.2"]
    verdict = _paired_greater(claim, difference, "validation loss, slope 0.01 - slope 0.2")
    signs = claim.rng("control").choice([-1.0, 1.0], size=difference.shape)
    control = _paired_greater(claim, signs * difference, "the same differences with random signs")
    claim.assert_verdict(verdict, control=("paired differences with random signs", control),
                         details={"final_val_loss": final},
                         series=_curves_and_samples(names, run, "val_loss", "validation loss", final))


def _gaps(claim, named_mlps: dict):
    """Train on the claim's small training set (drawn once), evaluating every 10 epochs; per-seed gaps."""
    small = digits().subset(claim.sizes["train_size"], claim.rng("subset"))
    names, run = _train(claim, named_mlps, small, epochs_per_eval=EPOCHS_PER_EVAL_SMALL)
    return names, run, {name: run.generalization_gap()[v] for name, v in names.items()}


@pytest.mark.claim("ACT-PRELU-OVERFITS-SMALL")
def test_prelu_overfits_a_small_training_set(claim):
    """Parametric leaky Relu (PReLu) ... tends to overfit on smaller ones"""
    names, run, gaps = _gaps(claim, {"PReLU": _mlp("prelu"), "leaky 0.01": _mlp("leaky_relu", 0.01)})
    difference = gaps["PReLU"] - gaps["leaky 0.01"]
    verdict = _paired_greater(claim, difference, "generalization gap, PReLU - leaky 0.01")
    signs = claim.rng("control").choice([-1.0, 1.0], size=difference.shape)
    control = _paired_greater(claim, signs * difference, "the same differences with random signs")
    claim.assert_verdict(verdict, control=("paired differences with random signs", control),
                         details={"gap": gaps, "train_size": claim.sizes["train_size"]},
                         series=_curves_and_samples(names, run, "val_loss", SMALL_SET_TITLE, gaps))


@pytest.mark.claim("ACT-RRELU-AGAINST-OVERFITTING")
def test_rrelu_narrows_the_generalization_gap(claim):
    """Can also cross-validation other unctions, such as RReLu if network is overfitting"""
    names, run, gaps = _gaps(claim, {"RReLU": _mlp("rrelu"), "leaky 1/5.5": _mlp("leaky_relu", RRELU_MEAN_SLOPE)})
    verdict = _paired_greater(claim, gaps["leaky 1/5.5"] - gaps["RReLU"], "generalization gap, leaky 1/5.5 - RReLU")
    claim.assert_verdict(verdict, details={"gap": gaps, "train_size": claim.sizes["train_size"]},
                         series=_curves_and_samples(names, run, "val_loss", SMALL_SET_TITLE, gaps))


@pytest.mark.claim("ACT-PRELU-LARGE-DATASETS")
def test_prelu_advantage_grows_with_training_set_size(claim):
    """Its really good for large image datasets (proxy: PReLU's advantage over leaky ReLU grows with
    the training set, on digits; no large image data set is available offline)"""
    spec, sizes = claim.spec, sorted(claim.sizes["train_sizes"])
    rng, datasets, data = claim.rng("subsets"), {}, digits()
    for size in reversed(sizes):  # nested: each smaller set is drawn from the next larger one
        data = data if size == len(data.y_train) else data.subset(size, rng)
        datasets[size] = data
    advantage = []
    for size in sizes:
        epochs = math.ceil(claim.sizes["steps"] / math.ceil(size / 32))
        _, run = _train(claim, {"leaky 0.01": _mlp("leaky_relu", 0.01), "PReLU": _mlp("prelu")}, datasets[size],
                        epochs=epochs, epochs_per_eval=epochs)
        advantage.append(run.final("val_loss")[0] - run.final("val_loss")[1])
    advantage = np.array(advantage)  # [size, seed]
    complete = np.isfinite(advantage).all(axis=0)
    table = advantage[:, complete].T
    verdict = ordered_by_page(table, alpha=spec.alpha, beta=spec.beta, min_effect=spec.min_effect,
                              seed=claim.seed_for("bootstrap")).noting(
        "proxy: growth with training-set size on digits stands in for large image datasets",
        f"{int((~complete).sum())} seeds dropped (a run diverged)")
    low, high = np.nanquantile(advantage, [0.1, 0.9], axis=1)
    claim.assert_verdict(verdict, details={"advantage": advantage, "train_sizes": sizes}, series=series.lines(
        sizes, {"mean over seeds": _listed(np.nanmean(advantage, axis=1))},
        bands={"mean over seeds": [_listed(low), _listed(high)]}, title="PReLU's advantage over leaky ReLU 0.01",
        x_label="training examples", y_label="validation loss, leaky - PReLU", reference=0.0, log_x=True))


@pytest.mark.claim("ACT-ELU-BETTER-THAN-RELU")
def test_elu_generalizes_better_than_relu(claim):
    """Then there is exponential linear unit (ELU) that performs better than ReLu"""
    names, run = _train(claim, {"ReLU": _mlp("relu"), "ELU": _mlp("elu")}, epochs_per_eval=EPOCHS_PER_EVAL)
    final = {name: run.final("val_loss")[v] for name, v in names.items()}
    verdict = _paired_greater(claim, final["ReLU"] - final["ELU"], "validation loss, ReLU - ELU")
    claim.assert_verdict(verdict, details={"final_val_loss": final},
                         series=_curves_and_samples(names, run, "val_loss", "validation loss", final))


@pytest.mark.claim("ACT-ELU-CONVERGES-FASTER")
def test_elu_reaches_the_target_loss_in_fewer_steps(claim):
    """That it converges faster during training compensates"""
    names, run = _train(claim, {"ReLU": _mlp("relu"), "ELU": _mlp("elu")}, evals_per_epoch=4)
    reached = run.steps_to_target(TARGET_TRAIN_LOSS)
    # Never reached: censored one evaluation interval past the end (a rank test only needs the order).
    censored_at = run.eval_steps[-1] + math.ceil(run.steps_per_epoch / 4)
    steps = {name: np.where(np.isinf(reached[v]), censored_at, reached[v]) for name, v in names.items()}
    verdict = _paired_greater(claim, steps["ReLU"] - steps["ELU"],
                              f"steps to training loss {TARGET_TRAIN_LOSS}, ReLU - ELU")
    censored = {name: int(np.isinf(reached[v]).sum()) for name, v in names.items()}
    claim.assert_verdict(verdict.noting(f"never reached the target (censored): {censored}"),
                         details={"steps_to_target": steps, "censored": censored},
                         series=_curves_and_samples(names, run, "train_loss", "training loss", steps,
                                                    reference=TARGET_TRAIN_LOSS, log_y=True))


def tuned_samples(runs, metric: str, values: dict) -> dict:
    words = metric.replace("_", " ")
    return series.panels(
        series.lines(runs.run.eval_steps.tolist(),
                     {f"{name} (lr {runs.rates[name]:g})": _listed(np.nanmean(runs.run.curve(metric, v), axis=0))
                      for v, name in enumerate(runs.names)},
                     title=f"{words} at each activation's tuned rate: mean over seeds", x_label="optimizer step",
                     y_label=words),
        series.samples({name: _listed(v) for name, v in values.items()},
                       title=f"final {words} per seed (diverged runs censored)"))


@pytest.mark.claim("ACT-RANKING")
def test_activations_rank_as_the_note_says(claim):
    """The general path is SELU > ELU > leaky ReLu & variants > ReLu > tanh > logistic."""
    spec, runs = claim.spec, tuned_protocol(claim)
    loss = runs.final("val_loss")  # [activation, seed], worst to best as the note orders them
    shuffle = claim.rng("control")
    permuted = np.array([shuffle.permutation(column) for column in loss.T]).T

    def adjacent_differences(table):
        return {f"{better} > {worse}": table[i] - table[i + 1]
                for i, (worse, better) in enumerate(zip(runs.names[:-1], runs.names[1:]))}

    def lower_loss(differences, alpha):
        return shift_greater_by_wilcoxon(differences, alpha=alpha, beta=spec.beta, min_effect=spec.min_effect,
                                         seed=claim.seed_for("bootstrap"))

    verdict = every_part_holds(per_setting(lower_loss, adjacent_differences(loss)), alpha=spec.alpha,
                               split=INTERSECTION_UNION)
    control = every_part_holds(per_setting(lower_loss, adjacent_differences(permuted)), alpha=spec.alpha,
                               split=INTERSECTION_UNION)
    final = dict(zip(runs.names, loss))
    claim.assert_verdict(
        verdict.noting(f"tuned learning rates: {runs.rates}",
                       f"diverged runs (counted, ranked last): {runs.diverged()}"),
        control=("activation labels permuted within each seed", control),
        details={"final_val_loss": final, "learning_rates": runs.rates,
                 "tuning_median_loss": runs.tuning_median_loss, "diverged": runs.diverged()},
        findings=("mean final validation loss at tuned rates: " +
                  ", ".join(f"{name} {np.mean(v):.3f} (lr {runs.rates[name]:g})" for name, v in final.items()),),
        series=tuned_samples(runs, "val_loss", final))
