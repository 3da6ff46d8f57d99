"""The training data: digits' fixed split is standardized on its training part; Fashion-MNIST loads
from the local Keras cache or says why it cannot (no download is possible offline)."""
from __future__ import annotations

import numpy as np
import pytest

from probes.datasets import DataUnavailable, digits, fashion_mnist


def test_digits_split_is_fixed_stratified_and_standardized():
    data = digits()
    assert (len(data.y_train), len(data.y_val), data.features, data.classes) == (1437, 360, 64, 10)
    assert digits() is data  # loaded once, shared read-only
    assert not data.x_train.flags.writeable
    varying = data.x_train.std(axis=0) > 0
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0)[varying], 1, rtol=1e-4)
    assert np.all(np.bincount(data.y_val, minlength=10) >= 35)


def test_subsets_are_stratified_and_nested_draws_stay_inside(rng):
    data = digits()
    small = data.subset(100, rng)
    assert len(small.y_train) == 100 and np.all(np.bincount(small.y_train, minlength=10) == 10)
    smaller = small.subset(25, rng)
    rows = {row.tobytes() for row in small.x_train}
    assert all(row.tobytes() in rows for row in smaller.x_train)
    assert smaller.x_val is data.x_val


def test_fashion_mnist_loads_from_the_cache_or_skips_with_the_reason():
    try:
        data = fashion_mnist()
    except DataUnavailable as reason:
        assert "no download" in str(reason)
        pytest.skip(str(reason))
    assert (data.features, data.classes, len(data.y_train)) == (784, 10, 60000)
