"""Prices that change: list-price steps with inflation and a premium on new releases.

A film's rental rate on a day is its tier (0.99, 2.99 or 4.99 from its genre template) plus the list-price steps
in force (`PRICE_STEPS`), plus `NEW_RELEASE_PREMIUM` during its first `NEW_RELEASE_DAYS` on the shelf; its
replacement cost moves with the same steps. Payments use the rate in force on the rental date; `film.rental_rate`
and `film.replacement_cost` hold the price at the end of the data (as Sakila's do: the current price), and
`film_price_history` lists every price with the days it was in force. Pure functions of the film's tier and
first day on the shelf, so an appending run recomputes them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# (first day in force, rental rate increase, replacement cost increase), cumulative from that day.
PRICE_STEPS = ((dt.date(2005, 7, 1), 0.50, 1.00), (dt.date(2009, 1, 1), 0.50, 2.00))
NEW_RELEASE_PREMIUM = 2.00
NEW_RELEASE_DAYS = 90
_STEP_DAYS = np.array([np.datetime64(d, "D").astype(np.int64) for d, _, _ in PRICE_STEPS])
_STEP_RATE = np.array([r for _, r, _ in PRICE_STEPS])
_STEP_COST = np.array([c for _, _, c in PRICE_STEPS])


def price_in_force(tier: np.ndarray, base_cost: np.ndarray, available_day: np.ndarray, day) -> tuple:
    """(rental rate, replacement cost) of each film on `day` (day numbers since 1970)."""
    day = np.asarray(day, dtype=np.int64)
    steps = (day[..., None] >= _STEP_DAYS).astype(float) if day.ndim else (day >= _STEP_DAYS).astype(float)
    rate_step = steps @ _STEP_RATE
    cost_step = steps @ _STEP_COST
    new = (day >= available_day) & (day < available_day + NEW_RELEASE_DAYS)
    rate = np.round(tier + rate_step + np.where(new, NEW_RELEASE_PREMIUM, 0.0), 2)
    return rate, np.round(base_cost + cost_step, 2)


def tier_from_price(rate: np.ndarray, cost: np.ndarray, available_day: np.ndarray, day: int) -> tuple:
    """Invert `price_in_force` on `day`: the films' tier and base replacement cost."""
    zero = np.zeros(len(rate))
    step_rate, step_cost = price_in_force(zero, zero, np.full(len(rate), -(10**6)), day)
    new = (day >= available_day) & (day < available_day + NEW_RELEASE_DAYS)
    return np.round(rate - step_rate - np.where(new, NEW_RELEASE_PREMIUM, 0.0), 2), np.round(cost - step_cost, 2)


def price_history(
    *, film_id: np.ndarray, tier: np.ndarray, base_cost: np.ndarray, available_day: np.ndarray, last_day: int
) -> dict[str, np.ndarray]:
    """Every price of every film from its first day on the shelf to `last_day`: film_price_history columns
    (valid_to is the first day the next price applies; NULL for the price still in force)."""
    n = len(film_id)
    candidates = np.column_stack(
        [available_day, available_day + NEW_RELEASE_DAYS, *[np.full(n, d) for d in _STEP_DAYS]]
    )
    candidates = np.where(candidates < available_day[:, None], available_day[:, None], candidates)
    candidates = np.sort(candidates, axis=1)
    keep = np.ones(candidates.shape, dtype=bool)
    keep[:, 1:] = candidates[:, 1:] != candidates[:, :-1]
    keep &= candidates <= last_day
    row, _ = np.nonzero(keep)
    start = candidates[keep]
    rate, cost = price_in_force(tier[row], base_cost[row], available_day[row], start)
    # Drop a "change" that leaves the price as it was (a step falling inside the premium window does not).
    first = np.r_[True, row[1:] != row[:-1]]
    same = ~first & (rate == np.r_[np.nan, rate[:-1]]) & (cost == np.r_[np.nan, cost[:-1]])
    row, start, rate, cost = row[~same], start[~same], rate[~same], cost[~same]
    last = np.r_[row[1:] != row[:-1], True]
    end = np.where(last, -1, np.r_[start[1:], 0])
    return {
        "film_id": film_id[row],
        "valid_from": start.astype("datetime64[D]"),
        "valid_to": np.where(last, np.datetime64("NaT", "D"), np.maximum(end, 0).astype("datetime64[D]")),
        "rental_rate": rate,
        "replacement_cost": cost,
    }
