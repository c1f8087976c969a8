"""Calendar helpers on numpy datetime64 columns: date ranges, weekday and month multipliers, times of day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SECONDS_PER_DAY = 86_400
# Monday..Sunday, mean 1.0. Retail traffic peaks at the weekend.
RETAIL_WEEKDAY = (0.9, 0.9, 0.95, 1.0, 1.1, 1.15, 1.0)
# January..December, mean 1.0. Post-holiday dip, summer plateau, November-December peak.
RETAIL_MONTH = (0.85, 0.85, 0.95, 0.95, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.15, 1.35)
# Share of orders placed in each hour of the day (online shop: lunchtime and evening peaks).
ONLINE_HOUR_WEIGHTS = (
    0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3.5, 4.0, 4.5,
    5.5, 5.0, 4.5, 4.5, 4.5, 5.0, 6.0, 7.0, 7.0, 6.0, 4.0, 2.0,
)  # fmt: skip


def to_day(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


def days(count) -> np.ndarray:
    """Whole days as timedelta64[D] (numpy deprecates adding bare integers to dates)."""
    return np.asarray(count).astype(np.int64).astype("timedelta64[D]")


def date_range(start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from `start` to `end` inclusive, as datetime64[D]."""
    return np.arange(to_day(start), to_day(end) + days(1), dtype="datetime64[D]")


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday, for datetime64[D] values (1970-01-01 was a Thursday)."""
    return (days.astype("datetime64[D]").astype(np.int64) + 3) % 7


def month(days: np.ndarray) -> np.ndarray:
    """1..12 for datetime64 values."""
    return days.astype("datetime64[M]").astype(np.int64) % 12 + 1


def weekday_multiplier(days: np.ndarray, weights: Sequence[float] = RETAIL_WEEKDAY) -> np.ndarray:
    return np.asarray(weights, dtype=float)[weekday(days)]


def month_multiplier(days: np.ndarray, weights: Sequence[float] = RETAIL_MONTH) -> np.ndarray:
    return np.asarray(weights, dtype=float)[month(days) - 1]


def seconds_of_day(rng: np.random.Generator, size: int, hour_weights: Sequence[float] = ONLINE_HOUR_WEIGHTS):
    """Seconds after midnight, with hours drawn from `hour_weights` and uniform minutes/seconds."""
    p = np.asarray(hour_weights, dtype=float)
    hours = rng.choice(24, size=size, p=p / p.sum())
    return hours * 3600 + rng.integers(0, 3600, size)


def at_time(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Combine datetime64[D] days and seconds-of-day into datetime64[s]."""
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


@dataclass(frozen=True)
class DayWindow:
    """A simulated window of `days` days ending on `end_date` (inclusive)."""

    end_date: dt.date
    days: int

    @property
    def start_day(self) -> np.datetime64:
        return to_day(self.end_date) - days(self.days - 1)

    @property
    def end_day(self) -> np.datetime64:
        return to_day(self.end_date)

    @property
    def years(self) -> float:
        return self.days / 365.0
