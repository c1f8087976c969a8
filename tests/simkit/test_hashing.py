import numpy as np

from simkit.hashing import hashed_uniform


def test_hashed_uniform_is_a_function_of_seed_stream_and_id():
    ids = np.arange(1, 10_001)
    first = hashed_uniform(7, "returns", ids)
    assert np.array_equal(first[500:600], hashed_uniform(7, "returns", ids[500:600]))
    assert not np.array_equal(first, hashed_uniform(8, "returns", ids))
    assert not np.array_equal(first, hashed_uniform(7, "damage", ids))


def test_hashed_uniform_is_uniform():
    values = hashed_uniform(42, "x", np.arange(200_000))
    assert values.min() >= 0 and values.max() < 1
    counts = np.histogram(values, bins=10, range=(0, 1))[0]
    assert np.all(np.abs(counts - 20_000) < 800)
    assert abs(np.corrcoef(values[:-1], values[1:])[0, 1]) < 0.01
