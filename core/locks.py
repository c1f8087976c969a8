"""One seed at a time per dataset: a lock on the target, taken before migrating and held until the run ends.

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its own;
- MariaDB/MySQL: a named lock (`GET_LOCK(name, 0)`) on a connection of its own;
- SQLite: an exclusive `flock` on `<database>.lock` beside the database file;
- a folder target (files only): an exclusive `flock` on `<folder>/.synthbiz.lock`.

All of them are released by the server or the kernel when the process dies, even by SIGKILL, so a killed run
never leaves a lock behind. A second run refuses at once (no waiting) with one line naming the holder: its pid,
host, command and start time (`LockHeld`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE_NAME = ".synthbiz.lock"


class LockHeld(Exception):
    """Another run holds the dataset's lock; the message is one line naming it."""


def _holder(command: str) -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }


def _describe_holder(target: str, holder: dict | None) -> str:
    if not holder:
        return f"{target} is locked by another seed (holder unknown): wait for it to finish, then run again"
    return (
        f"{target} is being written by {holder.get('command', 'another run')} (pid {holder.get('pid', '?')} on "
        f"{holder.get('host', '?')}, since {holder.get('since', '?')}): wait for it to finish, then run again"
    )


def _read_holder(handle, *, attempts: int = 20, pause: float = 0.05) -> dict | None:
    """The holder recorded in a lock file. The holder writes it just after taking the lock, so a run that finds the
    lock taken a moment earlier may read an empty file: look again for up to a second before calling it unknown."""
    for attempt in range(attempts):
        handle.seek(0)
        try:
            holder = json.loads(handle.read() or "null")
        except ValueError:
            holder = None
        if holder or attempt == attempts - 1:
            return holder
        time.sleep(pause)
    return None


@contextlib.contextmanager
def file_lock(path: str | Path, *, target: str, command: str) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if missing), recording who holds it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 (held open for the whole run)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(_describe_holder(target, _read_holder(handle))) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(_holder(command)))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def folder_lock(folder: str | Path, *, command: str) -> contextlib.AbstractContextManager:
    """The lock of a folder target (files only, no database)."""
    folder = Path(folder)
    return file_lock(folder / LOCK_FILE_NAME, target=str(folder), command=command)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    high = zlib.crc32(b"synthbiz")
    low = zlib.crc32(name.encode())
    key = (high << 32) | low
    return key - (1 << 64) if key >= 1 << 63 else key


def _side_connection(alias: str):
    """A raw DB-API connection of its own to the alias' database (autocommit), so the lock outlives the
    commands' connection being closed or reset (the loader closes MySQL connections after a load)."""
    from django.db import connections

    wrapper = connections[alias]
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    if wrapper.vendor == "mysql":
        raw.autocommit(True)
    else:
        raw.autocommit = True
    return raw


@contextlib.contextmanager
def _postgresql_lock(alias: str, *, target: str, command: str) -> Iterator[None]:
    from django.db import connections

    name = connections[alias].settings_dict["NAME"]
    key = lock_key(f"dataset:{name}")
    raw = _side_connection(alias)
    try:
        with raw.cursor() as cursor:
            # application_name is what other sessions see of this one (63 characters at most).
            holder = _holder(command)
            label = f"synthbiz {command} pid {holder['pid']}@{holder['host']}"[:63]
            cursor.execute("SELECT set_config('application_name', %s, false)", [label])
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                cursor.execute(
                    "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.classid = %s AND l.objid = %s LIMIT 1",
                    [(key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF],
                )
                row = cursor.fetchone()
                raise LockHeld(_describe_holder(target, _pg_holder(row)))
        yield
    finally:
        with contextlib.suppress(Exception):
            raw.close()  # ends the session, which releases the advisory lock


def _pg_holder(row) -> dict | None:
    if not row:
        return None
    application, address, started = row
    parts = (application or "").split()
    holder = {"command": parts[1] if len(parts) > 1 else (application or "another session")}
    if len(parts) >= 4 and "@" in parts[3]:
        holder["pid"], holder["host"] = parts[3].split("@", 1)
    else:
        holder["host"] = str(address or "?")
    if started is not None:
        holder["since"] = started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return holder


@contextlib.contextmanager
def _mysql_lock(alias: str, *, target: str, command: str) -> Iterator[None]:
    from django.db import connections

    name = f"synthbiz:{connections[alias].settings_dict['NAME']}"[:64]
    raw = _side_connection(alias)
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
        if cursor.fetchone()[0] != 1:
            cursor.execute(
                "SELECT p.HOST, p.TIME FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(%s)", [name]
            )
            row = cursor.fetchone()
            holder = None
            if row:
                since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=int(row[1] or 0))
                holder = {
                    "command": "another seed",
                    "pid": "?",
                    "host": row[0],
                    "since": since.strftime("%Y-%m-%d %H:%M:%S UTC"),
                }
            raise LockHeld(_describe_holder(target, holder))
        yield
    finally:
        with contextlib.suppress(Exception):
            raw.close()  # ends the session, which releases GET_LOCK


def _sqlite_path(alias: str) -> Path | None:
    from django.db import connections

    name = str(connections[alias].settings_dict["NAME"] or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def dataset_lock(alias: str, *, command: str) -> contextlib.AbstractContextManager:
    """The lock of the database behind `alias`; a no-op for in-memory SQLite (nobody else can see it)."""
    from django.db import connections

    from core.databases import describe

    vendor = connections[alias].vendor
    target = describe(alias)
    if vendor == "postgresql":
        return _postgresql_lock(alias, target=target, command=command)
    if vendor == "mysql":
        return _mysql_lock(alias, target=target, command=command)
    path = _sqlite_path(alias)
    if path is None:
        return contextlib.nullcontext()
    return file_lock(path.with_name(path.name + ".lock"), target=target, command=command)
