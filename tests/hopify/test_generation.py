"""The pure hopify generator: the funnel, churn as a hazard, expansion, payments, support, the end-date
invariance, determinism and the benchmark files. Checked on a pure numpy run (no database) at a small scale."""

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

from hopify import constants as c
from hopify.benchmarks import BenchmarkFileError, read_benchmarks
from hopify.generation import Window, generate_hopify, generate_products, planned_customers

HOPIFY_SOURCES = Path(__file__).resolve().parents[2] / "hopify"
# numpy deprecates unit-less date arithmetic (an error in a future release): the generator must not rely on it.
pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning:hopify.*")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")


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


@pytest.fixture(scope="module")
def company():
    """A quarter-size company (about 18,000 customers): enough customers for per-segment rates."""
    return collect(seed=7, scale=0.25)


def segment_of(tables, customer_id):
    customers = tables["customers"]
    return customers["customer_segment"][np.searchsorted(customers["id"], customer_id)]


def active_mrr(tables, day):
    """Per customer id (index), MRR of the subscription rows current on `day`."""
    subs = tables["subscriptions"]
    live = (subs["start_date"] <= day) & (np.isnat(subs["end_date"]) | (subs["end_date"] > day))
    return np.bincount(subs["customer_id"][live], weights=subs["subscription_price"][live],
                       minlength=len(tables["customers"]["id"]) + 1)  # fmt: skip


