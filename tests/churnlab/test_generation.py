"""The pure generator: shares, spans, billing cadence, tickets, missing logs, the churn signal, determinism."""

import datetime as dt

import numpy as np
import pytest

from churnlab import constants as c
from churnlab.generation import Window, generate_churnlab, generate_population
from simkit.rng import Streams

from .conftest import CUSTOMERS, END

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")


def shares(values, names):
    values = np.asarray(values)
    return np.array([(values == name).mean() for name in names])


def per_customer(values_by_customer, customer_ids):
    """Index of each row's customer in the customers table (ids are 1..n)."""
    return values_by_customer[np.asarray(customer_ids) - 1]


def test_customer_count_is_exact_and_ids_consecutive(generated):
    tables, _ = generated
    ids = tables["customers"]["customer_id"]
    assert len(ids) == CUSTOMERS
    assert (ids == np.arange(1, CUSTOMERS + 1)).all()
    assert (tables["churn_truth"]["customer_id"] == ids).all()


def test_plan_and_region_shares_within_two_points(generated):
    customers = generated[0]["customers"]
    plan = shares(customers["plan"], [p.value for p in c.PLANS])
    region = shares(customers["region"], [r.value for r in c.REGIONS])
    assert np.abs(plan - c.PLAN_SHARES).max() <= 0.02, plan
    assert np.abs(region - c.REGION_SHARES).max() <= 0.02, region


def test_signups_cover_the_540_day_window(generated):
    signup = generated[0]["customers"]["signup_date"]
    window = Window(end_date=END)
    assert signup.min() >= window.start_day and signup.max() <= window.end_day
    # Uniform: each third of the window holds about a third of the signups.
    thirds = np.histogram((signup - window.start_day).astype(int), bins=3, range=(0, c.WINDOW_DAYS))[0] / CUSTOMERS
    assert np.abs(thirds - 1 / 3).max() < 0.03


def test_no_usage_before_signup_or_on_and_after_the_true_churn_date(generated):
    tables, _ = generated
    usage, customers, truth = tables["usage_daily"], tables["customers"], tables["churn_truth"]
    signup = per_customer(customers["signup_date"], usage["customer_id"])
    churn = per_customer(truth["churn_date"], usage["customer_id"])
    assert (usage["date"] >= signup).all()
    churned_rows = ~np.isnat(churn)
    assert (usage["date"][churned_rows] < churn[churned_rows]).all()
    assert usage["date"].max() <= np.datetime64(END)
    # Churned customers did use the product before leaving: the rule above is not vacuous.
    assert churned_rows.sum() > 1000


def test_usage_values_follow_the_plan_means(generated):
    tables, _ = generated
    usage, customers = tables["usage_daily"], tables["customers"]
    plan = per_customer(customers["plan"], usage["customer_id"])
    assert (usage["sessions"] >= 0).all() and (usage["usage_minutes"] >= 0).all()
    for name, sessions, minutes in zip([p.value for p in c.PLANS], c.MEAN_SESSIONS, c.MEAN_USAGE_MINUTES, strict=True):
        rows = plan == name
        # Engagement has mean 1 over customers, but engaged customers have more active days (rows), and fading
        # before churn lowers intensity: per row, the means stay within 15% of the plan's.
        assert 0.85 * sessions < usage["sessions"][rows].mean() < 1.15 * sessions, name
        assert 0.85 * minutes < usage["usage_minutes"][rows].mean() < 1.15 * minutes, name
    ratio = usage["feature_events"].sum() / usage["sessions"].sum()
    assert ratio == pytest.approx(c.FEATURE_EVENTS_PER_SESSION, rel=0.03)


def test_usage_rows_per_customer_and_day_are_unique(generated):
    usage = generated[0]["usage_daily"]
    keys = usage["customer_id"].astype(np.int64) * 100_000 + usage["date"].astype(np.int64)
    assert len(np.unique(keys)) == len(keys)
    assert (usage["usage_id"] == np.arange(1, len(keys) + 1)).all()


