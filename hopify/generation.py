"""Pure numpy generator of the hopify dataset. Imports nothing from Django.

One consistent story per customer, decided in this order so that every table agrees with it:

1. the acquisition plan gives customers per month; signup days, segments (exactly 60/30/10) and acquisition
   sources (shifted toward the campaign channel in campaign months) follow;
2. support load is drawn first (tickets, billing tickets, resolution hours), because churn depends on it;
3. churn (scored from segment, tenure and support load) and reactivation fix each customer's *active spells*:
   [signup, churn) and, after a reactivation, [reactivation, window end];
4. everything else is placed inside the active spells: plan changes, orders (and expansion upsells), payments,
   monthly subscription fees and the tickets themselves. Nothing happens before signup, between churn and
   reactivation, or after the window's end.

Customers are generated in fixed shards of `SHARD_SIZE`, each from its own random stream, so the data never
depends on the loader's batch size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simkit import calendar
from simkit.distributions import exact_counts, weighted_choice
from simkit.pools import PeoplePools, build_people_pools, sample_people
from simkit.rng import Streams
from simkit.tables import Columns, shard_bounds

from . import constants as c

SHARD_SIZE = 10_000
# The tables of a customer shard, in load order (parents first).
SHARD_TABLES = ("customers", "subscriptions", "orders", "order_items", "order_discounts", "payments",
                "support_tickets", "churn_events")  # fmt: skip
SEGMENT_VALUES = np.array([str(segment) for segment in c.SEGMENTS])
BUSINESS_HOURS = (0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.8, 1.5, 3, 4.5, 5, 5, 4.5, 5, 5, 4.5, 4, 3, 2, 1.5, 1, 0.6, 0.3, 0.2)
BILLING_HOURS = (1, 1, 1, 1, 1, 1) + (0,) * 18  # subscription fees are charged by the overnight billing run
MID_MARKET_SUFFIXES = ("Studio", "Shop", "Solutions")
COMPANY_NOUNS = ("Goods", "Supply", "Outfitters", "Trading", "Brands", "Retail", "Commerce", "Home", "Apparel", "Foods")
ENTERPRISE_SUFFIXES = ("Inc.", "LLC", "Group", "Systems")
SECONDS_PER_DAY = 86_400
ONE_MONTH = np.timedelta64(1, "M")


def _per_segment(mapping) -> np.ndarray:
    """A {segment: value} constant as an array indexed by segment number."""
    return np.array([mapping[segment] for segment in c.SEGMENTS], dtype=float)


@dataclass(frozen=True)
class Window:
    """The 36 calendar months ending with the month of `end_date` (the last month stops at `end_date`)."""

    end_date: dt.date
    months_count: int = c.WINDOW_MONTHS

    @property
    def end_day(self) -> np.datetime64:
        return calendar.to_day(self.end_date)

    @property
    def months(self) -> np.ndarray:
        last = self.end_day.astype("datetime64[M]")
        return np.arange(last - ONE_MONTH * (self.months_count - 1), last + ONE_MONTH, dtype="datetime64[M]")

    @property
    def start_day(self) -> np.datetime64:
        return self.months[0].astype("datetime64[D]")

    @property
    def stop_day(self) -> np.datetime64:
        """The day after the window: exclusive upper bound of every active spell."""
        return self.end_day + calendar.days(1)


def choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column index per row of `weights` (n x k, rows need not be normalised), vectorised."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Integers uniform on [low, high] (inclusive), element-wise."""
    low = np.asarray(low, dtype=np.int64)
    return low + np.floor(rng.random(len(low)) * (np.asarray(high, dtype=np.int64) - low + 1)).astype(np.int64)


def month_of_year(months: np.ndarray) -> np.ndarray:
    return months.astype(np.int64) % 12 + 1


# --- Plan and campaigns ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcquisitionPlan:
    """Customers per month of the window and the campaign (if any) running that month."""

    months: np.ndarray  # datetime64[M]
    customers: np.ndarray  # int per month
    campaign_channel: np.ndarray  # acquisition source of the month's campaign, "" when none
    spring_fired: np.ndarray  # bool per month (True only for Aprils with a spring campaign)


def acquisition_plan(rng: np.random.Generator, *, window: Window, scale: float) -> AcquisitionPlan:
    """Monthly acquisition: summer 1,200-1,800, Nov-Jan 2,200-3,000, April spring campaign 3,000-4,000 with 30%
    chance, other months 1,800-2,300; all times `scale` (rounded, at least one customer a month)."""
    months = window.months
    moy = month_of_year(months)
    spring = (moy == c.SPRING_MONTH) & (rng.random(len(months)) < c.SPRING_CAMPAIGN_CHANCE)
    low = np.full(len(months), c.REGULAR_RANGE[0])
    high = np.full(len(months), c.REGULAR_RANGE[1])
    for month_set, (lo, hi) in ((c.SUMMER_MONTHS, c.SUMMER_RANGE), (c.HOLIDAY_MONTHS, c.HOLIDAY_RANGE)):
        mask = np.isin(moy, month_set)
        low[mask], high[mask] = lo, hi
    low[spring], high[spring] = c.SPRING_RANGE
    customers = np.maximum(1, np.rint(uniform_int(rng, low, high) * scale)).astype(np.int64)
    channel = np.full(len(months), "", dtype=object)
    channel[np.isin(moy, c.SUMMER_MONTHS)] = "Social"
    channel[np.isin(moy, c.HOLIDAY_MONTHS)] = "Paid Search"
    channel[spring] = "Referral"
    return AcquisitionPlan(months, customers, channel.astype(str), spring)


