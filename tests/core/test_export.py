"""export_dataset streams every table to CSV or Parquet with the same rows as the database."""

import csv
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from minicrm.models import Customer, Order, OrderItem, Product, RFMScore


def test_csv_and_parquet_hold_every_row(scratch_database, tmp_path):
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "50", stdout=StringIO())
    call_command("calculate_rfm", "--database-url", url, stdout=StringIO())
    for fmt in ("csv", "parquet"):
        out = tmp_path / fmt
        call_command(
            "export_dataset", "minicrm", "--database-url", url, "--format", fmt, "--out", str(out), stdout=StringIO()
        )
        for model in (Customer, Product, Order, OrderItem, RFMScore):
            path = out / f"{model._meta.db_table}.{fmt}"
            expected = model.objects.using(alias).count()
            if fmt == "csv":
                with path.open() as handle:
                    rows = list(csv.reader(handle))
                assert rows[0] == [field.column for field in model._meta.concrete_fields]
                assert len(rows) - 1 == expected
            else:
                table = pq.read_table(path)
                assert table.num_rows == expected
                assert table.column_names == [field.column for field in model._meta.concrete_fields]
    first = Customer.objects.using(alias).order_by("pk").first()
    with (tmp_path / "csv" / "customers.csv").open() as handle:
        row = next(iter(csv.DictReader(handle)))
    assert row["email"] == first.email and int(row["customer_id"]) == first.pk


def test_export_small_chunks_give_the_same_file(scratch_database, tmp_path):
    from core.export import dataset_export

    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "30", stdout=StringIO())
    dataset_export(domain="minicrm", using=alias, fmt="csv", out_dir=tmp_path / "a", chunk_rows=7)
    dataset_export(domain="minicrm", using=alias, fmt="csv", out_dir=tmp_path / "b")
    for name in ("orders.csv", "order_items.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_unknown_format_is_rejected():
    from core.export import dataset_export

    with pytest.raises(ValueError, match="unknown format 'xls'"):
        dataset_export(domain="minicrm", using="minicrm", fmt="xls", out_dir=None)


def test_export_through_any_sink_keeps_the_database_digests(scratch_database, tmp_path):
    import duckdb

    from core.contract import rows_digest, table_contract
    from core.validation import table_digest

    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "40", stdout=StringIO())
    target = f"duckdb:{tmp_path / 'm.duckdb'}"
    call_command("export_dataset", "minicrm", "--database-url", url, "--to", target, stdout=StringIO())
    connection = duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True)
    for model in (Customer, Product, Order, OrderItem):
        contract = table_contract(model)
        columns = ", ".join(f'"{c.column}"' for c in contract.columns)
        rows = connection.execute(f'SELECT {columns} FROM "{contract.table}" ORDER BY 1').fetchall()
        assert rows_digest(contract, rows) == table_digest(using=alias, model=model)
    assert connection.execute("SELECT seed FROM synthbiz_generation").fetchone() == (42,)


def test_parquet_export_is_typed_by_the_contract(scratch_database, tmp_path):
    import pyarrow as pa

    url, _ = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "20", stdout=StringIO())
    call_command("export_dataset", "minicrm", "--database-url", url, "--to", f"parquet:{tmp_path}", stdout=StringIO())
    schema = pq.read_schema(tmp_path / "orders.parquet")
    assert schema.field("order_date").type == pa.timestamp("ms")  # Parquet's finest stored unit for seconds
    assert schema.field("total_price").type == pa.float64()
    assert schema.field("customer_id").type == pa.int32()


def test_export_to_an_unknown_target_is_one_line(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown target scheme 'xls'"):
        call_command("export_dataset", "minicrm", "--to", f"xls:{tmp_path}", stdout=StringIO())
