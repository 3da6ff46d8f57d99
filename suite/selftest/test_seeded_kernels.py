"""probes.redraw.SeededKernels draws exactly what each Keras initializer draws when called with an integer
seed (on Keras 3 through one traced call with a SeedGenerator per kernel once enough draws are coming, on
Keras 2 eagerly): the claims' numbers do not depend on which path drew their networks. Every initializer
family the claims redraw, the largest 32-bit seeds included."""
import numpy as np
import pytest

from probes import selu
from probes.dense_stack import OLD_UNIFORM, STANDARD_NORMAL, DenseStack, Init
from probes.keras_api import KERAS_MAJOR, keras
from probes.redraw import TRACING_PAYS, SeededKernels, _with_seed
from probes.seeding import uint32_seeds

SEEDS = [12345, 2**31 - 5, 2**32 - 3, 0, 99]


def _eager(variables, templates, seeds):
    return [np.asarray(_with_seed(t, int(s))(tuple(v.shape), dtype=v.dtype)) for v, t, s in
            zip(variables, templates, seeds)]


@pytest.mark.parametrize("init", [STANDARD_NORMAL, OLD_UNIFORM, Init("glorot_uniform"), Init("he_normal"),
                                  Init("lecun_normal"), Init("orthogonal")], ids=lambda init: init.name)
def test_a_stack_redraw_equals_the_initializers_own_draws(init):
    stack = DenseStack(12, 4, "tanh", head_units=3)
    stack.hidden[0].bias.assign(np.ones(12, dtype=np.float32))
    want = _eager(stack.kernels, [init.make(0)] * len(stack.kernels), SEEDS)
    stack.redraw(init, SEEDS, coming=TRACING_PAYS)
    assert all(np.array_equal(w, kernel.numpy()) for w, kernel in zip(want, stack.kernels))
    assert (next(iter(stack._redraws.values()))._traced is not None) == (KERAS_MAJOR >= 3)
    stack.redraw(init, SEEDS[::-1], coming=1)  # once traced, it stays traced: the same draws
    stack.redraw(init, SEEDS, coming=1)
    assert all(np.array_equal(w, kernel.numpy()) for w, kernel in zip(want, stack.kernels))
    assert not np.any(stack.hidden[0].bias.numpy())


@pytest.mark.parametrize("override", [None, "lecun_uniform", {"class_name": "VarianceScaling", "config": {
    "scale": 0.5, "mode": "fan_in", "distribution": "truncated_normal"}}])
def test_a_selu_network_redraw_equals_the_initializers_own_draws(override):
    network = selu.sequential(selu.dense_layers(10, [10, 10, 10], activation="selu"))
    slots = selu._kernel_slots(network.layers)
    templates = [keras.initializers.get(override) if override else getattr(owner, init) for owner, _, init in slots]
    want = _eager([getattr(owner, variable) for owner, variable, _ in slots], templates, uint32_seeds(77, len(slots)))
    selu.redraw_kernels(network.layers, 77, override, coming=TRACING_PAYS)
    assert all(np.array_equal(w, getattr(owner, variable).numpy()) for w, (owner, variable, _) in zip(want, slots))


def test_a_recurrent_kernel_is_drawn_by_its_own_initializer():
    layer = keras.layers.SimpleRNN(6)
    layer.build((None, 4, 5))
    cell = layer.cell
    variables = [cell.kernel, cell.recurrent_kernel]
    templates = [cell.kernel_initializer, cell.recurrent_initializer]
    want = _eager(variables, templates, SEEDS[:2])
    SeededKernels(variables, templates).draw(SEEDS[:2], coming=TRACING_PAYS)
    assert all(np.array_equal(w, v.numpy()) for w, v in zip(want, variables))


def test_few_draws_coming_are_drawn_eagerly_and_alike():
    stack = DenseStack(6, 2, "tanh")
    init = Init("he_normal")
    stack.redraw(init, SEEDS[:2])
    assert next(iter(stack._redraws.values()))._traced is None
    want = _eager(stack.kernels, [init.make(0)] * 2, SEEDS[:2])
    assert all(np.array_equal(w, kernel.numpy()) for w, kernel in zip(want, stack.kernels))


def test_it_refuses_a_seed_count_that_does_not_match():
    stack = DenseStack(4, 2, "tanh")
    with pytest.raises(ValueError, match="seeds for"):
        SeededKernels(stack.kernels, [Init("he_normal").make(0)] * 2).draw([1])


def test_a_traced_draw_that_differs_from_the_eager_one_falls_back_to_eager_for_good(monkeypatch):
    """A Keras that seeds its initializers otherwise (as tf.keras does) must not change a claim's numbers."""
    stack = DenseStack(6, 2, "tanh")
    templates = [Init("he_normal").make(0)] * 2
    kernels = SeededKernels(stack.kernels, templates)
    if KERAS_MAJOR >= 3:
        traced_assign = kernels._assign_all
        monkeypatch.setattr(kernels, "_assign_all", lambda states: [traced_assign(states),
                                                                    stack.kernels[0].assign_add(np.ones((6, 6)))])
    kernels.draw(SEEDS[:2], coming=TRACING_PAYS)
    assert kernels._traced is None and kernels._untraceable
    want = _eager(stack.kernels, templates, SEEDS[:2])
    assert all(np.array_equal(w, kernel.numpy()) for w, kernel in zip(want, stack.kernels))
