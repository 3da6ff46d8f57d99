"""Benchmark: the batched training engine against one `model.fit` per seed, side by side.

Not a timed test, and not collected by default (the file name does not match test_*.py): run it
serially, never under xdist,

    .venv/bin/python -m pytest suite/benchmarks/bench_training_engine.py -p no:xdist -p no:cacheprovider -s

The workload is the issue's: 10 seeds of a 20-layer, 64-unit SELU MLP (lecun_normal), SGD, 3 epochs
of batch 32 on scikit-learn's digits. One round of each way trains all 10 seeds from scratch, as a
claim would: the naive way builds, compiles and fits 10 Keras models; the engine builds one stack,
traces once, trains, and also evaluates every model on both sets after each epoch (the naive way
does not). Rounds are interleaved (pytest-benchmark times the engine; its `setup` times the naive
round just before), after one warm-up round of each. The result: the ratio of medians (naive /
engine) with a bootstrap interval and a one-sided rank test, printed and kept in `extra_info`.
"""
from __future__ import annotations

import os
import time

from probes.datasets import digits
from probes.keras_api import keras, tf
from probes.training import MLP, optimizer, train_seeds
from probes.training.reference import keras_mlp
from probes.training.spec import initial_weights
from pytest_deepclaims.environment import tensorflow_threads
from verdicts.ratio import ratio_greater_by_bootstrap

BENCH_SEED = 20150206  # arbitrary, fixed: seeds of the benchmarked models
SEEDS = 10
EPOCHS, BATCH = 3, 32
ROUNDS, WARMUP = 5, 1
ARCHITECTURE = MLP(20, 64, "selu", "lecun_normal")
OPTIMIZER = optimizer("SGD")
LEARNING_RATE = 0.01
TARGET_SPEEDUP = 4.0


def fit_each_seed(data, seeds):
    """The naive way: for each seed a fresh Keras model, compiled and trained with one `fit`."""
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = keras_mlp(ARCHITECTURE, data.features, data.classes,
                          initial_weights(ARCHITECTURE, data.features, data.classes, seed))
        model.compile(optimizer=OPTIMIZER.build(LEARNING_RATE),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(data.x_train, data.y_train, epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=0)


def train_together(data, seeds):
    return train_seeds(data, ARCHITECTURE, seeds=seeds, learning_rates=[LEARNING_RATE], epochs=EPOCHS,
                       batch_size=BATCH, optimizer=OPTIMIZER, record_units=False)


def test_engine_against_per_seed_fit(benchmark):
    data = digits()
    seeds = [BENCH_SEED + i for i in range(SEEDS)]
    naive_seconds = []

    def time_naive_round():
        began = time.perf_counter()
        fit_each_seed(data, seeds)
        naive_seconds.append(time.perf_counter() - began)

    benchmark.group = f"{SEEDS} seeds, {ARCHITECTURE.label}, {EPOCHS} epochs, digits"
    benchmark.pedantic(train_together, args=(data, seeds), setup=time_naive_round, rounds=ROUNDS,
                       warmup_rounds=WARMUP, iterations=1)
    naive = naive_seconds[WARMUP:]
    engine = list(benchmark.stats.stats.data)
    verdict = ratio_greater_by_bootstrap(naive, engine, alpha=0.05, beta=0.2,
                                         min_effect=TARGET_SPEEDUP - 1, seed=BENCH_SEED)
    benchmark.extra_info.update({
        "naive_seconds": naive, "engine_seconds": engine, "speedup": verdict.effect,
        "speedup_ci": [verdict.ci_low, verdict.ci_high], "verdict": verdict.summary(),
        "tensorflow": tf.__version__, "keras": keras.__version__ if hasattr(keras, "__version__") else None,
        "cpus": os.cpu_count(), **tensorflow_threads(),
    })
    print(f"\nengine speed-up over per-seed fit: {verdict.effect:.2f}x "
          f"[{verdict.ci_low:.2f}, {verdict.ci_high:.2f}] (90% CI); naive {naive}, engine {engine}")
    assert verdict.ci_low >= 1, verdict.summary()
