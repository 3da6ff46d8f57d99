"""The one sub-seed module (`probes.seeding`) gives, bit for bit, the seeds its callers derived before it
existed: committed baselines were drawn from them. Every number below was computed with the code each
derivation replaced (numpy only, no TensorFlow)."""
from __future__ import annotations

import numpy as np
import pytest

from probes.seeding import (
    SEED_LIMIT,
    int31_seeds,
    kernel_seed_and_data_rng,
    keyed_seed,
    tower_layer_seed,
    uint32_seeds,
)
from pytest_deepclaims import seeds

# np.random.SeedSequence(seed).generate_state(4), as probes/selu.py's redraw_kernels used it.
RAW = {
    0: [2968811710, 3677149159, 745650761, 2884920346],
    112017: [2367686094, 1881516857, 3763626629, 2950828826],
    SEED_LIMIT: [1926950122, 74134439, 1344265220, 3645969039],
}
# The same words % 2**31, as activation_speed.mlp/cnn, dense_stack.draw_seeds and the initializer samples used.
LOW_31_BITS = {
    0: [821328062, 1529665511, 745650761, 737436698],
    112017: [220202446, 1881516857, 1616142981, 803345178],
    SEED_LIMIT: [1926950122, 74134439, 1344265220, 1498485391],
}
# probes/training/spec.py's derived_seed(seed, "kernel", 2), (seed, "batch order"), (seed, "activation").
DERIVED = {
    0: (1044440625, 1675581031, 210916682),
    112017: (1021865737, 992046998, 107048647),
    SEED_LIMIT: (378438768, 1163130651, 1561772235),
}
# claim_seed(seed, "INIT-GLOROT-FORWARD"), (..., "dense"), calibration_seed(seed, 3), (seed, 3, "B").
CLAIM = {
    0: (1647803064, 921899018, 772341918, 1537957422),
    112017: (1930968454, 73743980, 926265669, 2101956600),
    SEED_LIMIT: (1736770491, 642564253, 1894595211, 957361010),
}
# forward.py and gradients.py: SeedSequence(seed).spawn(2), the kernel stream's first word and the data
# generator's first rng.integers(2**31, size=3).
SPLIT = {
    0: (3757552657, [1421746522, 1454269176, 757617120]),
    112017: (2464322383, [249119067, 86665571, 628269030]),
    SEED_LIMIT: (3303675383, [1990611642, 1018895295, 1870021298]),
}


@pytest.mark.parametrize("seed", sorted(RAW))
def test_uint32_seeds_are_the_raw_words(seed):
    drawn = uint32_seeds(seed, 4)
    assert drawn.dtype == np.uint32 and drawn.tolist() == RAW[seed]


@pytest.mark.parametrize("seed", sorted(LOW_31_BITS))
def test_int31_seeds_keep_the_low_31_bits(seed):
    drawn = int31_seeds(seed, 4)
    assert drawn.dtype == np.uint32 and drawn.tolist() == LOW_31_BITS[seed]


def test_the_two_word_rules_differ_where_a_word_has_its_top_bit():
    raw, low = uint32_seeds(0, 4), int31_seeds(0, 4)
    assert (raw != low).tolist() == (raw >= 2**31).tolist() == [True, True, False, True]


def test_a_pooled_seed_is_the_first_word_of_the_pool():
    """probes/training/batched.py pools a run's seeds into one word before keying the activations."""
    assert int(uint32_seeds([1, 2, 3], 1)[0]) == 3822189696
    assert int(uint32_seeds([112017, 5], 1)[0]) == 3326198581


@pytest.mark.parametrize("seed", sorted(DERIVED))
def test_keyed_seeds_are_the_training_protocols_derived_seeds(seed):
    assert (keyed_seed(seed, "kernel", 2), keyed_seed(seed, "batch order"), keyed_seed(seed, "activation")) \
        == DERIVED[seed]
    assert keyed_seed(seed, "batch order") == keyed_seed(seed, "batch order", 0)


@pytest.mark.parametrize("seed", sorted(CLAIM))
def test_claim_seeds_are_keyed_seeds(seed):
    assert (seeds.claim_seed(seed, "INIT-GLOROT-FORWARD"), seeds.claim_seed(seed, "INIT-GLOROT-FORWARD", "dense"),
            seeds.calibration_seed(seed, 3), seeds.calibration_seed(seed, 3, "B")) == CLAIM[seed]
    assert seeds.claim_seed(seed, "INIT-GLOROT-FORWARD", "dense") == keyed_seed(seed, "INIT-GLOROT-FORWARD", "dense")


@pytest.mark.parametrize("seed", sorted(SPLIT))
def test_kernel_seed_and_data_rng_are_the_two_spawned_streams(seed):
    kernel_seed, data = kernel_seed_and_data_rng(seed)
    assert (kernel_seed, data.integers(2**31, size=3).tolist()) == SPLIT[seed]


def test_every_derived_seed_is_a_valid_keras_seed():
    assert 0 <= min(keyed_seed(s, "x") for s in range(200)) and max(keyed_seed(s, "x") for s in range(200)) < SEED_LIMIT
    assert int(int31_seeds(3, 500).max()) < 2**31 and seeds.SEED_LIMIT == SEED_LIMIT


def test_tower_layer_seeds_are_the_cnn_towers_affine_seeds():
    """probes/cnn.py's towers: seed * 101 + layer + 7919 * draw, modulo 2**31, as their runs were drawn."""
    assert [tower_layer_seed(112017, layer, draw) for layer, draw in ((0, 0), (3, 0), (0, 1))] == [
        11313717, 11313720, 11321636]
    assert tower_layer_seed(2**31 - 1, 0, 0) == (2**31 - 1) * 101 % 2**31
