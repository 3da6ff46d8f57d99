"""The batched training engine is faithful: it matches per-seed Keras models trained with `fit`.

Uses TensorFlow (a few seconds). Each case trains 2 seeds × its variants (activation, initializer,
learning rate) with the engine, and each variant once (seeds alternating) with `model.fit` (same initial
weights, same batches, shuffle off), then compares every Dense weight. Tolerance: float32 rounding over
~14 steps moves weights by ~1e-7 (SGD) to ~1e-6 (Adam, whose 1/sqrt(v) amplifies rounding where v is
small), so the weights must agree within 1e-5 absolute + 1e-5 relative; a wrong batch order, learning rate
or update rule moves them by more than 1e-3, which the contrast in each case shows.
"""
from __future__ import annotations

import numpy as np
import pytest

from probes.activations import RReLU
from probes.datasets import digits, digits_raw
from probes.keras_api import tf
from probes.training import MLP, Variant, optimizer, train_seeds, train_variants
from probes.training.batched import BatchedMLP
from probes.training.engine import _step_blocks
from probes.training.reference import dense_weights, fit_one_seed

TOLERANCE = 1e-5
# (variants, optimizer): mixed activations, initializers and learning rates in one stack; PReLU's
# per-model slopes alone in a stack too.
CASES = {
    "relu, prelu, elu (glorot), SGD with momentum": (
        [Variant(MLP(2, 16, "relu", "he_normal"), 0.01), Variant(MLP(2, 16, "prelu", "he_normal"), 0.03),
         Variant(MLP(2, 16, "elu", "glorot_uniform"), 0.01)], optimizer("SGD", momentum=0.9)),
    "prelu, Adam": ([Variant(MLP(2, 16, "prelu", "he_normal"), 0.01)], optimizer("Adam")),
}
EPOCHS, BATCH = 2, 32


def _engine_weights(data, variants, opt, seeds, monkeypatch):
    """Run the engine and keep its model stack, to read the trained weights of every model."""
    kept = {}

    class Keeping(BatchedMLP):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            kept["model"] = self

    monkeypatch.setattr("probes.training.engine.BatchedMLP", Keeping)
    run = train_variants(data, variants, seeds=seeds, epochs=EPOCHS, batch_size=BATCH, optimizer=opt)
    return run, kept["model"].weights()


def _largest_excess(a, b) -> float:
    """max over all weights of |a - b| - (TOLERANCE + TOLERANCE·|b|): ≤ 0 means within tolerance."""
    return max(float(np.max(np.abs(x - y) - TOLERANCE * (1 + np.abs(y))))
               for pair_a, pair_b in zip(a, b) for x, y in zip(pair_a, pair_b))


@pytest.mark.parametrize("case", CASES)
def test_engine_matches_per_seed_fit(case, rng, monkeypatch):
    variants, opt = CASES[case]
    data = digits().subset(200, rng)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, 2)]
    run, engine = _engine_weights(data, variants, opt, seeds, monkeypatch)
    assert not run.diverged.any()
    # Every variant once, seeds alternating, against its own fit.
    fitted = []
    for index, variant in enumerate(variants):
        seed = seeds[index % 2]
        model = fit_one_seed(data, variant.mlp, seed, learning_rate=variant.learning_rate, epochs=EPOCHS,
                             batch_size=BATCH, optimizer=opt)
        fitted.append(dense_weights(model))
        excess = _largest_excess(engine[index * len(seeds) + index % 2], fitted[-1])
        assert excess <= 0, f"{case}, {variant.label}, seed {seed}: weights differ by {excess:.3g} beyond tolerance"
    # Contrast: another seed's model is far outside the tolerance.
    assert _largest_excess(engine[1], fitted[0]) > 1e-3


