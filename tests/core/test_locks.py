"""One seed at a time per dataset (core.locks): a second run refuses at once naming the holder, and two runs started
together give exactly the data of one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connections

from core.locks import LockHeld, dataset_lock, folder_lock
from core.validation import table_digest

ROOT = Path(__file__).resolve().parents[2]
PIPES = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


def manage(*args) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def digests(alias: str) -> dict[str, str]:
    return {m._meta.db_table: table_digest(using=alias, model=m) for m in apps.get_app_config("minicrm").get_models()}


def test_a_seed_refuses_at_once_while_another_run_holds_the_lock(scratch_database):
    url, alias = scratch_database("minicrm", kind="sqlite")
    with dataset_lock(alias, command="seed_minicrm"):
        started = time.perf_counter()
        with pytest.raises(CommandError, match=rf"being written by seed_minicrm \(pid {os.getpid()} on .*since"):
            call_command("seed_minicrm", "--database-url", url, "--customers", "10", stdout=StringIO())
        assert time.perf_counter() - started < 5
    # Refused before migrating: the database has no tables yet.

    assert "customers" not in connections[alias].introspection.table_names()
    call_command("seed_minicrm", "--database-url", url, "--customers", "10", stdout=StringIO())


def test_the_lock_is_released_when_the_run_ends_even_on_error(scratch_database):
    url, alias = scratch_database("minicrm", kind="sqlite")
    call_command("seed_minicrm", "--database-url", url, "--customers", "10", stdout=StringIO())
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_minicrm", "--database-url", url, "--customers", "10", stdout=StringIO())
    with dataset_lock(alias, command="test"):
        pass  # free again


def test_folder_lock_names_its_holder(tmp_path):
    with folder_lock(tmp_path, command="export"):
        holder = json.loads((tmp_path / ".synthbiz.lock").read_text())
        assert holder["pid"] == os.getpid() and holder["command"] == "export"
        with (
            pytest.raises(LockHeld, match=f"being written by export \\(pid {os.getpid()}"),
            folder_lock(tmp_path, command="export"),
        ):
            pass


@pytest.mark.own_databases
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_seeds_at_once_one_succeeds_the_other_names_the_lock(scratch_database, kind):
    url, alias = scratch_database("minicrm", kind=kind)
    reference_url, reference = scratch_database("minicrm", kind=kind)
    # Started together, both race for the lock; the winner holds it for its whole run (a second or more), so the
    # loser is refused at the lock, not later by the "already holds data" guard.
    args = ("seed_minicrm", "--customers", "4000", "--seed", "5", "-v", "0")
    first, second = manage(*args, "--database-url", url), manage(*args, "--database-url", url)
    results = [(process.wait(timeout=300), process.stderr.read()) for process in (first, second)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert len(refused.strip().splitlines()) == 1 and "is being written by seed_minicrm (pid" in refused, refused
    call_command("seed_minicrm", *args[1:], "--database-url", reference_url, stdout=StringIO())
    assert digests(alias) == digests(reference)


def test_a_killed_seed_leaves_no_lock_behind(scratch_database):
    url, alias = scratch_database("minicrm", kind="sqlite")
    process = manage("seed_minicrm", "--customers", "20000", "--database-url", url, "-v", "0")
    lock = Path(str(connections[alias].settings_dict["NAME"]) + ".lock")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text()):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with dataset_lock(alias, command="test"):
        pass
