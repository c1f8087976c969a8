"""The pure generator: customers' Done-when properties and the transaction rules of the model spec."""

import datetime as dt
import re

import numpy as np
import pytest

from cardportfolio.constants import SEGMENT_ORDER, SEGMENT_SHARES, Segment
from cardportfolio.generation import (
    CUSTOMER_COLUMNS,
    generate_customer_columns,
    generate_transactions,
    growth_factor,
    month_bounds,
    segment_counts,
    trend_factor,
)
from simkit.us_places import US_STATES

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def customers():
    return generate_customer_columns(seed=42, customers=2_003, as_of=AS_OF)


@pytest.fixture(scope="module")
def transactions():
    """Transactions of 600 customers over 18 months, with the customers' segment and decline type per row."""
    people = generate_customer_columns(seed=7, customers=600, as_of=AS_OF)
    batches = list(generate_transactions(seed=7, customers=people, as_of=AS_OF, months=18))
    columns = {name: np.concatenate([batch.columns()[name] for batch in batches]) for name in batches[0].columns()}
    columns["month"] = np.concatenate([np.full(len(batch), batch.month) for batch in batches])
    index = np.searchsorted(people["customer_id"], columns["customer_id"])
    columns["segment"] = people["customer_segment"][index]
    columns["decline_type"] = people["decline_type"][index]
    return people, columns


def test_row_count_and_column_order(customers):
    assert list(customers) == [*CUSTOMER_COLUMNS, "account_status", "closed_date"]
    assert {len(values) for values in customers.values()} == {2_003}


def test_ids_are_cust_and_8_digits_unique_and_sequential(customers):
    ids = customers["customer_id"]
    assert all(re.fullmatch(r"CUST\d{8}", value) for value in ids)
    assert len(set(ids)) == len(ids)
    assert ids.tolist() == [f"CUST{number:08d}" for number in range(1, 2_004)]


def test_segment_counts_are_exact(customers):
    expected = {segment.value: int(2_003 * share) for segment, share in SEGMENT_SHARES.items()}
    expected[Segment.NEW_AND_GROWING.value] = 2_003 - sum(list(expected.values())[:-1])
    values, counts = np.unique(customers["customer_segment"], return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist(), strict=True)) == expected
    assert segment_counts(10).sum() == 10


def test_segments_are_shuffled_over_the_ids(customers):
    first_hundred = set(customers["customer_segment"][:100])
    assert len(first_hundred) == len(SEGMENT_ORDER)


def test_no_nulls_in_required_fields(customers):
    for name in CUSTOMER_COLUMNS:
        if name == "decline_type":
            continue
        values = customers[name]
        if values.dtype.kind == "M":
            assert not np.isnat(values).any()
        else:
            assert all(value is not None and str(value) != "" for value in values), name


def test_credit_limits_in_range_multiples_of_1000_and_higher_for_travelers(customers):
    limits = customers["credit_limit"]
    assert limits.min() >= 5_000 and limits.max() <= 50_000
    assert (limits % 1_000 == 0).all()
    travelers = customers["customer_segment"] == Segment.HIGH_VALUE_TRAVELERS.value
    assert limits[travelers].mean() > limits[~travelers].mean() + 10_000


def test_emails_are_valid_and_unique(customers):
    emails = customers["email"]
    assert all(re.fullmatch(r"[a-z.]+\d+@[a-z.]+\.[a-z]{2,}", value) for value in emails)
    assert len(set(emails)) == len(emails)


def test_same_seed_gives_identical_data_and_another_seed_differs(customers):
    again = generate_customer_columns(seed=42, customers=2_003, as_of=AS_OF)
    other = generate_customer_columns(seed=43, customers=2_003, as_of=AS_OF)
    for name in CUSTOMER_COLUMNS:
        assert np.array_equal(customers[name], again[name]), name
    assert not np.array_equal(customers["email"], other["email"])
    assert not np.array_equal(customers["customer_segment"], other["customer_segment"])


