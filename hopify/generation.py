"""Pure numpy generator of the hopify dataset. Imports nothing from Django.

The company is simulated in the order its parts cause one another:

1. the funnel (`hopify.funnel`): marketing budget and campaigns -> web traffic -> leads -> MQLs -> signups per
   month, segment and channel; the signups of a month become that month's customers (ids in signup order);
2. each customer's life (`hopify.lifecycle`), month by month: billing with declines and dunning, support tickets,
   plan and seat changes, orders, and churn as a hazard driven by all of them (voluntary) or by a failed dunning
   run (involuntary), with reactivations;
3. the tables are read off that history and cut at the window's end: nothing before signup, between churn and
   reactivation, or after the end date.

Customers are generated in fixed shards of `SHARD_SIZE` ids. Every random draw is keyed by the calendar month or by
the customer (and month), never by the window's end, so a later `--end-date` (same first month) leaves every row
dated before the earlier end date as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simkit import calendar
from simkit.hashing import hashed_uniform
from simkit.pools import PeoplePools, build_people_pools, sample_people
from simkit.rng import Streams
from simkit.tables import Columns, shard_bounds

from . import constants as c
from .funnel import Funnel, first_month, generate_funnel, holiday_days, month_key, planned_campaigns
from .lifecycle import History, simulate

SHARD_SIZE = 10_000
# The tables of a customer shard, in load order (parents first).
SHARD_TABLES = ("customers", "subscriptions", "orders", "order_items", "order_discounts", "payments",
                "support_tickets", "churn_events")  # fmt: skip
SEGMENT_VALUES = np.array([str(segment) for segment in c.SEGMENTS])
MID_MARKET_SUFFIXES = ("Studio", "Shop", "Solutions")
COMPANY_NOUNS = ("Goods", "Supply", "Outfitters", "Trading", "Brands", "Retail", "Commerce", "Home", "Apparel", "Foods")
ENTERPRISE_SUFFIXES = ("Inc.", "LLC", "Group", "Systems")
SECONDS_PER_DAY = 86_400
ONE_MONTH = np.timedelta64(1, "M")
# Signups by weekday (Monday first): a B2B product is bought on working days.
SIGNUP_WEEKDAY = (1.1, 1.15, 1.15, 1.1, 1.0, 0.35, 0.3)
HOLIDAY_SIGNUP_FACTOR = 0.3


def _per_segment(mapping) -> np.ndarray:
    """A {segment: value} constant as an array indexed by segment number."""
    return np.array([mapping[segment] for segment in c.SEGMENTS], dtype=float)


@dataclass(frozen=True)
class Window:
    """The calendar months from `start_date`'s month (default: 36 months ending with `end_date`'s month) to the
    month of `end_date`; the last month stops at `end_date`."""

    end_date: dt.date
    months_count: int = c.WINDOW_MONTHS
    start_date: dt.date | None = None

    @property
    def end_day(self) -> np.datetime64:
        return calendar.to_day(self.end_date)

    @property
    def months(self) -> np.ndarray:
        last = self.end_day.astype("datetime64[M]")
        first = (
            first_month(self.end_date, self.months_count)
            if self.start_date is None
            else np.datetime64(self.start_date, "M")
        )
        return np.arange(first, last + ONE_MONTH, dtype="datetime64[M]")

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
    # Over the default window's length from the first month, whatever the end date, so a longer run keeps them.
    span = ((window.months[0] + ONE_MONTH * c.WINDOW_MONTHS).astype("datetime64[D]") - window.start_day).astype(
        np.int64
    ) - 1
    start = window.start_day + calendar.days(np.floor(rng.random(n) * (span - length + 2)))
    return {
        "id": np.arange(1, n + 1),
        "discount_code": np.array([f"SALE{i:02d}" for i in range(1, n + 1)]),
        "discount_percent": rng.integers(c.DISCOUNT_PERCENT[0], c.DISCOUNT_PERCENT[1] + 1, n),
        "start_date": start,
        "end_date": start + calendar.days(length - 1),
    }


# --- Customers ---------------------------------------------------------------------------------------------------


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


# --- Marketing -----------------------------------------------------------------------------------------------------


def generate_marketing_spend(funnel: Funnel) -> Columns:
    """The funnel's monthly budget per segment."""
    months = np.repeat(funnel.months, len(c.SEGMENTS))
    segment = np.tile(np.arange(len(c.SEGMENTS)), len(funnel.months))
    return {
        "id": np.arange(1, len(months) + 1),
        "segment": SEGMENT_VALUES[segment],
        "month": months.astype("datetime64[D]"),
        "year_month": months.astype(str),
        "monthly_budget": np.round(funnel.budget.ravel(), 2),
    }


