"""The speed claims' levels: which workloads a level times, and each level's per-round values in its unit.

A level is one way of timing an activation (probes/activation_speed.py has the workloads):
- op levels (`OP_LEVELS`): the op alone, at a cache-resident tensor (`cache_elements` floats, applied
  `cache_chain` times per call) and at a memory-sized one (`memory_elements`, once per call); each op
  level also times its empty call (the dispatch cost), and the memory-sized one a memory copy (the
  physical limit, probes/memory_bandwidth.py);
- model levels (`inference`, `train_step`): a compiled call of the claim's MLP, built `builds` times per
  activation from different seeds: a model's time depends on its build, so builds are the replicates
  its decisions use (`verdicts.timing`), so a claim may time its model levels in every n-th round only
  (`model_level_every`, `model_level_periods`);
- inference regimes (`regime_levels`): the claim's `regimes`, each a model (MLP or CNN) and a batch, one
  model level each, named by `regime_level`;
- a claim's own custom levels: {level: {name: factory(device, seed)}}, built once, decided over rounds.

A `twin` of an activation is the same activation under another name: built from the same seeds as it,
timed as a variant of its own, it is the A/A negative control of a comparison (the effect absent by
construction).

Units: op levels in nanoseconds per element (the empty call's fastest sample subtracted, divided by the
chain length and the elements); every other level in milliseconds per call. A model level's per-round
values are the mean over its builds (for plots); the per-build series are in `Measurement.builds`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from probes import activation_speed, memory_bandwidth

OP_LEVELS = ("op_cache", "op_memory")
EMPTY, COPY = "empty call", "memory copy"
OP_UNIT, CALL_UNIT = "ns per element", "ms per call"
TWIN = " twin"


def twin(name: str) -> str:
    """The name under which activation `name` is timed a second time, as its own A/A control."""
    return name + TWIN


def activation_of(name: str) -> str:
    return name.removesuffix(TWIN)


def pair_of(key: tuple) -> tuple:
    """A workload's pair group: its device, level and build, whatever its activation."""
    return (*key[:2], *key[3:])


def regime_level(regime: Mapping) -> str:
    """An inference regime's level name: its model and batch."""
    if regime["model"] == "cnn":
        model = f"CNN {regime['depth']}x{regime['filters']}ch {regime['image']}px"
    else:
        model = f"MLP {regime['depth']}x{regime['width']}"
    return f"inference {model} batch {regime['batch']}"


def regime_levels(sizes: Mapping) -> dict[str, Mapping]:
    """The claim's inference regimes (`sizes["regimes"]`, none when absent) by level name."""
    return {regime_level(regime): regime for regime in sizes.get("regimes", ())}


@dataclass
class Measurement:
    """Per-round values of every (device, level, activation) in its level's unit, and the raw seconds."""

    values: dict[tuple, np.ndarray]
    raw_seconds: dict[tuple, np.ndarray]
    calls_per_sample: dict[tuple, int]
    chains: dict[tuple, int]
    seconds: dict[str, float]
    builds: dict[tuple, list[np.ndarray]] = field(default_factory=dict)

    def of(self, device: str, level: str, activation: str) -> np.ndarray:
        return self.values[(device, level, activation)]

    def replicates(self) -> dict[tuple, np.ndarray | list[np.ndarray]]:
        """What each (device, level, activation) is decided over: its builds where it has them (a list of
        per-round series, one per build), else its rounds (one series)."""
        return {**self.values, **self.builds}


def model_level_periods(variants: Mapping[tuple, object], sizes: Mapping) -> dict[tuple, int]:
    """Every n-th round times a model level's builds, n = `sizes["model_level_every"]` (1 when absent):
    its decision rests on its builds, so it needs fewer rounds than the op levels decided over rounds."""
    every = int(sizes.get("model_level_every", 1))
    return {key: every for key in variants if len(key) == 4}


def _elements(sizes: Mapping, level: str) -> int:
    return sizes["cache_elements"] if level == "op_cache" else sizes["memory_elements"]


def op_workload(sizes: Mapping, device: str, level: str, name: str, seed: int) -> tuple[Callable, int]:
    """An op level's workload for an activation (or the empty call, or the copy) and its chain length."""
    elements = _elements(sizes, level)
    if name == EMPTY:
        return activation_speed.empty_call(elements, device, seed), 1
    if name == COPY:
        return memory_bandwidth.copy_call(elements, device, seed), 1
    chain = sizes["cache_chain"] if level == "op_cache" else 1
    return activation_speed.op_call(activation_of(name), elements, chain, device, seed), chain


