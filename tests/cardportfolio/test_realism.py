"""The portfolio hangs together: spend by category, place and calendar; declines by reason; statements that
reconcile; attrition in Declining; limits that go with spend. Pure generator, one module-scoped portfolio."""

import datetime as dt

import numpy as np
import pytest

from cardportfolio.constants import SEGMENT_MONTHLY_SPEND, Segment
from cardportfolio.generation import CATEGORY_NAMES, generate_customer_columns, generate_transactions
from simkit import calendar

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def portfolio():
    people = generate_customer_columns(seed=11, customers=1500, as_of=AS_OF)
    batches = list(generate_transactions(seed=11, customers=people, as_of=AS_OF, months=18))
    rows = {name: np.concatenate([batch.columns()[name] for batch in batches]) for name in batches[0].columns()}
    rows["category_code"] = np.concatenate([batch.category for batch in batches])
    rows["abroad"] = np.concatenate([batch.merchants.country[batch.merchant] != "US" for batch in batches])
    rows["merchant_region"] = np.concatenate([batch.merchants.region[batch.merchant] for batch in batches])
    index = np.searchsorted(people["customer_id"], rows["customer_id"])
    rows["segment"] = people["customer_segment"][index]
    rows["home"] = people["state"][index]
    statements = {name: np.concatenate([batch.statements[name] for batch in batches]) for name in batches[0].statements}
    return people, rows, statements, batches


def days_of(rows):
    return rows["transaction_date"].astype("datetime64[D]")


def test_weekday_effect(portfolio):
    _, rows, _, _ = portfolio
    counts = np.bincount(calendar.weekday(days_of(rows)), minlength=7)
    assert counts[5] / counts[0] == pytest.approx(1.14 / 0.92, rel=0.06)  # Saturday over Monday


def test_holiday_effects(portfolio):
    _, rows, _, _ = portfolio
    days = days_of(rows)
    black_friday = calendar.black_fridays([2024])[0]
    fridays = [(days == black_friday - np.timedelta64(7 * k, "D")).sum() for k in (1, 2, 3)]
    assert (days == black_friday).sum() > 1.4 * np.mean(fridays)
    assert (days == np.datetime64("2024-12-25")).sum() < 0.6 * (days == np.datetime64("2024-12-18")).sum()


def test_february_has_fewer_transactions_than_january_by_about_its_days(portfolio):
    _, rows, _, _ = portfolio
    months = days_of(rows).astype("datetime64[M]")
    january, february = (months == np.datetime64("2025-01")).sum(), (months == np.datetime64("2025-02")).sum()
    assert february < january
    assert february / january == pytest.approx(28 / 31, rel=0.05)


def test_travel_costs_more_than_dining(portfolio):
    _, rows, _, _ = portfolio
    amount, category = rows["amount"], rows["merchant_category"]
    dining = np.median(amount[category == "Dining"])
    for travel in ("Airlines", "Hotels", "Travel"):
        assert np.median(amount[category == travel]) > 2 * dining
    # Heavy tails: the largest grocery bills are many times the typical one.
    grocery = amount[category == "Grocery"]
    assert np.percentile(grocery, 99) > 4 * np.median(grocery)


def test_travelers_spend_away_from_home_and_abroad_in_foreign_currency(portfolio):
    _, rows, _, batches = portfolio
    travelers = rows["segment"] == Segment.HIGH_VALUE_TRAVELERS.value
    assert rows["abroad"][travelers].mean() > 0.01
    assert rows["abroad"][travelers].mean() > 5 * rows["abroad"][~travelers].mean()
    domestic = travelers & ~rows["abroad"] & np.isin(rows["merchant_category"], ["Hotels", "Airlines", "Travel"])
    assert (rows["merchant_region"][domestic] != rows["home"][domestic]).mean() > 0.4
    everyday = ~travelers & np.isin(rows["merchant_category"], ["Grocery", "Gas"])
    assert (rows["merchant_region"][everyday] == rows["home"][everyday]).mean() > 0.9
    foreign = rows["currency"] != "USD"
    assert (foreign == rows["abroad"]).all()
    assert all(value is not None for value in rows["original_amount"][foreign])
    assert all(value is None for value in rows["original_amount"][~foreign][:1000])
    rate = dict(zip(batches[0].merchants.currency, batches[0].merchants.usd_per_unit, strict=True))
    converted = np.array([float(original) * rate[code] for original, code in
                          zip(rows["original_amount"][foreign], rows["currency"][foreign], strict=True)])  # fmt: skip
    np.testing.assert_allclose(converted, rows["amount"][foreign], rtol=0.02, atol=0.02)


def test_declines_by_reason_depend_on_place_and_balance(portfolio):
    _, rows, _, _ = portfolio
    declined = rows["status"] == "declined"
    assert 0.015 < declined.mean() < 0.05
    reasons = set(rows["decline_reason"][declined].tolist())
    assert reasons == {"insufficient_credit", "suspected_fraud", "other"}
    assert all(value is None for value in rows["decline_reason"][~declined][:1000])
    fraud = rows["decline_reason"] == "suspected_fraud"
    assert fraud[rows["abroad"]].mean() > 3 * fraud[~rows["abroad"]].mean()


