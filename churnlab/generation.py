"""Pure numpy generator of the churnlab dataset. Imports nothing from Django.

A SaaS product with four plans. Every customer signs up on a day of the 540-day window and has a latent churn
date drawn from a plan-, region- and engagement-dependent hazard (possibly after the window: still a customer).
From signup to churn each day is active with a probability that depends on the plan, the customer's engagement, a
slow decay with tenure and the weekday; in the weeks before churn activity and intensity fade, which is the signal
a model can learn. Nothing happens after churn. Some usage rows are then lost as missing logs. Paid plans are billed
every 13 +- 2 days until churn, with failures more frequent shortly before it; support tickets arrive over the
customer's active span, more of them just before churn.

Columns carry the names of the raw Parquet files (`customer_id`, `usage_id`, ...). Customers are generated for the
whole population from one stream; usage, billing and support in fixed shards of `SHARD_SIZE` customers, each from
its own stream, so the data never depends on a batch size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from simkit import calendar
from simkit.calendar import DayWindow
from simkit.distributions import exact_counts
from simkit.rng import Streams
from simkit.tables import Columns, group_offsets, shard_bounds

from . import constants as c

SHARD_SIZE = 10_000
PLAN_NAMES = np.array([plan.value for plan in c.PLANS])
REGION_NAMES = np.array([region.value for region in c.REGIONS])
STATUS_NAMES = np.array([status.value for status in c.PaymentStatus])
CATEGORY_NAMES = np.array([category.value for category in c.TicketCategory])
PRIORITY_NAMES = np.array([priority.value for priority in c.TicketPriority])
FREE = 0


@dataclass(frozen=True)
class Window(DayWindow):
    """The simulated window: `days` days ending on `end_date` (inclusive); churnlab's default length."""

    days: int = c.WINDOW_DAYS


@dataclass(frozen=True)
class Population:
    """Customers with their latent traits: plan and region as indexes, engagement, churn day, missing-log rate."""

    customer_id: np.ndarray
    signup_day: np.ndarray
    plan: np.ndarray
    region: np.ndarray
    engagement: np.ndarray
    churn_day: np.ndarray  # first day without the customer; may lie after the window
    missing_rate: np.ndarray

    def take(self, start: int, stop: int) -> Population:
        return Population(**{name: getattr(self, name)[start:stop] for name in self.__dataclass_fields__})

    def span_end(self, window: Window) -> np.ndarray:
        """First day after the customer's active span: the churn day or the day after the window."""
        return np.minimum(self.churn_day, window.end_day + calendar.days(1))


def generate_population(
    rng: np.random.Generator,
    *,
    customers: int,
    window: Window,
    plan_shares=c.PLAN_SHARES,
    region_shares=c.REGION_SHARES,
    monthly_hazard=c.MONTHLY_CHURN_HAZARD,
    region_hazard=c.REGION_HAZARD_MULTIPLIER,
    engagement_sigma: float = c.ENGAGEMENT_SIGMA,
    engagement_hazard_power: float = c.ENGAGEMENT_HAZARD_POWER,
    missing_log_range=c.MISSING_LOG_RANGE,
) -> Population:
    """Signup days (uniform over the window), plans and regions (exact shares), engagement and latent churn days.

    Daily hazard = monthly_hazard[plan] / 30.44 x region_hazard[region] x engagement ** -engagement_hazard_power;
    the churn day follows signup by an exponential number of days (at least one).
    """
    plan = rng.permutation(np.repeat(np.arange(len(plan_shares)), exact_counts(customers, plan_shares)))
    region = rng.permutation(np.repeat(np.arange(len(region_shares)), exact_counts(customers, region_shares)))
    signup_day = window.start_day + calendar.days(rng.integers(0, window.days, customers))
    # Lognormal with mean 1: engagement scales usage without moving the plan's published means.
    engagement = rng.lognormal(-0.5 * engagement_sigma**2, engagement_sigma, customers)
    daily_hazard = (
        np.asarray(monthly_hazard)[plan]
        / c.DAYS_PER_MONTH
        * np.asarray(region_hazard)[region]
        * engagement**-engagement_hazard_power
    )
    lifetime = np.minimum(np.ceil(rng.exponential(1.0 / daily_hazard)), 100 * window.days)
    churn_day = signup_day + calendar.days(np.maximum(lifetime, 1))
    missing_rate = rng.uniform(*missing_log_range, customers)
    return Population(
        customer_id=np.arange(1, customers + 1, dtype=np.int64),
        signup_day=signup_day,
        plan=plan,
        region=region,
        engagement=engagement,
        churn_day=churn_day,
        missing_rate=missing_rate,
    )


def customer_columns(population: Population) -> Columns:
    return {
        "customer_id": population.customer_id,
        "signup_date": population.signup_day,
        "plan": PLAN_NAMES[population.plan],
        "region": REGION_NAMES[population.region],
    }


