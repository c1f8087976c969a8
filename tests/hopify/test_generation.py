"""The pure hopify generator: plan, determinism, shard independence, spells and the monthly billing."""

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

from hopify import constants as c
from hopify.benchmarks import BenchmarkFileError, read_benchmarks
from hopify.generation import (
    Spells,
    Window,
    _subscription_payments,
    acquisition_plan,
    choose_rows,
    generate_campaigns,
    generate_hopify,
    generate_products,
    generate_web_traffic,
    planned_customers,
)
from simkit.rng import Streams

HOPIFY_SOURCES = Path(__file__).resolve().parents[2] / "hopify"
# numpy deprecates unit-less date arithmetic (an error in a future release): the generator must not rely on it.
pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning:hopify.*")


def collect(**kwargs) -> dict[str, dict[str, np.ndarray]]:
    tables: dict[str, dict[str, list]] = {}
    for batch in generate_hopify(**kwargs):
        table = tables.setdefault(batch.table, {})
        for name, values in batch.columns.items():
            table.setdefault(name, []).append(values)
    return {t: {n: np.concatenate(v) for n, v in cols.items()} for t, cols in tables.items()}


def same_tables(a, b) -> bool:
    if a.keys() != b.keys():
        return False
    for table in a:
        for name in a[table]:
            x, y = a[table][name], b[table][name]
            if x.dtype.kind == "f":
                if not np.array_equal(x, y, equal_nan=True):
                    return False
            elif x.tolist() != y.tolist():
                return False
    return True


def test_window_is_36_calendar_months_ending_at_the_end_date():
    window = Window(end_date=dt.date(2025, 6, 30))
    assert len(window.months) == 36
    assert window.start_day == np.datetime64("2022-07-01")
    assert window.stop_day == np.datetime64("2025-07-01")


def test_plan_ranges_by_month_and_scale():
    window = Window(end_date=dt.date(2025, 6, 30))
    for seed in range(5):
        plan = acquisition_plan(Streams(seed).generator("plan"), window=window, scale=1.0)
        moy = plan.months.astype(np.int64) % 12 + 1
        summer = plan.customers[np.isin(moy, c.SUMMER_MONTHS)]
        holiday = plan.customers[np.isin(moy, c.HOLIDAY_MONTHS)]
        assert summer.min() >= 1_200 and summer.max() <= 1_800
        assert holiday.min() >= 2_200 and holiday.max() <= 3_000
        april = plan.customers[moy == 4]
        assert np.all((april <= 2_300) | (april >= 3_000))
        assert np.array_equal(plan.spring_fired, (moy == 4) & (plan.customers >= 3_000))
    # About 74,000 customers at scale 1 (36 months averaging ~2,050).
    assert 70_000 < planned_customers(seed=42, scale=1.0, end_date=c.DEFAULT_END_DATE) < 78_000
    assert planned_customers(seed=42, scale=0.01, end_date=c.DEFAULT_END_DATE) < 1_000


def test_same_seed_same_data_and_another_seed_other_data():
    first = collect(seed=7, scale=0.01)
    assert same_tables(first, collect(seed=7, scale=0.01))
    assert not same_tables(first, collect(seed=8, scale=0.01))


def test_shard_size_never_changes_customer_streams_count():
    # Shards are fixed-size by design; a different shard size is a different (still valid) dataset, but the
    # reference tables and the customers' signups do not depend on it.
    small = collect(seed=3, scale=0.01, shard_size=100)
    large = collect(seed=3, scale=0.01)
    for table in ("products", "discounts", "marketing_campaigns", "marketing_spend", "web_traffic"):
        assert same_tables({table: small[table]}, {table: large[table]})
    assert small["customers"]["signup_date"].tolist() == large["customers"]["signup_date"].tolist()
    assert np.array_equal(np.diff(small["payments"]["id"]), np.ones(len(small["payments"]["id"]) - 1))