def test_missing_logs_drop_12_to_18_percent_of_usage_rows(generated):
    _, stats = generated
    share = stats["dropped_rows"] / stats["active_rows"]
    assert 0.12 <= share <= 0.18, share
    assert stats["active_rows"] - stats["dropped_rows"] == len(generated[0]["usage_daily"]["usage_id"])


def test_usage_falls_in_the_weeks_before_churn(generated):
    tables, _ = generated
    usage, truth = tables["usage_daily"], tables["churn_truth"]
    churn = per_customer(truth["churn_date"], usage["customer_id"])
    days_before = (churn - usage["date"]).astype("timedelta64[D]").astype(float)
    last_two_weeks = (days_before >= 1) & (days_before <= 14)
    two_months_before = (days_before >= 60) & (days_before <= 90)
    # A fall in engagement raises the hazard, so churners' last weeks are quieter than their earlier ones.
    assert usage["usage_minutes"][last_two_weeks].mean() < 0.9 * usage["usage_minutes"][two_months_before].mean()


def churn_within(tables, customer_ids, days, horizon=56):
    """For each event (customer, day): did the customer churn within `horizon` days after it?"""
    churn = per_customer(tables["churn_truth"]["churn_date"], customer_ids)
    gap = (churn - days).astype("timedelta64[D]").astype(float)
    return ~np.isnat(churn) & (gap > 0) & (gap <= horizon)


def test_failed_bills_and_technical_tickets_raise_the_churn_hazard(generated):
    tables, _ = generated
    bills, tickets = tables["billing"], tables["support"]
    before_end = bills["bill_date"] <= np.datetime64(END) - np.timedelta64(56, "D")
    after = churn_within(tables, bills["customer_id"], bills["bill_date"])
    failed, paid = bills["payment_status"] == "failed", bills["payment_status"] == "paid"
    assert after[failed & before_end].mean() > 1.5 * after[paid & before_end].mean()
    early = tickets["ticket_date"] <= np.datetime64(END) - np.timedelta64(56, "D")
    after = churn_within(tables, tickets["customer_id"], tickets["ticket_date"])
    technical, onboarding = tickets["category"] == "technical", tickets["category"] == "onboarding"
    assert after[technical & early].mean() > after[onboarding & early].mean()


def test_churn_hazard_orders_plans_free_basic_pro_enterprise(generated):
    tables, _ = generated
    plan, churned = tables["customers"]["plan"], tables["churn_truth"]["churned"]
    rates = [churned[plan == p.value].mean() for p in c.PLANS]
    assert rates == sorted(rates, reverse=True), rates
    assert (np.isnat(tables["churn_truth"]["churn_date"]) == ~churned).all()


def test_bills_follow_each_plans_cycle_with_jitter_and_plans_change(generated):
    tables, _ = generated
    bills, customers, truth = tables["billing"], tables["customers"], tables["churn_truth"]
    prices = dict(zip(c.PLAN_PRICE, [p.value for p in c.PLANS], strict=True))
    plan = np.vectorize(prices.get)(bills["amount"])  # the plan billed (customers.plan is the plan at signup)
    assert (plan != c.Plan.FREE.value).all()
    same = (bills["customer_id"][1:] == bills["customer_id"][:-1]) & (plan[1:] == plan[:-1])
    gaps = (bills["bill_date"][1:] - bills["bill_date"][:-1]).astype(int)
    for name, cycle in zip([p.value for p in c.PLANS], c.BILL_CYCLE_DAYS, strict=True):
        on_plan = same & (plan[1:] == name)
        interrupted = on_plan & (gaps > 2 * cycle)  # a spell on Free between two paid ones
        assert interrupted.sum() <= 0.01 * max(on_plan.sum(), 1)
        on_plan &= ~interrupted
        if cycle and on_plan.any():
            # Within two days of the cycle, but for a bill restarting after a short spell on Free.
            assert (np.abs(gaps[on_plan] - cycle) <= 2).mean() >= 0.99, name
            assert gaps[on_plan].mean() == pytest.approx(cycle, abs=0.2)
            assert (gaps[on_plan] != cycle).mean() > 0.3  # jitter, not a fixed day
    signup_plan = per_customer(customers["plan"], bills["customer_id"])
    assert (signup_plan != plan).mean() > 0.005  # upgrades and downgrades exist
    # The first bill of a customer who signed up on a paid plan is on the signup day; none on or after churn.
    first = np.r_[True, bills["customer_id"][1:] != bills["customer_id"][:-1]]
    paid_signup = first & (signup_plan != c.Plan.FREE.value)
    signup = per_customer(customers["signup_date"], bills["customer_id"])
    assert (bills["bill_date"][paid_signup] == signup[paid_signup]).all()
    churn = per_customer(truth["churn_date"], bills["customer_id"])
    assert (bills["bill_date"][~np.isnat(churn)] < churn[~np.isnat(churn)]).all()
    paid = customers["customer_id"][customers["plan"] != c.Plan.FREE.value]
    assert set(paid) <= set(np.unique(bills["customer_id"]))


