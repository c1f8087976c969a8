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


def test_gamma_rates_overlap_between_segments_and_recover_means():
    from simkit.distributions import gamma_rates

    rng = np.random.default_rng(4)
    low, high = gamma_rates(rng, 1.0, 0.5, 50_000), gamma_rates(rng, 1.5, 0.5, 50_000)
    assert low.mean() == pytest.approx(1.0, rel=0.02) and high.mean() == pytest.approx(1.5, rel=0.02)
    assert low.std() / low.mean() == pytest.approx(0.5, rel=0.05)
    assert np.mean(low > np.median(high)) > 0.1  # segments overlap: not point masses
    per_entity = gamma_rates(rng, np.array([1.0, 2.0] * 1000), 0.0, 2000)
    assert per_entity.tolist() == [1.0, 2.0] * 1000


def test_lognormal_amounts_heavy_tail_and_exact_mean():
    from simkit.distributions import lognormal_amounts

    rng = np.random.default_rng(5)
    amounts = lognormal_amounts(rng, median=20.0, sigma=1.0, n=100_000)
    assert np.median(amounts) == pytest.approx(20.0, rel=0.03)
    assert amounts.mean() > 1.5 * np.median(amounts)  # heavy right tail
    exact = lognormal_amounts(rng, mean=50.0, sigma=1.2, n=200, exact_mean=True)
    assert exact.mean() == pytest.approx(50.0, rel=1e-12) and (exact > 0).all()
    with pytest.raises(ValueError, match="exactly one of median or mean"):
        lognormal_amounts(rng, sigma=1.0, n=3)