def test_decline_type_only_and_always_for_declining(customers):
    declining = customers["customer_segment"] == Segment.DECLINING.value
    decline = customers["decline_type"]
    assert all(value in ("gradual", "sudden") for value in decline[declining])
    assert all(value is None for value in decline[~declining])
    gradual_share = np.mean(decline[declining] == "gradual")
    assert gradual_share == pytest.approx(0.70, abs=0.01)


def test_age_between_22_and_75(customers):
    assert customers["age"].min() >= 22 and customers["age"].max() <= 75


def test_card_types_valid_and_premium_only_among_travelers(customers):
    card = customers["card_type"]
    assert set(card) == {"Standard", "Premium"}
    travelers = customers["customer_segment"] == Segment.HIGH_VALUE_TRAVELERS.value
    assert set(card[~travelers]) == {"Standard"}
    assert np.mean(card[travelers] == "Premium") == pytest.approx(0.30, abs=0.06)


def test_states_valid_and_each_city_in_its_state(customers):
    assert set(customers["state"]) <= set(US_STATES)
    for state, city in zip(customers["state"], customers["city"], strict=True):
        assert city in US_STATES[state][1]
    values, counts = np.unique(customers["state"], return_counts=True)
    assert values[np.argmax(counts)] == "CA"  # the most populous state leads


def test_account_open_dates(customers):
    age_days = (np.datetime64(AS_OF) - customers["account_open_date"]).astype(int)
    new = customers["customer_segment"] == Segment.NEW_AND_GROWING.value
    assert age_days[new].min() >= 1 and age_days[new].max() <= 365
    assert age_days[~new].min() >= 365 and age_days[~new].max() <= 8 * 366
    # Openings spread over the years, more of them recent (a growing issuer).
    years = customers["account_open_date"][~new].astype("datetime64[Y]").astype(int) + 1970
    per_year = np.bincount(years - years.min())
    assert (per_year[1:-1] > 0.05 * (~new).sum()).all() and per_year[-2] > per_year[1]


def test_month_bounds_cover_whole_months_before_the_as_of_month():
    bounds = month_bounds(as_of=dt.date(2026, 1, 15), months=18)
    assert bounds[0] == np.datetime64("2024-07-01") and bounds[-1] == np.datetime64("2026-01-01")
    assert len(bounds) == 19


def test_trend_factor_follows_the_spec_for_18_months():
    segments = np.array([SEGMENT_ORDER.index(Segment.DECLINING)] * 2 + [SEGMENT_ORDER.index(Segment.NEW_AND_GROWING)])
    decline = np.array([1, 2, 0])
    assert trend_factor(segments, decline, month=12, months=18).tolist() == [1.0, 1.0, 1.0]
    assert trend_factor(segments, decline, month=15, months=18).tolist() == pytest.approx([0.7, 1.0, 1.0])
    assert trend_factor(segments, decline, month=16, months=18).tolist() == pytest.approx([0.6, 0.4, 1.0])
    assert trend_factor(segments, decline, month=18, months=18).tolist() == pytest.approx([0.4, 0.4, 1.0])


def test_new_and_growing_grow_with_their_own_tenure():
    opened = np.array(["2025-01-01", "2025-06-01", "2025-12-01"], dtype="datetime64[D]")
    factor = growth_factor(opened, np.datetime64("2025-12-01"))
    assert factor[2] == 1.0 and factor[1] == pytest.approx(1 + 0.05 * 183 / 30.44)
    assert factor[0] == pytest.approx(1 + 0.05 * 334 / 30.44)


def test_transactions_cover_every_customer_with_unique_ids_in_date_order(transactions):
    people, rows = transactions
    # Everyone transacts, except perhaps an account opened in the window's last month.
    opened_earlier = people["account_open_date"] < np.datetime64("2025-12-01")
    assert set(people["customer_id"][opened_earlier]) <= set(rows["customer_id"])
    ids = rows["transaction_id"]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"TXN\d{11}", value) for value in ids[:1000])
    assert (np.diff(rows["transaction_date"].astype(np.int64)) >= 0).all()
    assert ids.tolist() == sorted(ids.tolist())
    assert 18 * 600 * 12 < len(ids) < 18 * 600 * 20  # ~15.5 per customer and month


