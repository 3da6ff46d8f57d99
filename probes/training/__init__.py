"""Fast multi-seed training: N seeds × V learning rates of one MLP trained together in one compiled step.

How to use it (on scikit-learn's digits, standardized, fixed split)::

    from probes.datasets import digits
    from probes.training import MLP, optimizer, train_seeds

    run = train_seeds(
        digits(),
        MLP(hidden_layers=5, width=64, activation="leaky_relu", slope=0.2, kernel_initializer="he_normal"),
        seeds=[claim.seed_for(f"seed {i}") for i in range(10)],   # one model per seed ...
        learning_rates=[0.01, 0.1],                              # ... per learning rate (variants)
        optimizer=optimizer("SGD", momentum=0.9),                # a Keras optimizer class and its config
        epochs=10, batch_size=32,
        evals_per_epoch=1,        # whole-set evaluations per epoch (more = finer steps-to-target)
        record_units=True,        # per-unit activity and gradient statistics (dead units)
        divergence_loss=1e3,      # a training loss above this counts as diverged (NaN/inf always do)
    )

Different activations or initializers (of one depth and width) train together too, paired by seed:

    run = train_variants(digits(), [Variant(MLP(8, 64, "relu", "he_normal"), 0.01),
                                    Variant(MLP(8, 64, "elu", "he_normal"), 0.01)],
                         seeds=seeds, epochs=10, optimizer=optimizer("SGD", momentum=0.9),
                         epochs_per_eval=1)   # or evaluate only every k epochs (small data sets)

The same examples in other features (raw and standardized digits) train in one stack too, each seed giving
every view the same initial weights and batches; variants come back view-major:

    run = train_variants((digits(), digits_raw()), [Variant(MLP(100, 100, "selu", "lecun_normal"), 1e-3)],
                         seeds=seeds, epochs=5,
                         initial_evaluation=False, train_split_evaluation=False)  # score validation, at the end

Each call builds and traces its step once (about a second): prefer one call with many variants.

`activation` is a name of `probes.activations.NAMES`: relu, elu, selu, tanh, sigmoid (Keras's own),
leaky_relu (Keras's LeakyReLU with the `slope` you give), prelu (Keras's PReLU, one slope per unit),
rrelu (`probes.activations.RReLU`). `kernel_initializer` is any Keras initializer name.

What it returns, a `TrainingRun` (probes/training/run.py); arrays are indexed [variant, seed, ...]
(variant = learning rate for `train_seeds`, the `Variant` list's order for `train_variants`):
  - `batch_loss` [V, S, steps]: every training batch's loss (learning curves at step resolution);
  - `train_loss`, `train_accuracy`, `val_loss`, `val_accuracy` [V, S, evals] on the whole training
    and validation sets at `eval_steps` (step 0 = the initial weights);
  - `diverged`, `diverged_step` [V, S]: non-finite (or above `divergence_loss`) losses, per model;
  - `active_share` [V, S, evals, layers, width]: share of training inputs on which each hidden unit's
    pre-activation is > 0 (0 = dead); `unit_gradient_max`: the largest |gradient| each unit's incoming
    weights and bias got since the previous evaluation; `activation_weights`: PReLU's slopes;
  - helpers: `final(metric)`, `generalization_gap()`, `dead_units(e)`, `dead_fraction(e)`,
    `steps_to_target(loss)`, `curve(metric)`; all give NaN for diverged models;
  - `wall_time_s`, `train_time_s`, `eval_time_s`.

Faithful by construction: weights come from the real Keras initializers (one derived seed per seed and
layer), activations from Keras layers, updates from real Keras optimizer objects applied to stacked
variables (every Keras optimizer updates elementwise). `reference.fit_one_seed` trains the same model
with `model.fit`; suite/selftest/test_training_engine.py shows the two agree to float tolerance, and
suite/benchmarks/bench_training_engine.py measures the speed-up.

Seed s gives the same initial weights and batch order to every learning rate (paired variants), and
to every activation with the same initializer. Long runs log progress to the "probes.training" logger
(see it with `pytest --log-cli-level=INFO`).
"""
from probes.training.batched import Variant
from probes.training.engine import train_seeds, train_variants
from probes.training.run import TrainingRun
from probes.training.spec import MLP, Optimizer, optimizer

__all__ = ["train_seeds", "train_variants", "Variant", "TrainingRun", "MLP", "Optimizer", "optimizer"]
