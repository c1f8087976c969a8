"""The README's commands, walked in the order written, in a scratch copy of the project: each must exit 0.

The copy has no data, as on a fresh machine; every database is the default SQLite file under the copy's `data/`.
The virtual environment already exists, so the steps that create it and install into it are left out (the test
command itself too: it is what runs this). The large default sizes are swapped for small ones where a README
example would take minutes (the `SMALLER` table below); everything else runs exactly as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
_NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "test-artifacts", "__pycache__", ".ruff_cache", "*.egg-info")


def copy_ignore(folder: str, names: list[str]) -> set[str]:
    """What not to copy: environments, caches, and the top-level data/ (the domains' data/ folders are code)."""
    ignored = set(_NOT_COPIED(folder, names))
    return ignored | ({"data"} if Path(folder) == ROOT else set())


# README example -> the same command at a size a test can afford (seconds instead of minutes).
SMALLER = [
    (r"seed_dvdrental --level 4(?= |$)", "seed_dvdrental --level 4 --weeks 52"),
    (r"seed_minicrm --customers 100000", "seed_minicrm --customers 2000"),
    (r"seed_hopify(?= |$)", "seed_hopify --scale 0.02"),
    (r"seed_cardportfolio(?= |$)", "seed_cardportfolio --count 1000 --months 3"),
    (r"seed_churnlab(?= |$)", "seed_churnlab --customers 2000"),
    (r"seed_all(?= |$)", "seed_all --scale 0.01"),
]
# Parts of a command line this test does not run again (the environment exists; a server would never exit).
SKIPPED_PARTS = re.compile(r"^(python3 -m venv|\. \.venv/bin/activate|(\.venv/bin/)?pip install|\S*pytest|.*runserver)")


def _non_sqlite_domains() -> list[str]:
    return [alias for alias in settings.DOMAIN_APPS if not settings.DATABASES[alias]["ENGINE"].endswith("sqlite3")]


def readme_commands(text: str) -> list[str]:
    """The shell lines of the README's bash blocks from the top to the end of the Datasets section, in order."""
    head = text.split("\n## Databases", 1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", head, flags=re.S):
        commands += [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return commands


def runnable(command: str, number: int) -> str:
    """`command` as this test runs it: set-up parts dropped, sizes made small, createsuperuser without a prompt."""
    parts = [part for part in command.split(" && ") if not SKIPPED_PARTS.match(part.strip())]
    out = []
    for part in parts:
        for pattern, replacement in SMALLER:
            part = re.sub(pattern, replacement, part)
        if part.strip().endswith("createsuperuser"):
            part += f" --no-input --username reader{number} --email reader{number}@example.org"
        out.append(part)
    return " && ".join(out)


def test_readme_lists_the_commands_this_test_walks():
    commands = readme_commands((ROOT / "README.md").read_text())
    assert any("seed_dvdrental --level 4" in command for command in commands[:1])
    assert any("createsuperuser" in command for command in commands)
    assert any("load_benchmarks hopify/data/benchmarks.csv" in command for command in commands)
    for pattern, _ in SMALLER[:-1]:
        assert any(re.search(pattern, command) for command in commands), pattern


def fresh_copy(tmp_path) -> tuple[Path, dict]:
    """A copy of the project without data, and an environment whose databases are the copy's SQLite files."""
    if _non_sqlite_domains():
        pytest.skip(f"runs once per CI run, on SQLite ({', '.join(_non_sqlite_domains())} point elsewhere)")
    copy = tmp_path / "synthbiz"
    shutil.copytree(ROOT, copy, ignore=copy_ignore)
    (copy / "data").mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith("DATABASE_URL") and key not in ("DJANGO_SETTINGS_MODULE", "CACHE_URL")
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_SUPERUSER_PASSWORD="readme-walk-password",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return copy, env


def run(line: str, copy: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=copy, env=env, capture_output=True, text=True, timeout=600)


def test_every_readme_command_runs_in_order_on_a_fresh_copy(tmp_path):
    copy, env = fresh_copy(tmp_path)
    sqlite_cli = shutil.which("sqlite3")
    for number, command in enumerate(readme_commands((ROOT / "README.md").read_text()), start=1):
        line = runnable(command, number)
        if not line:
            continue
        if line.startswith("sqlite3 ") and sqlite_cli is None:
            database, query = re.match(r'sqlite3 (\S+) "(.*)"$', line).groups()
            script = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())"
            line = f'python -c "{script}" {database} "{query}"'
        result = run(line, copy, env)
        assert result.returncode == 0, f"README command {number} failed: {line}\n{result.stderr[-2000:]}"
        if line.startswith("sqlite3 "):
            assert result.stdout.strip(), f"README query {number} printed nothing: {line}"


def test_seed_all_builds_each_dataset_with_its_follow_up_and_keeps_built_ones(tmp_path):
    copy, env = fresh_copy(tmp_path)
    result = run("python manage.py seed_all --scale 0.01 --seed 3 --only minicrm churnlab", copy, env)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [line.split(" ...")[0] for line in lines[:4]] == [
        "[1/4] minicrm: seed_minicrm",
        "[2/4] minicrm: calculate_rfm",
        "[3/4] churnlab: seed_churnlab",
        "[4/4] churnlab: run_churn_pipeline",
    ]
    assert re.search(r"seed_minicrm \.\.\. [\d,]+ rows in", lines[0])
    assert "  minicrm        built" in lines and "  churnlab       built" in lines
    assert "  hopify" not in result.stdout and lines[-1].startswith("Next: python manage.py runserver")
    again = run("python manage.py seed_all --scale 0.01 --only minicrm", copy, env)
    assert again.returncode == 0 and "already built, kept (--reset rebuilds it)" in again.stdout
    bad = run("python manage.py seed_all --scale 0", copy, env)
    assert bad.returncode != 0 and bad.stderr.strip().splitlines() == [
        "CommandError: --scale 0 is out of range: give a number above 0 and up to 1000"
    ]
