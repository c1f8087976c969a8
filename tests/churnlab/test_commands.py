"""seed_churnlab, run_churn_pipeline and evaluate_churn as users run them: output, guards, errors, determinism."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from churnlab.models import Billing, ChurnFeature, ChurnTraining, ChurnTruth, Customer, SupportTicket, UsageDaily
from core.loader import BulkLoad
from core.validation import table_digest

ROOT = Path(__file__).resolve().parents[2]
MODELS = (Customer, ChurnTruth, UsageDaily)


def run_manage(*args, timeout=120):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def digests(alias):
    return {m._meta.db_table: table_digest(using=alias, model=m) for m in MODELS}


def test_seed_pipeline_and_evaluate_end_to_end(scratch_database, tmp_path):
    url, alias = scratch_database("churnlab")
    raw = tmp_path / "raw"
    out = StringIO()
    call_command("seed_churnlab", "--database-url", url, "--customers", "3000", "--out", str(raw), stdout=out)
    text = out.getvalue()
    assert "customers" in text and "usage_daily" in text and "rows/s" in text
    assert "missing logs" in text
    assert Customer.objects.using(alias).count() == 3000

    out = StringIO()
    call_command("run_churn_pipeline", "--database-url", url, "--raw", str(raw), "--out", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "churn_features" in text and "minutes_without_sessions" in text and "churn rate" in text
    assert ChurnFeature.objects.using(alias).count() == 3000
    assert (tmp_path / "staging" / "usage_daily.parquet").is_file()

    out = StringIO()
    features = tmp_path / "analytics" / "churn_features.parquet"
    truth = tmp_path / "truth" / "churn_truth.parquet"
    call_command(
        "evaluate_churn", "--target", "recency", "--features", str(features), "--truth", str(truth), stdout=out
    )
    text = out.getvalue()
    auc = float(text.split("AUC ")[1].split()[0])
    assert auc >= 0.70, text
    assert "actually churned" in text and "Label vs ground truth" in text

    # The default: the forward target, in the database and as Parquet.
    assert 0 < ChurnTraining.objects.using(alias).count() < 3000
    out = StringIO()
    call_command("evaluate_churn", "--training", str(tmp_path / "analytics" / "churn_training.parquet"), stdout=out)
    text = out.getvalue()
    assert "Forward target: churn in the 60 days after" in text and "gradient boosting AUC" in text, text


def test_seed_refuses_existing_data_without_reset(scratch_database, tmp_path):
    url, alias = scratch_database("churnlab")
    call_command(
        "seed_churnlab", "--database-url", url, "--customers", "80", "--out", str(tmp_path / "a"), stdout=StringIO()
    )
    before = digests(alias)
    with pytest.raises(CommandError, match=r"already holds churnlab data .*use --reset"):
        call_command(
            "seed_churnlab", "--database-url", url, "--customers", "50", "--out", str(tmp_path / "b"), stdout=StringIO()
        )
    assert digests(alias) == before
    assert not (tmp_path / "b").exists()
    call_command(
        "seed_churnlab", "--database-url", url, "--customers", "50", "--out", str(tmp_path / "b"), "--reset",
        "--no-input", stdout=StringIO(),
    )  # fmt: skip
    assert Customer.objects.using(alias).count() == 50


def test_no_db_writes_parquet_only(scratch_database, tmp_path):
    url, alias = scratch_database("churnlab")
    out = StringIO()
    call_command("seed_churnlab", "--no-db", "--customers", "40", "--out", str(tmp_path / "raw"), stdout=out)
    assert "Parquet only (--no-db)" in out.getvalue()
    assert (tmp_path / "raw" / "usage_daily.parquet").is_file()
    assert (tmp_path / "truth" / "churn_truth.parquet").is_file()
    out = StringIO()
    call_command("run_churn_pipeline", "--no-db", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path), stdout=out)
    assert "Loaded" not in out.getvalue()
    assert (tmp_path / "analytics" / "churn_features.parquet").is_file()
    # Without --no-db the pipeline wants the database to hold the same customers.
    with pytest.raises(CommandError, match="holds 0 customers but the raw files 40"):
        call_command(
            "run_churn_pipeline", "--database-url", url, "--raw", str(tmp_path / "raw"), "--out", str(tmp_path),
            stdout=StringIO(),
        )  # fmt: skip


def test_same_seed_gives_identical_parquet_through_the_command(tmp_path):
    for name in ("a", "b"):
        call_command(
            "seed_churnlab", "--no-db", "--customers", "200", "--seed", "9", "--end-date", "2023-06-30",
            "--out", str(tmp_path / name / "raw"), stdout=StringIO(),
        )  # fmt: skip
    for table in ("customers", "usage_daily", "billing", "support"):
        first = (tmp_path / "a" / "raw" / f"{table}.parquet").read_bytes()
        assert first == (tmp_path / "b" / "raw" / f"{table}.parquet").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed_churnlab", "--customers", "0"], "argument --customers: 0 is out of range: allowed 1 to"),
        (["seed_churnlab", "--end-date", "2024-02-30"], "argument --end-date: '2024-02-30' is not a date"),
        (["seed_churnlab", "--seed", "-3"], "argument --seed: -3 is out of range"),
        (["run_churn_pipeline", "--raw", "/nonexistent/raw"], "raw folder /nonexistent/raw does not exist"),
        (["evaluate_churn", "--features", "/nonexistent/f.parquet"], "does not exist: run run_churn_pipeline first"),
        (
            ["seed_churnlab", "--no-db", "--customers", "5", "--out", "/dev/null/raw"],
            "argument --out: /dev/null/raw: /dev/null is a file, not a folder",
        ),
        (
            ["evaluate_churn", "--test-size", "2"],
            "argument --test-size: 2 is out of range: allowed a number above 0.05 and below 0.95",
        ),
    ],
)
def test_bad_input_gives_one_line_error(args, message):
    result = run_manage(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_pipeline_over_a_folder_without_files_says_what_to_do(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(CommandError, match=r"lacks customers.parquet.*run seed_churnlab --out"):
        call_command("run_churn_pipeline", "--no-db", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path))


def test_interrupted_reset_leaves_database_and_files_as_before(scratch_database, tmp_path, monkeypatch):
    url, alias = scratch_database("churnlab")
    raw = tmp_path / "raw"
    call_command("seed_churnlab", "--database-url", url, "--customers", "150", "--out", str(raw), stdout=StringIO())
    before = digests(alias)
    files = {path.name: path.read_bytes() for path in raw.glob("*.parquet")}
    original_write = BulkLoad.write
    calls = {"n": 0}

    def write_then_interrupt(self, model, columns):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original_write(self, model, columns)

    monkeypatch.setattr(BulkLoad, "write", write_then_interrupt)
    with pytest.raises(CommandError, match="interrupted: nothing was written"):
        call_command(
            "seed_churnlab", "--database-url", url, "--customers", "400", "--seed", "3", "--out", str(raw),
            "--reset", "--no-input", stdout=StringIO(),
        )  # fmt: skip
    assert calls["n"] == 4
    assert digests(alias) == before
    assert {path.name: path.read_bytes() for path in raw.glob("*.parquet")} == files


def test_progress_lines_at_verbosity_2(tmp_path):
    out = StringIO()
    call_command(
        "seed_churnlab", "--no-db", "--customers", "25000", "--out", str(tmp_path / "raw"), "-v", "2", stdout=out
    )
    lines = [line for line in out.getvalue().splitlines() if line.startswith("customers: ")]
    assert lines == [
        "customers: 10,000/25,000 customers",
        "customers: 20,000/25,000 customers",
        "customers: 25,000/25,000 customers",
    ]


@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_same_seed_gives_identical_rows_on_every_backend(scratch_database, tmp_path, kind):
    sqlite_url, sqlite_alias = scratch_database("churnlab", "sqlite")
    other_url, other_alias = scratch_database("churnlab", kind)
    for name, url in (("sqlite", sqlite_url), (kind, other_url)):
        raw = tmp_path / name / "raw"
        call_command(
            "seed_churnlab", "--database-url", url, "--customers", "300", "--seed", "5", "--out", str(raw),
            stdout=StringIO(),
        )  # fmt: skip
        call_command(
            "run_churn_pipeline",
            "--database-url",
            url,
            "--raw",
            str(raw),
            "--out",
            str(tmp_path / name),
            stdout=StringIO(),
        )
    models = (*MODELS, Billing, SupportTicket, ChurnFeature)
    assert {m: table_digest(using=sqlite_alias, model=m) for m in models} == {
        m: table_digest(using=other_alias, model=m) for m in models
    }
