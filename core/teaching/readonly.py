"""Run one read-only statement on a domain's database, on a connection of its own.

The statement is checked first (one statement, SELECT/WITH/EXPLAIN only); the database then enforces read-only
access itself, so a write hidden where the check cannot see it is refused too:

- SQLite: a separate `sqlite3` connection opened with the `mode=ro` URI (the test suite's shared in-memory
  databases cannot be opened so; there `PRAGMA query_only` does the same), an authorizer that denies ATTACH and
  PRAGMA writes, and a progress handler that aborts the statement at the timeout.
- PostgreSQL: `SET TRANSACTION READ ONLY` and `SET LOCAL statement_timeout`, rolled back afterwards.
- MariaDB/MySQL: `START TRANSACTION READ ONLY` and `max_statement_time` (MariaDB) or `max_execution_time` (MySQL).

Rows past `max_rows` are not fetched; the result says it was cut.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections
from django.db.utils import Error as DjangoDatabaseError

ALLOWED_FIRST_WORDS = ("SELECT", "WITH", "EXPLAIN")
_WORD = re.compile(r"[A-Za-z_]+")


class QueryRefused(Exception):
    """A statement the read-only runner will not run, or one the database stopped; the message is one line."""


class QueryTimeout(QueryRefused):
    pass


class QueryFailed(QueryRefused):
    """The database rejected the statement (syntax error, unknown column, ...)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _scan(sql: str) -> tuple[str, str, int]:
    """The statement with comments removed, the same with string literals and quoted names blanked too (for looking
    at keywords), and how many statements the text holds (quotes respected)."""
    out, code = [], []
    statements = 0
    pending = False  # text seen since the last semicolon
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"`":
            end = i + 1
            while end < n:
                if sql[end] == char:
                    if end + 1 < n and sql[end + 1] == char:  # doubled quote inside a literal
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            code.append(" ")
            pending = True
            i = end + 1
            continue
        if sql.startswith("--", i) or sql.startswith("/*", i):
            if sql[i] == "-":
                end = sql.find("\n", i)
                end = n if end == -1 else end
            else:
                end = sql.find("*/", i + 2)
                end = n if end == -1 else end + 2
            out.append(" ")
            code.append(" ")
            i = end
            continue
        if char == ";":
            if pending:
                statements += 1
            pending = False
            out.append(" ")
            code.append(" ")
            i += 1
            continue
        if not char.isspace():
            pending = True
        out.append(char)
        code.append(char)
        i += 1
    if pending:
        statements += 1
    return "".join(out).strip(), "".join(code), statements


# A SELECT can still reach outside the database: INTO OUTFILE/DUMPFILE (MariaDB/MySQL) and the server-file
# functions a superuser may call. Refused here; the real guard is a database user with SELECT rights only.
_OUTSIDE = re.compile(
    r"\b(INTO|LOAD_FILE|PG_READ_FILE|PG_READ_BINARY_FILE|PG_LS_DIR|LO_IMPORT|LO_EXPORT|DBLINK\w*|LOAD_EXTENSION)\b",
    re.IGNORECASE,
)


def check_statement(sql: str) -> str:
    """The statement to run (comments and the final semicolon removed); QueryRefused says why one is refused."""
    text, code, statements = _scan(sql or "")
    if statements == 0:
        raise QueryRefused("the query is empty: write one SELECT statement")
    if statements > 1:
        raise QueryRefused(f"one statement at a time: this text holds {statements} statements separated by ';'")
    match = _WORD.search(text.lstrip("( \n\t"))
    word = match.group(0).upper() if match else text.split()[0]
    if word not in ALLOWED_FIRST_WORDS:
        raise QueryRefused(
            f"{word} is not allowed: the workbench is read-only and runs SELECT, WITH or EXPLAIN statements only"
        )
    outside = _OUTSIDE.search(code)
    if outside:
        raise QueryRefused(
            f"{outside.group(1).upper()} is not allowed: the workbench only reads the tables of the database"
        )
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _sqlite_uri(name: str) -> tuple[str, bool]:
    """The URI to open read-only, and whether it is a shared in-memory database (the test suite's)."""
    name = str(name)
    if name.startswith("file:") and "mode=memory" in name:
        return name, True
    return Path(name).resolve().as_uri() + "?mode=ro", False


_SQLITE_DENIED = {
    getattr(sqlite3, "SQLITE_ATTACH", 24): "ATTACH",
    getattr(sqlite3, "SQLITE_DETACH", 25): "DETACH",
}


