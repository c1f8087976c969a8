"""Kill tests: Ctrl-C (SIGINT) and SIGKILL at three points of a reseed, on SQLite and PostgreSQL.

A cardportfolio seed writes a database, a customers CSV and a transactions Parquet file. An existing dataset
(seed 1) is reseeded (seed 2, --reset) by a child process that signals itself at one point:

- `load`: the first transactions batch is being inserted;
- `indexes`: the load is done, secondary indexes are being rebuilt, still before the commit;
- `commit`: the transaction has just committed (SIGINT only: see below).

Before the commit everything must be exactly as it was (database and both files old); after the commit everything
new, and the command says which happened. SIGKILL is tried at `load`, `indexes` and `files` (the Parquet file half
written): everything old, and the next run removes the killed run's temporaries. SIGKILL between the commit and
the renames (microseconds) is the one window left: docs/reliability.md says what happens there.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cardportfolio.models import Customer, MonthlySpend, Transaction
from core.files import TEMP_SUFFIX
from core.validation import table_digest

ROOT = Path(__file__).resolve().parents[2]
SIZE = ("--count", "200", "--months", "2")

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from core import loader
    from cardportfolio import services

    point, number = sys.argv[1], getattr(signal, sys.argv[2])
    hit = lambda *args, **kwargs: os.kill(os.getpid(), number)

    if point == "load":
        write = loader.BulkLoad.write
        def patched(self, model, columns):
            if model._meta.model_name == "transaction":
                hit()
            return write(self, model, columns)
        loader.BulkLoad.write = patched
    elif point == "indexes":
        restore = loader.BulkLoad.restore_indexes
        def patched(self):
            hit()
            return restore(self)
        loader.BulkLoad.restore_indexes = patched
    elif point == "files":
        sink_write = services.ParquetSink.write
        def patched(self, batch):
            sink_write(self, batch)
            self.writer.close()  # the half-written temporary reaches the disk
            hit()
        services.ParquetSink.write = patched
    elif point == "commit":
        changed = loader.mark_database_changed  # called right after the load's transaction commits
        def patched(using):
            hit()
            return changed(using)
        loader.mark_database_changed = patched
    from django.core.management import execute_from_command_line
    execute_from_command_line(["manage.py", *sys.argv[3:]])
    """
)


def file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def state(alias: str, folder: Path) -> dict:
    # MonthlySpend is left out: its ids come from the database's sequence, which a --reset does not restart, so a
    # reseed and a fresh seed give it other ids (the rows are the same).
    tables = {m._meta.db_table: table_digest(using=alias, model=m) for m in (Customer, Transaction)}
    tables["monthly_spend_rows"] = MonthlySpend.objects.using(alias).count()
    files = {name: file_digest(folder / name) for name in ("customers.csv", "transactions.parquet")}
    return {**tables, **files}


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((TEMP_SUFFIX, ".partial")))


def seed_args(url: str, folder: Path, seed: int) -> list[str]:
    return [
        "seed_cardportfolio",
        *("--database-url", url, "--seed", str(seed), *SIZE, "--reset", "--no-input"),
        *("--output", str(folder / "customers.csv"), "--parquet", str(folder / "transactions.parquet")),
    ]


@pytest.fixture
def datasets(scratch_database, tmp_path):
    """Factory: (url, alias, folder, old state, new state) for a backend, the old dataset in place."""

    def make(kind: str):
        url, alias = scratch_database("cardportfolio", kind=kind)
        ref_url, ref_alias = scratch_database("cardportfolio", kind=kind)
        folder, ref_folder = tmp_path / "live", tmp_path / "reference"
        call_command(*seed_args(ref_url, ref_folder, 2), stdout=StringIO())
        new = state(ref_alias, ref_folder)
        call_command(*seed_args(url, folder, 1), stdout=StringIO())
        return url, alias, folder, state(alias, folder), new

    return make


def run_child(tmp_path: Path, point: str, signal_name: str, args: list[str]) -> subprocess.CompletedProcess:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(script), point, signal_name, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        # A shell's background job starts with SIGINT ignored, and Python then never raises KeyboardInterrupt:
        # the child gets the default disposition, so the test means the same wherever pytest runs.
        preexec_fn=_default_sigint,
    )


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


CASES = [
    ("SIGINT", "load", "old"),
    ("SIGINT", "indexes", "old"),
    ("SIGINT", "commit", "new"),
    ("SIGKILL", "load", "old"),
    ("SIGKILL", "indexes", "old"),
    ("SIGKILL", "files", "old"),
]


@pytest.mark.own_databases
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_killed_reseeds_leave_everything_old_or_everything_new(datasets, tmp_path, kind):
    url, alias, folder, old, new = datasets(kind)
    assert old != new
    for signal_name, point, expected in CASES:
        result = run_child(tmp_path, point, signal_name, seed_args(url, folder, 2))
        where = f"{signal_name} at {point}"
        if signal_name == "SIGINT":
            assert result.returncode == 130, (where, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in result.stderr, (where, result.stderr)
            assert ("after the commit" in lines[0]) == (expected == "new"), (where, lines[0])
            assert temporaries(folder) == [], where
        else:
            assert result.returncode == -signal.SIGKILL, (where, result.stderr)
        assert state(alias, folder) == (new if expected == "new" else old), where
        if expected == "new":  # put the old dataset back for the next case
            call_command(*seed_args(url, folder, 1), stdout=StringIO())
    # The next run removes what the killed runs left behind, and ends with the new dataset.
    call_command(*seed_args(url, folder, 2), stdout=StringIO())
    assert temporaries(folder) == []
    assert state(alias, folder) == new
