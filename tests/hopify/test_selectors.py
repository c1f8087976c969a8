"""The KPI selectors on a hand-made company whose every figure is known."""

import datetime as dt
from decimal import Decimal

import pytest

from hopify import selectors

from .factories import (
    BenchmarkFactory,
    ChurnEventFactory,
    CustomerFactory,
    MarketingSpendFactory,
    SubscriptionFactory,
    SupportTicketFactory,
    WebTrafficFactory,
)

pytestmark = pytest.mark.django_db(databases=["default", "hopify"])
JUNE = dt.date(2024, 6, 1)


@pytest.fixture
def company():
    """June 2024: SMB A stays (Basic 79), B churns on 10 June (Starter 29), C signs up (Starter 29);
    Mid-Market D paid 79 a year earlier and 299 now (upgraded in March)."""
    a = CustomerFactory(signup_date=dt.date(2024, 1, 15))
    SubscriptionFactory(customer=a)
    b = CustomerFactory(signup_date=dt.date(2024, 1, 20))
    SubscriptionFactory(
        customer=b, plan_type="Starter", subscription_price=Decimal("29"), end_date=dt.date(2024, 6, 10),
        status="cancelled",
    )  # fmt: skip
    ChurnEventFactory(customer=b, churn_date=dt.date(2024, 6, 10))
    c = CustomerFactory(signup_date=dt.date(2024, 6, 5))
    SubscriptionFactory(customer=c, plan_type="Starter", subscription_price=Decimal("29"))
    d = CustomerFactory(signup_date=dt.date(2023, 1, 10), customer_segment="Mid-Market")
    SubscriptionFactory(customer=d, end_date=dt.date(2024, 3, 1), status="cancelled")
    SubscriptionFactory(
        customer=d, plan_type="Standard", subscription_price=Decimal("299"), start_date=dt.date(2024, 3, 1),
        change_type="upgrade",
    )  # fmt: skip
    MarketingSpendFactory(month=JUNE, monthly_budget=Decimal("10000"))
    WebTrafficFactory(traffic_date=JUNE, leads=400, mqls=100)
    SupportTicketFactory(customer=a)  # 24 hours to resolve
    SupportTicketFactory(customer=a, resolved_at=None)  # still open: not in the mean
    BenchmarkFactory(segment="SMB", metric_name="MRR", target_value=100)
    BenchmarkFactory(segment="SMB", metric_name="Churn Rate", target_value=4.0, metric_category="Customer")
    return {"a": a, "b": b, "c": c, "d": d}


def test_kpi_values_for_a_month(company):
    smb = selectors.kpi_values(month=JUNE)["SMB"]
    assert smb["New Customers"] == 1
    assert smb["Active Customers"] == 2  # A and C at 30 June
    assert smb["Churned Customers"] == 1
    assert smb["Churn Rate"] == pytest.approx(50.0)  # 1 of the 2 active on 31 May
    assert smb["MRR"] == pytest.approx(108.0)
    assert smb["ARR"] == pytest.approx(1296.0)
    assert smb["ARPU"] == pytest.approx(54.0)
    assert smb["LTV"] == pytest.approx(86.4)  # ARPU x 80% margin / monthly churn
    assert smb["CAC"] == pytest.approx(10_000.0)
    assert smb["MQL Conversion"] == pytest.approx(25.0)
    assert smb["Mean Resolution Hours"] == pytest.approx(24.0)
    assert smb["GRR"] is None and smb["NRR"] is None  # nobody was paying in June 2023


def test_revenue_retention_counts_expansion_in_nrr_only(company):
    mid = selectors.kpi_values(month=JUNE)["Mid-Market"]
    assert mid["NRR"] == pytest.approx(299 / 79 * 100)
    assert mid["GRR"] == pytest.approx(100.0)
    assert mid["Churn Rate"] == pytest.approx(0.0)
    assert mid["LTV"] is None  # no churn, no finite lifetime


def test_kpi_report_sets_targets_and_direction(company):
    rows = {(r.segment, r.metric_name): r for r in selectors.kpi_report(month=dt.date(2024, 6, 17), segment="SMB")}
    assert {segment for segment, _ in rows} == {"SMB"}
    assert rows[("SMB", "MRR")].target_value == 100 and rows[("SMB", "MRR")].meets_target is True
    churn = rows[("SMB", "Churn Rate")]
    assert churn.target_period == "monthly" and churn.meets_target is False  # 50% is above the 4% ceiling
    assert rows[("SMB", "ARPU")].target_value is None and rows[("SMB", "ARPU")].meets_target is None


def test_kpi_report_defaults_to_the_last_month(company):
    rows = selectors.kpi_report()
    assert {row.month for row in rows} == {JUNE}


def test_mrr_series_measures_each_month_end(company):
    series = {(row["month"], row["segment"]): row for row in selectors.mrr_series()}
    assert series[(JUNE, "SMB")]["active_customers"] == 2 and series[(JUNE, "SMB")]["mrr"] == pytest.approx(108)
    assert series[(dt.date(2024, 5, 1), "SMB")]["mrr"] == pytest.approx(108)  # A and B
    assert series[(dt.date(2024, 2, 1), "Mid-Market")]["mrr"] == pytest.approx(79)
    assert series[(dt.date(2024, 3, 1), "Mid-Market")]["mrr"] == pytest.approx(299)
    assert (dt.date(2023, 1, 1), "SMB") not in series
    assert {row["segment"] for row in selectors.mrr_series(segment="Mid-Market")} == {"Mid-Market"}


def test_cohort_retention(company):
    rows = {(row["cohort"], row["months_since_signup"]): row for row in selectors.cohort_retention(segment="SMB")}
    january = rows[(dt.date(2024, 1, 1), 0)]
    assert january["cohort_size"] == 2 and january["retained"] == 2
    assert rows[(dt.date(2024, 1, 1), 5)]["retained"] == 1  # B churned in June
    assert rows[(dt.date(2024, 1, 1), 5)]["retention_rate"] == pytest.approx(50.0)
    assert rows[(dt.date(2024, 6, 1), 0)]["retained"] == 1
    assert max(offset for _, offset in rows) == 5  # nothing past the last month


def test_funnel_rates_are_computed_in_sql(company):
    row = selectors.funnel_list().get()
    assert row.lead_rate == pytest.approx(4.0) and row.mql_rate == pytest.approx(25.0)
    assert row.visitor_to_mql_rate == pytest.approx(1.0)


def test_empty_database_gives_empty_analytics():
    assert selectors.kpi_report() == []
    assert selectors.mrr_series() == [] and selectors.cohort_retention() == []
