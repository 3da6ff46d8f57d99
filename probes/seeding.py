"""Sub-seeds: every seed derived from another seed (a probe's, a run's, a claim's) comes from here.

All derivations hash with numpy's SeedSequence. They differ in how a 32-bit word becomes a seed, and they
stay different on purpose: committed baselines were drawn with each, so changing one would change every
number it feeds. None is better than another; all give valid, non-negative seeds for Keras and numpy.

- `uint32_seeds`: the words as they come, in [0, 2**32) (Keras initializers and SeedSequence take those).
- `int31_seeds`: the words' low 31 bits (modulo 2**31), in [0, 2**31): seeds that must fit a signed int32.
- `keyed_seed`: one seed per named use (a stream, a layer, the batch order), the names hashed by CRC-32,
  the word reduced modulo SEED_LIMIT = 2**31 - 1, in [0, 2**31 - 1): the claim seeds' rule, a run's too.
- `kernel_seed_and_data_rng`: a seed parted into two independent streams, weights and data.
- `tower_layer_seed`: the small CNN towers' per-layer initializer seed (probes/cnn.py), an affine map of the
  tower's seed, its layer and its draw rather than a hash: kept as its baselines were drawn.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

# The largest base seed `--claims-seed` accepts, and the modulus of `keyed_seed`.
SEED_LIMIT = 2**31 - 1


def uint32_seeds(entropy: int | Sequence[int], count: int) -> np.ndarray:
    """`count` independent 32-bit seeds (uint32) from `entropy` (a seed, or several pooled into one)."""
    return np.random.SeedSequence(entropy).generate_state(count)


def int31_seeds(entropy: int | Sequence[int], count: int) -> np.ndarray:
    """`count` independent 31-bit seeds (uint32 below 2**31): `uint32_seeds` modulo 2**31."""
    return uint32_seeds(entropy, count) % 2**31


def keyed_seed(seed: int, *keys: int | str) -> int:
    """One seed for the use that `keys` name (a string by its CRC-32, an integer as it is), below SEED_LIMIT."""
    entropy = [seed, *(zlib.crc32(key.encode()) if isinstance(key, str) else key for key in keys)]
    return int(uint32_seeds(entropy, 1)[0] % SEED_LIMIT)


def kernel_seed_and_data_rng(seed: int) -> tuple[int, np.random.Generator]:
    """Two independent streams of `seed` (SeedSequence.spawn): a 32-bit seed for the kernels, a generator
    for the data."""
    kernel_stream, data_stream = np.random.SeedSequence(seed).spawn(2)
    return int(kernel_stream.generate_state(1)[0]), np.random.default_rng(data_stream)


def tower_layer_seed(seed: int, layer: int, draw: int) -> int:
    """The initializer seed of layer `layer` of a CNN tower drawn from `seed` (`draw` > 0: another draw)."""
    return (seed * 101 + layer + 7919 * draw) % 2**31