def test_payment_status_shares_near_75_15_10(generated):
    status = shares(generated[0]["billing"]["payment_status"], ["paid", "late", "failed"])
    assert np.abs(status - c.PAYMENT_STATUS_SHARES).max() <= 0.02, status


def test_ticket_shares_and_dates(generated):
    tables, _ = generated
    tickets, customers, truth = tables["support"], tables["customers"], tables["churn_truth"]
    category = shares(tickets["category"], [x.value for x in c.TicketCategory])
    priority = shares(tickets["priority"], [x.value for x in c.TicketPriority])
    assert np.abs(category - c.CATEGORY_SHARES).max() <= 0.03, category
    assert np.abs(priority - c.PRIORITY_SHARES).max() <= 0.02, priority
    signup = per_customer(customers["signup_date"], tickets["customer_id"])
    assert (tickets["ticket_date"] >= signup).all()
    churn = per_customer(truth["churn_date"], tickets["customer_id"])
    assert (tickets["ticket_date"][~np.isnat(churn)] < churn[~np.isnat(churn)]).all()
    assert tickets["ticket_date"].max() <= np.datetime64(END)
    onboarding = tickets["category"] == "onboarding"
    age = (tickets["ticket_date"] - signup).astype(int)
    assert np.median(age[onboarding]) < 0.5 * np.median(age[~onboarding])


def test_ticket_volume_follows_tenure(generated):
    tables, _ = generated
    tickets, customers, truth = tables["support"], tables["customers"], tables["churn_truth"]
    end = np.where(np.isnat(truth["churn_date"]), np.datetime64(END) + np.timedelta64(1, "D"), truth["churn_date"])
    months = (end - customers["signup_date"]).astype(int).sum() / c.DAYS_PER_MONTH
    assert 0.38 <= len(tickets["ticket_id"]) / months <= 0.52  # the original's 0.42 a month, plus the causes


def digest(tables):
    return {table: {name: values.tobytes() for name, values in columns.items()} for table, columns in tables.items()}


def run(seed, customers=600, shard_size=250):
    out = {}
    for batch in generate_churnlab(seed=seed, customers=customers, end_date=END, shard_size=shard_size):
        out.setdefault(batch.table, []).append(batch.columns)
    return {t: {n: np.concatenate([p[n] for p in parts]) for n in parts[0]} for t, parts in out.items()}


def test_same_seed_same_data_other_seed_other_data():
    assert digest(run(5)) == digest(run(5))
    assert digest(run(5))["usage_daily"] != digest(run(6))["usage_daily"]


def test_end_date_moves_the_window_not_the_wall_clock():
    window = Window(end_date=dt.date(2020, 6, 30))
    population = generate_population(Streams(1).generator("customers"), customers=500, window=window)
    assert population.signup_day.min() >= np.datetime64("2019-01-08")
    assert population.signup_day.max() <= np.datetime64("2020-06-30")


def test_zero_customers_is_refused():
    with pytest.raises(ValueError, match="customers must be positive"):
        next(generate_churnlab(seed=1, customers=0, end_date=END))
