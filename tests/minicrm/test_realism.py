"""The shop hangs together: signups on a growth curve, orders after signup and by the retail calendar, tenure-based
frequency, prices in force, returns, real places. Pure generator, one module-scoped dataset."""

import datetime as dt

import numpy as np
import pytest

from minicrm.constants import OrderStatus
from minicrm.generation import Window, generate_minicrm
from simkit import calendar
from simkit.us_places import build_place_pool

END = dt.date(2025, 12, 31)
WINDOW = Window(end_date=END, days=730)


def collect(**kwargs):
    tables = {}
    for batch in generate_minicrm(end_date=END, products=20, days=730, **kwargs):
        tables.setdefault(batch.table, []).append(batch.columns)
    return {
        name: {col: np.concatenate([b[col] for b in batches]) for col in batches[0]} for name, batches in tables.items()
    }


@pytest.fixture(scope="module")
def shop():
    return collect(seed=21, customers=6000)


def signup_of(shop, customer_ids):
    customers = shop["customers"]
    return customers["created_at"][np.searchsorted(customers["id"], customer_ids)]


def test_no_order_before_its_customer_signed_up(shop):
    orders = shop["orders"]
    assert np.all(orders["order_date"] > signup_of(shop, orders["customer_id"]))


@pytest.mark.parametrize("customers", [500, 6000])
def test_monthly_signups_never_stop_for_more_than_two_months(shop, customers):
    data = shop if customers == 6000 else collect(seed=4, customers=customers)
    signup_month = data["customers"]["created_at"].astype("datetime64[M]")
    months = np.arange(WINDOW.start_day.astype("datetime64[M]"), np.datetime64(END, "M") + 1)
    counts = np.array([(signup_month == month).sum() for month in months])
    zero_runs = np.diff(np.flatnonzero(np.r_[1, counts, 1] > 0)) - 1
    assert zero_runs.max() <= 2, dict(zip(months.astype(str), counts, strict=True))


def test_signups_grow(shop):
    signup = shop["customers"]["created_at"].astype("datetime64[D]")
    first_year = ((signup >= WINDOW.start_day) & (signup < WINDOW.start_day + np.timedelta64(365, "D"))).sum()
    second_year = (signup >= WINDOW.start_day + np.timedelta64(365, "D")).sum()
    assert second_year > 1.2 * first_year


def orders_per_tenure_month(shop, persona):
    customers, orders = shop["customers"], shop["orders"]
    kept = ~np.isin(orders["status"], [OrderStatus.CANCELLED.value, OrderStatus.RETURNED.value])
    ids = customers["id"][customers["persona"] == persona]
    counts = np.bincount(orders["customer_id"][kept], minlength=customers["id"].max() + 1)[ids]
    signup = np.maximum(signup_of(shop, ids).astype("datetime64[D]"), WINDOW.start_day)
    months = (WINDOW.end_day - signup).astype(int) / 30.44
    return float(np.mean(counts / months))


def test_new_customers_order_less_per_month_of_tenure_than_champions(shop):
    new, champions = orders_per_tenure_month(shop, "new"), orders_per_tenure_month(shop, "champions")
    assert new < 0.5 * champions
    assert champions == pytest.approx(1.0, rel=0.1)  # Table 4.1: 12 a year
    assert new == pytest.approx(2 / 12, rel=0.15)  # Table 4.1: 2 a year


def order_days(shop):
    return shop["orders"]["order_date"].astype("datetime64[D]")


def test_weekday_effect_in_orders(shop):
    counts = np.bincount(calendar.weekday(order_days(shop)), minlength=7)
    saturday_over_monday = counts[5] / counts[0]
    assert saturday_over_monday == pytest.approx(1.15 / 0.9, rel=0.08)


def test_black_friday_and_christmas_day(shop):
    days = order_days(shop)
    for black_friday in calendar.black_fridays([2024, 2025]):
        other_fridays = [black_friday - np.timedelta64(7 * k, "D") for k in (1, 2, 3)]
        baseline = np.mean([(days == friday).sum() for friday in other_fridays])
        assert (days == black_friday).sum() > 1.8 * baseline
    christmas, week_before = np.datetime64("2024-12-25"), np.datetime64("2024-12-18")
    assert (days == christmas).sum() < 0.3 * (days == week_before).sum()


def test_december_is_the_busiest_month_of_2024(shop):
    days = order_days(shop)
    per_day = {}
    for month in range(1, 13):
        start = np.datetime64(f"2024-{month:02d}", "M")
        inside = days.astype("datetime64[M]") == start
        per_day[month] = inside.sum() / ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(
            int
        )
    assert max(per_day, key=per_day.get) == 12
    assert per_day[12] > 1.15 * per_day[10] and per_day[11] > per_day[10]


def test_no_end_of_window_spike(shop):
    """December over November in the window's last year is what it was a year earlier (within 15%): the New
    customers' recent orders (Table 4.1: recency 5 +- 3 days) do not make the last month stand out."""
    months = order_days(shop).astype("datetime64[M]")

    def count(month):
        return (months == np.datetime64(month)).sum()

    this_year = count("2025-12") / count("2025-11")
    last_year = count("2024-12") / count("2024-11")
    assert this_year == pytest.approx(last_year, rel=0.15)


def test_order_lines_are_priced_at_the_price_in_force(shop):
    prices, items, orders = shop["product_prices"], shop["order_items"], shop["orders"]
    order_day = orders["order_date"][np.searchsorted(orders["id"], items["order_id"])].astype("datetime64[D]")
    key = prices["product_id"].astype(np.int64) * 100_000 + (prices["valid_from"] - WINDOW.start_day).astype(int)
    assert np.all(np.diff(key) > 0)
    line_key = items["product_id"].astype(np.int64) * 100_000 + (order_day - WINDOW.start_day).astype(int)
    period = np.searchsorted(key, line_key, side="right") - 1
    assert np.all(prices["product_id"][period] == items["product_id"])
    np.testing.assert_allclose(items["unit_price"], prices["price"][period])


def test_prices_change_over_time_and_end_at_todays_price(shop):
    prices, products = shop["product_prices"], shop["products"]
    periods = np.bincount(prices["product_id"], minlength=len(products["id"]) + 1)[1:]
    assert (periods > 1).mean() > 0.7
    current = np.array([value is None for value in prices["valid_to"]])
    assert current.sum() == len(products["id"])
    np.testing.assert_allclose(prices["price"][current], products["price"])
    first = prices["price"][np.r_[0, np.flatnonzero(np.diff(prices["product_id"])) + 1]]
    assert np.mean(products["price"] / first) > 1.0  # prices rose on the whole


def test_cancellations_and_returns_at_believable_rates(shop):
    status = shop["orders"]["status"]
    assert 0.01 < (status == OrderStatus.CANCELLED.value).mean() < 0.03
    assert 0.025 < (status == OrderStatus.RETURNED.value).mean() < 0.055


def test_customers_live_in_real_cities_of_their_state(shop):
    pool = build_place_pool()
    real = set(zip(pool.states.tolist(), pool.cities.tolist(), strict=True))
    customers = shop["customers"]
    pairs = set(zip(customers["state"].tolist(), customers["city"].tolist(), strict=True))
    assert pairs <= real
    assert not {"FM", "PW", "MH", "GU", "PR"} & set(customers["state"].tolist())