def test_no_wall_clock_in_the_app_sources():
    pattern = re.compile(r"\b(now|today|utcnow)\(|time\.time\(|random\.(random|seed|randint)\(")
    offenders = [
        path.name
        for path in HOPIFY_SOURCES.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_products_are_80_named_in_7_categories_priced_20_to_500():
    products = generate_products(np.random.default_rng(1))
    assert len(products["id"]) == 80 == len(set(products["name"].tolist()))
    assert set(products["category"].tolist()) == set(c.PRODUCT_CATEGORIES)
    assert products["price"].min() >= 20 and products["price"].max() <= 500
    assert set(products["revenue_type"].tolist()) == {"One-Time", "Subscription"}
    assert not any(name.startswith("Static Product") for name in products["name"])


def test_campaigns_match_the_plan_and_web_traffic_rates_stay_in_range():
    window = Window(end_date=dt.date(2025, 6, 30))
    plan = acquisition_plan(Streams(1).generator("plan"), window=window, scale=1.0)
    campaigns = generate_campaigns(np.random.default_rng(0), plan=plan, window=window, scale=1.0)
    names = campaigns["campaign_name"].tolist()
    # July 2022 to June 2025: four summers touch the window (2022 and 2025 partly), three holiday seasons.
    assert sum(name.startswith("Summer Sale") for name in names) == 4
    assert sum(name.startswith("Black Friday") for name in names) == 3
    assert sum(name.startswith("Spring") for name in names) == int(plan.spring_fired.sum())
    assert np.all(campaigns["start_date"] >= window.start_day) and np.all(campaigns["end_date"] <= window.end_day)
    traffic = generate_web_traffic(np.random.default_rng(0), plan=plan, scale=1.0)
    assert len(traffic["id"]) == 24 * 3
    rate = traffic["leads"] / traffic["visitors"]
    assert rate.min() >= 0.019 and rate.max() <= 0.051
    mql = traffic["mqls"] / traffic["leads"]
    assert mql.min() >= 0.19 and mql.max() <= 0.41


def test_choose_rows_follows_row_weights():
    rng = np.random.default_rng(0)
    weights = np.tile([[0.0, 1.0, 3.0]], (40_000, 1))
    picks = choose_rows(rng, weights)
    assert set(picks.tolist()) == {1, 2}
    assert abs((picks == 2).mean() - 0.75) < 0.01


def test_spells_map_active_days_around_the_gap():
    signup = np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]")
    first_stop = np.array(["2024-01-11", "2024-02-01"], dtype="datetime64[D]")
    react = np.array(["2024-03-01", "NaT"], dtype="datetime64[D]")
    spells = Spells(signup, first_stop, react, np.datetime64("2024-03-06"))
    assert spells.active_days.tolist() == [15, 31]
    owner = np.array([0, 0, 0, 1])
    days = spells.day_at(owner, np.array([0, 9, 10, 30]))
    assert days.astype(str).tolist() == ["2024-01-01", "2024-01-10", "2024-03-01", "2024-01-31"]


def test_monthly_fees_bill_each_month_until_the_row_ends():
    window = Window(end_date=dt.date(2024, 6, 30))
    subscriptions = {
        "id": np.array([1, 2]),
        "customer_id": np.array([1, 2]),
        "subscription_price": np.array([29.0, 299.0]),
        "start_date": np.array(["2024-01-31", "2024-03-15"], dtype="datetime64[D]"),
        "end_date": np.array(["2024-04-15", "NaT"], dtype="datetime64[D]"),
    }
    fees = _subscription_payments(np.random.default_rng(0), subscriptions, np.array([1, 2]), np.array([0, 1]), window)
    first_attempts = fees["payment_date"].astype("datetime64[D]")
    by_sub = {sid: sorted(d for s, d in zip(fees["subscription_id"], first_attempts, strict=True) if s == sid)
              for sid in (1.0, 2.0)}  # fmt: skip
    # Jan 31 bills on the last day of shorter months; the row ending Apr 15 is not billed after that.
    assert [str(d) for d in by_sub[1.0]][:3] == ["2024-01-31", "2024-02-29", "2024-03-31"]
    assert len([d for d in by_sub[2.0] if str(d).endswith("-15")]) == 4  # Mar, Apr, May, Jun


def test_shipped_benchmarks_have_33_rows_in_three_periods():
    columns = read_benchmarks()
    assert len(columns["id"]) == 33
    assert set(columns["target_period"].tolist()) == {"monthly", "annual", "lifetime"}
    assert set(columns["segment"].tolist()) == {"SMB", "Mid-Market", "Enterprise"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1,Customer,SMB,Churn Rate,abc,desc,monthly", "line 2, column target_value: 'abc' is not a number"),
        ("1,Customer,Small,Churn Rate,4,desc,monthly", "line 2, column segment: 'Small' is not one of"),
        ("1,Customer,SMB,Churn Rate,4,desc,Monthly", "line 2, column target_period: 'Monthly' is not one of"),
        ("x,Customer,SMB,Churn Rate,4,desc,monthly", "line 2, column benchmark_id: 'x' is not a whole number"),
        ("1,Customer,SMB,,4,desc,monthly", "line 2, column metric_name: is empty"),
        ("1,Customer,SMB,Churn Rate,4,desc", "line 2: expected 7 columns"),
    ],
)
def test_bad_benchmark_rows_name_their_line_and_column(tmp_path, line, message):
    path = tmp_path / "targets.csv"
    path.write_text(
        "benchmark_id,metric_category,segment,metric_name,target_value,description,target_period\n" + line + "\n"
    )
    with pytest.raises(BenchmarkFileError, match=re.escape(message)):
        read_benchmarks(path)


def test_repeated_ids_and_bad_headers_are_refused(tmp_path):
    path = tmp_path / "targets.csv"
    header = "benchmark_id,metric_category,segment,metric_name,target_value,description,target_period\n"
    path.write_text(header + "1,Revenue,SMB,MRR,1,d,monthly\n1,Revenue,SMB,ARR,1,d,annual\n")
    with pytest.raises(BenchmarkFileError, match="line 3, column benchmark_id: 1 already used on line 2"):
        read_benchmarks(path)
    path.write_text("id,segment\n1,SMB\n")
    with pytest.raises(BenchmarkFileError, match="line 1: bad header"):
        read_benchmarks(path)
    with pytest.raises(BenchmarkFileError, match="no such file"):
        read_benchmarks(tmp_path / "missing.csv")
