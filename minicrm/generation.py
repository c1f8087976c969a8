"""Pure numpy generator of the minicrm dataset. Imports nothing from Django.

Every customer is drawn from one persona of Table 4.1 (orders/year, value/year, recency in days, all Gaussian).
Rates are per year of the generation window (`days / 365`): a Champion with 12 orders/year over the default
730-day window places 24 orders. The generator realises each customer's draws:

- recency: the last order falls exactly `recency` days before the window end;
- frequency: `max(1, round(orders_per_year * window_years))` non-cancelled orders;
- monetary: `value_per_year * window_years` is split over the orders, and each order over 1-4 lines whose product
  and quantity are chosen so that quantity x unit price matches the line's share (within the catalogue's price
  steps, a few percent per customer and well under 1% per persona).

Customers are generated in fixed shards of `SHARD_SIZE`, each from its own random stream, so the data never depends
on the loader's batch size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simkit import calendar
from simkit.calendar import DayWindow as Window
from simkit.distributions import exact_counts, mean_preserving_clipped_normal, random_partition, weighted_choice
from simkit.pools import PeoplePools, build_people_pools, sample_people
from simkit.rng import Streams
from simkit.tables import Columns, group_offsets, shard_bounds

from .constants import (
    CANCELLED_ORDER_SHARE,
    ESTABLISHED_SIGNUP_SHARE,
    NEW_CUSTOMER_WINDOW_DAYS,
    PERSONAS,
    PRODUCT_CATALOGUE,
    OrderStatus,
    Persona,
)

SHARD_SIZE = 10_000
DAYS_PER_YEAR = 365.0
# List prices rose this much a year: the `price` column is today's price, `unit_price` the price paid back then.
PRICE_GROWTH_PER_YEAR = 0.03
LINES_PER_ORDER = (1, 2, 3, 4)
LINES_PER_ORDER_WEIGHTS = (0.45, 0.30, 0.17, 0.08)
QUANTITIES = (1, 2, 3)
QUANTITY_WEIGHTS = (0.70, 0.22, 0.08)
PERSONA_CODES = np.array([profile.persona.value for profile in PERSONAS])
_DESCRIPTIONS = (
    "A customer favourite in our {category} range.",
    "Well-made {category} essential with a two-year warranty.",
    "Best-selling {category} pick, rated 4.6 out of 5.",
    "Everyday {category} item, designed to last.",
)


def generate_products(rng: np.random.Generator, *, count: int) -> Columns:
    """`count` products from the catalogue (cycled with an edition suffix past its 20 entries)."""
    base = len(PRODUCT_CATALOGUE)
    index = np.arange(count) % base
    edition = np.arange(count) // base
    names = np.array([PRODUCT_CATALOGUE[i][0] for i in index], dtype=object)
    names[edition > 0] = [
        f"{name} (Edition {e + 1})" for name, e in zip(names[edition > 0], edition[edition > 0], strict=True)
    ]
    categories = np.array([PRODUCT_CATALOGUE[i][1] for i in index], dtype=object)
    # Later editions cost a little more, so prices stay distinct.
    price = np.array([PRODUCT_CATALOGUE[i][2] for i in index]) * (1 + 0.04 * edition)
    templates = np.array(_DESCRIPTIONS, dtype=object)[rng.integers(0, len(_DESCRIPTIONS), count)]
    description = [
        template.format(category=category.lower()) for template, category in zip(templates, categories, strict=True)
    ]
    return {
        "id": np.arange(1, count + 1),
        "name": names.astype(str),
        "category": categories.astype(str),
        "description": np.array(description, dtype=str),
        "price": np.round(price, 2),
        "stock": rng.integers(0, 500, count),
    }


def assign_personas(rng: np.random.Generator, *, customers: int) -> np.ndarray:
    """Persona index (into PERSONAS) per customer: Table 4.1's shares scaled so the counts add up exactly."""
    counts = exact_counts(customers, [profile.count_per_500 for profile in PERSONAS])
    return rng.permutation(np.repeat(np.arange(len(PERSONAS), dtype=np.int64), counts))


def _persona_draws(rng, personas: np.ndarray, window: Window, attribute: str, low_of, high_of) -> np.ndarray:
    """Draw one Table 4.1 quantity per customer, clipped to its valid range with the persona mean preserved."""
    out = np.empty(len(personas))
    for index, profile in enumerate(PERSONAS):
        mask = personas == index
        size = int(mask.sum())
        if not size:
            continue
        mean = getattr(profile, f"{attribute}_mean")
        std = getattr(profile, f"{attribute}_std")
        low, high = low_of(profile), high_of(profile)
        if low < mean < high:
            out[mask] = mean_preserving_clipped_normal(rng, mean=mean, std=std, size=size, low=low, high=high)
        else:  # the window is too short for this persona's mean: clip plainly
            out[mask] = np.clip(rng.normal(mean, std, size), low, high)
    return out


