"""The pure generator: exact persona counts, realised Table 4.1 parameters, determinism, valid values."""

import datetime as dt

import numpy as np
import pytest

from minicrm.constants import PERSONAS, OrderStatus
from minicrm.generation import Window, assign_personas, generate_minicrm
from simkit.rng import Streams

END = dt.date(2025, 12, 31)


def collect(**kwargs):
    tables = {}
    for batch in generate_minicrm(end_date=END, products=20, **kwargs):
        tables.setdefault(batch.table, []).append(batch.columns)
    return {
        name: {col: np.concatenate([b[col] for b in batches]) for col in batches[0]} for name, batches in tables.items()
    }


@pytest.mark.parametrize("customers", [1, 7, 500, 1234])
def test_persona_counts_add_up_exactly(customers):
    personas = assign_personas(Streams(1).generator("personas"), customers=customers)
    counts = np.bincount(personas, minlength=len(PERSONAS))
    assert counts.sum() == customers
    expected = np.array([p.count_per_500 for p in PERSONAS]) * customers / 500
    assert np.all(np.abs(counts - expected) < 1)


def test_default_500_customers_match_table_4_1_counts():
    data = collect(seed=3, customers=500, days=730)
    personas, counts = np.unique(data["customers"]["persona"], return_counts=True)
    assert dict(zip(personas.tolist(), counts.tolist(), strict=True)) == {
        "champions": 100,
        "loyal": 150,
        "new": 100,
        "at_risk": 80,
        "lapsed": 70,
    }


def test_same_seed_same_data_different_seed_different_data():
    first = collect(seed=11, customers=300, days=730)
    again = collect(seed=11, customers=300, days=730)
    other = collect(seed=12, customers=300, days=730)
    for table in first:
        for column in first[table]:
            np.testing.assert_array_equal(first[table][column], again[table][column])
    assert not np.array_equal(first["orders"]["order_date"][:50], other["orders"]["order_date"][:50])


def test_orders_lie_inside_the_window_and_after_signup():
    data = collect(seed=5, customers=2000, days=365)
    window = Window(end_date=END, days=365)
    order_day = data["orders"]["order_date"].astype("datetime64[D]")
    assert order_day.max() <= window.end_day
    assert order_day.min() >= window.start_day
    created = dict(zip(data["customers"]["id"].tolist(), data["customers"]["created_at"], strict=True))
    signup = np.array([created[c] for c in data["orders"]["customer_id"].tolist()])
    assert np.all(data["orders"]["order_date"].astype("datetime64[D]") >= signup.astype("datetime64[D]"))


def test_new_customers_joined_within_two_years_and_last_ordered_in_the_last_90_days():
    data = collect(seed=8, customers=3000, days=730)
    window = Window(end_date=END, days=730)
    customers = data["customers"]
    is_new = customers["persona"] == "new"
    new_ids = customers["id"][is_new]
    assert len(new_ids)
    signup = customers["created_at"][is_new].astype("datetime64[D]")
    assert np.all(signup >= window.start_day - np.timedelta64(90, "D"))  # two orders at 1/year, +10%
    assert np.median((window.end_day - signup).astype(int)) < 270  # joined about half a year ago
    orders = data["orders"]
    new_orders = np.isin(orders["customer_id"], new_ids)
    last = {}
    for customer, when in zip(
        orders["customer_id"][new_orders].tolist(), orders["order_date"][new_orders], strict=True
    ):
        last[customer] = max(last.get(customer, when), when)
    assert all(when.astype("datetime64[D]") > window.end_day - np.timedelta64(90, "D") for when in last.values())


def test_totals_equal_sum_of_items_and_every_customer_orders():
    data = collect(seed=9, customers=1000, days=730)
    orders, items = data["orders"], data["order_items"]
    position = np.searchsorted(orders["id"], items["order_id"])
    line_cents = np.rint(items["quantity"] * items["unit_price"] * 100)
    totals = np.bincount(position, weights=line_cents, minlength=len(orders["id"]))
    np.testing.assert_allclose(totals, np.rint(orders["total_price"] * 100))
    assert np.all(items["quantity"] >= 1)
    kept = ~np.isin(orders["status"], [OrderStatus.CANCELLED.value, OrderStatus.RETURNED.value])
    assert set(np.unique(orders["customer_id"][kept]).tolist()) == set(data["customers"]["id"].tolist())
    assert 0.01 < (orders["status"] == OrderStatus.CANCELLED.value).mean() < 0.035
    assert 0.02 < (orders["status"] == OrderStatus.RETURNED.value).mean() < 0.06


def test_emails_unique():
    data = collect(seed=2, customers=5000, days=730)
    assert len(np.unique(data["customers"]["email"])) == 5000