def generate_web_traffic(funnel: Funnel) -> Columns:
    """Every month x web channel of the window: visitors, leads and MQLs as the funnel drew them."""
    months = np.repeat(funnel.months, len(c.WEB_CHANNELS))
    return {
        "id": np.arange(1, len(months) + 1),
        "traffic_date": months.astype("datetime64[D]"),
        "month": months.astype(str),
        "source_channel": np.tile(np.array(c.WEB_CHANNELS), len(funnel.months)),
        "visitors": funnel.visitors.ravel(),
        "leads": funnel.leads.ravel(),
        "mqls": funnel.mqls.ravel(),
    }


def generate_campaigns(*, seed: int, funnel: Funnel, window: Window, scale: float) -> Columns:
    """The seasonal campaigns the funnel spent on (clipped to the window) and the always-on content programme."""
    planned = planned_campaigns(seed=seed, months=window.months, scale=scale)
    organic = float((funnel.budget * np.array([c.CHANNEL_MIX[s][2] for s in c.SEGMENTS])[None, :]).sum())
    rows = [(x.name, x.channel, x.campaign_type, x.start, x.end, x.cost) for x in planned]
    rows.append(("Always-on Content & SEO", "Organic", "Content Marketing", window.start_day, window.end_day, organic))
    rows.sort(key=lambda row: (row[3], row[0]))
    return {
        "id": np.arange(1, len(rows) + 1),
        "campaign_name": np.array([row[0] for row in rows]),
        "channel": np.array([row[1] for row in rows]),
        "campaign_type": np.array([row[2] for row in rows]),
        "start_date": np.maximum(np.array([row[3] for row in rows], dtype="datetime64[D]"), window.start_day),
        "end_date": np.minimum(np.array([row[4] for row in rows], dtype="datetime64[D]"), window.end_day),
        "total_cost": np.round(np.array([row[5] for row in rows], dtype=float), 2),
    }


# --- Signups -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signups:
    """Customers' signup days, segment indexes and acquisition sources, in id (chronological) order."""

    day: np.ndarray
    segment: np.ndarray
    source: np.ndarray

    def __getitem__(self, index) -> Signups:
        return Signups(self.day[index], self.segment[index], self.source[index])


def signup_block(*, seed: int, funnel: Funnel, index: int, window: Window) -> Signups:
    """The customers of the window's month `index`: the funnel's signups per (segment, channel) in a random order,
    on days weighted by weekday and US holidays (sorted, so ids follow signup order), cut at the window's end."""
    month = funnel.months[index]
    rng = Streams(seed).generator("signup-days", int(month_key(month)))
    counts = funnel.signups[index]
    cell = rng.permutation(np.repeat(np.arange(counts.size), counts.ravel()))
    segment, channel = np.divmod(cell, len(c.WEB_CHANNELS))
    days = np.arange(month.astype("datetime64[D]"), (month + ONE_MONTH).astype("datetime64[D]"))
    weight = np.array(SIGNUP_WEEKDAY)[calendar.weekday(days)]
    weight[np.isin(days, holiday_days(days[0], days[-1] + 1))] *= HOLIDAY_SIGNUP_FACTOR
    day = np.sort(rng.choice(days, size=len(cell), p=weight / weight.sum()))
    split = np.cumsum(np.array([c.ORGANIC_SOURCE_SPLIT[s] for s in c.SEGMENTS])[segment], axis=1)
    organic = np.minimum((split <= rng.random(len(cell))[:, None]).sum(axis=1), 2)
    source = np.where(
        channel == 0,
        "Paid Search",
        np.where(channel == 1, "Social", np.array(("Organic", "Referral", "Direct"))[organic]),
    )
    keep = day <= window.end_day
    return Signups(day[keep], segment[keep], source[keep])