def generate_campaigns(rng: np.random.Generator, *, plan: AcquisitionPlan, window: Window, scale: float) -> Columns:
    """The campaigns behind the plan's spikes, plus the always-on organic programme, clipped to the window."""
    rows = []  # (name, channel, type, start, end, cost range)
    seen = set()
    for month, moy in zip(plan.months, month_of_year(plan.months), strict=True):
        year = int(str(month)[:4])
        if moy in c.SUMMER_MONTHS and ("summer", year) not in seen:
            seen.add(("summer", year))
            rows.append((f"Summer Sale {year}", "Social", "Seasonal Promotion", f"{year}-06-01", f"{year}-08-31",
                         (150_000, 250_000)))  # fmt: skip
        if moy in c.HOLIDAY_MONTHS:
            first_year = year if moy >= 11 else year - 1
            if ("holiday", first_year) not in seen:
                seen.add(("holiday", first_year))
                rows.append((f"Black Friday & Holiday {first_year}", "Paid Search", "Holiday Sale",
                             f"{first_year}-11-01", f"{first_year + 1}-01-31", (300_000, 500_000)))  # fmt: skip
    for month in plan.months[plan.spring_fired]:
        year = int(str(month)[:4])
        rows.append((f"Spring Partner Campaign {year}", "Referral", "Partner Campaign", f"{year}-04-01",
                     f"{year}-04-30", (100_000, 200_000)))  # fmt: skip
    rows.append(("Always-on Content & SEO", "Organic", "Content Marketing", str(window.start_day),
                 str(window.end_day), (90_000, 180_000)))  # fmt: skip
    rows.sort(key=lambda row: (row[3], row[0]))
    start = np.maximum(np.array([row[3] for row in rows], dtype="datetime64[D]"), window.start_day)
    end = np.minimum(np.array([row[4] for row in rows], dtype="datetime64[D]"), window.end_day)
    low = np.array([row[5][0] for row in rows], dtype=float)
    high = np.array([row[5][1] for row in rows], dtype=float)
    return {
        "id": np.arange(1, len(rows) + 1),
        "campaign_name": np.array([row[0] for row in rows]),
        "channel": np.array([row[1] for row in rows]),
        "campaign_type": np.array([row[2] for row in rows]),
        "start_date": start,
        "end_date": end,
        "total_cost": np.round((low + rng.random(len(rows)) * (high - low)) * scale, 2),
    }


def generate_marketing_spend(rng: np.random.Generator, *, window: Window, scale: float) -> Columns:
    """Monthly budget per segment: the segment's range, +-10%, times `scale` (so CAC does not depend on scale)."""
    months = np.repeat(window.months, len(c.SEGMENTS))
    segment = np.tile(np.arange(len(c.SEGMENTS)), len(window.months))
    low = np.array([c.MONTHLY_BUDGET[s][0] for s in c.SEGMENTS], dtype=float)[segment]
    high = np.array([c.MONTHLY_BUDGET[s][1] for s in c.SEGMENTS], dtype=float)[segment]
    base = low + rng.random(len(months)) * (high - low)
    jitter = 1 + c.BUDGET_JITTER * (2 * rng.random(len(months)) - 1)
    return {
        "id": np.arange(1, len(months) + 1),
        "segment": SEGMENT_VALUES[segment],
        "month": months.astype("datetime64[D]"),
        "monthly_budget": np.round(base * jitter * scale, 2),
    }


def generate_web_traffic(rng: np.random.Generator, *, plan: AcquisitionPlan, scale: float) -> Columns:
    """Last 24 months x (Paid Search, Social Media, Organic): visitors, leads (2-5%) and MQLs (20-40% of leads);
    a campaign month lifts its channel's visitors by 30%."""
    months = plan.months[-c.WEB_TRAFFIC_MONTHS :]
    campaign = plan.campaign_channel[-c.WEB_TRAFFIC_MONTHS :]
    n_channels = len(c.WEB_CHANNELS)
    month = np.repeat(months, n_channels)
    month_campaign = np.repeat(campaign, n_channels)
    channel = np.tile(np.array(c.WEB_CHANNELS), len(months))
    low = np.array([c.WEB_VISITORS[ch][0] for ch in c.WEB_CHANNELS], dtype=float)[
        np.tile(np.arange(n_channels), len(months))
    ]
    high = np.array([c.WEB_VISITORS[ch][1] for ch in c.WEB_CHANNELS], dtype=float)[
        np.tile(np.arange(n_channels), len(months))
    ]
    visitors = low + rng.random(len(month)) * (high - low)
    boosted = ((month_campaign == "Social") & (channel == "Social Media")) | (
        (month_campaign == "Paid Search") & (channel == "Paid Search")
    )
    visitors = np.maximum(1, np.rint(visitors * np.where(boosted, c.CAMPAIGN_TRAFFIC_UPLIFT, 1.0) * scale))
    lead_rate = c.LEAD_RATE[0] + rng.random(len(month)) * (c.LEAD_RATE[1] - c.LEAD_RATE[0])
    leads = np.rint(visitors * lead_rate)
    mql_rate = c.MQL_RATE[0] + rng.random(len(month)) * (c.MQL_RATE[1] - c.MQL_RATE[0])
    return {
        "id": np.arange(1, len(month) + 1),
        "traffic_date": month.astype("datetime64[D]"),
        "source_channel": channel,
        "visitors": visitors.astype(np.int64),
        "leads": leads.astype(np.int64),
        "mqls": np.rint(leads * mql_rate).astype(np.int64),
    }


