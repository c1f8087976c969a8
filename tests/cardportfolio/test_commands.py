"""seed_cardportfolio and validate_cardportfolio as users run them: files, guards, validation, determinism."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cardportfolio import generation, services
from cardportfolio.models import Customer, Transaction
from core.validation import table_digest

ROOT = Path(__file__).resolve().parents[2]


def digests(alias):
    return {model._meta.db_table: table_digest(using=alias, model=model) for model in (Customer, Transaction)}


def seed(url, tmp_path, *args, name="run"):
    out = StringIO()
    call_command(
        "seed_cardportfolio",
        "--database-url", url,
        "--output", str(tmp_path / name / "nested" / "customers.csv"),
        "--parquet", str(tmp_path / name / "tx" / "transactions.parquet"),
        *args,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def run_manage(*args, timeout=120):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_seed_writes_csv_parquet_and_database_then_refuses_without_reset(scratch_database, tmp_path):
    url, alias = scratch_database("cardportfolio")
    text = seed(url, tmp_path, "--count", "150", "--months", "3")

    assert "Total customers: 150" in text and "Unique IDs: 150" in text
    assert "Segment Distribution:" in text and "Card Type Distribution:" in text and "rows/s" in text
    csv = tmp_path / "run" / "nested" / "customers.csv"
    assert csv.read_text().splitlines()[0].startswith("customer_id,first_name,last_name,email,age,state,city")
    assert (tmp_path / "run" / "tx" / "transactions.parquet").exists()
    assert Customer.objects.using(alias).count() == 150 and Transaction.objects.using(alias).count() > 150 * 3 * 8
    before = digests(alias)
    with pytest.raises(CommandError, match=r"already holds cardportfolio data .*use --reset"):
        seed(url, tmp_path, "--count", "20", name="again")
    assert digests(alias) == before
    seed(url, tmp_path, "--count", "20", "--no-transactions", "--reset", "--no-input", name="again")
    assert Customer.objects.using(alias).count() == 20 and not Transaction.objects.using(alias).exists()


def test_same_seed_gives_identical_data_and_csv_another_seed_differs(scratch_database, tmp_path):
    urls = [scratch_database("cardportfolio") for _ in range(3)]
    for (url, _), name, seed_value in zip(urls, ("a", "b", "c"), ("5", "5", "6"), strict=True):
        seed(url, tmp_path, "--count", "90", "--months", "2", "--seed", seed_value, name=name)
    (_, first), (_, second), (_, third) = urls
    assert digests(first) == digests(second)
    assert digests(first) != digests(third)
    csv = {name: (tmp_path / name / "nested" / "customers.csv").read_bytes() for name in "abc"}
    assert csv["a"] == csv["b"] != csv["c"]


def test_validation_errors_exit_non_zero_without_writing(scratch_database, tmp_path, monkeypatch):
    original = generation.generate_customer_columns

    def with_duplicate_id(**kwargs):
        columns = original(**kwargs)
        columns["customer_id"][1] = columns["customer_id"][0]
        return columns

    monkeypatch.setattr(services, "generate_customer_columns", with_duplicate_id)
    url, alias = scratch_database("cardportfolio")
    errors = StringIO()
    with pytest.raises(CommandError, match="validation failed with 1 error.*nothing was written"):
        call_command(
            "seed_cardportfolio", "--database-url", url, "--count", "40", "--output", str(tmp_path / "c.csv"),
            "--parquet", str(tmp_path / "t.parquet"), stdout=StringIO(), stderr=errors,
        )  # fmt: skip
    assert "duplicate customer_id" in errors.getvalue() and "Total customers: 40" in errors.getvalue()
    assert not Customer.objects.using(alias).exists()
    assert not (tmp_path / "c.csv").exists() and not (tmp_path / "t.parquet").exists()


def test_validate_checks_the_database_and_csv_files(scratch_database, tmp_path):
    url, _ = scratch_database("cardportfolio")
    seed(url, tmp_path, "--count", "200", "--no-transactions")
    out = StringIO()
    call_command("validate_cardportfolio", "--database-url", url, stdout=out)
    assert "Validating 200 customers" in out.getvalue() and "Validation passed." in out.getvalue()

    csv = tmp_path / "run" / "nested" / "customers.csv"
    out = StringIO()
    call_command("validate_cardportfolio", "--file", str(csv), stdout=out)
    assert "Total customers: 200" in out.getvalue() and "Validation passed." in out.getvalue()

    lines = csv.read_text().splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([*lines, lines[5]]) + "\n")
    out = StringIO()
    with pytest.raises(CommandError, match="validation failed"):
        call_command("validate_cardportfolio", "--file", str(broken), stdout=out)
    assert "duplicate customer_id" in out.getvalue()


def test_validate_an_empty_database_says_what_to_do(scratch_database):
    url, _ = scratch_database("cardportfolio")
    with pytest.raises(CommandError, match="run seed_cardportfolio first"):
        call_command("validate_cardportfolio", "--database-url", url, stdout=StringIO())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed_cardportfolio", "--count", "-1"], "argument --count: -1 is out of range: allowed 1 to"),
        (["seed_cardportfolio", "--months", "0"], "argument --months: 0 is out of range: allowed 1 to"),
        (["seed_cardportfolio", "--as-of", "2025-02-30"], "argument --as-of: '2025-02-30' is not a date (YYYY-MM-DD"),
        (["validate_cardportfolio", "--file", "/nonexistent/customers.csv"], "no such file"),
    ],
)
def test_bad_input_gives_one_line_error(args, message):
    result = run_manage(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_same_seed_gives_identical_rows_on_every_backend(scratch_database, tmp_path, kind):
    sqlite_url, sqlite_alias = scratch_database("cardportfolio", "sqlite")
    other_url, other_alias = scratch_database("cardportfolio", kind)
    for url, name in ((sqlite_url, "sqlite"), (other_url, kind)):
        seed(url, tmp_path, "--count", "60", "--months", "2", "--seed", "11", name=name)
    assert digests(sqlite_alias) == digests(other_alias)


def test_interrupted_reset_leaves_database_and_parquet_as_before(scratch_database, tmp_path, monkeypatch):
    from core.loader import BulkLoad

    url, alias = scratch_database("cardportfolio")
    seed(url, tmp_path, "--count", "60", "--months", "3")
    parquet = tmp_path / "run" / "tx" / "transactions.parquet"
    before, parquet_before = digests(alias), parquet.read_bytes()
    original_write = BulkLoad.write
    calls = {"n": 0}

    def write_then_interrupt(self, model, columns):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original_write(self, model, columns)

    monkeypatch.setattr(BulkLoad, "write", write_then_interrupt)
    with pytest.raises(CommandError, match="interrupted: nothing was written"):
        seed(url, tmp_path, "--count", "80", "--months", "3", "--seed", "9", "--reset", "--no-input")
    assert digests(alias) == before
    assert parquet.read_bytes() == parquet_before
    assert not parquet.with_name(parquet.name + ".partial").exists()
