"""The one seeded Hypothesis runner (pytest_deepclaims/hypothesis_draws.py): a claim's seed decides its draws,
a true property holds, a false one fails with its counterexample (shrunk when asked)."""
from hypothesis import strategies as st

from pytest_deepclaims.hypothesis_draws import hypothesis_examples, property_holds

NUMBERS = st.integers(0, 10**6)


def _below_a_thousand(value):
    assert value < 1000


def test_the_seed_decides_the_draws():
    first, again = (hypothesis_examples(NUMBERS, examples=30, seed=11) for _ in range(2))
    assert first == again and len(set(first)) == len(first) > 10
    assert hypothesis_examples(NUMBERS, examples=30, seed=12) != first


def test_a_true_property_holds():
    assert property_holds(lambda value: None, NUMBERS, examples=50, seed=3) == (True, None)


def test_a_false_property_fails_with_its_shrunk_counterexample():
    assert property_holds(_below_a_thousand, NUMBERS, examples=200, seed=3, shrink=True) == (False, 1000)


def test_without_shrinking_the_counterexample_is_a_failing_draw_and_the_seed_decides_it():
    held, example = property_holds(_below_a_thousand, NUMBERS, examples=200, seed=3)
    assert not held and example >= 1000
    assert property_holds(_below_a_thousand, NUMBERS, examples=200, seed=3) == (held, example)