def test_amounts_positive_in_cents_and_span_equals_months(transactions):
    _, rows = transactions
    assert (rows["amount"] > 0).all()
    assert np.allclose(rows["amount"] * 100, np.round(rows["amount"] * 100))
    months = np.unique(rows["transaction_date"].astype("datetime64[M]"))
    assert len(months) == 18
    assert months[0] == np.datetime64("2024-07") and months[-1] == np.datetime64("2025-12")
    assert rows["transaction_date"].max() < np.datetime64(AS_OF)


def test_transactions_start_at_account_opening(transactions):
    people, rows = transactions
    index = np.searchsorted(people["customer_id"], rows["customer_id"])
    assert (rows["transaction_date"].astype("datetime64[D]") >= people["account_open_date"][index]).all()


def _monthly_spend(rows, mask):
    return np.bincount(rows["month"][mask], weights=rows["amount"][mask], minlength=19)[1:]


@pytest.mark.parametrize("decline_type", ["gradual", "sudden"])
def test_declining_spend_falls_at_least_20_percent(transactions, decline_type):
    _, rows = transactions
    spend = _monthly_spend(rows, rows["decline_type"] == decline_type)
    assert spend[-3:].mean() <= 0.8 * spend[:3].mean()


def test_new_and_growing_spend_rises(transactions):
    people, rows = transactions
    new = rows["segment"] == Segment.NEW_AND_GROWING.value
    spend = _monthly_spend(rows, new)
    assert spend[-3:].mean() > 1.5 * spend[-9:-6].mean()
    # Each account's transactions grow with its tenure (not a seasonal effect: the mean amount, not the total).
    index = np.searchsorted(people["customer_id"], rows["customer_id"])
    early = new & (people["account_open_date"][index] < np.datetime64("2025-04-01"))
    before = rows["amount"][early & (rows["month"] >= 10) & (rows["month"] <= 13)].mean()
    after = rows["amount"][early & (rows["month"] >= 15)].mean()
    assert after > 1.02 * before


def test_travelers_spend_at_least_three_times_budget_per_transaction(transactions):
    _, rows = transactions
    travelers = rows["amount"][rows["segment"] == Segment.HIGH_VALUE_TRAVELERS.value].mean()
    budget = rows["amount"][rows["segment"] == Segment.BUDGET_CONSCIOUS.value].mean()
    assert travelers >= 3 * budget


def test_categories_follow_segments_and_approval_rate_is_about_97_percent(transactions):
    _, rows = transactions
    travelers = rows["segment"] == Segment.HIGH_VALUE_TRAVELERS.value
    assert set(rows["merchant_category"][travelers]) == {"Travel", "Dining", "Hotels", "Airlines"}
    budget = rows["segment"] == Segment.BUDGET_CONSCIOUS.value
    assert set(rows["merchant_category"][budget]) == {"Grocery", "Gas", "Utilities"}
    assert set(rows["channel"]) == {"Online", "In-Store", "Mobile"}
    assert np.mean(rows["status"] == "approved") == pytest.approx(0.97, abs=0.01)


def test_transactions_are_reproducible_by_seed():
    people = generate_customer_columns(seed=3, customers=50, as_of=AS_OF)
    first = [batch.columns() for batch in generate_transactions(seed=3, customers=people, as_of=AS_OF, months=3)]
    again = [batch.columns() for batch in generate_transactions(seed=3, customers=people, as_of=AS_OF, months=3)]
    other = [batch.columns() for batch in generate_transactions(seed=4, customers=people, as_of=AS_OF, months=3)]
    for a, b in zip(first, again, strict=True):
        assert all(np.array_equal(a[name], b[name]) for name in a)
    assert not np.array_equal(first[0]["amount"], other[0]["amount"][: len(first[0]["amount"])])
