"""Seeding and the pipeline against the test database (SQLite, MariaDB or PostgreSQL as configured)."""

import datetime as dt

import numpy as np
import pyarrow.parquet as pq
import pytest

from churnlab import selectors
from churnlab.models import Billing, ChurnFeature, ChurnTruth, Customer, DataQualityCheck, SupportTicket, UsageDaily
from churnlab.pipeline import PipelineError
from churnlab.services import churn_pipeline_run, churnlab_seed
from core.validation import foreign_key_orphans, table_digest

from .conftest import CHURNLAB_DATABASES, END

pytestmark = pytest.mark.django_db(databases=CHURNLAB_DATABASES)
RAW_MODELS = {
    "customers": (Customer, "customer_id"),
    "usage_daily": (UsageDaily, "usage_id"),
    "billing": (Billing, "bill_id"),
    "support": (SupportTicket, "ticket_id"),
}
MODELS = (Customer, ChurnTruth, UsageDaily, Billing, SupportTicket)


def as_python(value):
    if isinstance(value, dt.date | str | bool | int) or value is None:
        return value
    return float(value)


@pytest.fixture
def seeded(tmp_path):
    report = churnlab_seed(using="churnlab", out_dir=tmp_path / "raw", seed=42, customers=600, end_date=END)
    return tmp_path, report


def test_report_counts_match_database_and_files(seeded):
    root, report = seeded
    assert report.rows["customers"] == Customer.objects.count() == 600
    assert report.rows["churn_truth"] == ChurnTruth.objects.count() == 600
    for table, (model, _) in RAW_MODELS.items():
        assert (
            report.rows[table] == model.objects.count() == pq.read_metadata(root / "raw" / f"{table}.parquet").num_rows
        )
    assert any("missing logs" in line for line in report.details)
    assert any("truly churned within the window: Free" in line for line in report.details)


@pytest.mark.parametrize("table", [*RAW_MODELS, "churn_truth"])
def test_parquet_and_database_hold_the_same_rows(seeded, table):
    root, _ = seeded
    path = root / "truth" / "churn_truth.parquet" if table == "churn_truth" else root / "raw" / f"{table}.parquet"
    frame = pq.read_table(path).to_pydict()
    model = ChurnTruth if table == "churn_truth" else RAW_MODELS[table][0]
    names = list(frame)
    key = RAW_MODELS[table][1] if table in RAW_MODELS else None
    fields = ["pk" if name == key else name for name in names]
    rows = list(model.objects.order_by("pk").values_list(*fields))
    expected = list(zip(*(frame[name] for name in names), strict=True))
    assert len(rows) == len(expected)
    assert [tuple(as_python(v) for v in row) for row in rows] == [tuple(as_python(v) for v in row) for row in expected]


def test_foreign_keys_intact(seeded):
    orphans = foreign_key_orphans(using="churnlab", app_label="churnlab")
    assert {(o.table, o.column) for o in orphans} >= {
        ("usage_daily", "customer_id"),
        ("billing", "customer_id"),
        ("support", "customer_id"),
        ("churn_truth", "customer_id"),
    }
    assert all(o.orphans == 0 for o in orphans), orphans


def test_batch_size_does_not_change_data(tmp_path):
    churnlab_seed(using="churnlab", out_dir=tmp_path / "a", seed=7, customers=300, batch_size=97)
    small = {m._meta.db_table: table_digest(using="churnlab", model=m) for m in MODELS}
    churnlab_seed(using="churnlab", out_dir=tmp_path / "b", seed=7, customers=300, batch_size=50_000, reset=True)
    large = {m._meta.db_table: table_digest(using="churnlab", model=m) for m in MODELS}
    assert small == large
    churnlab_seed(using="churnlab", out_dir=tmp_path / "c", seed=8, customers=300, reset=True)
    assert table_digest(using="churnlab", model=UsageDaily) != large["usage_daily"]


def test_pipeline_loads_features_and_quality_summary(seeded):
    root, _ = seeded
    report = churn_pipeline_run(raw_dir=root / "raw", out_dir=root, using="churnlab")
    assert ChurnFeature.objects.count() == Customer.objects.count() == 600
    assert DataQualityCheck.objects.count() == 8
    file_rows = pq.read_table(root / "analytics" / "churn_features.parquet").to_pydict()
    labels = dict(ChurnFeature.objects.values_list("customer_id", "churn_label"))
    assert labels == dict(zip(file_rows["customer_id"], file_rows["churn_label"], strict=True))
    assert "Loaded churn_features" in "\n".join(report.lines())
    # Running again replaces the rows instead of adding to them.
    churn_pipeline_run(raw_dir=root / "raw", out_dir=root, using="churnlab")
    assert ChurnFeature.objects.count() == 600
    assert DataQualityCheck.objects.count() == 8


def test_pipeline_refuses_a_database_holding_other_customers(seeded, tmp_path):
    other = tmp_path / "other"
    churnlab_seed(using=None, out_dir=other / "raw", seed=1, customers=50, end_date=END)
    with pytest.raises(PipelineError, match=r"holds 600 customers but the raw files 50: .*--no-db"):
        churn_pipeline_run(raw_dir=other / "raw", out_dir=other, using="churnlab")
    assert ChurnFeature.objects.count() == 0


def test_reset_replaces_features_of_the_old_data(seeded):
    root, _ = seeded
    churn_pipeline_run(raw_dir=root / "raw", out_dir=root, using="churnlab")
    churnlab_seed(using="churnlab", out_dir=root / "raw2", seed=5, customers=100, reset=True)
    assert Customer.objects.count() == 100
    assert ChurnFeature.objects.count() == 0
    assert DataQualityCheck.objects.count() == 0


def test_truth_churn_by_plan_orders_plans(seeded):
    rows = {row["plan"]: row["churned"] / row["customers"] for row in selectors.truth_churn_by_plan()}
    assert rows["Free"] > rows["Basic"] > rows["Pro"] > rows["Enterprise"]
    assert np.isclose(sum(row["customers"] for row in selectors.truth_churn_by_plan()), 600)