def customer_counts(*, seed: int, funnel: Funnel, window: Window) -> np.ndarray:
    """Customers per month of the window (the last month only up to the end date)."""
    counts = funnel.customers.astype(np.int64).copy()
    counts[-1] = len(signup_block(seed=seed, funnel=funnel, index=len(counts) - 1, window=window).day)
    return counts


def signups_between(*, seed: int, funnel: Funnel, counts: np.ndarray, window: Window, start: int, stop: int):
    """The signups of customers start+1 .. stop (ids), built from the month blocks they fall in."""
    bounds = np.concatenate([[0], np.cumsum(counts)])
    parts = []
    for index in range(len(counts)):
        lo, hi = max(start, bounds[index]), min(stop, bounds[index + 1])
        if lo < hi:
            block = signup_block(seed=seed, funnel=funnel, index=index, window=window)
            parts.append(block[lo - bounds[index] : hi - bounds[index]])
    return Signups(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("day", "segment", "source")))


# --- Customers and their histories ---------------------------------------------------------------------------------


def nullable_ids(values: np.ndarray) -> np.ndarray:
    """Float ids with NaN for "none" as an object column of ints and None (drivers, COPY included, take it as is)."""
    out = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    out[present] = values[present].astype(np.int64).tolist()
    return out


def _customers(rng, pools, ids, signups: Signups, shard_size: int) -> Columns:
    """Names, e-mails and addresses. The stream draws a whole shard's worth, so a shard's first customers are the
    same whether the shard is full or (at the window's end) partial."""
    n = len(ids)
    full = ids[0] + np.arange(max(shard_size, n))
    segment = np.zeros(len(full), dtype=np.int64)
    segment[:n] = signups.segment
    people = sample_people(rng, pools, ids=full)
    other = sample_people(rng, pools, ids=full)
    name = customer_names(rng, segment, people["first_name"], people["last_name"])[:n]
    slug = _slugify(name, ids)
    billing = _address(people)[:n]
    ship_same = rng.random(len(full))[:n] < c.SHIP_TO_BILLING_SHARE
    return {
        "id": ids,
        "name": name,
        "email": people["email"][:n],
        "billing_address": billing,
        "shipping_address": np.where(ship_same, billing, _address(other)[:n]),
        "signup_date": signups.day,
        "customer_segment": SEGMENT_VALUES[signups.segment],
        "acquisition_source": signups.source,
        "store_slug": slug,
        "store_domain": np.strings.add(slug, ".hopify.com"),
    }


def _subscriptions(history: History, ids, window: Window, first_id: int) -> Columns:
    rows = history.subscriptions
    keep = rows["start"] <= window.end_day
    rows = {key: value[keep] for key, value in rows.items()}
    order = np.lexsort((rows["start"], rows["owner"]))
    rows = {key: value[order] for key, value in rows.items()}
    end = np.where(rows["end"] > window.end_day, np.datetime64("NaT", "D"), rows["end"]).astype("datetime64[D]")
    return {
        "id": first_id + np.arange(len(end)),
        "customer_id": ids[rows["owner"]],
        "plan_type": np.array(c.PLAN_NAMES)[rows["plan"]],
        "subscription_price": rows["price"],
        "seats": rows["seats"],
        "start_date": rows["start"],
        "end_date": end,
        "status": np.where(np.isnat(end), str(c.SubscriptionStatus.ACTIVE), str(c.SubscriptionStatus.CANCELLED)),
        "change_type": np.array([str(t) for t in c.ChangeType])[rows["change"]],
    }


