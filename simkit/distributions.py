"""Distribution helpers that keep generated columns within valid ranges without biasing their means."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def clipped_normal(
    rng: np.random.Generator, *, mean: float, std: float, size: int, low: float = -math.inf, high: float = math.inf
) -> np.ndarray:
    """Gaussian draws clipped to [low, high]. Clipping moves the mean; see `mean_preserving_clipped_normal`."""
    return np.clip(rng.normal(mean, std, size), low, high)


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def clipped_normal_mean(*, location: float, std: float, low: float = -math.inf, high: float = math.inf) -> float:
    """E[clip(X, low, high)] for X ~ N(location, std)."""
    if std <= 0:
        return min(max(location, low), high)
    mean = location
    if low > -math.inf:
        a = (low - location) / std
        mean += (low - location) * _normal_cdf(a) + std * _normal_pdf(a)
    if high < math.inf:
        b = (high - location) / std
        mean -= (location - high) * _normal_cdf(-b) + std * _normal_pdf(b)
    return mean


def mean_preserving_location(*, mean: float, std: float, low: float = -math.inf, high: float = math.inf) -> float:
    """The location whose clipped normal has the requested mean.

    A table that says "orders/year ~ N(1, 1)" cannot be drawn as is (no customer orders a negative number of
    times); clipping at the floor would raise the mean by ~40%. Shifting the location keeps the published mean.
    """
    if not low < mean < high:
        raise ValueError(f"mean {mean} must lie strictly inside [{low}, {high}]")
    lo, hi = mean - 10 * std - 1, mean + 10 * std + 1
    for _ in range(200):
        mid = (lo + hi) / 2
        if clipped_normal_mean(location=mid, std=std, low=low, high=high) < mean:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_preserving_clipped_normal(
    rng: np.random.Generator, *, mean: float, std: float, size: int, low: float = -math.inf, high: float = math.inf
) -> np.ndarray:
    """Clipped Gaussian draws whose expected value is `mean` (the location is shifted to compensate)."""
    location = mean_preserving_location(mean=mean, std=std, low=low, high=high)
    return np.clip(rng.normal(location, std, size), low, high)


def weighted_choice(rng: np.random.Generator, options: Sequence, weights: Sequence[float], size: int) -> np.ndarray:
    """`size` draws from `options` with probabilities proportional to `weights`."""
    p = np.asarray(weights, dtype=float)
    if p.ndim != 1 or len(p) != len(options) or (p < 0).any() or p.sum() <= 0:
        raise ValueError("weights must be non-negative, one per option, and not all zero")
    index = rng.choice(len(options), size=size, p=p / p.sum())
    return np.asarray(options, dtype=object if isinstance(options[0], str) else None)[index]


def exact_counts(total: int, weights: Sequence[float]) -> np.ndarray:
    """Split `total` into integer counts proportional to `weights` that add up exactly (largest remainder)."""
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    p = np.asarray(weights, dtype=float)
    p = p / p.sum()
    raw = p * total
    counts = np.floor(raw).astype(np.int64)
    shortfall = total - int(counts.sum())
    if shortfall:
        # Ties go to the earlier entry: stable ordering keeps the split deterministic.
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:shortfall]] += 1
    return counts


def random_partition(rng: np.random.Generator, totals: np.ndarray, parts: np.ndarray, *, concentration: float = 4.0):
    """Split each `totals[i]` into `parts[i]` positive shares (Dirichlet with the given concentration).

    Returns one flat array of shares, grouped by i in order; each group sums to its total.
    """
    parts = np.asarray(parts, dtype=np.int64)
    weights = rng.gamma(concentration, 1.0, int(parts.sum()))
    group = np.repeat(np.arange(len(parts)), parts)
    sums = np.bincount(group, weights=weights, minlength=len(parts))
    return weights / sums[group] * np.asarray(totals, dtype=float)[group]


def gamma_rates(rng: np.random.Generator, mean, cv: float, n: int) -> np.ndarray:
    """`n` per-entity rates drawn around `mean` (a number or one mean per entity) with coefficient of variation `cv`.

    Gamma with shape 1/cv^2: positive, right-skewed, expected value exactly `mean`, so two segments with means 1.0
    and 1.5 overlap the way real ones do while the segment averages still recover the configured means. `cv=0`
    gives the means themselves.
    """
    mean = np.broadcast_to(np.asarray(mean, dtype=float), (n,))
    if (mean < 0).any() or cv < 0:
        raise ValueError("mean and cv must be >= 0")
    if cv == 0:
        return mean.copy()
    shape = 1.0 / (cv * cv)
    return rng.gamma(shape, 1.0, n) * mean / shape


def lognormal_amounts(
    rng: np.random.Generator,
    *,
    sigma: float,
    n: int,
    median=None,
    mean=None,
    exact_mean: bool = False,
) -> np.ndarray:
    """`n` heavy-tailed positive amounts (money, durations): lognormal with log-spread `sigma`.

    Give `median` (the typical amount) or `mean` (the expected amount; the median is then mean * exp(-sigma^2/2)),
    either a number or one per row. With `exact_mean`, the draws are rescaled so their average equals the requested
    mean exactly (`mean` or median * exp(sigma^2/2)): useful when a configured total must be hit by a small sample.
    """
    if (median is None) == (mean is None):
        raise ValueError("give exactly one of median or mean")
    if sigma < 0:
        raise ValueError("sigma must be >= 0")
    if median is None:
        median = np.asarray(mean, dtype=float) * math.exp(-0.5 * sigma * sigma)
    median = np.broadcast_to(np.asarray(median, dtype=float), (n,))
    draws = median * np.exp(sigma * rng.standard_normal(n))
    if exact_mean and n:
        target = median * math.exp(0.5 * sigma * sigma)
        draws = draws * (target.sum() / draws.sum())
    return draws