@dataclass(frozen=True)
class CustomerShard:
    columns: Columns
    orders_per_year: np.ndarray
    value_per_year: np.ndarray
    recency_days: np.ndarray


def generate_customer_shard(
    rng: np.random.Generator, pools: PeoplePools, *, ids: np.ndarray, personas: np.ndarray, window: Window
) -> CustomerShard:
    """Customers `ids` with their personas' draws of orders/year, value/year and recency."""
    n = len(ids)
    is_new = PERSONA_CODES[personas] == Persona.NEW.value
    new_window = min(NEW_CUSTOMER_WINDOW_DAYS, window.days)
    orders_per_year = _persona_draws(
        rng,
        personas,
        window,
        "orders_per_year",
        low_of=lambda profile: 1.0 / window.years,
        high_of=lambda profile: 366.0,
    )
    value_per_year = _persona_draws(
        rng,
        personas,
        window,
        "value_per_year",
        low_of=lambda profile: 0.1 * profile.value_per_year_mean,
        high_of=lambda profile: np.inf,
    )
    recency = _persona_draws(
        rng,
        personas,
        window,
        "recency_days",
        low_of=lambda profile: 0.0,
        high_of=lambda profile: (new_window if profile.persona is Persona.NEW else window.days) - 1.0,
    )
    recency = np.rint(recency).astype(np.int64)
    last_day = window.end_day - calendar.days(recency)
    # Signup: New customers within the last 90 days (and before their last order), others early in the window.
    new_start = window.end_day - calendar.days(new_window - 1)
    span_new = (last_day - new_start).astype(np.int64)
    established = window.start_day + calendar.days(rng.random(n) * ESTABLISHED_SIGNUP_SHARE * window.days)
    signup_day = np.where(is_new, new_start + calendar.days(rng.random(n) * (span_new + 1)), established)
    signup_day = np.minimum(signup_day, last_day)
    created_at = calendar.at_time(signup_day, calendar.seconds_of_day(rng, n))
    people = sample_people(rng, pools, ids=ids)
    columns = {"id": ids, **people, "created_at": created_at, "persona": PERSONA_CODES[personas]}
    return CustomerShard(columns, orders_per_year, value_per_year, recency)


def generate_order_shard(
    rng: np.random.Generator,
    shard: CustomerShard,
    *,
    window: Window,
    product_prices: np.ndarray,
    first_order_id: int,
    first_item_id: int,
) -> tuple[Columns, Columns]:
    """Orders and order items realising each customer's frequency, monetary value and recency."""
    ids = shard.columns["id"]
    n = len(ids)
    created_day = shard.columns["created_at"].astype("datetime64[D]")
    last_day = window.end_day - calendar.days(shard.recency_days)
    first_day = np.minimum(created_day + calendar.days(rng.exponential(3.0, n)), last_day)

    kept = np.maximum(1, np.rint(shard.orders_per_year * window.years)).astype(np.int64)
    cancelled = rng.binomial(kept, CANCELLED_ORDER_SHARE)
    per_customer = kept + cancelled
    owner = np.repeat(np.arange(n), per_customer)
    offsets = group_offsets(per_customer)
    position = np.arange(len(owner)) - offsets[owner]
    is_cancelled = position >= kept[owner]

    span = (last_day - first_day).astype(np.int64)
    day_offset = (rng.random(len(owner)) * (span[owner] + 1)).astype(np.int64)
    # Realise recency exactly: the last kept order is on the customer's last day, the first on their first day.
    day_offset[position == kept[owner] - 1] = span[owner][position == kept[owner] - 1]
    day_offset[(position == 0) & (kept[owner] > 1)] = 0
    order_day = first_day[owner] + calendar.days(day_offset)
    order_time = calendar.at_time(order_day, calendar.seconds_of_day(rng, len(owner)))

    # Value: the customer's total over the window, split across kept orders; cancelled orders get a typical value.
    total_value = shard.value_per_year * window.years
    order_value = np.empty(len(owner))
    order_value[~is_cancelled] = random_partition(rng, total_value, kept)
    typical = total_value / kept
    order_value[is_cancelled] = typical[owner[is_cancelled]] * rng.gamma(4.0, 0.25, int(is_cancelled.sum()))

    # Chronological order within each customer; ids are consecutive per shard.
    order_sort = np.lexsort((order_time, owner))
    owner, order_time, order_value, is_cancelled = (
        owner[order_sort],
        order_time[order_sort],
        order_value[order_sort],
        is_cancelled[order_sort],
    )
    order_ids = first_order_id + np.arange(len(owner))

    items, totals_cents = _order_items(
        rng,
        order_ids,
        order_time,
        order_value,
        window=window,
        product_prices=product_prices,
        first_item_id=first_item_id,
    )
    age_days = (window.end_day - order_time.astype("datetime64[D]")).astype(np.int64)
    status = np.where(
        age_days < 2,
        OrderStatus.PROCESSING.value,
        np.where(age_days < 7, OrderStatus.SHIPPED.value, OrderStatus.DELIVERED.value),
    )
    status = np.where(is_cancelled, OrderStatus.CANCELLED.value, status)
    orders = {
        "id": order_ids,
        "customer_id": ids[owner],
        "order_date": order_time,
        "status": status,
        "total_price": totals_cents / 100.0,
    }
    return orders, items