def model_workload(sizes: Mapping, device: str, level: str, name: str, seed: int) -> Callable:
    """A model level's workload: an inference regime's compiled forward pass, the MLP's compiled inference,
    or its compiled training step."""
    name, regimes = activation_of(name), regime_levels(sizes)
    if level in regimes:
        return activation_speed.regime_inference_call(name, regimes[level], device, seed)
    if level == "inference":
        return activation_speed.inference_call(name, sizes["depth"], sizes["width"], sizes["batch"], device, seed)
    return activation_speed.train_step_call(name, sizes["depth"], sizes["width"], sizes["batch"],
                                            sizes["learning_rate"], device, seed)


def workloads(levels: Mapping[str, Sequence[str]], custom: Mapping[str, Mapping[str, Callable]], *,
              sizes: Mapping, devices: Sequence[str],
              seed_for: Callable[[str], int]) -> tuple[dict[tuple, Callable], dict[tuple, int]]:
    """Every workload to time, keyed (device, level, name) or, for a model level's builds, (device, level,
    name, build); and each op workload's chain length. Seeds come from `seed_for(stream)`: one per op level,
    one per model level and build (shared by the activations, so their builds pair), one per custom level."""
    variants, chains = {}, {}
    for device in devices:
        for level, names in levels.items():
            if level in OP_LEVELS:
                extra = (EMPTY, COPY) if level == "op_memory" else (EMPTY,)
                for name in (*names, *extra):
                    variants[(device, level, name)], chains[(device, level, name)] = op_workload(
                        sizes, device, level, name, seed_for(level))
            else:
                for name in names:
                    for build in range(sizes["builds"]):
                        variants[(device, level, name, build)] = model_workload(
                            sizes, device, level, name, seed_for(f"{level} build {build}"))
        for level, factories in custom.items():
            for name, factory in factories.items():
                variants[(device, level, name)] = factory(device, seed_for(level))
    return variants, chains


def normalized(raw: Mapping[tuple, np.ndarray], chains: Mapping[tuple, int], sizes: Mapping):
    """Values per round in each level's unit, keyed (device, level, name); and each model level's
    per-build values, keyed the same (its values are their mean over builds)."""
    values, builds = {}, {}
    for key, seconds in raw.items():
        device, level, name = key[:3]
        if name == EMPTY:
            continue
        if len(key) == 4:
            builds.setdefault((device, level, name), []).append(seconds * 1e3)
        elif level not in OP_LEVELS:
            values[key] = seconds * 1e3
        else:
            values[key] = per_element(raw, chains, key, _elements(sizes, level))
    values.update({key: np.mean(np.stack(series), axis=0) for key, series in builds.items()})
    return values, builds


def per_element(raw: Mapping[tuple, np.ndarray], chains: Mapping[tuple, int], key: tuple,
                elements: int) -> np.ndarray:
    """An op's nanoseconds per element: its seconds per call less the empty call's fastest, per element."""
    device, level, name = key
    # The dispatch cost undisturbed: every call pays at least this. Under load the rest of a cheap
    # op's inflated dispatch is counted as its work, which only shrinks its ratios to costlier ops.
    net = raw[key] - np.min(raw[(device, level, EMPTY)])
    if np.any(net <= 0):
        raise RuntimeError(f"{device} {level} {name}: {np.sum(net <= 0)} of {net.size} samples took no "
                           "longer than the fastest empty call: its work is lost in the dispatch cost")
    return net / (chains[key] * elements) * 1e9


def measurement(raw: Mapping[tuple, np.ndarray], *, calls_per_sample: Mapping[tuple, int],
                chains: Mapping[tuple, int], sizes: Mapping, seconds: Mapping[str, float]) -> Measurement:
    """The timed rounds' raw seconds per call, normalized into a Measurement."""
    values, builds = normalized(raw, chains, sizes)
    return Measurement(values=values, raw_seconds=dict(raw), calls_per_sample=dict(calls_per_sample),
                       chains=dict(chains), seconds=dict(seconds), builds=builds)
