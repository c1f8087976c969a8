"""The one bulk loader: numpy columns in, rows in the database by the fastest path of each backend.

- SQLite: `executemany` of a prepared INSERT, all batches in one transaction.
- MySQL/MariaDB: `executemany`, which mysqlclient rewrites into multi-row `INSERT ... VALUES (...), (...)`.
- PostgreSQL: `COPY ... FROM STDIN` through psycopg 3.

No model instances are built: columns stay numpy arrays until a batch is turned into tuples. Everything written
through one `BulkLoad` is a single transaction, so a failure or Ctrl-C leaves the database as it was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, transaction

from core.cache import mark_database_changed
from simkit.tables import row_count, slices

DEFAULT_BATCH_SIZE = 20_000
GENERATION_TABLE = "synthbiz_generation"  # core.sinks.database: what made the data, inside the database
# Loads committed per alias in this process: a command interrupted by Ctrl-C compares it with the count before its
# run to tell the user truthfully whether the new data was committed or rolled back.
_commits: dict[str, int] = {}


def commit_count(using: str) -> int:
    """How many bulk loads on `using` have committed in this process so far."""
    return _commits.get(using, 0)


@dataclass
class LoadStats:
    """Rows written per table and the time spent, for reports."""

    rows: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started


def _column_values(values: np.ndarray, model_field: models.Field, vendor: str) -> list:
    """Convert one numpy column into Python values the DB-API driver takes without further adaptation."""
    values = np.asarray(values)
    internal = model_field.get_internal_type()
    if values.dtype.kind == "M":
        unit = "D" if internal == "DateField" else "s"
        text = np.datetime_as_string(values, unit=unit)
        if unit == "s":
            text = np.strings.replace(text, "T", " ")
        out = text.astype(object)
        out[np.isnat(values)] = None
        return out.tolist()
    if values.dtype.kind == "f":
        if internal == "DecimalField":
            values = np.round(values, model_field.decimal_places)
        if np.isnan(values).any():
            out = values.astype(object)
            out[np.isnan(values)] = None
            return out.tolist()
        if internal in (
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "ForeignKey",
            "AutoField",
            "BigAutoField",
        ):
            return values.astype(np.int64).tolist()
        return values.tolist()
    if values.dtype.kind == "U":
        return values.tolist()
    if values.dtype.kind == "b" and vendor == "sqlite":
        return values.astype(np.int8).tolist()
    return values.tolist()


def _model_columns(model: type[models.Model], names: Iterable[str]) -> list[models.Field]:
    by_name = {}
    for model_field in model._meta.concrete_fields:
        by_name[model_field.attname] = model_field
        by_name.setdefault(model_field.name, model_field)
    missing = [name for name in names if name not in by_name]
    if missing:
        raise ValueError(f"{model._meta.label} has no column(s) {', '.join(missing)}")
    return [by_name[name] for name in names]


class BulkLoad:
    """Writes column batches to one database alias. Use through `bulk_load()` so it runs in one transaction."""

    def __init__(self, *, using: str, batch_size: int = DEFAULT_BATCH_SIZE):
        if batch_size <= 0:
            raise ValueError(f"batch size must be positive, got {batch_size}")
        self.using = using
        self.batch_size = batch_size
        self.connection = connections[using]
        self.stats = LoadStats()
        self._written_models: list[type[models.Model]] = []
        self._deferred_indexes: list[str] = []
        self.generation_recorded = False  # a sink wrote the generation record itself (with its digests)

    def wipe(self, app_label: str) -> None:
        """Delete every row of the app's tables by SQL (as Django's `flush` does), inside this transaction."""
        tables = [model._meta.db_table for model in apps.get_app_config(app_label).get_models()]
        existing = set(self.connection.introspection.table_names())
        tables = [table for table in tables if table in existing]
        # reset_sequences=False: MySQL's sequence reset is TRUNCATE, which commits implicitly and would break the
        # promise that a failed seed leaves the data as it was. Sequences are reset after the load instead.
        statements = self.connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if GENERATION_TABLE in existing:  # the data it described is gone
                cursor.execute(f"DELETE FROM {self.connection.ops.quote_name(GENERATION_TABLE)}")

    def delete_all(self, model: type[models.Model]) -> None:
        """Delete every row of one table by SQL, inside this transaction."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.connection.ops.quote_name(model._meta.db_table)}")

    def _defer_indexes(self, model: type[models.Model]) -> None:
        """Drop the plain secondary indexes of an empty table (and, on PostgreSQL, its foreign keys);
        `restore_indexes` rebuilds them after the load, inside the same transaction.

        Maintaining three indexes row by row makes SQLite inserts ~4x slower than building them once at the end.
        Only where DDL is transactional (SQLite, PostgreSQL): MySQL commits on DDL, so there indexes stay.
        Unique and primary-key indexes stay everywhere: they guard the data.
        """
        vendor = self.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            return
        table = model._meta.db_table
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                return
            if vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "WHERE t.relname = %s AND t.relnamespace = to_regnamespace(current_schema())::oid "
                    "AND NOT x.indisprimary AND NOT x.indisunique",
                    [table],
                )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {quote(name)}")
                self._deferred_indexes.append(definition)
            if vendor == "postgresql":
                # A foreign key checked row by row (a deferred trigger event per row) costs PostgreSQL about as much
                # as the COPY itself; re-adding the constraint after the load validates all rows in one join, and
                # fails the transaction just the same if a row has no parent.
                cursor.execute(
                    "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid "
                    "WHERE c.contype = 'f' AND t.relname = %s "
                    "AND t.relnamespace = to_regnamespace(current_schema())::oid",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                    self._deferred_indexes.append(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )

    def restore_indexes(self) -> None:
        if not self._deferred_indexes:
            return
        with self.connection.cursor() as cursor, _sqlite_sort_threads(self.connection):
            if self.connection.vendor == "postgresql":
                # PostgreSQL will not build an index on a table with deferred foreign-key checks pending: run them.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            while self._deferred_indexes:
                cursor.execute(self._deferred_indexes.pop())

    def write(self, model: type[models.Model], columns: Mapping[str, np.ndarray]) -> int:
        """Insert the rows held in `columns` (keys are field attnames, e.g. `customer_id`)."""
        total = row_count(columns)
        if total == 0:
            return 0
        if model not in self._written_models:
            self._defer_indexes(model)
        names = list(columns)
        model_fields = _model_columns(model, names)
        table = model._meta.db_table
        quote = self.connection.ops.quote_name
        column_sql = ", ".join(quote(model_field.column) for model_field in model_fields)
        vendor = self.connection.vendor
        with self.connection.cursor() as cursor:
            for batch in slices(columns, self.batch_size):
                lists = [_column_values(batch[name], f, vendor) for name, f in zip(names, model_fields, strict=True)]
                rows = list(zip(*lists, strict=True))
                if vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    placeholders = ", ".join(["%s"] * len(names))
                    cursor.executemany(f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})", rows)
        self.stats.rows[table] = self.stats.rows.get(table, 0) + total
        if model not in self._written_models:
            self._written_models.append(model)
        return total

    def reset_sequences(self) -> None:
        statements = self.connection.ops.sequence_reset_sql(no_style(), self._written_models)
        if statements:
            with self.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


