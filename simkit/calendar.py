"""Calendar helpers on numpy datetime64 columns: date ranges, public holidays, weekday/hour profiles per business
kind, smooth seasonal curves, special days (Black Friday, the week before Christmas) and times of day.

Everything here is a pure function of the days passed in: a day's multiplier never depends on which other days are
in the array, so shards of a calendar agree with the whole.
"""

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

BUSINESS_KINDS = ("retail", "video_rental", "saas_b2b", "card_spend")
# Monday..Sunday multipliers, mean 1.0, per kind of business. A video store lives on Friday and Saturday nights;
# B2B software is used on working days; card spend leans to Friday/Saturday but never stops.
WEEKDAY_PROFILES: dict[str, tuple[float, ...]] = {
    "retail": RETAIL_WEEKDAY,
    "video_rental": (0.75, 0.7, 0.8, 0.9, 1.35, 1.45, 1.05),
    "saas_b2b": (1.3, 1.3, 1.3, 1.25, 1.1, 0.4, 0.35),
    "card_spend": (0.92, 0.92, 0.95, 1.0, 1.12, 1.14, 0.95),
}
# Relative weight of each hour 0..23 (any scale; `seconds_of_day` normalises).
HOUR_PROFILES: dict[str, tuple[float, ...]] = {
    "retail": ONLINE_HOUR_WEIGHTS,
    # Store hours 10:00-23:00, after-work and evening peak.
    "video_rental": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 2, 3, 3, 2.5, 3, 4.5, 7, 9.5, 10, 9, 7, 4.5, 1.5),
    "saas_b2b": (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 2, 5, 8, 9, 9, 6, 8, 9, 8.5, 7, 4.5, 2, 1.2, 0.8, 0.6, 0.4, 0.3),
    "card_spend": (0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 2.5, 4, 5, 6, 7, 8, 7.5, 7, 7, 7, 7.5, 8, 7, 5.5, 4, 2.5, 1),
}  # fmt: skip
# Multipliers on special days, per kind: the seven days before Christmas Day, Black Friday (the day after the US
# Thanksgiving, the fourth Thursday of November), Christmas Day, New Year's Day and any other public holiday. A day
# that is several of these takes the first in this order: christmas_day, new_years_day, black_friday,
# christmas_week, holiday. Video rental is busy when people are off work and shut on Christmas Day.
SPECIAL_DAY_EFFECTS: dict[str, dict[str, float]] = {
    "retail": {"christmas_day": 0.1, "new_years_day": 0.5, "black_friday": 2.5, "christmas_week": 1.5, "holiday": 0.85},
    "video_rental": {
        "christmas_day": 0.2, "new_years_day": 1.5, "black_friday": 1.3, "christmas_week": 1.35, "holiday": 1.3,
    },
    "saas_b2b": {
        "christmas_day": 0.1, "new_years_day": 0.15, "black_friday": 0.8, "christmas_week": 0.6, "holiday": 0.3,
    },
    "card_spend": {
        "christmas_day": 0.45, "new_years_day": 0.6, "black_friday": 1.7, "christmas_week": 1.35, "holiday": 0.9,
    },
}  # fmt: skip


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


def public_holidays(country: str, years, subdiv: str | None = None) -> np.ndarray:
    """The public holidays of `country` (ISO code; `subdiv` a state/province code) in `years`, sorted, as
    datetime64[D], from the `holidays` package (its data ships with it; observed days included)."""
    import holidays

    years = sorted({int(y) for y in np.atleast_1d(years)})
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=years)
    except NotImplementedError:
        raise ValueError(f"no holiday calendar for country {country!r}") from None
    return np.array(sorted(calendar.keys()), dtype="datetime64[D]")


def _years_of(days: np.ndarray) -> np.ndarray:
    return np.unique(days.astype("datetime64[Y]").astype(np.int64) + 1970)


def is_holiday(days: np.ndarray, country: str, subdiv: str | None = None) -> np.ndarray:
    """True where a day is a public holiday of `country`."""
    days = np.asarray(days).astype("datetime64[D]")
    if days.size == 0:
        return np.zeros(0, dtype=bool)
    return np.isin(days, public_holidays(country, _years_of(days), subdiv))