def test_input_views_train_each_model_on_its_own_view_as_if_trained_alone(rng, monkeypatch):
    """Raw and standardized pixels in one stack: each view's models end where the same models trained on that
    view alone end (same initial weights and batches), and the views' models differ (the contrast)."""
    subset_seed = int(rng.integers(2**31 - 1))
    views = tuple(data.subset(200, np.random.default_rng(subset_seed)) for data in (digits(), digits_raw()))
    # Two learning rates, given out of group order, so the stack's internal order is not the caller's.
    variants = [Variant(MLP(2, 16, "selu", "lecun_normal"), 0.01), Variant(MLP(2, 16, "selu", "lecun_normal"), 0.03),
                Variant(MLP(2, 16, "selu", "lecun_normal"), 0.01)]
    opt, seeds = optimizer("SGD", momentum=0.9), [int(s) for s in rng.integers(0, 2**31 - 1, 2)]
    together, together_weights = _engine_weights(views, variants, opt, seeds, monkeypatch)
    assert together.variant_labels == [f"{variant.label} on {view.name}" for view in views for variant in variants]
    for index, view in enumerate(views):
        alone, alone_weights = _engine_weights(view, variants, opt, seeds, monkeypatch)
        for model, alone_model in enumerate(alone_weights):
            excess = _largest_excess(together_weights[index * len(alone_weights) + model], alone_model)
            assert excess <= 0, f"{view.name}, model {model}: {excess:.3g} beyond tolerance"
        np.testing.assert_allclose(together.final("val_loss")[index * len(variants):(index + 1) * len(variants)],
                                   alone.final("val_loss"), rtol=1e-5)
    assert _largest_excess(together_weights[0], together_weights[len(variants) * len(seeds)]) > 1e-3
    other_rows = digits_raw().subset(200, np.random.default_rng(subset_seed + 1))
    for mismatched in (digits_raw(), other_rows):  # other sizes; the same size, other examples
        with pytest.raises(ValueError, match="same examples"):
            train_variants((views[0], mismatched), variants, seeds=seeds, epochs=1)


def test_validation_only_evaluation_scores_what_the_full_one_does_after_training(rng):
    data = digits().subset(200, rng)
    arms = dict(seeds=[3, 4], learning_rates=[0.01], epochs=2, epochs_per_eval=2, record_units=False)
    full = train_seeds(data, MLP(2, 8, "relu", "he_normal"), **arms)
    final = train_seeds(data, MLP(2, 8, "relu", "he_normal"), initial_evaluation=False,
                        train_split_evaluation=False, **arms)
    assert full.eval_steps.tolist() == [0, final.eval_steps[-1]] and len(final.eval_steps) == 1
    np.testing.assert_array_equal(final.final("val_accuracy"), full.final("val_accuracy"))
    np.testing.assert_allclose(final.final("val_loss"), full.final("val_loss"), rtol=1e-6)
    assert np.isnan(final.train_loss).all()
    diverging = train_seeds(data, MLP(2, 8, "relu", "he_normal"), initial_evaluation=False,
                            train_split_evaluation=False, divergence_loss=1e3,
                            **{**arms, "learning_rates": [0.01, 1e6]})
    assert diverging.diverged.tolist() == [[False, False], [True, True]]
    with pytest.raises(ValueError, match="record_units"):
        train_seeds(data, MLP(2, 8, "relu", "he_normal"), train_split_evaluation=False,
                    **{**arms, "record_units": True})


def test_divergence_is_flagged_per_model_and_masked(rng):
    data = digits().subset(100, rng)
    run = train_seeds(data, MLP(2, 8, "relu", "he_normal"), seeds=[1, 2], learning_rates=[0.01, 1e6],
                      epochs=1, divergence_loss=1e3)
    assert run.diverged.tolist() == [[False, False], [True, True]]
    assert np.isnan(run.final("val_loss")[1]).all() and np.isfinite(run.final("val_loss")[0]).all()
    assert np.isnan(run.dead_fraction()[1]).all()


def test_step_blocks_cover_every_example_once_per_epoch_like_fit():
    order = np.stack([np.random.default_rng(seed).permutation(70) for seed in range(3)])
    blocks = _step_blocks(order, batch_size=32, evals_per_epoch=2)
    assert [b.shape for b in blocks] == [(1, 3, 32), (1, 3, 32), (1, 3, 6)]
    visited = np.concatenate([b.transpose(1, 0, 2).reshape(3, -1) for b in blocks], axis=1)
    np.testing.assert_array_equal(visited, order)


def test_rrelu_draws_slopes_in_training_and_uses_their_mean_at_inference():
    layer = RReLU(seed=3)
    z = -tf.ones([4000])
    training = -np.asarray(layer(z, training=True))
    assert 1 / 8 <= training.min() and training.max() <= 1 / 3 and training.std() > 0.02
    np.testing.assert_allclose(np.asarray(layer(z, training=False)), -2 / 11, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(tf.constant([0.0, 2.5]), training=True)), [0.0, 2.5])
