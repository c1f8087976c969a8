"""Pure numpy generator of the churnlab dataset. Imports nothing from Django.

A SaaS product with four plans. Every customer signs up on a day of the 540-day window with latent traits (plan,
region, engagement, payment risk, support friction) and then lives week by week until churn:

- engagement moves as a mean-reverting random walk with occasional sharp drops (a champion leaves, a budget is cut);
- paid plans bill on their cycle from signup (Basic and Pro every 14 days, Enterprise every 30) with a day or two of
  jitter; a bill is paid, late or failed with a chance set by the customer's own risk;
- tickets arrive at a rate set by the customer's friction, more while usage falls, onboarding tickets in the first
  weeks and a billing ticket after a failed charge;
- plans change: engaged customers upgrade, customers with failed charges downgrade;
- the weekly churn hazard is the plan's base hazard (Free most, Enterprise least, a small regional effect) times
  engagement ** -power and rises with the failed and late bills, technical tickets (most), other tickets and the
  fall in usage of the last weeks. So the behaviour a model sees causes the churn; it does not restate it.

Daily usage follows the weekly engagement (with a slow decay of novelty with tenure and a weekday rhythm); nothing
happens after churn; some usage rows are then lost as missing logs. Columns carry the names of the raw Parquet
files (`customer_id`, `usage_id`, ...). Latent traits come from one stream for the whole population; each shard of
`SHARD_SIZE` customers is simulated from its own streams, so the data never depends on a batch size.
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
    """Customers with their latent traits: plan and region as indexes, engagement, missing-log rate, payment risk
    and support friction."""

    customer_id: np.ndarray
    signup_day: np.ndarray
    plan: np.ndarray
    region: np.ndarray
    engagement: np.ndarray
    missing_rate: np.ndarray
    risk: np.ndarray
    friction: np.ndarray

    def take(self, start: int, stop: int) -> Population:
        return Population(**{name: getattr(self, name)[start:stop] for name in self.__dataclass_fields__})


def _lognormal_mean_one(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    return rng.lognormal(-0.5 * sigma**2, sigma, size)


def generate_population(
    rng: np.random.Generator,
    *,
    customers: int,
    window: Window,
    plan_shares=c.PLAN_SHARES,
    region_shares=c.REGION_SHARES,
    engagement_sigma: float = c.ENGAGEMENT_SIGMA,
    missing_log_range=c.MISSING_LOG_RANGE,
    risk_sigma: float = c.PAYMENT_RISK_SIGMA,
    friction_sigma: float = c.FRICTION_SIGMA,
) -> Population:
    """Signup days (uniform over the window), plans and regions (exact shares) and the latent traits: engagement,
    payment risk and support friction (log-normal with mean 1), the share of usage logs lost."""
    plan = rng.permutation(np.repeat(np.arange(len(plan_shares)), exact_counts(customers, plan_shares)))
    region = rng.permutation(np.repeat(np.arange(len(region_shares)), exact_counts(customers, region_shares)))
    signup_day = window.start_day + calendar.days(rng.integers(0, window.days, customers))
    engagement = _lognormal_mean_one(rng, engagement_sigma, customers)
    missing_rate = rng.uniform(*missing_log_range, customers)
    return Population(
        customer_id=np.arange(1, customers + 1, dtype=np.int64),
        signup_day=signup_day,
        plan=plan,
        region=region,
        engagement=engagement,
        missing_rate=missing_rate,
        risk=_lognormal_mean_one(rng, risk_sigma, customers),
        friction=_lognormal_mean_one(rng, friction_sigma, customers),
    )


def customer_columns(population: Population) -> Columns:
    return {
        "customer_id": population.customer_id,
        "signup_date": population.signup_day,
        "plan": PLAN_NAMES[population.plan],
        "region": REGION_NAMES[population.region],
    }


@dataclass
class History:
    """A shard's simulated lives: churn day offsets (window.days when still a customer), weekly engagement (n x
    weeks), and the bills and tickets as (owner, day offset, ...) columns."""

    churn_offset: np.ndarray
    engagement: np.ndarray
    bills: dict[str, np.ndarray]
    tickets: dict[str, np.ndarray]

    def churn_day(self, window: Window) -> np.ndarray:
        return np.where(
            self.churn_offset < window.days,
            window.start_day + calendar.days(self.churn_offset),
            np.datetime64("NaT", "D"),
        ).astype("datetime64[D]")


def truth_columns(population: Population, history: History, *, window: Window) -> Columns:
    """The ground truth: churned within the window, and the churn day (NaT when still a customer at the end)."""
    churn_date = history.churn_day(window)
    return {"customer_id": population.customer_id, "churned": ~np.isnat(churn_date), "churn_date": churn_date}


def simulate(
    rng: np.random.Generator,
    population: Population,
    *,
    window: Window,
    monthly_hazard=c.MONTHLY_CHURN_HAZARD,
    region_hazard=c.REGION_HAZARD_MULTIPLIER,
    engagement_hazard_power: float = c.ENGAGEMENT_HAZARD_POWER,
    prices=c.PLAN_PRICE,
) -> History:
    """Play the window week by week for `population` (one shard); see the module docstring for the causes."""
    n = len(population.customer_id)
    weeks = -(-window.days // 7)
    start = (population.signup_day - window.start_day).astype(np.int64)
    signup_week = start // 7
    log_trait = np.log(population.engagement)
    log_e = log_trait.copy()
    engagement = np.zeros((n, weeks), dtype=np.float32)
    plan = population.plan.copy()
    cycle = np.asarray(c.BILL_CYCLE_DAYS)
    next_bill = start.copy()
    alive = np.ones(n, dtype=bool)
    churn_offset = np.full(n, window.days, dtype=np.int64)
    ring = {name: np.zeros((c.DRIVER_WEEKS, n)) for name in ("failed", "late", "technical", "other")}
    base = np.asarray(monthly_hazard) / c.WEEKS_PER_MONTH * np.asarray(c.HAZARD_CALIBRATION)
    region_factor = np.asarray(region_hazard)[population.region]
    late_share, failed_share = c.PAYMENT_STATUS_SHARES[1], c.PAYMENT_STATUS_SHARES[2]
    regular_categories = np.cumsum(c.REGULAR_CATEGORY_SHARES)
    priorities = np.cumsum(c.PRIORITY_SHARES)
    bills = {"owner": [], "day": [], "amount": [], "status": []}
    tickets = {"owner": [], "day": [], "category": [], "priority": []}
    rows = np.arange(n)
    for week in range(weeks):
        d0, d1 = 7 * week, min(7 * week + 7, window.days)
        present = alive & (signup_week <= week)
        new = signup_week == week
        lo = np.maximum(d0, start)  # the first day of this week the customer is there
        moving = present & ~new
        step = c.ENGAGEMENT_REVERSION * (log_trait - log_e) + rng.normal(0, c.ENGAGEMENT_WEEKLY_SIGMA, n)
        step -= c.ENGAGEMENT_DROP_SIZE * (rng.random(n) < c.ENGAGEMENT_DROP_CHANCE)
        log_e = np.where(moving, log_e + step, log_e)
        engagement[:, week] = np.exp(log_e)
        earlier = np.minimum(np.maximum(week - 4, signup_week), week)
        drop = np.maximum(np.log(engagement[rows, earlier]) - log_e, 0.0)

        # Bills due this week (a cycle is at least 12 days: at most one a week).
        due = present & (plan > 0) & (next_bill >= d0) & (next_bill < d1)
        # A risky customer's uniform is smaller: more failed (lowest) and late (next) bills.
        risk_u = rng.random(n) / population.risk
        status = np.where(risk_u < failed_share, 2, np.where(risk_u < failed_share + late_share, 1, 0))
        index = np.flatnonzero(due)
        bills["owner"].append(index)
        bills["day"].append(next_bill[index])
        bills["amount"].append(np.asarray(prices, dtype=float)[plan[index]])
        bills["status"].append(status[index])
        failed = due & (status == 2)
        late = due & (status == 1)
        jitter = np.clip(np.rint(rng.normal(0, c.BILL_JITTER_SD, n)), -2, 2).astype(np.int64)
        next_bill = np.where(due, next_bill + cycle[plan] + jitter, next_bill)

        # Plan changes at the end of the week: engaged customers upgrade, failing payers downgrade.
        u = rng.random(n)
        up = moving & (plan < len(prices) - 1) & (u < c.UPGRADE_CHANCE * np.exp(log_e))
        recent_failures = ring["failed"].sum(axis=0) + failed
        down_chance = c.DOWNGRADE_CHANCE + c.DOWNGRADE_AFTER_FAILURE * (recent_failures > 0)
        down = moving & ~up & (plan > 0) & (rng.random(n) < down_chance)
        from_free = up & (plan == 0)
        plan = plan + up - down
        next_bill = np.where(from_free, d1, next_bill)

        # Tickets.
        onboarding = (week - signup_week) < c.ONBOARDING_WEEKS
        lam = (
            c.TICKETS_PER_TENURE_MONTH
            / c.WEEKS_PER_MONTH
            * population.friction
            * (1 + c.TICKET_RATE_AFTER_DROP * drop)
            * (d1 - lo).clip(0)
            / 7
        )
        regular = np.where(present, rng.poisson(lam), 0)
        extra_onboarding = present & onboarding & (rng.random(n) < c.ONBOARDING_TICKET_RATE)
        billing_ticket = failed & (rng.random(n) < c.BILLING_TICKET_AFTER_FAILURE)
        owner = np.concatenate([np.repeat(rows, regular), rows[extra_onboarding], rows[billing_ticket]])
        category = np.concatenate([
            np.minimum(np.searchsorted(regular_categories, rng.random(int(regular.sum())), side="right"), 2),
            np.full(int(extra_onboarding.sum()), 2),
            np.zeros(int(billing_ticket.sum()), dtype=np.int64),
        ])  # fmt: skip
        day = lo[owner] + np.floor(rng.random(len(owner)) * (d1 - lo[owner])).astype(np.int64)
        tickets["owner"].append(owner)
        tickets["day"].append(day)
        tickets["category"].append(category)
        tickets["priority"].append(np.minimum(np.searchsorted(priorities, rng.random(len(owner)), side="right"), 2))
        technical = np.bincount(owner, weights=category == 1, minlength=n)
        other = np.bincount(owner, minlength=n) - technical

        # The week's hazard, from what happened in the last DRIVER_WEEKS weeks (this one included).
        slot = week % c.DRIVER_WEEKS
        ring["failed"][slot], ring["late"][slot] = failed, late
        ring["technical"][slot], ring["other"][slot] = technical, other
        drivers = (
            np.asarray(c.HAZARD_PER_FAILED_BILL)[plan] * ring["failed"].sum(axis=0)
            + c.HAZARD_PER_LATE_BILL * ring["late"].sum(axis=0)
            + c.HAZARD_PER_TECHNICAL_TICKET * ring["technical"].sum(axis=0)
            + c.HAZARD_PER_OTHER_TICKET * ring["other"].sum(axis=0)
            + c.HAZARD_PER_USAGE_DROP * drop
            + c.HAZARD_QUIET * (log_e < np.log(c.QUIET_ENGAGEMENT))
            + c.HAZARD_FAILED_AND_TECHNICAL * ((ring["failed"].sum(axis=0) > 0) & (ring["technical"].sum(axis=0) > 0))
        )
        tenure_week = week - signup_week
        renewal = (tenure_week >= c.RENEWAL_WEEKS[0]) & (tenure_week < c.RENEWAL_WEEKS[1])
        power = engagement_hazard_power / c.ENGAGEMENT_HAZARD_POWER * np.asarray(c.ENGAGEMENT_POWER_BY_PLAN)[plan]
        hazard = (
            base[plan]
            * region_factor
            * np.exp(-power * log_e + drivers)
            * np.where(renewal, np.asarray(c.RENEWAL_HAZARD)[plan], 1.0)
        )
        churns = moving & (rng.random(n) < 1 - np.exp(-hazard))
        churn_day = d0 + np.floor(rng.random(n) * (d1 - d0)).astype(np.int64)
        churn_offset = np.where(churns, churn_day, churn_offset)
        alive &= ~churns
        ring_clear = ~present
        for values in ring.values():
            values[:, ring_clear] = 0

    def joined(parts):
        out = {
            name: np.concatenate(values) if values else np.array([], dtype=np.int64) for name, values in parts.items()
        }
        keep = out["day"] < churn_offset[out["owner"]]  # nothing on or after the churn day
        out = {name: values[keep] for name, values in out.items()}
        order = np.lexsort((out["day"], out["owner"]))
        return {name: values[order] for name, values in out.items()}

    return History(churn_offset, engagement, joined(bills), joined(tickets))


@dataclass
class UsageResult:
    columns: Columns
    active_rows: int  # before missing logs were dropped
    dropped_rows: int


def generate_usage(
    rng: np.random.Generator,
    population: Population,
    history: History,
    *,
    window: Window,
    first_usage_id: int,
    active_probability=c.ACTIVE_DAY_PROBABILITY,
    mean_sessions=c.MEAN_SESSIONS,
    mean_minutes=c.MEAN_USAGE_MINUTES,
) -> UsageResult:
    """Daily usage rows from signup to churn (or the window end), following the week's engagement; then some
    dropped as missing logs."""
    start = (population.signup_day - window.start_day).astype(np.int64)
    span = np.maximum(history.churn_offset - start, 0)
    owner = np.repeat(np.arange(len(span)), span)
    tenure_day = np.arange(len(owner)) - group_offsets(span)[owner]
    offset = start[owner] + tenure_day
    plan = population.plan[owner]
    engagement = history.engagement[owner, offset // 7]
    tenure = c.TENURE_DECAY_FLOOR + (1 - c.TENURE_DECAY_FLOOR) * np.exp(-tenure_day / c.TENURE_DECAY_DAYS)
    # Weekdays from integers (Monday = 0): 1970-01-01 was a Thursday. Dates are built for the kept rows only.
    weekday = (int(window.start_day.astype(np.int64)) + offset + 3) % 7
    probability = np.asarray(active_probability)[plan] * engagement * tenure * np.asarray(c.WEEKDAY_ACTIVITY)[weekday]
    active = rng.random(len(offset)) < np.minimum(probability, 0.98)
    active_rows = int(active.sum())
    kept = active.copy()
    kept[active] = rng.random(active_rows) >= population.missing_rate[owner[active]]
    owner, plan, engagement = owner[kept], plan[kept], engagement[kept]
    day = window.start_day + calendar.days(offset[kept])
    # Active days are drawn in proportion to engagement, so the mean of sqrt(e) over them is exp(3 sigma^2 / 8):
    # divided out, the plans' published means hold.
    intensity = np.sqrt(engagement) * np.exp(-0.375 * c.ENGAGEMENT_SIGMA**2)
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


def billing_columns(population: Population, history: History, *, window: Window, first_bill_id: int) -> Columns:
    """The simulated bills: amount is the price of the plan at the bill (plans change), status paid/late/failed."""
    bills = history.bills
    return {
        "bill_id": first_bill_id + np.arange(len(bills["owner"]), dtype=np.int64),
        "customer_id": population.customer_id[bills["owner"]],
        "bill_date": window.start_day + calendar.days(bills["day"]),
        "amount": bills["amount"].astype(float),
        "payment_status": STATUS_NAMES[bills["status"]],
    }


def support_columns(population: Population, history: History, *, window: Window, first_ticket_id: int) -> Columns:
    tickets = history.tickets
    return {
        "ticket_id": first_ticket_id + np.arange(len(tickets["owner"]), dtype=np.int64),
        "customer_id": population.customer_id[tickets["owner"]],
        "ticket_date": window.start_day + calendar.days(tickets["day"]),
        "category": CATEGORY_NAMES[tickets["category"]],
        "priority": PRIORITY_NAMES[tickets["priority"]],
    }


def generate_shard_tables(
    streams: Streams, number: int, population: Population, *, window: Window, first_ids: tuple[int, int, int]
) -> tuple[dict[str, Columns], dict[str, int]]:
    """Every raw table of one shard (`population` already cut to it), each from the shard's own streams."""
    history = simulate(streams.generator("lives", number), population, window=window)
    usage = generate_usage(
        streams.generator("usage_daily", number), population, history, window=window, first_usage_id=first_ids[0]
    )
    tables = {
        "customers": customer_columns(population),
        "churn_truth": truth_columns(population, history, window=window),
        "usage_daily": usage.columns,
        "billing": billing_columns(population, history, window=window, first_bill_id=first_ids[1]),
        "support": support_columns(population, history, window=window, first_ticket_id=first_ids[2]),
    }
    return tables, {"active_rows": usage.active_rows, "dropped_rows": usage.dropped_rows}


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
    """Yield the whole dataset shard by shard: customers and their truth, then their usage, billing and support."""
    if customers < 1:
        raise ValueError(f"customers must be positive, got {customers}")
    streams = Streams(seed)
    window = Window(end_date=end_date)
    population = generate_population(streams.generator("customers"), customers=customers, window=window)
    next_ids = (1, 1, 1)
    for number, (start, stop) in enumerate(shard_bounds(customers, shard_size)):
        tables, stats = generate_shard_tables(
            streams, number, population.take(start, stop), window=window, first_ids=next_ids
        )
        next_ids = (
            next_ids[0] + len(tables["usage_daily"]["usage_id"]),
            next_ids[1] + len(tables["billing"]["bill_id"]),
            next_ids[2] + len(tables["support"]["ticket_id"]),
        )
        yield TableBatch("customers", tables["customers"], 0)
        yield TableBatch("churn_truth", tables["churn_truth"], 0)
        yield TableBatch("usage_daily", tables["usage_daily"], 0, stats)
        yield TableBatch("billing", tables["billing"], 0)
        # Only the shard's last batch reports the customers done, so progress advances once per shard.
        yield TableBatch("support", tables["support"], stop)
