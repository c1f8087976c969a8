"""cardportfolio_seed into the test database at a tiny scale: volumes, integrity, Parquet, validation failures."""

import datetime as dt

import numpy as np
import pyarrow.parquet as pq
import pytest
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth

from cardportfolio import generation, services
from cardportfolio.models import Customer, Statement, Transaction
from cardportfolio.services import CustomerValidationError, cardportfolio_seed
from core.validation import foreign_key_orphans

from .conftest import AS_OF, CARDPORTFOLIO_DATABASES

pytestmark = pytest.mark.django_db(databases=CARDPORTFOLIO_DATABASES)


def test_seed_loads_customers_and_transactions_with_intact_keys(tmp_path):
    parquet = tmp_path / "deep" / "transactions.parquet"
    csv = tmp_path / "out" / "customers.csv"
    report = cardportfolio_seed(using="cardportfolio", customers=250, csv_path=csv, parquet_path=parquet)

    assert Customer.objects.using("cardportfolio").count() == 250
    transactions = Transaction.objects.using("cardportfolio")
    assert report.rows == {
        "customers": 250,
        "transactions": transactions.count(),
        "customer_monthly_spend": transactions.annotate(month=TruncMonth("transaction_date"))
        .values("customer_id", "month")
        .distinct()
        .count(),
        "merchants": 5_000,
        "statements": Statement.objects.using("cardportfolio").count(),
    }
    # Nearly everyone transacts (an account opened in the window's last days may not have yet).
    assert transactions.values("customer_id").distinct().count() >= 247
    assert all(orphan.orphans == 0 for orphan in foreign_key_orphans(using="cardportfolio", app_label="cardportfolio"))
    bounds = transactions.aggregate(first=Min("transaction_date"), last=Max("transaction_date"))
    assert bounds["first"].date() >= dt.date(2024, 7, 1) and bounds["last"].date() <= dt.date(2025, 12, 31)
    assert csv.exists() and len(csv.read_text().splitlines()) == 251
    text = "\n".join(report.details)
    assert "Total customers: 250" in text and "approved" in text


def test_parquet_holds_the_same_transactions_as_the_database(tmp_path):
    parquet = tmp_path / "transactions.parquet"
    cardportfolio_seed(using="cardportfolio", customers=120, months=4, parquet_path=parquet)

    table = pq.read_table(parquet)
    assert table.column_names == [
        "transaction_id", "customer_id", "transaction_date", "amount", "merchant_name", "merchant_category",
        "channel", "status", "merchant_id", "currency", "original_amount", "decline_reason",
    ]  # fmt: skip
    assert pq.ParquetFile(parquet).num_row_groups == 4  # one per month
    rows = list(
        Transaction.objects.using("cardportfolio")
        .order_by("transaction_id")
        .values_list("transaction_id", "customer_id", "amount", "merchant_name", "status")
    )
    assert table.num_rows == len(rows)
    frame = table.to_pandas()
    assert frame["transaction_id"].tolist() == [row[0] for row in rows]
    assert frame["customer_id"].tolist() == [row[1] for row in rows]
    assert np.allclose(frame["amount"].to_numpy(), [float(row[2]) for row in rows])
    assert frame["merchant_name"].tolist() == [row[3] for row in rows]
    assert frame["status"].tolist() == [row[4] for row in rows]
    assert not parquet.with_name(parquet.name + ".partial").exists()


def test_no_transactions_loads_customers_only(tmp_path):
    report = cardportfolio_seed(
        using="cardportfolio", customers=40, transactions=False, parquet_path=tmp_path / "t.parquet"
    )
    assert report.rows == {"customers": 40}  # no monthly summary either
    assert not Transaction.objects.using("cardportfolio").exists()
    assert not (tmp_path / "t.parquet").exists()


def test_monthly_counts_follow_the_months_option():
    cardportfolio_seed(using="cardportfolio", customers=60, months=5, as_of=dt.date(2025, 3, 20))
    dates = Transaction.objects.using("cardportfolio").aggregate(
        first=Min("transaction_date"), last=Max("transaction_date")
    )
    assert dates["first"].date() >= dt.date(2024, 10, 1) and dates["last"].date() < dt.date(2025, 3, 1)


def test_approval_rate_is_about_97_percent():
    cardportfolio_seed(using="cardportfolio", customers=300, months=6)
    counts = dict(Transaction.objects.using("cardportfolio").values_list("status").annotate(n=Count("pk")).order_by())
    assert counts["approved"] / sum(counts.values()) == pytest.approx(0.97, abs=0.01)


def test_invalid_customers_raise_before_anything_is_written(monkeypatch, tmp_path):
    original = generation.generate_customer_columns

    def with_bad_email(**kwargs):
        columns = original(**kwargs)
        columns["email"] = columns["email"].astype(object)
        columns["email"][3] = "broken.example.com"
        return columns

    monkeypatch.setattr(services, "generate_customer_columns", with_bad_email)
    csv, parquet = tmp_path / "c.csv", tmp_path / "t.parquet"
    with pytest.raises(CustomerValidationError) as caught:
        cardportfolio_seed(using="cardportfolio", customers=30, csv_path=csv, parquet_path=parquet)
    assert any("malformed email" in error for error in caught.value.result["errors"])
    assert not Customer.objects.using("cardportfolio").exists()
    assert not csv.exists() and not parquet.exists()


def test_a_failed_load_leaves_no_parquet_behind(monkeypatch, tmp_path):
    parquet = tmp_path / "t.parquet"

    def failing_write(self, model, columns):
        if model is Transaction:
            raise RuntimeError("disk full")
        return original_write(self, model, columns)

    from core.loader import BulkLoad

    original_write = BulkLoad.write
    monkeypatch.setattr(BulkLoad, "write", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        cardportfolio_seed(using="cardportfolio", customers=20, months=2, as_of=AS_OF, parquet_path=parquet)
    assert not parquet.exists() and not parquet.with_name(parquet.name + ".partial").exists()
    assert not Customer.objects.using("cardportfolio").exists()


def test_batch_size_never_changes_the_data():
    cardportfolio_seed(using="cardportfolio", customers=50, months=2, batch_size=7)
    small = list(Transaction.objects.using("cardportfolio").values_list("transaction_id", "customer_id", "amount"))
    cardportfolio_seed(using="cardportfolio", customers=50, months=2, reset=True, batch_size=50_000)
    large = list(Transaction.objects.using("cardportfolio").values_list("transaction_id", "customer_id", "amount"))
    assert small == large and len(small) > 100