# --- Catalogue ---------------------------------------------------------------------------------------------------


def generate_products(rng: np.random.Generator) -> Columns:
    """The 80 named products of seven categories, priced 20-500 (x.99), One-Time or Subscription."""
    names, categories = [], []
    for category in c.PRODUCT_CATEGORIES:
        names += c.PRODUCT_NAMES[category]
        categories += [category] * len(c.PRODUCT_NAMES[category])
    n = len(names)
    category = np.array(categories)
    price = rng.integers(c.PRODUCT_PRICE[0] + 1, c.PRODUCT_PRICE[1] + 1, n) - 0.01
    share = np.array([c.SUBSCRIPTION_REVENUE_SHARE[cat] for cat in categories])
    revenue_type = np.where(rng.random(n) < share, c.REVENUE_TYPES[1], c.REVENUE_TYPES[0])
    return {
        "id": np.arange(1, n + 1),
        "name": np.array(names),
        "category": category,
        "price": np.round(price, 2),
        "revenue_type": revenue_type,
    }


def generate_locations() -> Columns:
    """The five office hubs."""
    fields = ("name", "address", "city", "state", "postal_code", "country")
    columns = {"id": np.arange(1, len(c.LOCATIONS) + 1)}
    for index, name in enumerate(fields):
        columns[name] = np.array([row[index] for row in c.LOCATIONS])
    return columns


def generate_app_installs(rng: np.random.Generator, *, window: Window, product_count: int) -> Columns:
    """5-12 installs per hub of random products, on days inside the window."""
    per_location = rng.integers(c.APP_INSTALLS_PER_LOCATION[0], c.APP_INSTALLS_PER_LOCATION[1] + 1, len(c.LOCATIONS))
    location = np.repeat(np.arange(1, len(c.LOCATIONS) + 1), per_location)
    span = int((window.stop_day - window.start_day).astype(np.int64))
    day = window.start_day + calendar.days(rng.integers(0, span, len(location)))
    return {
        "id": np.arange(1, len(location) + 1),
        "location_id": location,
        "product_id": rng.integers(1, product_count + 1, len(location)),
        "install_date": day,
    }


def generate_discounts(rng: np.random.Generator, *, window: Window) -> Columns:
    """Codes SALE01-SALE50, 5-30% off, each valid 7-90 days inside the window."""
    n = c.DISCOUNT_CODES
    length = rng.integers(c.DISCOUNT_WINDOW_DAYS[0], c.DISCOUNT_WINDOW_DAYS[1] + 1, n)
    span = (window.end_day - window.start_day).astype(np.int64)
    start = window.start_day + calendar.days(np.floor(rng.random(n) * (span - length + 2)))
    return {
        "id": np.arange(1, n + 1),
        "discount_code": np.array([f"SALE{i:02d}" for i in range(1, n + 1)]),
        "discount_percent": rng.integers(c.DISCOUNT_PERCENT[0], c.DISCOUNT_PERCENT[1] + 1, n),
        "start_date": start,
        "end_date": start + calendar.days(length - 1),
    }


# --- Customers -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signups:
    """Every customer's signup day, segment index and acquisition source, in id (chronological) order."""

    day: np.ndarray
    segment: np.ndarray
    source: np.ndarray


def generate_signups(rng: np.random.Generator, *, plan: AcquisitionPlan, window: Window) -> Signups:
    """Signup days spread over each month of the plan; segments exactly 60/30/10; sources by segment and campaign."""
    month_index = np.repeat(np.arange(len(plan.months)), plan.customers)
    n = len(month_index)
    month_start = plan.months.astype("datetime64[D]")
    month_stop = np.minimum((plan.months + ONE_MONTH).astype("datetime64[D]"), window.stop_day)
    length = (month_stop - month_start).astype(np.int64)
    day = month_start[month_index] + calendar.days(np.floor(rng.random(n) * length[month_index]))
    segment = rng.permutation(np.repeat(np.arange(len(c.SEGMENTS)), exact_counts(n, c.SEGMENT_SHARES)))
    weights = np.array([c.SOURCE_WEIGHTS[s] for s in c.SEGMENTS])[segment]
    campaign = plan.campaign_channel[month_index]
    for column, source in enumerate(c.ACQUISITION_SOURCES):
        weights[campaign == source, column] += c.CAMPAIGN_SOURCE_SHIFT
    source = np.array(c.ACQUISITION_SOURCES)[choose_rows(rng, weights)]
    order = np.argsort(day, kind="stable")
    return Signups(day=day[order], segment=segment[order], source=source[order])


def _slugify(names: np.ndarray, ids: np.ndarray) -> np.ndarray:
    text = np.strings.lower(names.astype(str))
    for old, new in (("&", "and"), ("'", ""), (".", ""), (",", ""), (" ", "-")):
        text = np.strings.replace(text, old, new)
    text = np.strings.replace(text, "--", "-")
    return np.strings.add(np.strings.add(text, "-"), ids.astype(str))