def truth_columns(population: Population, *, window: Window) -> Columns:
    """The ground truth: churned within the window, and the churn day (NaT when still a customer at the end)."""
    churned = population.churn_day <= window.end_day
    churn_date = np.where(churned, population.churn_day, np.datetime64("NaT", "D"))
    return {"customer_id": population.customer_id, "churned": churned, "churn_date": churn_date}


def _fade(days_to_churn: np.ndarray) -> np.ndarray:
    """Activity factor in the weeks before churn: 1 far from it, 1 - FADE_DEPTH on the last day."""
    return 1.0 - c.FADE_DEPTH * np.exp(-(days_to_churn - 1) / c.FADE_DAYS)


def _expand_spans(population: Population, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """(owner, day offset from signup) for every day of every customer's active span."""
    span = (population.span_end(window) - population.signup_day).astype(np.int64)
    owner = np.repeat(np.arange(len(span)), span)
    offset = np.arange(len(owner)) - group_offsets(span)[owner]
    return owner, offset


@dataclass
class UsageResult:
    columns: Columns
    active_rows: int  # before missing logs were dropped
    dropped_rows: int


def generate_usage(
    rng: np.random.Generator,
    population: Population,
    *,
    window: Window,
    first_usage_id: int,
    active_probability=c.ACTIVE_DAY_PROBABILITY,
    mean_sessions=c.MEAN_SESSIONS,
    mean_minutes=c.MEAN_USAGE_MINUTES,
) -> UsageResult:
    """Daily usage rows from signup to churn (or the window end), then some dropped as missing logs."""
    owner, offset = _expand_spans(population, window)
    day = population.signup_day[owner] + calendar.days(offset)
    plan = population.plan[owner]
    engagement = population.engagement[owner]
    tenure = c.TENURE_DECAY_FLOOR + (1 - c.TENURE_DECAY_FLOOR) * np.exp(-offset / c.TENURE_DECAY_DAYS)
    fade = _fade((population.churn_day[owner] - day).astype(np.int64))
    probability = (
        np.asarray(active_probability)[plan]
        * engagement
        * tenure
        * fade
        * calendar.weekday_multiplier(day, c.WEEKDAY_ACTIVITY)
    )
    active = rng.random(len(day)) < np.minimum(probability, 0.98)
    active_rows = int(active.sum())
    kept = active.copy()
    kept[active] = rng.random(active_rows) >= population.missing_rate[owner[active]]
    owner, day, plan, fade, engagement = owner[kept], day[kept], plan[kept], fade[kept], engagement[kept]
    intensity = np.sqrt(engagement) * fade
    sessions = rng.poisson(np.asarray(mean_sessions)[plan] * intensity)
    minutes_mean = np.asarray(mean_minutes)[plan] * intensity
    minutes = np.round(np.clip(rng.normal(minutes_mean, c.USAGE_MINUTES_CV * minutes_mean), 0.0, None), 1)
    events = rng.poisson(c.FEATURE_EVENTS_PER_SESSION * sessions)
    columns = {
        "usage_id": first_usage_id + np.arange(len(day), dtype=np.int64),
        "customer_id": population.customer_id[owner],
        "date": day,
        "sessions": sessions.astype(np.int64),
        "usage_minutes": minutes,
        "feature_events": events.astype(np.int64),
    }
    return UsageResult(columns, active_rows, active_rows - len(day))


def _status_probabilities(pre_churn: np.ndarray) -> np.ndarray:
    """Per-bill (paid, late, failed) probabilities: high failure just before churn, the rest calibrated so the
    shares over all bills stay PAYMENT_STATUS_SHARES."""
    pre_share = float(pre_churn.mean()) if len(pre_churn) else 0.0
    pre = np.array(
        [1 - c.PRE_CHURN_LATE_SHARE - c.PRE_CHURN_FAILED_SHARE, c.PRE_CHURN_LATE_SHARE, c.PRE_CHURN_FAILED_SHARE]
    )
    target = np.asarray(c.PAYMENT_STATUS_SHARES)
    base = target.copy()
    if pre_share < 1:
        base = np.clip((target - pre_share * pre) / (1 - pre_share), 0.01, None)
        base /= base.sum()
    return np.where(pre_churn[:, None], pre, base)


def generate_billing(
    rng: np.random.Generator, population: Population, *, window: Window, first_bill_id: int, prices=c.PLAN_PRICE
) -> Columns:
    """Bills of paid plans every 13 +- 2 days from signup while subscribed, status paid/late/failed."""
    paid = population.plan != FREE
    span = np.where(paid, (population.span_end(window) - population.signup_day).astype(np.int64), 0)
    low, high = c.BILL_INTERVAL_DAYS
    slots = np.where(paid, (span - 1) // low + 1, 0)
    owner = np.repeat(np.arange(len(span)), slots)
    starts = group_offsets(slots)
    gaps = rng.integers(low, high + 1, len(owner))
    gaps[starts[:-1][slots > 0]] = 0  # the first bill is issued on the signup day
    running = np.cumsum(gaps)
    offset = running - (running[starts[owner]] - gaps[starts[owner]])
    keep = offset < span[owner]
    owner, offset = owner[keep], offset[keep]
    day = population.signup_day[owner] + calendar.days(offset)
    pre_churn = (population.churn_day[owner] - day).astype(np.int64) <= c.PRE_CHURN_BILLING_DAYS
    probabilities = _status_probabilities(pre_churn)
    status = (rng.random(len(owner))[:, None] > np.cumsum(probabilities, axis=1)).sum(axis=1)
    return {
        "bill_id": first_bill_id + np.arange(len(owner), dtype=np.int64),
        "customer_id": population.customer_id[owner],
        "bill_date": day,
        "amount": np.asarray(prices, dtype=float)[population.plan[owner]],
        "payment_status": STATUS_NAMES[np.minimum(status, 2)],
    }


def generate_support(
    rng: np.random.Generator, population: Population, *, window: Window, first_ticket_id: int
) -> Columns:
    """Tickets: Poisson(0.42 x active months) spread over the active span, plus extra ones before churn."""
    span = (population.span_end(window) - population.signup_day).astype(np.int64)
    regular = rng.poisson(c.TICKETS_PER_TENURE_MONTH * span / c.DAYS_PER_MONTH)
    churned = population.churn_day <= window.end_day
    extra = np.where(churned, rng.poisson(c.PRE_CHURN_EXTRA_TICKETS, len(span)), 0)
    owner = np.concatenate([np.repeat(np.arange(len(span)), regular), np.repeat(np.arange(len(span)), extra)])
    late_window = np.minimum(span, c.PRE_CHURN_TICKET_DAYS)
    is_extra = np.arange(len(owner)) >= regular.sum()
    first = np.where(is_extra, span[owner] - late_window[owner], 0)
    offset = first + (rng.random(len(owner)) * (span[owner] - first)).astype(np.int64)
    order = np.lexsort((offset, owner))
    owner, offset = owner[order], offset[order]
    n = len(owner)
    category = rng.choice(len(CATEGORY_NAMES), size=n, p=np.asarray(c.CATEGORY_SHARES))
    priority = rng.choice(len(PRIORITY_NAMES), size=n, p=np.asarray(c.PRIORITY_SHARES))
    return {
        "ticket_id": first_ticket_id + np.arange(n, dtype=np.int64),
        "customer_id": population.customer_id[owner],
        "ticket_date": population.signup_day[owner] + calendar.days(offset),
        "category": CATEGORY_NAMES[category],
        "priority": PRIORITY_NAMES[priority],
    }


@dataclass(frozen=True)
class TableBatch:
    """A batch of rows for one raw table, in load order (parents before children)."""

    table: str
    columns: Columns
    customers_done: int
    stats: dict[str, int] = field(default_factory=dict)


TABLES = ("customers", "churn_truth", "usage_daily", "billing", "support")


def generate_churnlab(
    *, seed: int, customers: int, end_date: dt.date, shard_size: int = SHARD_SIZE
) -> Iterator[TableBatch]:
    """Yield the whole dataset: customers and the truth in shards, then usage, billing and support per shard."""
    if customers < 1:
        raise ValueError(f"customers must be positive, got {customers}")
    streams = Streams(seed)
    window = Window(end_date=end_date)
    population = generate_population(streams.generator("customers"), customers=customers, window=window)
    bounds = shard_bounds(customers, shard_size)
    for start, stop in bounds:
        shard = population.take(start, stop)
        yield TableBatch("customers", customer_columns(shard), 0)
        yield TableBatch("churn_truth", truth_columns(shard, window=window), 0)
    next_usage, next_bill, next_ticket = 1, 1, 1
    for number, (start, stop) in enumerate(bounds):
        shard = population.take(start, stop)
        usage = generate_usage(
            streams.generator("usage_daily", number), shard, window=window, first_usage_id=next_usage
        )
        billing = generate_billing(streams.generator("billing", number), shard, window=window, first_bill_id=next_bill)
        support = generate_support(
            streams.generator("support", number), shard, window=window, first_ticket_id=next_ticket
        )
        next_usage += len(usage.columns["usage_id"])
        next_bill += len(billing["bill_id"])
        next_ticket += len(support["ticket_id"])
        stats = {"active_rows": usage.active_rows, "dropped_rows": usage.dropped_rows}
        # Only the shard's last batch reports the customers done, so progress advances once per shard.
        yield TableBatch("usage_daily", usage.columns, 0, stats)
        yield TableBatch("billing", billing, 0)
        yield TableBatch("support", support, stop)
