"""seed_minicrm and calculate_rfm as users run them: guards, atomicity, error messages, determinism by backend."""

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.loader import BulkLoad
from core.validation import table_digest
from minicrm.models import Customer, Order, OrderItem, Product, RFMScore

ROOT = Path(__file__).resolve().parents[2]
MODELS = (Customer, Product, Order, OrderItem)


def digests(alias):
    return {m._meta.db_table: table_digest(using=alias, model=m) for m in MODELS}


def run_manage(*args, timeout=120):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_seed_then_refuse_without_reset(scratch_database):
    url, alias = scratch_database("minicrm")
    out = StringIO()
    call_command("seed_minicrm", "--database-url", url, "--customers", "120", stdout=out)
    assert "customers" in out.getvalue() and "rows/s" in out.getvalue()
    before = digests(alias)
    with pytest.raises(CommandError, match=r"already holds minicrm data .*use --reset"):
        call_command("seed_minicrm", "--database-url", url, "--customers", "50", stdout=StringIO())
    assert digests(alias) == before
    call_command("seed_minicrm", "--database-url", url, "--customers", "50", "--reset", "--no-input", stdout=StringIO())
    assert Customer.objects.using(alias).count() == 50


def test_reset_needs_confirmation_when_debug_is_off(scratch_database, settings, monkeypatch):
    settings.DEBUG = False
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "30", stdout=StringIO())
    monkeypatch.setattr("sys.stdin", StringIO(""))
    with pytest.raises(CommandError, match="--no-input"):
        call_command("seed_minicrm", "--database-url", url, "--customers", "40", "--reset", stdout=StringIO())
    assert Customer.objects.using(alias).count() == 30


def test_interrupted_reset_leaves_database_as_before(scratch_database, monkeypatch):
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "80", stdout=StringIO())
    before = digests(alias)
    original_write = BulkLoad.write
    calls = {"n": 0}

    def write_then_interrupt(self, model, columns):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original_write(self, model, columns)

    monkeypatch.setattr(BulkLoad, "write", write_then_interrupt)
    with pytest.raises(CommandError, match="interrupted: nothing was written"):
        call_command(
            "seed_minicrm", "--database-url", url, "--customers", "300", "--reset", "--no-input", stdout=StringIO()
        )
    assert calls["n"] == 3
    assert digests(alias) == before


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigint_halfway_through_a_real_run_leaves_database_as_before(scratch_database):
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "60", stdout=StringIO())
    before = digests(alias)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "seed_minicrm",
            "--database-url",
            url,
            "--customers",
            "200000",
            "--reset",
            "--no-input",
            "-v",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job starts with SIGINT ignored, and Python then never raises KeyboardInterrupt:
        # give the child the default disposition, so the test means the same wherever pytest runs.
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 90
    line = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("customers: 20,000/"):
            break
    assert line.startswith("customers: 20,000/"), "the seed never reported progress"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert digests(alias) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed_minicrm", "--customers", "-1"], "argument --customers: -1 is out of range: allowed 1 to"),
        (["seed_minicrm", "--days", "0"], "argument --days: 0 is out of range: allowed 1 to"),
        (["seed_minicrm", "--seed", "x"], "argument --seed: 'x' is not a whole number"),
        (["seed_minicrm", "--end-date", "2025-02-30"], "argument --end-date: '2025-02-30' is not a date (YYYY-MM-DD"),
        (["calculate_rfm", "--as-of", "yesterday"], "argument --as-of: 'yesterday' is not a date (YYYY-MM-DD"),
        (
            ["seed_minicrm", "--database-url", "postgres://postgres@127.0.0.1:1/nowhere"],
            "cannot connect to postgresql://",
        ),
        (["seed_minicrm", "--database-url", "nosuchdb://x/y"], "unsupported scheme 'nosuchdb'"),
    ],
)
def test_bad_input_gives_one_line_error(args, message):
    result = run_manage(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_calculate_rfm_prints_distribution_and_confusion(scratch_database):
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "500", stdout=StringIO())
    out = StringIO()
    call_command("calculate_rfm", "--database-url", url, "--verbose", stdout=out)
    text = out.getvalue()
    assert "Scored 500 customers as of 2026-01-01" in text
    assert "persona x segment" in text and "Lapsed Customers" in text
    assert RFMScore.objects.using(alias).count() == 500


def test_calculate_rfm_on_empty_database_says_what_to_do(scratch_database):
    url, _ = scratch_database("minicrm")
    with pytest.raises(CommandError, match="run seed_minicrm first"):
        call_command("calculate_rfm", "--database-url", url, stdout=StringIO())


def test_seed_migrates_a_fresh_database(scratch_database):
    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--customers", "10", "-v", "0", stdout=StringIO())
    assert Customer.objects.using(alias).count() == 10


@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_same_seed_gives_identical_rows_on_every_backend(scratch_database, kind):
    sqlite_url, sqlite_alias = scratch_database("minicrm", "sqlite")
    other_url, other_alias = scratch_database("minicrm", kind)
    for url in (sqlite_url, other_url):
        call_command("seed_minicrm", "--database-url", url, "--customers", "400", "--seed", "5", stdout=StringIO())
        call_command("calculate_rfm", "--database-url", url, stdout=StringIO())
    assert digests(sqlite_alias) == digests(other_alias)
    scores = (RFMScore, ("calculated_at",))
    assert table_digest(using=sqlite_alias, model=scores[0], exclude=scores[1]) == table_digest(
        using=other_alias, model=scores[0], exclude=scores[1]
    )