# Sorter threads SQLite may use to build an index (its default is none): on 2 cores, CREATE INDEX over 14 million
# rows took 11.5 s with 2 instead of 17-18 s with the default.
SQLITE_SORT_THREADS = min(4, os.cpu_count() or 1)


@contextmanager
def sqlite_pragma(connection, name: str, value: int):
    """On SQLite, set `PRAGMA name = value` for the block and restore the previous value; elsewhere do nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        previous = int(cursor.execute(f"PRAGMA {name}").fetchone()[0])
        cursor.execute(f"PRAGMA {name} = {int(value)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA {name} = {previous}")


def _sqlite_sort_threads(connection):
    """On SQLite, let index builds sort with worker threads (PRAGMA threads); restore the setting afterwards."""
    return sqlite_pragma(connection, "threads", SQLITE_SORT_THREADS) if SQLITE_SORT_THREADS >= 2 else nullcontext()


@contextmanager
def _foreign_keys_checked_once(connection):
    """On SQLite and MySQL, switch off per-row foreign-key enforcement for the load (as Django's loaddata does);
    the load then checks every written table once before its commit.

    SQLite only accepts the switch outside a transaction; inside one (a test case, an outer atomic block) the
    per-row checks simply stay on. MySQL's switch is a session variable, allowed anywhere: without it a pair of
    tables pointing at each other (dvdrental's store and staff) could not be loaded in any order.
    """
    if connection.vendor == "sqlite" and connection.in_atomic_block or connection.vendor not in ("sqlite", "mysql"):
        yield False
        return
    # Not `constraint_checks_disabled()`: that context manager yields None, not whether the switch took effect.
    disabled = connection.disable_constraint_checking()
    try:
        yield disabled
    finally:
        if disabled:
            connection.enable_constraint_checking()


# The generation a seed command is running (domain, seed, scale, options), set by SeedCommand around its service:
# a load of that domain's data records it in the database's `synthbiz_generation` table, in the load's transaction.
current_generation: ContextVar[dict | None] = ContextVar("current_generation", default=None)


@contextmanager
def recording_generation(generation: dict):
    """Within the block, every bulk load of `generation["domain"]` records it (unless the load did already)."""
    token = current_generation.set(generation)
    try:
        yield
    finally:
        current_generation.reset(token)


def _record_generation(loader: BulkLoad, recordable: bool) -> None:
    from core.databases import domain_of_alias
    from core.sinks.database import insert_generation

    generation = current_generation.get()
    if not recordable or generation is None or loader.generation_recorded or not loader.stats.rows:
        return
    if domain_of_alias(loader.using) != generation["domain"]:
        return
    insert_generation(loader.connection, {**generation, "rows": dict(loader.stats.rows), "digests": {}})
    loader.generation_recorded = True


@contextmanager
def bulk_load(*, using: str, batch_size: int = DEFAULT_BATCH_SIZE):
    """One atomic load: yields a `BulkLoad`; commits on success, rolls back on any exception or Ctrl-C."""
    from core.sinks.database import ensure_generation_table

    loader = BulkLoad(using=using, batch_size=batch_size)
    # Before the transaction: MySQL commits on DDL.
    recordable = current_generation.get() is not None and ensure_generation_table(using=using)
    with _foreign_keys_checked_once(loader.connection) as check_at_end, transaction.atomic(using=using):
        yield loader
        _record_generation(loader, recordable)
        loader.restore_indexes()
        loader.reset_sequences()
        if check_at_end:
            # One pass over each written table instead of a parent look-up per inserted row; a missing parent
            # raises IntegrityError here, before the commit, so the whole load still rolls back.
            loader.connection.check_constraints(table_names=[m._meta.db_table for m in loader._written_models])
    _commits[using] = _commits.get(using, 0) + 1
    loader.stats.finished = time.perf_counter()
    mark_database_changed(using)
    if loader.connection.vendor == "mysql" and not loader.connection.in_atomic_block:
        # As Django's loaddata: MySQL may serve stale reads on the same connection right after a bulk load.
        loader.connection.close()
