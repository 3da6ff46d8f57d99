"""Self-tests draw from one named seed; a self-test's data never depends on the run's claim seed."""
import numpy as np
import pytest

SELFTEST_SEED = 20170606  # the SELU paper's arXiv month; arbitrary and fixed


@pytest.fixture
def rng():
    return np.random.default_rng(SELFTEST_SEED)
