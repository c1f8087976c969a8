"""Pure numpy generator of the minicrm dataset. Imports nothing from Django.

Every customer is drawn from one persona of Table 4.1 (orders/year, value/year, recency in days, all Gaussian).
Rates are per year of the customer's tenure (signup to the window end), so a customer who joined recently has had
few orders; the generator realises each customer's draws:

- signup: a shard's signup days follow a growth curve (`SIGNUP_GROWTH_PER_YEAR`) with the retail months and
  weekdays; established personas take the earlier days (Champions and At-Risk first, with overlap), so long
  tenure and loyalty go together. New customers joined `orders / rate` years before the window end;
- recency: the last kept order falls exactly `recency` days before the window end;
- frequency: `orders_per_year x tenure_years` kept orders (rounded at random, at least one), the first a few days
  after signup, the others on days drawn by the retail calendar (weekday, month, Black Friday, the week before
  Christmas, public holidays), so orders never precede their customer's signup;
- monetary: `value_per_year x tenure_years` is split over the kept orders, each over 1-4 lines whose product and
  quantity are chosen so that quantity x unit price matches the line's share; the unit price is the product's
  list price in force on the order day (`product_prices`, a few steps per product over the window);
- cancelled (2%) and returned (4%) orders come on top of the kept ones and never count toward RFM.

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
    FEW_ORDERS,
    NEW_CUSTOMER_WINDOW_DAYS,
    PERSONAS,
    PRICE_CHANGES_PER_YEAR,
    PRICE_STEP_MEAN,
    PRICE_STEP_STD,
    PRODUCT_CATALOGUE,
    RETURNED_ORDER_SHARE,
    SIGNUP_GROWTH_PER_YEAR,
    SIGNUP_MIXING,
    SIGNUP_PRIORITY,
    OrderStatus,
    Persona,
)

SHARD_SIZE = 10_000
DAYS_PER_YEAR = 365.0
LINES_PER_ORDER = (1, 2, 3, 4)
LINES_PER_ORDER_WEIGHTS = (0.45, 0.30, 0.17, 0.08)
QUANTITIES = (1, 2, 3)
QUANTITY_WEIGHTS = (0.70, 0.22, 0.08)
PERSONA_CODES = np.array([profile.persona.value for profile in PERSONAS])
FIRST_ORDER_DELAY_DAYS = 3.0  # mean days from signup to the first order (exponential)
HISTORY_DAYS = 730  # the shop traded (and signed customers up) this long before the window
_DESCRIPTIONS = (
    "A customer favourite in our {category} range.",
    "Well-made {category} essential with a two-year warranty.",
    "Best-selling {category} pick, rated 4.6 out of 5.",
    "Everyday {category} item, designed to last.",
)


def order_day_weights(days: np.ndarray) -> np.ndarray:
    """Relative demand of an online retail shop on each day: weekday x smooth retail season x special days."""
    return (
        calendar.weekday_multiplier(days, calendar.WEEKDAY_PROFILES["retail"])
        * calendar.seasonal_curve(days, calendar.RETAIL_MONTH)
        * calendar.special_day_multipliers(days, "US", "retail")
    )


def signup_day_weights(days: np.ndarray, *, start_day: np.datetime64) -> np.ndarray:
    """Relative signups per day: the order calendar times the business's growth since the window start."""
    years = (days - start_day).astype(np.int64) / DAYS_PER_YEAR
    return order_day_weights(days) * (1.0 + SIGNUP_GROWTH_PER_YEAR) ** years


def generate_products(rng: np.random.Generator, *, count: int) -> Columns:
    """`count` products from the catalogue (cycled with an edition suffix past its 20 entries); `price` is the list
    price at the window end (see `generate_price_history` for earlier prices)."""
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