def _run_sqlite(alias: str, sql: str, *, max_rows: int | None, timeout_ms: int | None) -> QueryResult:
    uri, shared_memory = _sqlite_uri(connections.settings[alias]["NAME"])
    denied: list[str] = []

    def authorizer(action, arg1, arg2, db_name, trigger):
        if action in _SQLITE_DENIED:
            denied.append(_SQLITE_DENIED[action])
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and arg2 is not None:  # PRAGMA name = value
            denied.append("PRAGMA writes")
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    try:
        raw = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5)
    except sqlite3.Error as exc:
        raise QueryFailed(f"cannot open the database read-only: {_first_line(exc)}") from None
    try:
        if shared_memory:
            raw.execute("PRAGMA query_only = ON")
            raw.execute("PRAGMA read_uncommitted = ON")
        raw.set_authorizer(authorizer)
        started = time.monotonic()
        deadline = started + timeout_ms / 1000 if timeout_ms else None
        timed_out = []

        def progress():
            if deadline is not None and time.monotonic() > deadline:
                timed_out.append(True)
                return 1
            return 0

        raw.set_progress_handler(progress, 2000)
        try:
            cursor = raw.execute(sql)
            rows = cursor.fetchmany(max_rows + 1) if max_rows else cursor.fetchall()
        except sqlite3.Error as exc:
            if timed_out:
                raise QueryTimeout(_timeout_message(timeout_ms)) from None
            if denied:
                raise QueryRefused(f"{denied[0]} is not allowed: the workbench is read-only") from None
            message = _first_line(exc)
            if "readonly" in message or "read-only" in message:
                raise QueryRefused(f"the database refused a write ({message}): the workbench is read-only") from None
            raise QueryFailed(message) from None
        columns = [column[0] for column in cursor.description or []]
        return _result(columns, rows, max_rows, started)
    finally:
        raw.close()


def _timeout_message(timeout_ms: int) -> str:
    return f"the query ran past the time limit of {timeout_ms / 1000:g} s and was stopped; try a smaller query"


def _result(columns, rows, max_rows, started) -> QueryResult:
    rows = [tuple(row) for row in rows]
    truncated = bool(max_rows) and len(rows) > max_rows
    return QueryResult(columns, rows[:max_rows] if truncated else rows, truncated, time.monotonic() - started)


def _run_server(alias: str, sql: str, *, max_rows: int | None, timeout_ms: int | None) -> QueryResult:
    wrapper = connections.create_connection(alias)
    vendor = wrapper.vendor
    try:
        try:
            wrapper.ensure_connection()
        except DjangoDatabaseError as exc:
            raise QueryFailed(f"cannot connect to the database: {_first_line(exc)}") from None
        raw = wrapper.connection
        cursor = raw.cursor()
        if vendor == "postgresql":
            cursor.execute("BEGIN")
            cursor.execute("SET TRANSACTION READ ONLY")
            if timeout_ms:
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
        else:
            if timeout_ms:
                if wrapper.mysql_is_mariadb:
                    cursor.execute(f"SET SESSION max_statement_time = {timeout_ms / 1000:.3f}")
                else:
                    cursor.execute(f"SET SESSION max_execution_time = {int(timeout_ms)}")
            cursor.execute("START TRANSACTION READ ONLY")
        started = time.monotonic()
        try:
            cursor.execute(sql)
            rows = cursor.fetchmany(max_rows + 1) if max_rows else cursor.fetchall()
            columns = [column[0] for column in cursor.description or []]
        except Exception as exc:  # the drivers' own error classes (psycopg, MySQLdb)
            message = _first_line(exc)
            lowered = message.lower()
            if "statement timeout" in lowered or "max_statement_time" in lowered or "max_execution_time" in lowered:
                raise QueryTimeout(_timeout_message(timeout_ms)) from None
            if "read-only" in lowered or "read only" in lowered:
                raise QueryRefused(f"the database refused a write ({message}): the workbench is read-only") from None
            raise QueryFailed(message) from None
        finally:
            with contextlib.suppress(Exception):  # a broken connection is closed below anyway
                raw.rollback()
        return _result(columns, rows, max_rows, started)
    finally:
        wrapper.close()


def run_readonly(alias: str, sql: str, *, max_rows: int | None = None, timeout_ms: int | None = None) -> QueryResult:
    """Check `sql`, then run it read-only on `alias`; QueryRefused (or a subclass) says why it did not run."""
    statement = check_statement(sql)
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return _run_sqlite(alias, statement, max_rows=max_rows, timeout_ms=timeout_ms)
    if vendor in ("postgresql", "mysql"):
        return _run_server(alias, statement, max_rows=max_rows, timeout_ms=timeout_ms)
    raise QueryRefused(f"the workbench cannot run queries on {vendor} databases")


def run_duckdb(sql: str, *, parquet_dirs: list[Path], max_rows: int | None = None) -> QueryResult:
    """Run `sql` in an in-memory DuckDB with every Parquet file of `parquet_dirs` registered as a view of its name."""
    import duckdb

    statement = check_statement(sql)
    connection = duckdb.connect(":memory:")
    try:
        for directory in parquet_dirs:
            for path in sorted(Path(directory).glob("*.parquet")):
                quoted = str(path).replace("'", "''")
                connection.execute(f"CREATE OR REPLACE VIEW \"{path.stem}\" AS SELECT * FROM read_parquet('{quoted}')")
        started = time.monotonic()
        try:
            cursor = connection.execute(statement)
            rows = cursor.fetchmany(max_rows + 1) if max_rows else cursor.fetchall()
        except duckdb.Error as exc:
            raise QueryFailed(_first_line(exc)) from None
        columns = [column[0] for column in cursor.description or []]
        return _result(columns, rows, max_rows, started)
    finally:
        connection.close()