def _month_position(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(month index 0..11, days in that month, position in months: m + (day - 0.5) / length)."""
    days = np.asarray(days).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    length = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(np.int64)
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64)
    m = months.astype(np.int64) % 12
    return m, length, m + (day_of_month + 0.5) / length


def _curve_nodes(targets: np.ndarray) -> np.ndarray:
    """Node values at mid-month whose periodic linear interpolation has monthly means ~ `targets`."""
    grid = (np.arange(12 * 30) + 0.5) / 30  # 30 points per month
    month_of = np.floor(grid).astype(int)
    nodes = targets.copy()
    for _ in range(60):
        curve = np.interp(grid, np.arange(12) + 0.5, nodes, period=12)
        means = np.bincount(month_of, weights=curve, minlength=12) / 30
        nodes = nodes * targets / means
    return nodes


def seasonal_curve(days: np.ndarray, monthly_multipliers: Sequence[float] = RETAIL_MONTH) -> np.ndarray:
    """A smooth daily multiplier (no steps at month ends) whose mean over every calendar month equals that month's
    multiplier exactly. January..December, any positive values (they need not average 1).

    The curve interpolates between mid-month nodes (wrapping December into January), and each day is scaled by its
    month's correction computed over the whole month, so a day's value depends only on the day.
    """
    targets = np.asarray(monthly_multipliers, dtype=float)
    if targets.shape != (12,) or (targets <= 0).any():
        raise ValueError("monthly_multipliers must be twelve positive numbers, January to December")
    nodes = _curve_nodes(targets)
    m, length, position = _month_position(days)
    curve = np.interp(position, np.arange(12) + 0.5, nodes, period=12)
    # Exact correction per (month, month length): the mean of the curve over that month's days.
    correction = np.ones_like(curve)
    for month_index, n in set(zip(m.tolist(), length.tolist(), strict=True)):
        whole = np.interp(month_index + (np.arange(n) + 0.5) / n, np.arange(12) + 0.5, nodes, period=12)
        correction[(m == month_index) & (length == n)] = targets[month_index] / whole.mean()
    return curve * correction


def black_fridays(years) -> np.ndarray:
    """The day after the fourth Thursday of November of each year."""
    first = np.array([f"{int(y)}-11-01" for y in np.atleast_1d(years)], dtype="datetime64[D]")
    to_thursday = (3 - weekday(first)) % 7
    return first + days(to_thursday + 21 + 1)


def special_day_kinds(days: np.ndarray, country: str = "US", subdiv: str | None = None) -> np.ndarray:
    """Per day: '', 'christmas_day', 'new_years_day', 'black_friday', 'christmas_week' or 'holiday'."""
    days = np.asarray(days).astype("datetime64[D]")
    out = np.full(days.shape, "", dtype="<U14")
    if days.size == 0:
        return out
    month_day = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    mon = month(days)
    years = _years_of(days)
    marks = [
        ("holiday", is_holiday(days, country, subdiv)),
        ("christmas_week", (mon == 12) & (month_day >= 18) & (month_day <= 24)),
        ("black_friday", np.isin(days, black_fridays(years))),
        ("new_years_day", (mon == 1) & (month_day == 1)),
        ("christmas_day", (mon == 12) & (month_day == 25)),
    ]
    for name, mask in marks:  # later marks win: they are listed from weakest to strongest
        out[mask] = name
    return out


def special_day_multipliers(
    days: np.ndarray, country: str = "US", kind: str = "retail", *, subdiv: str | None = None
) -> np.ndarray:
    """Demand multipliers for special days (1.0 on ordinary days) from `SPECIAL_DAY_EFFECTS[kind]`."""
    if kind not in SPECIAL_DAY_EFFECTS:
        raise ValueError(f"unknown business kind {kind!r}; choose from {', '.join(SPECIAL_DAY_EFFECTS)}")
    effects = SPECIAL_DAY_EFFECTS[kind]
    names = special_day_kinds(days, country, subdiv)
    out = np.ones(names.shape)
    for name, value in effects.items():
        out[names == name] = value
    return out


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