@dataclass(frozen=True)
class PriceHistory:
    """List prices per (product, day of the window): `cents[product_index, day_index]`, and the table rows."""

    start_day: np.datetime64
    cents: np.ndarray  # int64, products x window days
    rows: Columns

    def at(self, product_index: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Cents in force for each (product, day) pair."""
        day_index = (days.astype("datetime64[D]") - self.start_day).astype(np.int64)
        return self.cents[product_index, day_index]


def generate_price_history(rng: np.random.Generator, *, current_prices: np.ndarray, window: Window) -> PriceHistory:
    """Each product's list price over the window: a few dated steps ending at today's price.

    Steps come at random days (`PRICE_CHANGES_PER_YEAR`), each a relative change N(PRICE_STEP_MEAN, PRICE_STEP_STD)
    (mostly rises, some cuts); earlier prices are today's divided back through the steps. Rows of `product_prices`
    give each period's price with `valid_from` and `valid_to` (inclusive; null for the period in force now).
    """
    products = len(current_prices)
    changes = rng.poisson(PRICE_CHANGES_PER_YEAR * window.years, products)
    owner = np.repeat(np.arange(products), changes)
    change_day = rng.integers(1, max(window.days, 2), len(owner))  # window day on which the new price starts
    log_step = np.log1p(np.clip(rng.normal(PRICE_STEP_MEAN, PRICE_STEP_STD, len(owner)), -0.25, 0.30))
    order = np.lexsort((change_day, owner))
    owner, change_day, log_step = owner[order], change_day[order], log_step[order]
    keep = np.r_[True, (owner[1:] != owner[:-1]) | (change_day[1:] != change_day[:-1])] if len(owner) else owner > 0
    owner, change_day, log_step = owner[keep], change_day[keep], log_step[keep]

    # A period's price is today's divided by the steps still to come after it starts.
    total = np.bincount(owner, weights=log_step, minlength=products)
    within = (
        np.cumsum(log_step)
        - np.r_[0.0, np.cumsum(log_step)][group_offsets(np.bincount(owner, minlength=products))][owner]
    )
    period_owner = np.r_[np.arange(products), owner]
    period_start = np.r_[np.zeros(products, dtype=np.int64), change_day]
    remaining = np.r_[total, total[owner] - within]
    order = np.lexsort((period_start, period_owner))
    period_owner, period_start, remaining = period_owner[order], period_start[order], remaining[order]
    period_cents = np.rint(np.asarray(current_prices)[period_owner] * 100 / np.exp(remaining)).astype(np.int64)

    keys = period_owner * window.days + period_start
    day_keys = (np.arange(products)[:, None] * window.days + np.arange(window.days)[None, :]).ravel()
    cents = period_cents[np.searchsorted(keys, day_keys, side="right") - 1].reshape(products, window.days)
    has_next = np.r_[period_owner[1:] == period_owner[:-1], False]
    period_end = np.where(has_next, np.r_[period_start[1:], 0] - 1, window.days - 1)
    end_dates = (window.start_day + calendar.days(period_end)).astype(object)
    end_dates[~has_next] = None
    rows = {
        "id": np.arange(1, len(period_owner) + 1),
        "product_id": period_owner + 1,
        "price": period_cents / 100.0,
        "valid_from": window.start_day + calendar.days(period_start),
        "valid_to": end_dates,
    }
    return PriceHistory(start_day=window.start_day, cents=cents, rows=rows)


def assign_personas(rng: np.random.Generator, *, customers: int) -> np.ndarray:
    """Persona index (into PERSONAS) per customer: Table 4.1's shares scaled so the counts add up exactly."""
    counts = exact_counts(customers, [profile.count_per_500 for profile in PERSONAS])
    return rng.permutation(np.repeat(np.arange(len(PERSONAS), dtype=np.int64), counts))


def _persona_draws(rng, personas: np.ndarray, attribute: str, low_of, high_of) -> np.ndarray:
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


def _days(window: Window, history_days: int) -> np.ndarray:
    """The window's days, preceded by `history_days` days."""
    return calendar.date_range((window.start_day - calendar.days(history_days)).astype(dt.date), window.end_date)


def _days_from_weights(rng, lows: np.ndarray, highs: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """One day index per row in [lows, highs] (inclusive), drawn in proportion to the daily weights whose running
    sum (with a leading 0) is `cumulative`."""
    low_mass = cumulative[lows]
    high_mass = cumulative[highs + 1]
    target = low_mass + rng.random(len(lows)) * (high_mass - low_mass)
    picked = np.searchsorted(cumulative, target, side="right") - 1
    return np.clip(picked, lows, highs)


@dataclass(frozen=True)
class CustomerShard:
    columns: Columns
    orders_per_year: np.ndarray
    value_per_year: np.ndarray
    recency_days: np.ndarray
    kept_orders: np.ndarray  # kept (non-cancelled, non-returned) orders to place


def generate_customer_shard(
    rng: np.random.Generator, pools: PeoplePools, *, ids: np.ndarray, personas: np.ndarray, window: Window
) -> CustomerShard:
    """Customers `ids`: signup, their personas' draws of orders/year, value/year and recency, and the number of
    kept orders their tenure gives."""
    n = len(ids)
    codes = PERSONA_CODES[personas]
    is_new = codes == Persona.NEW.value
    few = np.isin(codes, list(FEW_ORDERS))  # their tenure follows from their orders, not from a signup slot
    new_window = min(NEW_CUSTOMER_WINDOW_DAYS, window.days)
    orders_per_year = _persona_draws(
        rng,
        personas,
        "orders_per_year",
        low_of=lambda profile: FEW_ORDERS[profile.persona][1][0] if profile.persona in FEW_ORDERS else 1 / window.years,
        high_of=lambda profile: FEW_ORDERS[profile.persona][1][1] if profile.persona in FEW_ORDERS else 366.0,
    )
    value_per_year = _persona_draws(
        rng,
        personas,
        "value_per_year",
        low_of=lambda profile: 0.1 * profile.value_per_year_mean,
        high_of=lambda profile: np.inf,
    )
    recency = _persona_draws(
        rng,
        personas,
        "recency_days",
        low_of=lambda profile: 0.0,
        high_of=lambda profile: (new_window if profile.persona is Persona.NEW else window.days) - 1.0,
    )
    recency = np.rint(recency).astype(np.int64)

    # The last kept order: `recency` days before the window end, moved by up to two days to a busier day (a
    # Champion's last order is no more likely on Christmas Day than any other order).
    order_cumulative = np.r_[0.0, np.cumsum(order_day_weights(_days(window, 0)))]
    target = window.days - 1 - recency
    last_index = _days_from_weights(
        rng, np.clip(target - 2, 0, window.days - 1), np.clip(target + 2, 0, window.days - 1), order_cumulative
    )
    recency = window.days - 1 - last_index

    # Signup days of the established customers: draws from the growth curve (the shop traded for HISTORY_DAYS
    # before the window), sorted, handed out by persona priority (with noise) so Champions and At-Risk customers
    # are mostly the longest-standing. Day indices count from the window's first day (negative: before it).
    history = _days(window, HISTORY_DAYS)
    signup_cumulative = np.r_[0.0, np.cumsum(signup_day_weights(history, start_day=history[0]))]
    established = np.flatnonzero(~few)
    drawn = np.sort(
        _days_from_weights(
            rng,
            np.zeros(len(established), dtype=np.int64),
            np.full(len(established), len(history) - 1, dtype=np.int64),
            signup_cumulative,
        )
        - HISTORY_DAYS
    )
    priority = np.array([SIGNUP_PRIORITY.get(code, 1.0) for code in codes[established]])
    rank = np.argsort(priority + rng.normal(0.0, SIGNUP_MIXING, len(established)), kind="stable")
    signup_index = np.zeros(n, dtype=np.int64)
    signup_index[established[rank]] = drawn

    # Kept orders: rate x tenure in the window. A customer who joined before the window has the whole window
    # (rounded at random, so unbiased); one who joined inside it has round(rate x tenure) orders, at least one,
    # and their signup moves so that tenure = orders / rate exactly (by half an order's interval at most): the
    # orders per tenure year are the customer's rate, with no "one order minimum" bias on short tenures. New and
    # Lapsed customers have one or two orders and joined orders / rate years ago (+-10%, so no two share a day).
    rate = orders_per_year
    window_years = window.days / DAYS_PER_YEAR
    before = signup_index < 0
    slot_years = (window.days - 1 - signup_index) / DAYS_PER_YEAR
    kept = np.maximum(1, np.rint(rate * slot_years)).astype(np.int64)
    kept[before] = np.maximum(1, np.floor(rate[before] * window_years + rng.random(int(before.sum()))))
    for code, (shares, _) in FEW_ORDERS.items():
        members = np.flatnonzero(codes == code)
        kept[members] = weighted_choice(rng, (1, 2), shares, len(members)).astype(np.int64)
    inside = ~before | few
    # Tenure must cover the recency (plus a week for established customers).
    shortest = (recency + np.where(is_new, 1, 7)) / DAYS_PER_YEAR
    kept[inside] = np.maximum(kept[inside], np.ceil(rate[inside] * shortest[inside] - 1e-9).astype(np.int64))
    jitter = np.where(few, rng.uniform(0.9, 1.1, n), 1.0)
    tenure_days = np.rint(kept / rate * DAYS_PER_YEAR * jitter).astype(np.int64)
    tenure_days = np.maximum(tenure_days, np.rint(shortest * DAYS_PER_YEAR).astype(np.int64))
    signup_index = np.where(inside, window.days - 1 - tenure_days, signup_index)
    signup_index = np.minimum(signup_index, last_index)
    # One order needs no span; more need at least one day between the first and the last.
    kept = np.where(last_index - np.maximum(signup_index, 0) < 1, 1, kept)

    signup_day = window.start_day + calendar.days(signup_index)
    created_at = calendar.at_time(signup_day, calendar.seconds_of_day(rng, n))
    people = sample_people(rng, pools, ids=ids)
    columns = {"id": ids, **people, "created_at": created_at, "persona": PERSONA_CODES[personas]}
    return CustomerShard(columns, orders_per_year, value_per_year, recency, kept)


def tenure_years(created_at: np.ndarray, *, window: Window) -> np.ndarray:
    """Years from the signup day (the window's first day for earlier signups) to the window's last day: the
    denominator of the per-year rates."""
    signup = np.maximum(np.asarray(created_at).astype("datetime64[D]"), window.start_day)
    return np.maximum((window.end_day - signup).astype(np.int64), 1) / DAYS_PER_YEAR


def generate_order_shard(
    rng: np.random.Generator,
    shard: CustomerShard,
    *,
    window: Window,
    prices: PriceHistory,
    first_order_id: int,
    first_item_id: int,
) -> tuple[Columns, Columns]:
    """Orders and order items realising each customer's frequency, monetary value and recency."""
    ids = shard.columns["id"]
    n = len(ids)
    created_index = (shard.columns["created_at"].astype("datetime64[D]") - window.start_day).astype(np.int64)
    last_index = window.days - 1 - shard.recency_days
    # Customers who joined in the window order first a few days after signing up; earlier ones from its first day.
    joined_inside = created_index >= 0
    delay = rng.exponential(FIRST_ORDER_DELAY_DAYS, n).astype(np.int64)
    first_index = np.minimum(np.where(joined_inside, created_index + delay, 0), last_index)

    kept = shard.kept_orders
    cancelled = rng.binomial(kept, CANCELLED_ORDER_SHARE)
    returned = rng.binomial(kept, RETURNED_ORDER_SHARE)
    per_customer = kept + cancelled + returned
    owner = np.repeat(np.arange(n), per_customer)
    offsets = group_offsets(per_customer)
    position = np.arange(len(owner)) - offsets[owner]
    extra = position >= kept[owner]
    is_returned = position >= (kept + cancelled)[owner]
    is_cancelled = extra & ~is_returned

    # Days: drawn by the retail calendar between the first and last day; the last kept order sits on the last day
    # (recency realised exactly), the first on the first day when there are two or more.
    cumulative = np.r_[0.0, np.cumsum(order_day_weights(_days(window, 0)))]
    day_index = _days_from_weights(rng, first_index[owner], last_index[owner], cumulative)
    is_last = position == kept[owner] - 1
    day_index[is_last] = last_index[owner][is_last]
    is_first = (position == 0) & (kept[owner] > 1) & joined_inside[owner]
    day_index[is_first] = first_index[owner][is_first]
    order_day = window.start_day + calendar.days(day_index)
    order_time = calendar.at_time(order_day, calendar.seconds_of_day(rng, len(owner)))
    # An order on the signup day comes after the signup.
    signed_up = shard.columns["created_at"][owner]
    order_time = np.maximum(order_time, signed_up + np.timedelta64(60, "s"))

    # Value: the customer's total over their tenure, split across kept orders; extra orders get a typical value.
    total_value = shard.value_per_year * tenure_years(shard.columns["created_at"], window=window)
    order_value = np.empty(len(owner))
    order_value[~extra] = random_partition(rng, total_value, kept)
    typical = total_value / kept
    order_value[extra] = typical[owner[extra]] * rng.gamma(4.0, 0.25, int(extra.sum()))

    # Chronological order within each customer; ids are consecutive per shard.
    order_sort = np.lexsort((order_time, owner))
    owner, order_time, order_value = owner[order_sort], order_time[order_sort], order_value[order_sort]
    is_cancelled, is_returned = is_cancelled[order_sort], is_returned[order_sort]
    order_ids = first_order_id + np.arange(len(owner))

    items, totals_cents = _order_items(
        rng, order_ids, order_time, order_value, prices=prices, first_item_id=first_item_id
    )
    age_days = (window.end_day - order_time.astype("datetime64[D]")).astype(np.int64)
    status = np.where(
        age_days < 2,
        OrderStatus.PROCESSING.value,
        np.where(age_days < 7, OrderStatus.SHIPPED.value, OrderStatus.DELIVERED.value),
    )
    status = np.where(is_cancelled, OrderStatus.CANCELLED.value, status)
    status = np.where(is_returned & (age_days >= 7), OrderStatus.RETURNED.value, status)
    orders = {
        "id": order_ids,
        "customer_id": ids[owner],
        "order_date": order_time,
        "status": status,
        "total_price": totals_cents / 100.0,
    }
    return orders, items


def _order_items(rng, order_ids, order_time, order_value, *, prices: PriceHistory, first_item_id):
    """Lines whose quantity x unit price add up to each order's value as closely as the catalogue allows."""
    current = prices.cents[:, -1] / 100.0
    lines = weighted_choice(rng, LINES_PER_ORDER, LINES_PER_ORDER_WEIGHTS, len(order_ids)).astype(np.int64)
    cheapest = float(current.min())
    lines = np.minimum(lines, np.maximum(1, (order_value // (1.5 * cheapest)).astype(np.int64)))
    line_order = np.repeat(np.arange(len(order_ids)), lines)
    line_value = random_partition(rng, order_value, lines)

    # The product whose current list price is nearest (in ratio) to the line's value per unit.
    quantity_hint = weighted_choice(rng, QUANTITIES, QUANTITY_WEIGHTS, len(line_order)).astype(np.int64)
    ideal = np.log(line_value / quantity_hint)
    log_prices = np.log(current)
    order_of_prices = np.argsort(log_prices)
    sorted_log = log_prices[order_of_prices]
    right = np.clip(np.searchsorted(sorted_log, ideal), 1, max(len(sorted_log) - 1, 1))
    left = right - 1
    if len(sorted_log) == 1:
        nearest = np.zeros(len(ideal), dtype=np.int64)
    else:
        nearest = np.where(ideal - sorted_log[left] < sorted_log[right] - ideal, left, right)
    product_index = order_of_prices[nearest]
    # Paid at the price in force on the order day.
    unit_cents = prices.at(product_index, order_time[line_order])
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


def catalogue(*, seed: int, products: int, window: Window) -> tuple[Columns, PriceHistory]:
    """The products and their price history (global: one stream each)."""
    streams = Streams(seed)
    product_columns = generate_products(streams.generator("products"), count=products)
    prices = generate_price_history(
        streams.generator("product-prices"), current_prices=product_columns["price"], window=window
    )
    return product_columns, prices


def generate_minicrm(
    *, seed: int, customers: int, days: int, end_date: dt.date, products: int, shard_size: int = SHARD_SIZE
) -> Iterator[TableBatch]:
    """Yield the whole dataset as table batches: products and prices, then customers, orders and items by shard."""
    streams = Streams(seed)
    window = Window(end_date=end_date, days=days)
    product_columns, prices = catalogue(seed=seed, products=products, window=window)
    yield TableBatch("products", product_columns, 0)
    yield TableBatch("product_prices", prices.rows, 0)
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
            prices=prices,
            first_order_id=next_order_id,
            first_item_id=next_item_id,
        )
        next_order_id += len(orders["id"])
        next_item_id += len(items["id"])
        yield TableBatch("customers", shard.columns, stop)
        yield TableBatch("orders", orders, stop)
        yield TableBatch("order_items", items, stop)
