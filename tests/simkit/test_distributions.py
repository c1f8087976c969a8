import numpy as np
import pytest

from simkit.distributions import (
    clipped_normal_mean,
    exact_counts,
    mean_preserving_clipped_normal,
    random_partition,
    weighted_choice,
)


@pytest.mark.parametrize(("total", "weights"), [(500, [100, 150, 100, 80, 70]), (7, [1, 1, 1]), (0, [2, 3])])
def test_exact_counts_add_up(total, weights):
    counts = exact_counts(total, weights)
    assert counts.sum() == total
    assert np.all(np.abs(counts - np.array(weights) / sum(weights) * total) < 1)


def test_mean_preserving_clipped_normal_keeps_the_mean():
    rng = np.random.default_rng(0)
    draws = mean_preserving_clipped_normal(rng, mean=1.0, std=1.0, size=200_000, low=0.5)
    assert draws.min() >= 0.5
    assert abs(draws.mean() - 1.0) < 0.01
    plain = np.clip(np.random.default_rng(0).normal(1.0, 1.0, 200_000), 0.5, None)
    assert plain.mean() > 1.15  # what naive clipping would have done


def test_clipped_normal_mean_matches_simulation():
    draws = np.clip(np.random.default_rng(1).normal(3, 2, 400_000), 0, 5)
    assert abs(clipped_normal_mean(location=3, std=2, low=0, high=5) - draws.mean()) < 0.01


def test_random_partition_sums_to_totals():
    rng = np.random.default_rng(2)
    totals, parts = np.array([100.0, 7.5, 40.0]), np.array([3, 1, 5])
    shares = random_partition(rng, totals, parts)
    assert len(shares) == 9 and np.all(shares > 0)
    np.testing.assert_allclose(np.add.reduceat(shares, [0, 3, 4]), totals)


def test_weighted_choice_follows_weights_and_rejects_bad_weights():
    draws = weighted_choice(np.random.default_rng(3), ["a", "b"], [3, 1], 40_000)
    assert abs((draws == "a").mean() - 0.75) < 0.01
    with pytest.raises(ValueError):
        weighted_choice(np.random.default_rng(3), ["a", "b"], [1], 3)
