"""seed_hopify and load_benchmarks as users run them: guards, one-line errors, untouched databases, determinism."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.loader import BulkLoad
from core.validation import table_digest
from hopify.benchmarks import DEFAULT_BENCHMARKS
from hopify.constants import DEFAULT_END_DATE
from hopify.generation import planned_customers
from hopify.models import Benchmark, Customer, Order, Payment, Subscription, SupportTicket

ROOT = Path(__file__).resolve().parents[2]
TINY = "0.01"  # ~750 customers
MODELS = (Customer, Subscription, Order, Payment, SupportTicket, Benchmark)
HEADER = "benchmark_id,metric_category,segment,metric_name,target_value,description,target_period\n"


def digests(alias):
    return {m._meta.db_table: table_digest(using=alias, model=m) for m in MODELS}


def run_manage(*args, timeout=120):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def bad_benchmarks(tmp_path) -> Path:
    path = tmp_path / "bad.csv"
    lines = DEFAULT_BENCHMARKS.read_text().splitlines()
    lines[5] = lines[5].replace(",Mid-Market,", ",Midmarket,")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_seed_reports_refuses_without_reset_and_replaces_with_it(scratch_database):
    url, alias = scratch_database("hopify")
    out = StringIO()
    call_command("seed_hopify", "--database-url", url, "--scale", TINY, stdout=out)
    text = out.getvalue()
    assert "rows/s" in text and "customers by segment" in text and "MRR at the window's end" in text
    assert "Churn Rate" in text and "benchmark target" in text
    before = digests(alias)
    with pytest.raises(CommandError, match=r"already holds hopify data .*use --reset"):
        call_command("seed_hopify", "--database-url", url, "--scale", TINY, stdout=StringIO())
    assert digests(alias) == before
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", "--reset", "--no-input", stdout=StringIO())
    assert Customer.objects.using(alias).count() == planned_customers(seed=42, scale=0.005, end_date=DEFAULT_END_DATE)


def test_interrupted_reset_leaves_the_database_as_it_was(scratch_database, monkeypatch):
    url, alias = scratch_database("hopify")
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", stdout=StringIO())
    before = digests(alias)
    original_write = BulkLoad.write
    calls = {"n": 0}

    def write_then_interrupt(self, model, columns):
        calls["n"] += 1
        if calls["n"] == 12:  # inside the first customer shard, after the reference tables
            raise KeyboardInterrupt
        return original_write(self, model, columns)

    monkeypatch.setattr(BulkLoad, "write", write_then_interrupt)
    with pytest.raises(CommandError, match="interrupted: nothing was written"):
        call_command("seed_hopify", "--database-url", url, "--scale", TINY, "--reset", "--no-input", stdout=StringIO())
    assert calls["n"] == 12
    assert digests(alias) == before


def test_same_seed_same_tables_whatever_the_batch_size(scratch_database):
    first_url, first = scratch_database("hopify")
    second_url, second = scratch_database("hopify")
    call_command("seed_hopify", "--database-url", first_url, "--scale", TINY, "--seed", "5", stdout=StringIO())
    call_command(
        "seed_hopify", "--database-url", second_url, "--scale", TINY, "--seed", "5", "--batch-size", "333",
        stdout=StringIO(),
    )  # fmt: skip
    assert digests(first) == digests(second)


def test_bad_benchmark_file_writes_nothing(scratch_database, tmp_path):
    url, alias = scratch_database("hopify")
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", stdout=StringIO())
    before = digests(alias)
    bad = bad_benchmarks(tmp_path)
    message = r"bad.csv line 6, column segment: 'Midmarket' is not one of SMB, Mid-Market, Enterprise"
    with pytest.raises(CommandError, match=message):
        call_command(
            "seed_hopify", "--database-url", url, "--scale", "0.005", "--reset", "--no-input", "--benchmarks",
            str(bad), stdout=StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match=message):
        call_command("load_benchmarks", str(bad), "--database-url", url, stdout=StringIO())
    assert digests(alias) == before


def test_load_benchmarks_replaces_only_the_targets(scratch_database, tmp_path):
    url, alias = scratch_database("hopify")
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", stdout=StringIO())
    customers = table_digest(using=alias, model=Customer)
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "7,Revenue,SMB,MRR,5000,Our own target,monthly\n")
    out = StringIO()
    call_command("load_benchmarks", str(path), "--database-url", url, stdout=out)
    assert "Loaded 1 benchmarks" in out.getvalue()
    assert list(Benchmark.objects.using(alias).values_list("id", "metric_name", "target_value")) == [(7, "MRR", 5000.0)]
    assert table_digest(using=alias, model=Customer) == customers


def test_seed_with_a_users_benchmark_file(scratch_database, tmp_path):
    url, alias = scratch_database("hopify")
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "1,Customer,Enterprise,Churn Rate,1.5,Target,monthly\n")
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", "--benchmarks", str(path), stdout=StringIO())
    assert Benchmark.objects.using(alias).get().target_value == 1.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "argument --scale: 0 is out of range: allowed a number from 0.001 to 50"),
        (["--scale", "-1"], "argument --scale: -1 is out of range"),
        (["--scale", "nan"], "argument --scale: 'nan' is not a finite number"),
        (["--scale", "abc"], "argument --scale: 'abc' is not a number"),
        (["--end-date", "2025-02-30"], "argument --end-date: '2025-02-30' is not a date (YYYY-MM-DD from 1903-01-01"),
        (["--end-date", "0099-01-01"], "argument --end-date: 0099-01-01 is out of range"),
        (["--benchmarks", "/nonexistent/targets.csv"], "/nonexistent/targets.csv: no such file"),
    ],
)
def test_bad_input_gives_one_line_error_and_creates_no_database(tmp_path, args, message):
    target = tmp_path / "never.sqlite3"
    result = run_manage("seed_hopify", "--database-url", f"sqlite:///{target}", *args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert not target.exists()


def test_bad_benchmark_row_on_the_command_line_is_one_line(tmp_path):
    target = tmp_path / "never.sqlite3"
    result = run_manage("load_benchmarks", str(bad_benchmarks(tmp_path)), "--database-url", f"sqlite:///{target}")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "CommandError: bad.csv line 6, column segment: 'Midmarket' is not one of SMB, Mid-Market, Enterprise"
    )
    assert not target.exists()


@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_same_seed_same_tables_on_every_backend(scratch_database, kind):
    sqlite_url, sqlite_alias = scratch_database("hopify", kind="sqlite")
    other_url, other_alias = scratch_database("hopify", kind=kind)
    for url in (sqlite_url, other_url):
        call_command("seed_hopify", "--database-url", url, "--scale", "0.005", "--seed", "11", stdout=StringIO())
    assert digests(sqlite_alias) == digests(other_alias)


def test_progress_lines_count_customers_once_per_shard(scratch_database):
    url, _ = scratch_database("hopify")
    out = StringIO()
    call_command("seed_hopify", "--database-url", url, "--scale", "0.005", "-v", "2", stdout=out)
    total = planned_customers(seed=42, scale=0.005, end_date=DEFAULT_END_DATE)
    progress = [line for line in out.getvalue().splitlines() if line.startswith("customers:")]
    assert progress == [f"customers: 0/{total:,} customers", f"customers: {total:,}/{total:,} customers"]


def test_a_later_end_date_from_the_same_start_keeps_the_earlier_rows(scratch_database):
    short_url, short = scratch_database("hopify")
    long_url, long = scratch_database("hopify")
    common = ["--scale", TINY, "--seed", "9", "--start-date", "2022-07-01"]
    call_command("seed_hopify", "--database-url", short_url, *common, "--end-date", "2025-06-30", stdout=StringIO())
    call_command("seed_hopify", "--database-url", long_url, *common, "--end-date", "2025-12-31", stdout=StringIO())

    def before(alias, model, field, *columns):
        cutoff = dt.date(2025, 7, 1)
        if field.endswith("_at") or field in ("payment_date", "order_date"):  # datetimes: an aware midnight
            cutoff = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
        rows = model.objects.using(alias).filter(**{f"{field}__lt": cutoff}).order_by(*columns)
        return list(rows.values_list(*columns))

    assert Customer.objects.using(long).count() > Customer.objects.using(short).count()
    columns = ("id", "name", "email", "signup_date", "customer_segment", "acquisition_source")
    assert before(short, Customer, "signup_date", *columns) == before(long, Customer, "signup_date", *columns)
    columns = ("customer_id", "payment_date", "payment_amount", "payment_method", "success")
    assert before(short, Payment, "payment_date", *columns) == before(long, Payment, "payment_date", *columns)
    columns = ("customer_id", "order_date", "total_amount", "discount_amount", "order_type")
    assert before(short, Order, "order_date", *columns) == before(long, Order, "order_date", *columns)
    columns = ("customer_id", "start_date", "end_date", "plan_type", "seats", "subscription_price", "change_type")
    assert before(short, Subscription, "end_date", *columns) == before(long, Subscription, "end_date", *columns)


def test_a_start_after_the_end_is_one_line_error():
    result = run_manage("seed_hopify", "--start-date", "2025-01-01", "--end-date", "2024-06-30", "--no-input")
    assert result.returncode != 0
    message = "CommandError: --start-date 2025-01-01 is after --end-date 2024-06-30"
    assert result.stderr.strip().splitlines() == [message]