def _churn_events(history: History, ids, window: Window, first_id: int) -> Columns:
    rows = history.churn
    keep = rows["day"] <= window.end_day
    order = np.lexsort((rows["day"][keep], rows["owner"][keep]))
    pick = lambda key: rows[key][keep][order]  # noqa: E731
    return {
        "id": first_id + np.arange(int(keep.sum())),
        "customer_id": ids[pick("owner")],
        "churn_date": pick("day"),
        "churn_reason": np.array(c.CHURN_REASONS)[pick("reason")],
        "churn_type": np.where(pick("involuntary"), "involuntary", "voluntary"),
    }


def _tickets(history: History, ids, window: Window, first_id: int) -> Columns:
    rows = history.tickets
    stop = window.stop_day.astype("datetime64[s]")
    keep = rows["created"] < stop
    order = np.lexsort((rows["created"][keep], rows["owner"][keep]))
    pick = lambda key: rows[key][keep][order]  # noqa: E731
    created = pick("created")
    resolved = created + np.rint(pick("hours") * 3600).astype("timedelta64[s]")
    return {
        "id": first_id + np.arange(len(created)),
        "customer_id": ids[pick("owner")],
        "ticket_category": np.array(c.TICKET_CATEGORIES)[pick("category")],
        "priority": np.array(c.TICKET_PRIORITIES)[pick("priority")],
        "created_at": created,
        "resolved_at": np.where(resolved < stop, resolved, np.datetime64("NaT", "s")),
    }


