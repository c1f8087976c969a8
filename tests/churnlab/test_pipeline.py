"""The DuckDB pipeline over the Parquet files: staging, features and labels, data quality, reproducible files."""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from churnlab import constants as c
from churnlab.generation import generate_churnlab
from churnlab.parquet import RAW_TABLES, table_path
from churnlab.pipeline import PipelineError, run_pipeline
from churnlab.services import churnlab_seed

from .conftest import CUSTOMERS, END


def test_raw_files_hold_the_raw_tables_and_the_truth_lives_apart(pipeline_run):
    root, report, _ = pipeline_run
    assert sorted(path.name for path in (root / "raw").glob("*.parquet")) == sorted(f"{t}.parquet" for t in RAW_TABLES)
    assert (root / "truth" / "churn_truth.parquet").is_file()
    for table in RAW_TABLES:
        assert pq.read_metadata(root / "raw" / f"{table}.parquet").num_rows == report.rows[table]
    raw_columns = {name for table in RAW_TABLES for name in pq.read_schema(root / "raw" / f"{table}.parquet").names}
    assert not {"churned", "churn_date"} & raw_columns
    assert report.rows["customers"] == CUSTOMERS
    assert report.database == "Parquet only (--no-db)"


def test_staging_and_analytics_files_are_written(pipeline_run):
    root, report, result = pipeline_run
    for table in RAW_TABLES:
        staged = pq.read_table(root / "staging" / f"{table}.parquet")
        assert staged.num_rows == report.rows[table]  # generated data has no duplicates to drop
    assert "usage_date" in pq.read_schema(root / "staging" / "usage_daily.parquet").names
    assert (root / "analytics" / "churn_features.parquet").is_file()
    assert (root / "analytics" / "data_quality_summary.parquet").is_file()
    assert result.rows["churn_features"] == CUSTOMERS


def test_feature_table_has_one_row_per_customer(pipeline_run):
    root, _, _ = pipeline_run
    features = pd.read_parquet(root / "analytics" / "churn_features.parquet")
    assert len(features) == CUSTOMERS
    assert features["customer_id"].is_unique
    assert sorted(features["customer_id"]) == list(range(1, CUSTOMERS + 1))


def test_churn_label_follows_recency_against_the_latest_usage_date(pipeline_run):
    root, _, _ = pipeline_run
    usage = pd.read_parquet(root / "raw" / "usage_daily.parquet")
    features = pd.read_parquet(root / "analytics" / "churn_features.parquet").set_index("customer_id")
    observation = usage["date"].max()
    last = usage.groupby("customer_id")["date"].max().reindex(features.index)
    recency = (pd.Timestamp(observation) - pd.to_datetime(last)).dt.days
    expected = np.where(recency > 45, 1.0, np.where(recency < 30, 0.0, np.nan))
    expected[last.isna().to_numpy()] = np.nan
    assert (features["observation_date"] == observation).all()
    np.testing.assert_array_equal(features["recency_days"].to_numpy(dtype=float), recency.to_numpy(dtype=float))
    np.testing.assert_array_equal(features["churn_label"].to_numpy(dtype=float), expected)
    # All three outcomes occur, so the rule is exercised.
    assert set(features["churn_label"].dropna().unique()) == {0, 1}
    assert features["churn_label"].isna().sum() > 0


def test_features_agree_with_the_raw_rows(pipeline_run):
    root, _, _ = pipeline_run
    usage = pd.read_parquet(root / "raw" / "usage_daily.parquet")
    bills = pd.read_parquet(root / "raw" / "billing.parquet")
    tickets = pd.read_parquet(root / "raw" / "support.parquet")
    features = pd.read_parquet(root / "analytics" / "churn_features.parquet").set_index("customer_id")

    def same(column, expected):
        """Equal where the original has a value, and NULL exactly where it has NULL (no rows to count)."""
        np.testing.assert_array_equal(features[column].to_numpy(dtype=float), expected.to_numpy(dtype=float))

    index = features.index
    same("active_days", usage.groupby("customer_id").size().reindex(index))
    billed = bills.groupby("customer_id").size().reindex(index)
    same("total_bills", billed)
    issues = bills[bills["payment_status"] != "paid"].groupby("customer_id").size().reindex(index)
    same("total_payment_issues", issues.where(billed.isna(), issues.fillna(0)))
    zero_paid = bills[(bills["amount"] == 0) & (bills["payment_status"] == "paid")].groupby("customer_id").size()
    same("zero_paid_anomalies", zero_paid.reindex(index).where(billed.isna(), zero_paid.reindex(index).fillna(0)))
    asked = tickets.groupby("customer_id").size().reindex(index)
    high = tickets[tickets["priority"] == "high"].groupby("customer_id").size().reindex(index)
    same("high_priority_tickets", high.where(asked.isna(), high.fillna(0)))
    # The 30-day averages are per active day, as the original computes them; NULL without usage in the window.
    observation = pd.Timestamp(features["observation_date"].iloc[0])
    last_30 = usage[pd.to_datetime(usage["date"]) > observation - pd.Timedelta(days=30)]
    np.testing.assert_allclose(
        features["avg_usage_last_30d"].to_numpy(dtype=float),
        last_30.groupby("customer_id")["usage_minutes"].mean().reindex(index).to_numpy(dtype=float),
    )
    # plan is the plan at signup: a Free customer is billed only after an upgrade, and only a few upgrade.
    free = features["plan"] == "Free"
    assert features.loc[free, "total_bills"].isna().mean() > 0.8


