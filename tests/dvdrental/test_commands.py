"""seed_dvdrental as users run it: guards, level 2 append, config files, one-line errors, report JSON."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.validation import table_digest
from dvdrental.models import Customer, Payment, Rental, SeasonalityLog

ROOT = Path(__file__).resolve().parents[2]
MODELS = (Customer, Rental, Payment, SeasonalityLog)


def digests(alias):
    return {m._meta.db_table: table_digest(using=alias, model=m) for m in MODELS}


def seed(url, *args):
    out = StringIO()
    call_command("seed_dvdrental", "--database-url", url, *args, stdout=out)
    return out.getvalue()


def test_level1_then_refuse_without_reset_then_level2_appends(scratch_database, tmp_path):
    url, alias = scratch_database("dvdrental")
    report = tmp_path / "report.json"
    text = seed(url, "--level", "1", "--report-json", str(report))
    assert "Total rentals" in text and "rows/s" in text
    data = json.loads(report.read_text())
    assert data["rows"]["rental"] == Rental.objects.using(alias).count()
    assert any("Yearly performance" in line for line in data["details"])
    before = digests(alias)
    with pytest.raises(CommandError, match=r"already holds dvdrental data .*use --reset"):
        seed(url, "--level", "4")
    assert digests(alias) == before
    two_weeks = Rental.objects.using(alias).count()
    seed(url, "--level", "2", "--weeks", "3", "--seasonal", "30")
    assert SeasonalityLog.objects.using(alias).count() == 5
    assert Rental.objects.using(alias).count() > 2 * two_weeks
    seed(url, "--level", "1", "--reset", "--no-input", "--seed", "5")
    assert SeasonalityLog.objects.using(alias).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "7"], "argument --level: '7' is not one of 1, 2, 3, 4"),
        (["--level", "2", "--weeks", "0"], "argument --weeks: 0 is out of range: allowed 1 to"),
        (
            ["--level", "2", "--seasonal", "-150"],
            "argument --seasonal/--season: -150 is out of range: allowed a number above -100",
        ),
    ],
)
def test_bad_options_are_one_line_errors_and_change_nothing(scratch_database, args, message):
    url, alias = scratch_database("dvdrental")
    seed(url, "--level", "1")
    before = digests(alias)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        seed(url, *args)
    assert digests(alias) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"generation": {"weeks": 3}}', "config key generation.weeks is unknown"),
        ('{"simulation": {"stores": "two"}}', 'config key simulation.stores must be an integer, got "two"'),
    ],
)
def test_bad_config_files_are_one_line_errors(scratch_database, tmp_path, content, message):
    url, alias = scratch_database("dvdrental")
    seed(url, "--level", "1")
    before = digests(alias)
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        seed(url, "--level", "2", "--config", str(path))
    assert digests(alias) == before


def test_config_file_changes_the_run(scratch_database, tmp_path):
    url, alias = scratch_database("dvdrental")
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"simulation": {"stores": 3}, "generation": {"initial_customers": 120}}))
    seed(url, "--level", "1", "--config", str(path))
    assert Customer.objects.using(alias).values("store_id").distinct().count() == 3
    assert Customer.objects.using(alias).filter(lifecycle__join_week=0).count() == 120


def test_command_line_errors_are_one_line_without_traceback(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    config = tmp_path / "bad.json"
    config.write_text('{"generation": {"advanced_features": {"enable_late_fees": "yes"}}}')
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_dvdrental", "--level", "4", "--config", str(config)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert 'generation.advanced_features.enable_late_fees must be true or false, got "yes"' in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_same_seed_gives_identical_rows_on_every_backend(scratch_database, kind):
    sqlite_url, sqlite_alias = scratch_database("dvdrental", "sqlite")
    other_url, other_alias = scratch_database("dvdrental", kind)
    for url in (sqlite_url, other_url):
        seed(url, "--level", "4", "--weeks", "12", "--seed", "9", "--config", str(ROOT / "tests/dvdrental/small.json"))
    assert digests(sqlite_alias) == digests(other_alias)