def monthly_churn(tables) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per segment and month after the first: (churn events of the month, customers active the day before it)."""
    months = Window(end_date=c.DEFAULT_END_DATE).months[1:]
    segment = np.concatenate([[""], tables["customers"]["customer_segment"]])
    churn_day = tables["churn_events"]["churn_date"]
    churn_segment = segment[tables["churn_events"]["customer_id"]]
    counts = {s: ([], []) for s in SEGMENTS}
    for month in months:
        first = month.astype("datetime64[D]")
        active = active_mrr(tables, first - 1) > 0
        inside = (churn_day >= first) & (churn_day < (month + 1).astype("datetime64[D]"))
        for s in SEGMENTS:
            counts[s][0].append(np.sum(inside & (churn_segment == s)))
            counts[s][1].append(np.sum(active & (segment == s)))
    return {s: (np.array(events), np.array(exposed)) for s, (events, exposed) in counts.items()}


def rate(events, exposed) -> float:
    """Monthly churn in percent: churn events over active customer-months."""
    return 100 * events.sum() / exposed.sum()


def test_window_is_36_calendar_months_ending_at_the_end_date_or_from_a_start_date():
    window = Window(end_date=dt.date(2025, 6, 30))
    assert len(window.months) == 36
    assert window.start_day == np.datetime64("2022-07-01")
    assert window.stop_day == np.datetime64("2025-07-01")
    assert len(Window(end_date=dt.date(2025, 12, 31), start_date=dt.date(2022, 7, 1)).months) == 42


def test_funnel_signups_never_exceed_mqls_and_follow_them_and_spend_drives_leads(company):
    traffic, spend = company["web_traffic"], company["marketing_spend"]
    months = np.unique(traffic["traffic_date"])
    mqls = np.array([traffic["mqls"][traffic["traffic_date"] == m].sum() for m in months])
    leads = np.array([traffic["leads"][traffic["traffic_date"] == m].sum() for m in months])
    budget = np.array([spend["monthly_budget"][spend["month"] == m].sum() for m in months])
    signup_month = company["customers"]["signup_date"].astype("datetime64[M]").astype("datetime64[D]")
    signups = np.array([(signup_month == m).sum() for m in months])
    assert np.all(signups <= mqls)
    assert np.corrcoef(mqls, signups)[0, 1] >= 0.6
    assert np.corrcoef(budget, leads)[0, 1] >= 0.5
    # CAC = budget / new customers, ordered by segment.
    customer_segment = company["customers"]["customer_segment"]
    cac = [spend["monthly_budget"][spend["segment"] == s].sum() / np.sum(customer_segment == s) for s in SEGMENTS]
    assert cac[0] < cac[1] < cac[2]
    assert len(months) == 36 and set(traffic["month"].tolist()) == {str(m)[:7] for m in months}


def test_monthly_churn_per_segment_is_near_its_default_and_level_across_the_window(company):
    counts = monthly_churn(company)
    for segment, target in (("SMB", 2.7), ("Mid-Market", 1.1), ("Enterprise", 1.7)):
        events, exposed = counts[segment]
        assert abs(rate(events, exposed) - target) <= 0.4, (segment, rate(events, exposed))
        first, last = rate(events[:12], exposed[:12]), rate(events[-12:], exposed[-12:])
        assert abs(first - last) <= 0.3 * max(first, last), (segment, first, last)


def test_churned_customers_had_more_tickets_and_failed_payments_per_month(company):
    ids = company["customers"]["id"]
    n = len(ids) + 1
    churned = np.zeros(n, bool)
    churned[company["churn_events"]["customer_id"]] = True
    subs = company["subscriptions"]
    end = np.where(np.isnat(subs["end_date"]), np.datetime64("2025-07-01"), subs["end_date"])
    months = np.bincount(subs["customer_id"], weights=(end - subs["start_date"]).astype(float), minlength=n) / 30.44
    tickets = np.bincount(company["support_tickets"]["customer_id"], minlength=n)
    pay = company["payments"]
    failed = np.bincount(pay["customer_id"], weights=~pay["success"], minlength=n)
    segment = np.concatenate([[""], company["customers"]["customer_segment"]])
    for s in SEGMENTS:  # within a segment: segments differ in ticket rates and in churn
        has = (months >= 1) & (segment == s)
        for counts in (tickets, failed):
            rate = counts / np.maximum(months, 1)
            assert rate[has & churned].mean() > 1.15 * rate[has & ~churned].mean(), s
    # Both kinds of churn, each with its reasons.
    events = company["churn_events"]
    assert set(events["churn_reason"][events["churn_type"] == "involuntary"].tolist()) == {"Payment failed"}
    assert set(events["churn_reason"][events["churn_type"] == "voluntary"].tolist()) == set(c.CHURN_REASONS[:5])


def test_enterprise_keeps_revenue_best_and_expands_past_100_percent(company):
    start, end = active_mrr(company, np.datetime64("2024-06-30")), active_mrr(company, np.datetime64("2025-06-30"))
    segment = np.concatenate([[""], company["customers"]["customer_segment"]])
    grr, nrr = {}, {}
    for s in SEGMENTS:
        base = (start > 0) & (segment == s)
        grr[s] = np.minimum(start, end)[base].sum() / start[base].sum()
        nrr[s] = end[base].sum() / start[base].sum()
    assert grr["Enterprise"] > grr["Mid-Market"] > grr["SMB"]
    assert nrr["Enterprise"] > 1.0 > nrr["SMB"]


def test_order_sizes_rise_with_segment_and_declines_differ_by_method(company):
    orders = company["orders"]
    segment = segment_of(company, orders["customer_id"])
    means = [orders["total_amount"][segment == s].mean() for s in SEGMENTS]
    assert means[0] < means[1] < means[2]
    pay = company["payments"]
    first_fee = pay["subscription_id"] != None  # noqa: E711 (object column of ints and None)
    decline = {m: 1 - pay["success"][first_fee & (pay["payment_method"] == m)].mean() for m in c.PAYMENT_METHODS}
    assert decline["Card"] > decline["Hop Pay"]


def test_onboarding_tickets_come_in_the_first_weeks_and_enterprise_is_resolved_fastest(company):
    tickets = company["support_tickets"]
    customers = company["customers"]
    signup = customers["signup_date"][np.searchsorted(customers["id"], tickets["customer_id"])]
    onboarding = tickets["ticket_category"] == "Onboarding"
    age = (tickets["created_at"].astype("datetime64[D]") - signup).astype(int)
    assert np.median(age[onboarding]) <= 14 and np.mean(age[onboarding] <= 31) >= 0.75
    done = ~np.isnat(tickets["resolved_at"])
    hours = (tickets["resolved_at"] - tickets["created_at"]).astype(float) / 3600
    segment = segment_of(company, tickets["customer_id"])
    medians = [np.median(hours[done & (segment == s)]) for s in SEGMENTS]
    assert medians[0] > medians[1] > medians[2]
    smb = hours[done & (segment == "SMB")]
    assert np.percentile(smb, 99) > 5 * np.median(smb)  # a heavy tail, not a uniform box
    urgent = np.median(hours[done & (tickets["priority"] == "urgent")])
    assert urgent < np.median(hours[done & (tickets["priority"] == "low")])


def test_nothing_before_signup_or_inside_a_churn_gap(company):
    customers = company["customers"]
    for table, column in (("payments", "payment_date"), ("orders", "order_date"), ("support_tickets", "created_at")):
        rows = company[table]
        signup = customers["signup_date"][np.searchsorted(customers["id"], rows["customer_id"])]
        assert np.all(rows[column].astype("datetime64[D]") >= signup), table


def _before(tables, table, column, day, drop=("id",)):
    rows = tables[table]
    keep = rows[column] < day
    return {name: values[keep].tolist() for name, values in rows.items() if name not in drop}


def test_a_later_end_date_leaves_every_row_before_the_old_end_date_as_it_was():
    start = dt.date(2022, 7, 1)
    short = collect(seed=3, scale=0.03, end_date=dt.date(2025, 6, 30), start_date=start)
    long = collect(seed=3, scale=0.03, end_date=dt.date(2025, 12, 31), start_date=start)
    day = np.datetime64("2025-07-01")
    assert len(long["customers"]["id"]) > len(short["customers"]["id"])
    assert _before(short, "customers", "signup_date", day, ()) == _before(long, "customers", "signup_date", day, ())
    for table, column in (("orders", "order_date"), ("support_tickets", "created_at"), ("churn_events", "churn_date")):
        drop = ("id", "resolved_at")
        assert _before(short, table, column, day, drop) == _before(long, table, column, day, drop), table
    drop = ("id", "subscription_id", "order_id")
    assert _before(short, "payments", "payment_date", day, drop) == _before(long, "payments", "payment_date", day, drop)
    for tables in (short, long):  # rows that ended before the old end date
        subs = tables["subscriptions"]
        subs["closed"] = np.where(np.isnat(subs["end_date"]), np.datetime64("2999-01-01"), subs["end_date"])
    assert _before(short, "subscriptions", "closed", day) == _before(long, "subscriptions", "closed", day)
    spend_short, spend_long = short["marketing_spend"], long["marketing_spend"]
    n = len(spend_short["id"])
    assert spend_short["monthly_budget"].tolist() == spend_long["monthly_budget"][:n].tolist()
    assert (
        short["web_traffic"]["mqls"].tolist() == long["web_traffic"]["mqls"][: len(short["web_traffic"]["id"])].tolist()
    )


def test_same_seed_same_data_another_seed_other_data_and_the_plan_counts_customers():
    a = collect(seed=5, scale=0.01)
    assert same_tables(a, collect(seed=5, scale=0.01))
    assert not same_tables(a, collect(seed=6, scale=0.01))
    assert planned_customers(seed=5, scale=0.01, end_date=c.DEFAULT_END_DATE) == len(a["customers"]["id"])
    assert same_tables(a, collect(seed=5, scale=0.01, shard_size=10_000))


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
        ("1,Customer,SMB,Churn Rate,4,desc,weekly", "line 2, column target_period: 'weekly' is not one of"),
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


def test_the_original_tools_benchmark_file_loads_with_capitalised_periods_and_no_ids(tmp_path):
    path = tmp_path / "benchmarks.csv"
    path.write_text(
        "metric_category,segment,metric_name,target_value,description,target_period\n"
        "Customer,SMB,Churn Rate,4.0,Monthly churn,Monthly\n"
        "Revenue,Enterprise,LTV,60000,Lifetime value,Lifetime\n"
        "Revenue,Mid-Market,ARR,1500000,Annual recurring revenue,ANNUAL\n"
    )
    columns = read_benchmarks(path)
    assert columns["id"].tolist() == [1, 2, 3]
    assert columns["target_period"].tolist() == ["monthly", "lifetime", "annual"]
    path.write_text(
        "metric_category,segment,metric_name,target_value,description,target_period\nx,SMB,MRR,abc,d,Monthly\n"
    )
    with pytest.raises(BenchmarkFileError, match="line 2, column target_value"):
        read_benchmarks(path)


def test_shipped_benchmarks_are_one_coherent_plan():
    columns = read_benchmarks()
    rows = zip(columns["segment"], columns["metric_name"], columns["target_value"], strict=True)
    target = {(s, m): v for s, m, v in rows}
    for segment in SEGMENTS:
        assert target[(segment, "ARR")] == 12 * target[(segment, "MRR")]
        ltv = target[(segment, "ARPU")] * 0.80 / (target[(segment, "Churn Rate")] / 100)
        assert abs(target[(segment, "LTV")] - ltv) <= 1
    assert target[("SMB", "CAC")] < target[("Mid-Market", "CAC")] < target[("Enterprise", "CAC")]
