"""Money owed: when a late fee is paid, when a customer may not rent, and when a balance is written off.

Pure functions of (seed, rental id) and the customer's lifecycle, so the engine (which blocks customers while they
owe) and the closing tables (late_fees, payments, customer_ar) agree without storing anything:

- A fee is charged when the copy comes back late (or, for a copy never returned, when it is declared lost, 30 days
  after its due day). `paid_probability` of fees are paid in full at once, `partial_payment_probability` half at
  once and the rest later; the others only when the customer is blocked. Payment delays run over
  `payment_delay_days`, skewed towards the low end (most pay at the next visit or within weeks).
- A customer may not rent while a fee above `block_balance` is unpaid, or while any fee has been unpaid for more
  than `block_after_days`: "cannot rent until paying". A blocked customer pays at the next visit, 1-14 days
  after the block starts, so the delays above are cut at `block_after_days` + 14 for customers who stay.
- A customer who leaves (churns) before paying settles on the way out with probability `settle_before_leaving`
  (they pay when they bring the copy back); otherwise the fee stays open until they come back (reactivation) or
  for ever. A balance is written off only after `write_off_days` without any visit (see `ar_columns`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simkit.hashing import hashed_uniform

from .state import NEVER


@dataclass(frozen=True)
class FeePlan:
    """Per fee: up to two payments (day, amount; day NEVER when it never happens) and the block window."""

    first_day: np.ndarray
    first_amount: np.ndarray
    second_day: np.ndarray
    second_amount: np.ndarray
    block_from: np.ndarray
    block_until: np.ndarray  # the day the last payment is made (NEVER: blocked for good)


def _delay(u: np.ndarray, low: int, high: int) -> np.ndarray:
    # u cubed skews the delay towards `low`: median low + 12% of the window, a long thin tail.
    return low + (u**3 * (high - low + 1)).astype(np.int64)


def plan_fees(
    *,
    seed: int,
    rental_id: np.ndarray,
    fee_day: np.ndarray,
    total: np.ndarray,
    churn_day: np.ndarray,
    back_day: np.ndarray,
    config: dict,
) -> FeePlan:
    """Payment days and amounts of each fee, and the days its customer may not rent.

    `churn_day`/`back_day`: the day the fee's customer leaves and comes back (NEVER when they do not).
    """
    fees = config["generation"]["advanced_features"]["late_fees"]
    low, high = fees["payment_delay_days"]
    block_after = fees["block_after_days"]
    u_pay = hashed_uniform(seed, "fee_payment", rental_id)
    first = fee_day + _delay(hashed_uniform(seed, "fee_delay", rental_id), low, high)
    full = u_pay < fees["paid_probability"]
    partial = ~full & (u_pay < fees["paid_probability"] + fees["partial_payment_probability"])
    late_payer = ~full & ~partial
    # Blocked customers pay at their next visit (1-14 days after the block starts) to rent again.
    visit = _delay(hashed_uniform(seed, "fee_visit", rental_id), 1, 14)
    first = np.where(late_payer, fee_day + block_after + visit, np.minimum(first, fee_day + block_after + visit))
    rest = first + _delay(hashed_uniform(seed, "fee_rest", rental_id), low, high)
    second = np.where(partial, np.minimum(rest, first + block_after + visit), NEVER)
    half = np.round(total * 0.5, 2)
    first_amount = np.where(partial, half, total)
    second_amount = np.where(partial, np.round(total - half, 2), 0.0)
    # Leaving before paying: settle on the way out, or owe until coming back (or for ever).
    settles = hashed_uniform(seed, "fee_leave", rental_id) < fees["settle_before_leaving"]
    departed = np.where(settles, fee_day, np.where(back_day < NEVER, np.maximum(back_day, fee_day), NEVER))

    def leaving(day):
        return np.where((day < NEVER) & (day >= churn_day), departed, day)

    first, second = leaving(first), leaving(second)
    second = np.where(partial, np.maximum(second, first), NEVER)
    settled = np.where(partial, second, first)
    block_from = np.where(total > fees["block_balance"], fee_day, fee_day + fees["block_after_days"])
    return FeePlan(
        first_day=first,
        first_amount=first_amount,
        second_day=second,
        second_amount=second_amount,
        block_from=block_from,
        block_until=settled,
    )


def ar_status(*, balance: np.ndarray, oldest_unpaid: np.ndarray, last_visit: np.ndarray, last_day: int, config: dict):
    """Aging bucket per customer: written off after `write_off_days` without a visit, else by the oldest unpaid fee.

    Returns (status, days past due).
    """
    write_off = config["generation"]["advanced_features"]["late_fees"]["write_off_days"]
    owes = balance > 0.004
    days_past_due = np.where(owes, last_day - np.minimum(oldest_unpaid, last_day), 0)
    inactive = last_day - last_visit
    status = np.select(
        [~owes, inactive >= write_off, days_past_due >= 90, days_past_due >= 60, days_past_due >= 30],
        ["current", "written_off", "90_days_plus", "60_days", "30_days"],
        "current",
    )
    return status, days_past_due