def _pick_weighted(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One column per row of `weights` (rows need not be normalised) from one uniform per row."""
    cumulative = np.cumsum(weights, axis=1)
    return np.minimum((cumulative <= (u * cumulative[:, -1])[:, None]).sum(axis=1), weights.shape[1] - 1)


def _orders(seed, history: History, ids, segment, catalogue: Catalogue, window: Window, first_ids: FirstIds):
    """Orders of the history inside the window, their items (hashed by the order), discounts and payments."""
    rows = history.orders
    keep = rows["when"] < window.stop_day.astype("datetime64[s]")
    order = np.lexsort((rows["when"][keep], rows["owner"][keep]))
    owner, when, kind, key = (rows[name][keep][order] for name in ("owner", "when", "kind", "key"))
    m = len(owner)
    order_ids = first_ids.order + np.arange(m)
    h = lambda stream, k: hashed_uniform(seed, stream, k)  # noqa: E731

    lines = 1 + _pick_weighted(h("order-lines", key), np.tile(np.array(c.ITEMS_PER_ORDER_WEIGHTS), (m, 1)))
    line_order = np.repeat(np.arange(m), lines)
    line_key = key[line_order] * 8 + (np.arange(len(line_order)) - np.repeat(np.cumsum(lines) - lines, lines))
    preference = np.zeros((len(c.SEGMENTS), len(c.PRODUCT_CATEGORIES)))
    for s_index, s in enumerate(c.SEGMENTS):
        for category, weight in c.CATEGORY_PREFERENCE[s].items():
            preference[s_index, c.PRODUCT_CATEGORIES.index(category)] = weight
    line_segment = segment[owner[line_order]]
    line_category = _pick_weighted(h("line-category", line_key), preference[line_segment])
    by_category = np.argsort(catalogue.product_category, kind="stable")
    counts = np.bincount(catalogue.product_category, minlength=len(c.PRODUCT_CATEGORIES))
    starts = np.cumsum(counts) - counts
    pick = starts[line_category] + np.floor(h("line-product", line_key) * counts[line_category]).astype(np.int64)
    product_index = by_category[pick]
    low, high = (np.array([c.QUANTITY_RANGE[s][i] for s in c.SEGMENTS])[line_segment] for i in (0, 1))
    quantity = low + np.floor(h("line-quantity", line_key) ** 2 * (high - low + 1)).astype(np.int64)
    subtotal_cents = quantity * catalogue.product_price_cents[product_index]
    items = {
        "id": first_ids.item + np.arange(len(line_order)),
        "order_id": order_ids[line_order],
        "product_id": product_index + 1,
        "quantity": quantity,
        "subtotal": subtotal_cents / 100.0,
    }
    items_cents = np.bincount(line_order, weights=subtotal_cents, minlength=m).astype(np.int64)

    day = when.astype("datetime64[D]")
    covering = (catalogue.discount_start[None, :] <= day[:, None]) & (day[:, None] <= catalogue.discount_end[None, :])
    takes = covering.any(axis=1) & (h("discount-take", key) < c.DISCOUNT_TAKE_UP)
    n_codes = len(catalogue.discount_percent)
    lottery = h("discount-pick", (key[:, None] * 64 + np.arange(n_codes)[None, :]).ravel()).reshape(m, n_codes)
    chosen = np.argmax(lottery * covering, axis=1)
    discount_cents = np.where(takes, np.rint(items_cents * catalogue.discount_percent[chosen] / 100.0), 0)
    discount_cents = discount_cents.astype(np.int64)
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

    # One charge a few minutes after the order; a decline is retried once within the hour (same day).
    method = history.method[owner]
    decline = np.array(c.DECLINE_RATE_BY_METHOD)[method] * _per_segment(c.DECLINE_SEGMENT_FACTOR)[segment[owner]]
    paid_at = when + np.floor(h("order-pay-delay", key) * 600).astype("timedelta64[s]")
    day_end = day.astype("datetime64[s]") + np.timedelta64(SECONDS_PER_DAY - 1, "s")
    paid_at = np.minimum(paid_at, day_end)
    first_ok = h("order-pay", key) >= decline
    retry = np.flatnonzero(~first_ok)
    retry_at = np.minimum(paid_at[retry] + np.timedelta64(3600, "s"), day_end[retry])
    source = np.concatenate([np.arange(m), retry])
    payments = {
        "customer_id": ids[owner][source],
        "order_id": order_ids[source].astype(float),
        "subscription_id": np.full(len(source), np.nan),
        "payment_amount": (total_cents / 100.0)[source],
        "payment_date": np.concatenate([paid_at, retry_at]),
        "payment_method": np.array(c.PAYMENT_METHODS)[method[source]],
        "success": np.concatenate([first_ok, h("order-pay-retry", key[retry]) < c.ORDER_RETRY_SUCCESS]),
    }
    return orders, items, order_discounts, payments


def _fee_payments(history: History, ids, subscriptions: Columns, window: Window) -> Columns:
    """The monthly fee attempts inside the window, each tied to the subscription row it pays for."""
    rows = history.payments
    keep = rows["when"] < window.stop_day.astype("datetime64[s]")
    owner, when = rows["owner"][keep], rows["when"][keep]
    customer_id = ids[owner]
    # The row of the same customer that started last on or before the charge's day.
    span = np.int64(1 << 20)
    day = when.astype("datetime64[D]").astype(np.int64)
    row_key = subscriptions["customer_id"].astype(np.int64) * span + subscriptions["start_date"].astype(np.int64)
    row = np.searchsorted(row_key, customer_id.astype(np.int64) * span + day, side="right") - 1
    return {
        "customer_id": customer_id,
        "order_id": np.full(len(owner), np.nan),
        "subscription_id": subscriptions["id"][row].astype(float),
        "payment_amount": rows["amount"][keep],
        "payment_date": when,
        "payment_method": np.array(c.PAYMENT_METHODS)[history.method[owner]],
        "success": rows["success"][keep],
    }


def _merge_payments(order_payments: Columns, fee_payments: Columns, first_id: int) -> Columns:
    """Order and fee payments together, by customer then time."""
    merged = {key: np.concatenate([order_payments[key], fee_payments[key]]) for key in order_payments}
    order = np.lexsort((merged["payment_date"], merged["customer_id"]))
    merged = {key: value[order] for key, value in merged.items()}
    for key in ("order_id", "subscription_id"):
        merged[key] = nullable_ids(merged[key])
    return {"id": first_id + np.arange(len(order)), **merged}


def generate_customer_shard(
    *,
    seed: int,
    rng: np.random.Generator,
    pools: PeoplePools,
    ids: np.ndarray,
    signups: Signups,
    window: Window,
    catalogue: Catalogue,
    first_ids: FirstIds,
    shard_size: int = SHARD_SIZE,
) -> dict[str, Columns]:
    """All customer-level tables of the customers `ids` (their signups already drawn), keyed by table name."""
    history = simulate(seed=seed, ids=ids, segment=signups.segment, signup=signups.day, months=window.months)
    subscriptions = _subscriptions(history, ids, window, first_ids.subscription)
    orders, items, order_discounts, order_payments = _orders(
        seed, history, ids, signups.segment, catalogue, window, first_ids
    )
    fee_payments = _fee_payments(history, ids, subscriptions, window)
    return {
        "customers": _customers(rng, pools, ids, signups, shard_size),
        "subscriptions": subscriptions,
        "orders": orders,
        "order_items": items,
        "order_discounts": order_discounts,
        "payments": _merge_payments(order_payments, fee_payments, first_ids.payment),
        "support_tickets": _tickets(history, ids, window, first_ids.ticket),
        "churn_events": _churn_events(history, ids, window, first_ids.churn),
    }


# --- The whole dataset ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableBatch:
    """A batch of rows for one table, in load order (parents before children)."""

    table: str
    columns: Columns
    customers_done: int


def _check_scale(scale: float) -> None:
    if not 0 < scale <= c.MAX_SCALE:
        raise ValueError(f"scale must be in (0, {c.MAX_SCALE:g}], got {scale}")


def generate_hopify(
    *,
    seed: int,
    scale: float = c.DEFAULT_SCALE,
    end_date: dt.date = c.DEFAULT_END_DATE,
    start_date: dt.date | None = None,
    shard_size: int = SHARD_SIZE,
) -> Iterator[TableBatch]:
    """Yield the whole dataset as table batches: reference tables first, then customer shards with their histories.

    The window runs from `start_date`'s month (default: 36 months before the end) to `end_date`."""
    _check_scale(scale)
    streams = Streams(seed)
    window = Window(end_date=end_date, start_date=start_date)
    funnel = generate_funnel(seed=seed, months=window.months, scale=scale)
    products = generate_products(streams.generator("products"))
    discounts = generate_discounts(streams.generator("discounts"), window=window)
    yield TableBatch("products", products, 0)
    yield TableBatch("locations", generate_locations(), 0)
    yield TableBatch(
        "app_installs",
        generate_app_installs(streams.generator("app_installs"), window=window, product_count=len(products["id"])),
        0,
    )
    yield TableBatch("discounts", discounts, 0)
    yield TableBatch("marketing_campaigns", generate_campaigns(seed=seed, funnel=funnel, window=window, scale=scale), 0)
    yield TableBatch("marketing_spend", generate_marketing_spend(funnel), 0)
    yield TableBatch("web_traffic", generate_web_traffic(funnel), 0)

    category_index = np.array([c.PRODUCT_CATEGORIES.index(cat) for cat in products["category"]])
    catalogue = Catalogue(
        product_price_cents=np.rint(products["price"] * 100).astype(np.int64),
        product_category=category_index,
        discount_start=discounts["start_date"],
        discount_end=discounts["end_date"],
        discount_percent=discounts["discount_percent"],
    )
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    counts = customer_counts(seed=seed, funnel=funnel, window=window)
    first_ids = FirstIds()
    for shard_number, (start, stop) in enumerate(shard_bounds(int(counts.sum()), shard_size)):
        tables = generate_customer_shard(
            seed=seed,
            rng=streams.generator("customers", shard_number),
            pools=pools,
            ids=np.arange(start + 1, stop + 1),
            signups=signups_between(seed=seed, funnel=funnel, counts=counts, window=window, start=start, stop=stop),
            window=window,
            catalogue=catalogue,
            first_ids=first_ids,
            shard_size=shard_size,
        )
        first_ids = first_ids.advance(tables)
        for table in SHARD_TABLES:
            yield TableBatch(table, tables[table], stop)


def planned_customers(*, seed: int, scale: float, end_date: dt.date, start_date: dt.date | None = None) -> int:
    """How many customers a seed will create (the funnel alone; cheap)."""
    _check_scale(scale)
    window = Window(end_date=end_date, start_date=start_date)
    funnel = generate_funnel(seed=seed, months=window.months, scale=scale)
    return int(customer_counts(seed=seed, funnel=funnel, window=window).sum())