def customer_names(rng: np.random.Generator, segment: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """SMB: a person; Mid-Market: "<first>'s Studio/Shop/Solutions" or a company; Enterprise: "<company> Inc." etc."""
    n = len(segment)
    person = np.strings.add(np.strings.add(first, " "), last)
    company = np.strings.add(np.strings.add(last, " "), np.array(COMPANY_NOUNS)[rng.integers(0, len(COMPANY_NOUNS), n)])
    studio = np.strings.add(np.strings.add(first, "'s "), np.array(MID_MARKET_SUFFIXES)[rng.integers(0, 3, n)])
    mid_market = np.where(rng.random(n) < 0.5, studio, company)
    suffix = np.array(ENTERPRISE_SUFFIXES)[rng.integers(0, len(ENTERPRISE_SUFFIXES), n)]
    enterprise = np.strings.add(np.strings.add(company, " "), suffix)
    return np.select([segment == 0, segment == 1], [person, mid_market], enterprise)


def _address(people: dict) -> np.ndarray:
    out = people["address"]
    for part, sep in (("city", ", "), ("state", ", "), ("postal_code", " ")):
        out = np.strings.add(np.strings.add(out, sep), people[part])
    return out


@dataclass(frozen=True)
class Catalogue:
    """What the customer shards need from the catalogue and discounts."""

    product_price_cents: np.ndarray
    product_category: np.ndarray  # category index per product
    discount_start: np.ndarray
    discount_end: np.ndarray
    discount_percent: np.ndarray


@dataclass(frozen=True)
class FirstIds:
    """First id of each customer-level table in a shard (ids run on across shards)."""

    subscription: int = 1
    order: int = 1
    item: int = 1
    payment: int = 1
    ticket: int = 1
    churn: int = 1

    def advance(self, tables: dict[str, Columns]) -> FirstIds:
        return FirstIds(
            subscription=self.subscription + len(tables["subscriptions"]["id"]),
            order=self.order + len(tables["orders"]["id"]),
            item=self.item + len(tables["order_items"]["id"]),
            payment=self.payment + len(tables["payments"]["id"]),
            ticket=self.ticket + len(tables["support_tickets"]["id"]),
            churn=self.churn + len(tables["churn_events"]["id"]),
        )


class Spells:
    """A customer's active spells: [signup, first_stop) and, if reactivated, [react, window stop).

    `day_at(owner, offset)` maps an offset in active days (0 <= offset < active_days) to a calendar day, so that
    anything placed with it falls inside an active spell.
    """

    def __init__(self, signup, first_stop, react, window_stop):
        self.signup = signup
        self.first_stop = first_stop
        self.react = react  # NaT when not reactivated
        self.reactivated = ~np.isnat(react)
        self.first_days = (first_stop - signup).astype(np.int64)
        self.second_days = np.where(
            self.reactivated, (window_stop - np.where(self.reactivated, react, window_stop)).astype(np.int64), 0
        )
        self.active_days = self.first_days + self.second_days
        self.window_stop = window_stop

    def day_at(self, owner: np.ndarray, offset: np.ndarray) -> np.ndarray:
        first = offset < self.first_days[owner]
        in_first = self.signup[owner] + calendar.days(offset)
        react = np.where(self.reactivated[owner], self.react[owner], self.signup[owner])
        in_second = react + calendar.days(offset - self.first_days[owner])
        return np.where(first, in_first, in_second)

    def stop_of(self, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The exclusive end of the spell holding `day`."""
        return np.where(day < self.first_stop[owner], self.first_stop[owner], self.window_stop)

    def random_days(self, rng, owner: np.ndarray) -> np.ndarray:
        offset = np.floor(rng.random(len(owner)) * self.active_days[owner]).astype(np.int64)
        return self.day_at(owner, offset)


def _ranged(segment: np.ndarray, ranges: dict) -> tuple[np.ndarray, np.ndarray]:
    low = _per_segment({s: r[0] for s, r in ranges.items()})[segment]
    high = _per_segment({s: r[1] for s, r in ranges.items()})[segment]
    return low, high


def _uniform(rng, low, high) -> np.ndarray:
    return low + rng.random(len(low)) * (high - low)


def churn_probability(
    rng: np.random.Generator, *, segment: np.ndarray, tenure_days: np.ndarray, tickets: np.ndarray,
    billing_tickets: np.ndarray, mean_resolution_hours: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Chance to churn before the window's end: segment base plus support adjustments (scaled by the segment's
    sensitivity), times the tenure factor (<90 days x0.2, <180 days x0.5), capped at 0.9."""
    n = len(segment)
    adjustment = np.zeros(n)
    heavy = tickets >= c.HEAVY_TICKETS
    adjustment[heavy] += c.HEAVY_TICKET_BONUS[0] + rng.random(int(heavy.sum())) * np.diff(c.HEAVY_TICKET_BONUS)
    adjustment[(tickets >= 1) & ~heavy] += c.LIGHT_TICKET_BONUS
    slow = mean_resolution_hours > c.SLOW_RESOLUTION_HOURS
    adjustment[slow] += c.SLOW_RESOLUTION_BONUS[0] + rng.random(int(slow.sum())) * np.diff(c.SLOW_RESOLUTION_BONUS)
    billing = billing_tickets >= c.BILLING_TICKETS
    adjustment[billing] += c.BILLING_BONUS[0] + rng.random(int(billing.sum())) * np.diff(c.BILLING_BONUS)
    probability = _per_segment(c.CHURN_BASE)[segment] + _per_segment(c.SUPPORT_SENSITIVITY)[segment] * adjustment
    factor = np.ones(n)
    for limit, multiplier in reversed(c.TENURE_FACTORS):
        factor[tenure_days < limit] = multiplier
    return np.clip(probability * factor, 0.0, c.CHURN_CAP)


def generate_customer_shard(
    rng: np.random.Generator,
    pools: PeoplePools,
    *,
    ids: np.ndarray,
    signups: Signups,
    window: Window,
    catalogue: Catalogue,
    first_ids: FirstIds,
) -> dict[str, Columns]:
    """All customer-level tables of the customers `ids` (their signups already drawn), keyed by table name."""
    n = len(ids)
    segment, signup = signups.segment, signups.day
    stop = window.stop_day
    end_day = window.end_day

    # Who they are.
    people = sample_people(rng, pools, ids=ids)
    other = sample_people(rng, pools, ids=ids)
    name = customer_names(rng, segment, people["first_name"], people["last_name"])
    slug = _slugify(name, ids)
    billing = _address(people)
    customers = {
        "id": ids,
        "name": name,
        "email": people["email"],
        "billing_address": billing,
        "shipping_address": np.where(rng.random(n) < c.SHIP_TO_BILLING_SHARE, billing, _address(other)),
        "signup_date": signup,
        "customer_segment": SEGMENT_VALUES[segment],
        "acquisition_source": signups.source,
        "store_slug": slug,
        "store_domain": np.strings.add(slug, ".hopify.com"),
    }

    # Support load first: churn depends on it.
    tenure = (stop - signup).astype(np.int64)
    low, high = _ranged(segment, c.TICKETS_PER_CUSTOMER)
    full_year = uniform_int(rng, low, high)
    ticket_count = rng.binomial(full_year, np.minimum(1.0, tenure / c.TICKET_TENURE_DAYS))
    ticket_owner = np.repeat(np.arange(n), ticket_count)
    ticket_category = weighted_choice(
        rng, np.arange(len(c.TICKET_CATEGORIES)), c.TICKET_CATEGORY_WEIGHTS, len(ticket_owner)
    )
    low_h, high_h = _ranged(segment, c.RESOLUTION_HOURS)
    hours = _uniform(rng, low_h[ticket_owner], high_h[ticket_owner])
    billing_tickets = np.bincount(ticket_owner, weights=ticket_category == 0, minlength=n)
    mean_hours = np.bincount(ticket_owner, weights=hours, minlength=n) / np.maximum(ticket_count, 1)

    # Churn and reactivation fix the active spells.
    probability = churn_probability(
        rng, segment=segment, tenure_days=tenure, tickets=ticket_count, billing_tickets=billing_tickets,
        mean_resolution_hours=mean_hours,
    )  # fmt: skip
    min_life = _per_segment(c.MIN_LIFETIME_DAYS)[segment].astype(np.int64)
    room = tenure - min_life  # possible churn days: signup + min_life .. end_day
    churned = (room > 0) & (rng.random(n) < probability)
    churn_day = signup + calendar.days(min_life + np.floor(rng.random(n) * np.maximum(room, 0)))
    react_gap = rng.integers(c.REACTIVATION_DAYS[0], c.REACTIVATION_DAYS[1] + 1, n)
    react_day = churn_day + calendar.days(react_gap)
    reactivated = churned & (rng.random(n) < _per_segment(c.REACTIVATION_SHARE)[segment]) & (react_day <= end_day)
    first_stop = np.where(churned, churn_day, stop)
    spells = Spells(signup, first_stop, np.where(reactivated, react_day, np.datetime64("NaT", "D")), stop)

    churn_weights = np.tile(np.array(c.CHURN_REASON_WEIGHTS), (n, 1))
    churn_weights[billing_tickets >= c.BILLING_TICKETS, 0] += c.REASON_BOOST
    churn_weights[mean_hours > c.SLOW_RESOLUTION_HOURS, 3] += c.REASON_BOOST
    reason = np.array(c.CHURN_REASONS)[choose_rows(rng, churn_weights)]
    churned_index = np.flatnonzero(churned)
    churn_events = {
        "id": first_ids.churn + np.arange(len(churned_index)),
        "customer_id": ids[churned_index],
        "churn_date": churn_day[churned_index],
        "churn_reason": reason[churned_index],
    }

    subscriptions = _subscriptions(rng, ids, segment, spells, churned, first_ids.subscription)
    tickets = _tickets(rng, ids, spells, ticket_owner, ticket_category, hours, window, first_ids.ticket)
    method = weighted_choice(rng, np.arange(len(c.PAYMENT_METHODS)), c.PAYMENT_METHOD_WEIGHTS, n)
    orders, items, order_discounts, order_payments = _orders(
        rng, ids, segment, spells, catalogue, method, window, first_ids
    )
    fee_payments = _subscription_payments(rng, subscriptions, ids, method, window)
    payments = _merge_payments(order_payments, fee_payments, first_ids.payment)
    return {
        "customers": customers,
        "subscriptions": subscriptions,
        "orders": orders,
        "order_items": items,
        "order_discounts": order_discounts,
        "payments": payments,
        "support_tickets": tickets,
        "churn_events": churn_events,
    }


def _next_plan(rng, plan: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One plan change: up one plan (70%, always from Starter) or down one (always from Plus)."""
    top = len(c.PLANS) - 1
    up = ((rng.random(len(plan)) < c.UPGRADE_SHARE) | (plan == 0)) & (plan < top)
    return np.where(up, plan + 1, plan - 1), up


def _subscriptions(rng, ids, segment, spells: Spells, churned, first_id) -> Columns:
    """Plan history: `new` at signup, up to two upgrades/downgrades inside the first spell, the churn cancelling
    the current row, and a `reactivation` row at a slightly higher price."""
    n = len(ids)
    first_len = spells.first_days
    plan0 = choose_rows(rng, np.array([c.FIRST_PLAN_WEIGHTS[s] for s in c.SEGMENTS])[segment])
    has1 = (rng.random(n) < _per_segment(c.PLAN_CHANGE_CHANCE)[segment]) & (first_len >= 3)
    offset_a = 1 + np.floor(rng.random(n) * (first_len - 1)).astype(np.int64)
    offset_b = 1 + np.floor(rng.random(n) * (first_len - 1)).astype(np.int64)
    has2 = has1 & (rng.random(n) < c.SECOND_CHANGE_CHANCE) & (offset_a != offset_b)
    offset1 = np.where(has2, np.minimum(offset_a, offset_b), offset_a)
    offset2 = np.maximum(offset_a, offset_b)
    plan1, up1 = _next_plan(rng, plan0)
    plan2, up2 = _next_plan(rng, plan1)
    last_plan = np.select([has2, has1], [plan2, plan1], plan0)
    prices = np.array(c.PLAN_PRICES)
    uplift = _uniform(rng, np.full(n, c.REACTIVATION_PRICE_UPLIFT[0]), np.full(n, c.REACTIVATION_PRICE_UPLIFT[1]))
    nat = np.datetime64("NaT", "D")
    first_end = np.where(churned, spells.first_stop, nat)
    start1 = spells.signup + calendar.days(offset1)
    start2 = spells.signup + calendar.days(offset2)
    change = np.array([str(t) for t in c.ChangeType])  # new, upgrade, downgrade, reactivation
    slots = {
        "start_date": np.stack(
            [spells.signup, start1, start2, np.where(spells.reactivated, spells.react, nat)], axis=1
        ),
        "end_date": np.stack(
            [np.where(has1, start1, first_end), np.where(has2, start2, first_end), first_end, np.full(n, nat)], axis=1
        ),
        "plan": np.stack([plan0, plan1, plan2, last_plan], axis=1),
        "price": np.stack(
            [prices[plan0], prices[plan1], prices[plan2], np.round(prices[last_plan] * uplift, 2)], axis=1
        ),
        "change": np.stack([np.zeros(n, int), np.where(up1, 1, 2), np.where(up2, 1, 2), np.full(n, 3)], axis=1),
        "owner": np.repeat(np.arange(n)[:, None], 4, axis=1),
    }
    valid = np.stack([np.ones(n, bool), has1, has2, spells.reactivated], axis=1)
    rows = {key: value[valid] for key, value in slots.items()}
    end = rows["end_date"]
    return {
        "id": first_id + np.arange(len(end)),
        "customer_id": ids[rows["owner"]],
        "plan_type": np.array(c.PLAN_NAMES)[rows["plan"]],
        "subscription_price": rows["price"],
        "start_date": rows["start_date"],
        "end_date": end,
        "status": np.where(np.isnat(end), str(c.SubscriptionStatus.ACTIVE), str(c.SubscriptionStatus.CANCELLED)),
        "change_type": change[rows["change"]],
    }


def _tickets(rng, ids, spells: Spells, owner, category, hours, window: Window, first_id) -> Columns:
    """Tickets placed inside the active spells; a ticket not resolved by the window's end stays open (null)."""
    day = spells.random_days(rng, owner)
    created = calendar.at_time(day, calendar.seconds_of_day(rng, len(owner), BUSINESS_HOURS))
    resolved = created + np.rint(hours * 3600).astype("timedelta64[s]")
    resolved = np.where(resolved < window.stop_day.astype("datetime64[s]"), resolved, np.datetime64("NaT", "s"))
    order = np.lexsort((created, owner))
    return {
        "id": first_id + np.arange(len(owner)),
        "customer_id": ids[owner][order],
        "ticket_category": np.array(c.TICKET_CATEGORIES)[category][order],
        "created_at": created[order],
        "resolved_at": resolved[order],
    }


def _attempts(rng, owner, when, stop_day, window_stop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First attempts at `when`, 97% successful; a failure is retried once 2-5 days later if that is still inside
    the spell (`stop_day`). Returns (index into the attempts' source rows, time, success)."""
    n = len(owner)
    success = rng.random(n) < c.PAYMENT_SUCCESS
    retry_when = when + calendar.days(rng.integers(c.RETRY_DAYS[0], c.RETRY_DAYS[1] + 1, n)).astype("timedelta64[s]")
    retried = ~success & (retry_when.astype("datetime64[D]") < np.minimum(stop_day, window_stop))
    retry_ok = rng.random(n) < c.PAYMENT_SUCCESS
    source = np.concatenate([np.arange(n), np.flatnonzero(retried)])
    times = np.concatenate([when, retry_when[retried]])
    ok = np.concatenate([success, retry_ok[retried]])
    return source, times, ok


def _orders(rng, ids, segment, spells: Spells, catalogue: Catalogue, method, window: Window, first_ids: FirstIds):
    """Orders inside the active spells (plus monthly expansion upsells), their items, discounts and payments."""
    n = len(ids)
    low, high = _ranged(segment, c.ORDERS_PER_CUSTOMER)
    purchases = uniform_int(rng, low, high)
    owner = np.repeat(np.arange(n), purchases)
    offset = np.floor(rng.random(len(owner)) * spells.active_days[owner]).astype(np.int64)
    kind = np.zeros(len(owner), dtype=np.int64)

    expanding = rng.random(n) < _per_segment(c.EXPANSION_SHARE)[segment]
    upsells = np.where(expanding, rng.integers(c.EXPANSION_ORDERS[0], c.EXPANSION_ORDERS[1] + 1, n), 0)
    upsell_owner = np.repeat(np.arange(n), upsells)
    first_offset = np.floor(rng.random(n) * spells.active_days)[upsell_owner].astype(np.int64)
    position = np.arange(len(upsell_owner)) - np.repeat(np.cumsum(upsells) - upsells, upsells)
    upsell_offset = first_offset + c.EXPANSION_INTERVAL_DAYS * position
    inside = upsell_offset < spells.active_days[upsell_owner]
    owner = np.concatenate([owner, upsell_owner[inside]])
    offset = np.concatenate([offset, upsell_offset[inside]])
    kind = np.concatenate([kind, np.ones(int(inside.sum()), dtype=np.int64)])

    day = spells.day_at(owner, offset)
    when = calendar.at_time(day, calendar.seconds_of_day(rng, len(owner), BUSINESS_HOURS))
    order = np.lexsort((when, owner))
    owner, day, when, kind = owner[order], day[order], when[order], kind[order]
    m = len(owner)
    order_ids = first_ids.order + np.arange(m)

    # Items: categories by segment preference, then a product of that category.
    lines = weighted_choice(rng, c.ITEMS_PER_ORDER, c.ITEMS_PER_ORDER_WEIGHTS, m).astype(np.int64)
    line_order = np.repeat(np.arange(m), lines)
    preference = np.zeros((len(c.SEGMENTS), len(c.PRODUCT_CATEGORIES)))
    for s_index, s in enumerate(c.SEGMENTS):
        for category, weight in c.CATEGORY_PREFERENCE[s].items():
            preference[s_index, c.PRODUCT_CATEGORIES.index(category)] = weight
    line_category = choose_rows(rng, preference[segment[owner[line_order]]])
    by_category = np.argsort(catalogue.product_category, kind="stable")
    counts = np.bincount(catalogue.product_category, minlength=len(c.PRODUCT_CATEGORIES))
    starts = np.cumsum(counts) - counts
    pick = starts[line_category] + np.floor(rng.random(len(line_order)) * counts[line_category]).astype(np.int64)
    product_index = by_category[pick]
    quantity = weighted_choice(rng, c.QUANTITIES, c.QUANTITY_WEIGHTS, len(line_order)).astype(np.int64)
    subtotal_cents = quantity * catalogue.product_price_cents[product_index]
    items = {
        "id": first_ids.item + np.arange(len(line_order)),
        "order_id": order_ids[line_order],
        "product_id": product_index + 1,
        "quantity": quantity,
        "subtotal": subtotal_cents / 100.0,
    }
    items_cents = np.bincount(line_order, weights=subtotal_cents, minlength=m).astype(np.int64)

    # A discount only inside its window; among several open codes, a random one.
    covering = (catalogue.discount_start[None, :] <= day[:, None]) & (day[:, None] <= catalogue.discount_end[None, :])
    takes = covering.any(axis=1) & (rng.random(m) < c.DISCOUNT_TAKE_UP)
    chosen = np.argmax(rng.random(covering.shape) * covering, axis=1)
    discount_cents = np.where(takes, np.rint(items_cents * catalogue.discount_percent[chosen] / 100.0), 0).astype(
        np.int64
    )
    discounted = np.flatnonzero(takes)
    order_discounts = {"order_id": order_ids[discounted], "discount_id": chosen[discounted] + 1}
    total_cents = items_cents - discount_cents
    orders = {
        "id": order_ids,
        "customer_id": ids[owner],
        "order_date": when,
        "total_amount": total_cents / 100.0,
        "discount_amount": discount_cents / 100.0,
        "order_type": np.where(kind == 1, str(c.OrderType.EXPANSION), str(c.OrderType.PURCHASE)),
    }

    # One payment per order a few minutes later (same day), retried once when it fails.
    day_end = day.astype("datetime64[s]") + np.timedelta64(SECONDS_PER_DAY - 1, "s")
    paid_at = np.minimum(when + rng.integers(0, 600, m).astype("timedelta64[s]"), day_end)
    source, times, ok = _attempts(rng, owner, paid_at, spells.stop_of(owner, day), window.stop_day)
    payments = {
        "customer_id": ids[owner][source],
        "order_id": order_ids[source],
        "subscription_id": np.full(len(source), np.nan),
        "payment_amount": (total_cents / 100.0)[source],
        "payment_date": times,
        "payment_method": np.array(c.PAYMENT_METHODS)[method[owner][source]],
        "success": ok,
    }
    return orders, items, order_discounts, payments


def _subscription_payments(rng, subscriptions: Columns, ids, method, window: Window) -> Columns:
    """The monthly fee of every subscription row, billed on its start day's day-of-month until it ends."""
    start = subscriptions["start_date"]
    end = subscriptions["end_date"]
    stop = np.where(np.isnat(end), window.stop_day, end)
    start_month = start.astype("datetime64[M]")
    bills = (stop.astype("datetime64[M]") - start_month).astype(np.int64) + 1
    row = np.repeat(np.arange(len(start)), bills)
    k = np.arange(len(row)) - np.repeat(np.cumsum(bills) - bills, bills)
    month = start_month[row] + k.astype("timedelta64[M]")
    month_day0 = month.astype("datetime64[D]")
    month_length = ((month + ONE_MONTH).astype("datetime64[D]") - month_day0).astype(np.int64)
    day_of_month = (start - start_month.astype("datetime64[D]")).astype(np.int64)[row]
    bill_day = month_day0 + calendar.days(np.minimum(day_of_month, month_length - 1))
    keep = bill_day < stop[row]
    row, bill_day = row[keep], bill_day[keep]
    when = calendar.at_time(bill_day, calendar.seconds_of_day(rng, len(row), BILLING_HOURS))
    source, times, ok = _attempts(rng, row, when, stop[row], window.stop_day)
    customer_id = subscriptions["customer_id"][row][source]
    customer_index = np.searchsorted(ids, customer_id)
    return {
        "customer_id": customer_id,
        "order_id": np.full(len(source), np.nan),
        "subscription_id": subscriptions["id"][row][source].astype(float),
        "payment_amount": subscriptions["subscription_price"][row][source],
        "payment_date": times,
        "payment_method": np.array(c.PAYMENT_METHODS)[method[customer_index]],
        "success": ok,
    }


def nullable_ids(values: np.ndarray) -> np.ndarray:
    """Float ids with NaN for "none" as an object column of ints and None (drivers, COPY included, take it as is)."""
    out = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    out[present] = values[present].astype(np.int64).tolist()
    return out


def _merge_payments(order_payments: Columns, fee_payments: Columns, first_id: int) -> Columns:
    """Order and fee payments together, by customer then time."""
    merged = {key: np.concatenate([order_payments[key], fee_payments[key]]) for key in order_payments}
    order = np.lexsort((merged["payment_date"], merged["customer_id"]))
    merged = {key: value[order] for key, value in merged.items()}
    for key in ("order_id", "subscription_id"):
        merged[key] = nullable_ids(merged[key])
    return {"id": first_id + np.arange(len(order)), **merged}


# --- The whole dataset ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableBatch:
    """A batch of rows for one table, in load order (parents before children)."""

    table: str
    columns: Columns
    customers_done: int


def generate_hopify(
    *, seed: int, scale: float = c.DEFAULT_SCALE, end_date: dt.date = c.DEFAULT_END_DATE, shard_size: int = SHARD_SIZE
) -> Iterator[TableBatch]:
    """Yield the whole dataset as table batches: reference tables first, then customer shards with their histories."""
    if not 0 < scale <= c.MAX_SCALE:
        raise ValueError(f"scale must be in (0, {c.MAX_SCALE:g}], got {scale}")
    streams = Streams(seed)
    window = Window(end_date=end_date)
    plan = acquisition_plan(streams.generator("plan"), window=window, scale=scale)
    products = generate_products(streams.generator("products"))
    discounts = generate_discounts(streams.generator("discounts"), window=window)
    signups = generate_signups(streams.generator("signups"), plan=plan, window=window)
    total = len(signups.day)
    yield TableBatch("products", products, 0)
    yield TableBatch("locations", generate_locations(), 0)
    yield TableBatch(
        "app_installs",
        generate_app_installs(streams.generator("app_installs"), window=window, product_count=len(products["id"])),
        0,
    )
    yield TableBatch("discounts", discounts, 0)
    yield TableBatch(
        "marketing_campaigns",
        generate_campaigns(streams.generator("campaigns"), plan=plan, window=window, scale=scale),
        0,
    )
    yield TableBatch(
        "marketing_spend", generate_marketing_spend(streams.generator("spend"), window=window, scale=scale), 0
    )
    yield TableBatch("web_traffic", generate_web_traffic(streams.generator("web_traffic"), plan=plan, scale=scale), 0)

    category_index = np.array([c.PRODUCT_CATEGORIES.index(cat) for cat in products["category"]])
    catalogue = Catalogue(
        product_price_cents=np.rint(products["price"] * 100).astype(np.int64),
        product_category=category_index,
        discount_start=discounts["start_date"],
        discount_end=discounts["end_date"],
        discount_percent=discounts["discount_percent"],
    )
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    first_ids = FirstIds()
    for shard_number, (start, stop) in enumerate(shard_bounds(total, shard_size)):
        shard_signups = Signups(
            day=signups.day[start:stop], segment=signups.segment[start:stop], source=signups.source[start:stop]
        )
        tables = generate_customer_shard(
            streams.generator("customers", shard_number),
            pools,
            ids=np.arange(start + 1, stop + 1),
            signups=shard_signups,
            window=window,
            catalogue=catalogue,
            first_ids=first_ids,
        )
        first_ids = first_ids.advance(tables)
        for table in SHARD_TABLES:
            yield TableBatch(table, tables[table], stop)


def planned_customers(*, seed: int, scale: float, end_date: dt.date) -> int:
    """How many customers a seed will create (the plan alone; cheap)."""
    window = Window(end_date=end_date)
    return int(acquisition_plan(Streams(seed).generator("plan"), window=window, scale=scale).customers.sum())
