"""What the SELU claims share: the cached plain SELU stack, the per-layer series and summaries, and for the
training claims the notebook's protocol. The decisions on the paper's domain, its moment map and paired
accuracies live in verdicts/self_normalization.py and verdicts/paired.py.
"""
from __future__ import annotations

import functools

import numpy as np

from probes import selu
from probes.training import MLP, Variant, optimizer, train_variants
from reports import series
from verdicts.domain import Bounds
from verdicts.self_normalization import MEAN_BOUNDS, STD_BOUNDS


def seeds(claim, stream: str, count: int) -> list[int]:
    return [claim.seed_for(f"{stream} {index}") for index in range(count)]


@functools.lru_cache(maxsize=4)
def plain_stack(width: int, depth: int, activation: str = "selu", input_dim: int | None = None) -> selu.MomentsProbe:
    """The sequential SELU stack (lecun_normal), built and traced once per session; every run redraws all of
    its kernels from the run's seeds, so no state passes from one claim to another."""
    layers = selu.dense_layers(input_dim or width, [width] * depth, activation=activation)
    return selu.MomentsProbe(selu.sequential(layers))


def _finite(values) -> list:
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def moment_lines(arms: dict[str, selu.LayerMoments], *, title: str, x_label: str = "layer",
                 notebook_std: bool = False) -> list[dict]:
    """Two `lines` specs, mean and std by layer, one line per arm (the mean over networks), the first arm
    (the claim's own) with a band from its smallest to its largest network; the domain's bounds as references.
    A claim joins them, and any plots of its own, with `reports.series.panels`."""
    def panel(name: str, values: dict[str, np.ndarray], bounds: Bounds) -> dict:
        layers = next(iter(values.values())).shape[1]
        largest = max((np.nanmax(np.abs(v[np.isfinite(v)])) for v in values.values() if np.isfinite(v).any()),
                      default=1.0)
        return series.lines(
            list(range(1, layers + 1)), {label: _finite(np.nanmean(v, axis=0)) for label, v in values.items()},
            bands={label: [_finite(np.nanmin(v, axis=0)), _finite(np.nanmax(v, axis=0))]
                   for label, v in list(values.items())[:1]},
            title=f"{title}: {name}", x_label=x_label, y_label=name,
            reference={"domain low": bounds.low, "domain high": bounds.high},
            log_y=bool(name.startswith("std") and largest > 10))

    panels = [panel("mean", {label: arm.mean for label, arm in arms.items()}, MEAN_BOUNDS),
              panel("std (pooled)", {label: arm.std for label, arm in arms.items()}, STD_BOUNDS)]
    if notebook_std:
        panels.append(panel("std (notebook: mean per-unit std)", {label: arm.unit_std for label, arm in arms.items()},
                            STD_BOUNDS))
    return panels


def summary(moments: selu.LayerMoments) -> dict:
    """Per-arm figures for `details`: the deepest layer's mean and std over networks, and their extremes."""
    return {"networks": int(moments.mean.shape[0]), "last_mean": float(np.nanmean(moments.mean[:, -1])),
            "last_std": float(np.nanmean(moments.std[:, -1])),
            "lowest_layer_std": float(np.nanmin(np.nanmean(moments.std, axis=0))),
            "highest_layer_std": float(np.nanmax(np.nanmean(moments.std, axis=0))),
            "largest_layer_abs_mean": float(np.nanmax(np.abs(np.nanmean(moments.mean, axis=0))))}


NOTEBOOK_WIDTH, NOTEBOOK_DEPTH, NOTEBOOK_LEARNING_RATE = 100, 100, 1e-3  # the notebook's SELU experiment
SELU_NET = MLP(NOTEBOOK_DEPTH, NOTEBOOK_WIDTH, "selu", "lecun_normal")
RELU_NET = MLP(NOTEBOOK_DEPTH, NOTEBOOK_WIDTH, "relu", "he_normal")


def notebook_training(data, nets, seeds: list[int], epochs: int, label: str):
    """The nets from every seed, trained together as the notebook trains them (SGD, batch 32), on `data` (or on
    each of a tuple of views of it, see `train_variants`), scored on the validation split after training only:
    a whole-set evaluation of 100-layer nets costs a third of an epoch, and these claims read nothing else."""
    return train_variants(data, [Variant(net, NOTEBOOK_LEARNING_RATE) for net in nets], seeds=seeds, epochs=epochs,
                          batch_size=32, optimizer=optimizer("SGD"), epochs_per_eval=epochs, record_units=False,
                          initial_evaluation=False, train_split_evaluation=False, label=label)