def test_insufficient_credit_comes_with_high_utilisation(portfolio):
    people, rows, statements, _ = portfolio
    credit = rows["decline_reason"] == "insufficient_credit"
    high = set(statements["customer_id"][statements["utilisation"] > 0.8].tolist())
    with_high = np.isin(rows["customer_id"], list(high))
    assert credit[with_high].mean() > 5 * max(credit[~with_high].mean(), 1e-6)


def test_statements_reconcile(portfolio):
    _, _, statements, _ = portfolio
    gap = statements["previous_balance"] + statements["purchases"] - statements["payments"] - statements["new_balance"]
    assert np.abs(gap).max() < 0.006
    assert (statements["payments"] <= statements["previous_balance"] + 0.005).all()
    assert (statements["minimum_due"] <= statements["new_balance"] + 0.005).all()
    assert (statements["days_past_due"] % 30 == 0).all() and (statements["days_past_due"] > 0).any()


def test_statement_purchases_equal_approved_spend(portfolio):
    _, rows, statements, _ = portfolio
    month = rows["transaction_date"].astype("datetime64[M]").astype("datetime64[D]")
    approved = rows["status"] == "approved"
    key = np.char.add(rows["customer_id"][approved].astype(str), month[approved].astype(str))
    keys, inverse = np.unique(key, return_inverse=True)
    spend = np.bincount(inverse, weights=rows["amount"][approved])
    statement_key = np.char.add(statements["customer_id"].astype(str), statements["statement_month"].astype(str))
    position = np.searchsorted(keys, statement_key)
    found = (position < len(keys)) & (keys[np.minimum(position, len(keys) - 1)] == statement_key)
    np.testing.assert_allclose(statements["purchases"][found], spend[position[found]], atol=0.011)
    assert (statements["purchases"][~found] == 0).all()


def test_closures_concentrate_in_declining_and_stop_transactions(portfolio):
    people, rows, _, _ = portfolio
    closed = people["account_status"] == "Closed"
    declining = people["customer_segment"] == Segment.DECLINING.value
    assert closed[declining].mean() > 0.2 and closed[declining].mean() > 8 * closed[~declining].mean()
    assert (people["closed_date"][closed] != None).all()  # noqa: E711
    closed_on = dict(zip(people["customer_id"][closed].tolist(), people["closed_date"][closed], strict=True))
    after = [
        when.astype("datetime64[D]") >= np.datetime64(closed_on[customer])
        for customer, when in zip(rows["customer_id"], rows["transaction_date"], strict=True)
        if customer in closed_on
    ]
    assert not any(after)


def monthly_spend(portfolio):
    people, rows, _, _ = portfolio
    approved = rows["status"] == "approved"
    index = np.searchsorted(people["customer_id"], rows["customer_id"][approved])
    total = np.bincount(index, weights=rows["amount"][approved], minlength=len(people["customer_id"]))
    return total / 18


def test_credit_limit_correlates_with_spend_within_each_segment(portfolio):
    people, _, _, _ = portfolio
    spend = monthly_spend(portfolio)
    for segment in Segment:
        mask = (people["customer_segment"] == segment.value) & (people["account_status"] == "Open")
        if segment is Segment.NEW_AND_GROWING:
            continue  # their tenure in the window varies more than their level
        rank = np.argsort(np.argsort(people["credit_limit"][mask]))
        spend_rank = np.argsort(np.argsort(spend[mask]))
        assert np.corrcoef(rank, spend_rank)[0, 1] > 0.25, segment


def test_new_and_growing_spend_in_range_and_rising(portfolio):
    people, rows, _, batches = portfolio
    new_ids = people["customer_id"][people["customer_segment"] == Segment.NEW_AND_GROWING.value]
    months = []
    for batch in batches[-12:]:
        summary = batch.monthly_summary()
        opened = dict(zip(people["customer_id"].tolist(), people["account_open_date"], strict=True))
        full = np.array([opened[c] < batch.start for c in summary["customer_id"].tolist()])
        mask = np.isin(summary["customer_id"], new_ids) & full
        if mask.sum() > 20:
            months.append(np.median(summary["spend"][mask]))
    low, high = 300, 1200
    assert low <= min(months) and max(months) <= high
    assert months[-1] > months[0]
    assert SEGMENT_MONTHLY_SPEND[Segment.NEW_AND_GROWING][0] == low


def test_ages_agree_with_employment(portfolio):
    people, _, _, _ = portfolio
    retired = people["employment_status"] == "Retired"
    assert people["age"][retired].min() >= 55
    assert (people["age"][people["age"] >= 65] > 0).any()


def test_category_names_cover_the_models(portfolio):
    _, rows, _, _ = portfolio
    assert set(np.unique(rows["merchant_category"])) <= set(CATEGORY_NAMES.tolist())