def _order_items(rng, order_ids, order_time, order_value, *, window: Window, product_prices, first_item_id):
    """Lines whose quantity x unit price add up to each order's value as closely as the catalogue allows."""
    lines = weighted_choice(rng, LINES_PER_ORDER, LINES_PER_ORDER_WEIGHTS, len(order_ids)).astype(np.int64)
    cheapest = float(product_prices.min())
    lines = np.minimum(lines, np.maximum(1, (order_value // (1.5 * cheapest)).astype(np.int64)))
    line_order = np.repeat(np.arange(len(order_ids)), lines)
    line_value = random_partition(rng, order_value, lines)

    # Price paid = today's list price deflated by the years between the order and the window end.
    years_ago = (window.end_day - order_time[line_order].astype("datetime64[D]")).astype(np.int64) / DAYS_PER_YEAR
    deflator = (1.0 + PRICE_GROWTH_PER_YEAR) ** -years_ago
    quantity_hint = weighted_choice(rng, QUANTITIES, QUANTITY_WEIGHTS, len(line_order)).astype(np.int64)
    ideal_list_price = line_value / quantity_hint / deflator
    log_prices = np.log(product_prices)
    order_of_prices = np.argsort(log_prices)
    sorted_log = log_prices[order_of_prices]
    right = np.clip(np.searchsorted(sorted_log, np.log(ideal_list_price)), 1, len(sorted_log) - 1)
    left = right - 1
    nearest = np.where(
        np.log(ideal_list_price) - sorted_log[left] < sorted_log[right] - np.log(ideal_list_price), left, right
    )
    product_index = order_of_prices[nearest]
    unit_cents = np.rint(product_prices[product_index] * 100 * deflator).astype(np.int64)
    quantity = np.maximum(1, np.rint(line_value * 100 / unit_cents)).astype(np.int64)
    line_cents = quantity * unit_cents
    totals_cents = np.bincount(line_order, weights=line_cents, minlength=len(order_ids)).astype(np.int64)
    items = {
        "id": first_item_id + np.arange(len(line_order)),
        "order_id": order_ids[line_order],
        "product_id": product_index + 1,
        "quantity": quantity,
        "unit_price": unit_cents / 100.0,
    }
    return items, totals_cents


@dataclass(frozen=True)
class TableBatch:
    """A batch of rows for one table, in load order (parents before children)."""

    table: str
    columns: Columns
    customers_done: int


def generate_minicrm(
    *, seed: int, customers: int, days: int, end_date: dt.date, products: int, shard_size: int = SHARD_SIZE
) -> Iterator[TableBatch]:
    """Yield the whole dataset as table batches: products, then customers, orders and items shard by shard."""
    streams = Streams(seed)
    window = Window(end_date=end_date, days=days)
    product_columns = generate_products(streams.generator("products"), count=products)
    yield TableBatch("products", product_columns, 0)
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    personas = assign_personas(streams.generator("personas"), customers=customers)
    next_order_id, next_item_id = 1, 1
    for shard_number, (start, stop) in enumerate(shard_bounds(customers, shard_size)):
        shard = generate_customer_shard(
            streams.generator("customers", shard_number),
            pools,
            ids=np.arange(start + 1, stop + 1),
            personas=personas[start:stop],
            window=window,
        )
        orders, items = generate_order_shard(
            streams.generator("orders", shard_number),
            shard,
            window=window,
            product_prices=product_columns["price"],
            first_order_id=next_order_id,
            first_item_id=next_item_id,
        )
        next_order_id += len(orders["id"])
        next_item_id += len(items["id"])
        yield TableBatch("customers", shard.columns, stop)
        yield TableBatch("orders", orders, stop)
        yield TableBatch("order_items", items, stop)