def test_staging_keeps_the_original_column_names(pipeline_run):
    root, _, _ = pipeline_run
    staged = pd.read_parquet(root / "staging" / "usage_daily.parquet")
    assert {"usage_id", "date", "usage_date"} <= set(staged.columns)
    assert (staged["date"] == staged["usage_date"]).all()
    assert "bill_id" in pd.read_parquet(root / "staging" / "billing.parquet").columns


def test_churn_rate_orders_plans_free_basic_pro_enterprise(pipeline_run):
    root, _, _ = pipeline_run
    features = pd.read_parquet(root / "analytics" / "churn_features.parquet")
    rates = features.dropna(subset=["churn_label"]).groupby("plan")["churn_label"].mean()
    ordered = [rates[plan.value] for plan in c.PLANS]
    assert ordered == sorted(ordered, reverse=True), rates


def test_fading_customers_show_falling_usage(pipeline_run):
    root, _, _ = pipeline_run
    features = pd.read_parquet(root / "analytics" / "churn_features.parquet")
    truth = pd.read_parquet(root / "truth" / "churn_truth.parquet")
    merged = features.merge(truth, on="customer_id")
    # Customers who churn in the last month of the window were fading when observed.
    fading = merged["churn_date"].between(dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    steady = ~merged["churned"] & (merged["tenure_days"] > 90)
    assert merged.loc[fading, "usage_trend_30d"].mean() < 0 < merged.loc[fading, "avg_usage_prev_30d"].mean()
    assert merged.loc[fading, "usage_trend_30d"].mean() < merged.loc[steady, "usage_trend_30d"].mean()


def test_data_quality_summary_is_clean_on_generated_data(pipeline_run):
    _, _, result = pipeline_run
    quality = dict(zip(result.quality["check_name"], result.quality["failing_rows"], strict=True))
    assert quality["negative_minutes"] == 0
    assert quality["duplicate_bills"] == 0
    assert quality["tickets_before_signup"] == 0
    assert quality["usage_before_signup"] == 0
    # Poisson sessions are sometimes 0 on a day with minutes: the check sees them.
    assert quality["minutes_without_sessions"] > 0
    assert len(quality) == 8


def test_data_quality_catches_injected_problems(tmp_path):
    raw = tmp_path / "raw"
    churnlab_seed(using=None, out_dir=raw, seed=3, customers=200, end_date=END)
    usage = pd.read_parquet(raw / "usage_daily.parquet")
    usage.loc[usage.index[:3], "usage_minutes"] = -5.0
    usage.to_parquet(raw / "usage_daily.parquet", index=False)
    bills = pd.read_parquet(raw / "billing.parquet")
    duplicated = bills.iloc[:2].assign(bill_id=[900_001, 900_002])
    pd.concat([bills, duplicated]).to_parquet(raw / "billing.parquet", index=False)
    customers = pd.read_parquet(raw / "customers.parquet")
    tickets = pd.read_parquet(raw / "support.parquet")
    first = tickets.iloc[0]
    signup = customers.set_index("customer_id").loc[first["customer_id"], "signup_date"]
    tickets.loc[tickets.index[0], "ticket_date"] = signup - dt.timedelta(days=3)
    tickets.to_parquet(raw / "support.parquet", index=False)

    result = run_pipeline(raw_dir=raw, out_dir=tmp_path)

    quality = dict(zip(result.quality["check_name"], result.quality["failing_rows"], strict=True))
    assert quality["negative_minutes"] == 3
    assert quality["duplicate_bills"] == 2
    assert quality["tickets_before_signup"] == 1
    # Staging drops the duplicates and nulls the negative minutes.
    assert pq.read_metadata(tmp_path / "staging" / "billing.parquet").num_rows == len(bills)
    staged = pd.read_parquet(tmp_path / "staging" / "usage_daily.parquet")
    assert staged["usage_minutes"].isna().sum() == 3


def test_same_seed_gives_identical_parquet_files(tmp_path):
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        churnlab_seed(using=None, out_dir=tmp_path / name / "raw", seed=seed, customers=300, end_date=END)
    for table in (*RAW_TABLES, "churn_truth"):
        first = table_path(tmp_path / "a" / "raw", table).read_bytes()
        assert first == table_path(tmp_path / "b" / "raw", table).read_bytes(), table
    assert (tmp_path / "a/raw/usage_daily.parquet").read_bytes() != (
        tmp_path / "c/raw/usage_daily.parquet"
    ).read_bytes()


def test_missing_raw_folder_or_file_is_a_one_line_error(tmp_path):
    with pytest.raises(PipelineError, match=r"raw folder .*nowhere does not exist: run seed_churnlab"):
        run_pipeline(raw_dir=tmp_path / "nowhere", out_dir=tmp_path)
    (tmp_path / "raw").mkdir()
    with pytest.raises(PipelineError, match=r"lacks customers.parquet, usage_daily.parquet"):
        run_pipeline(raw_dir=tmp_path / "raw", out_dir=tmp_path)


def test_a_failed_seed_leaves_previous_parquet_files(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    churnlab_seed(using=None, out_dir=raw, seed=1, customers=12_000, end_date=END)
    before = {path.name: path.read_bytes() for path in raw.glob("*.parquet")}

    real = generate_churnlab

    def broken(**kwargs):
        for number, batch in enumerate(real(**kwargs)):
            if number == 7:  # customers, truth and the first usage, billing and support shard are written by then
                raise KeyboardInterrupt
            yield batch

    monkeypatch.setattr("churnlab.services.generate_churnlab", broken)
    with pytest.raises(KeyboardInterrupt):
        churnlab_seed(using=None, out_dir=raw, seed=2, customers=12_000, end_date=END)
    assert {path.name: path.read_bytes() for path in raw.glob("*.parquet")} == before
    assert not list(raw.glob(".*partial"))
