import numpy as np
import pytest

from simkit.rng import Streams


def test_named_streams_are_reproducible_and_independent():
    a = Streams(42).generator("orders").random(5)
    b = Streams(42).generator("orders").random(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, Streams(42).generator("customers").random(5))
    assert not np.array_equal(a, Streams(43).generator("orders").random(5))


def test_adding_a_stream_does_not_shift_others():
    streams = Streams(1)
    before = streams.generator("orders", 3).random(4)
    streams.generator("a-new-table").random(1000)
    np.testing.assert_array_equal(before, Streams(1).generator("orders", 3).random(4))
    assert not np.array_equal(before, Streams(1).generator("orders", 4).random(4))


def test_negative_seed_rejected():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        Streams(-1)
