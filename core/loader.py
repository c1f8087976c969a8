"""The one bulk loader: numpy columns in, rows in the database by the fastest path of each backend.

- SQLite: `executemany` of a prepared INSERT, all batches in one transaction.
- MySQL/MariaDB: `LOAD DATA LOCAL INFILE` from a temporary tab-separated file where the client option `local_infile`
  is set and the server's `@@local_infile` is ON; otherwise `executemany`, which mysqlclient rewrites into multi-row
  `INSERT ... VALUES (...), (...)`.
- PostgreSQL: binary `COPY ... FROM STDIN (FORMAT BINARY)` through psycopg 3, typed from the model fields; a table
  with a column type the binary path does not handle (JSON) uses text `COPY`.

`LoadStats.paths` names the path each table took, so a fallback is silent but verifiable.

No model instances are built: columns stay numpy arrays until a batch is turned into tuples. Everything written
through one `BulkLoad` is a single transaction, so a failure or Ctrl-C leaves the database as it was.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.apps import apps
from django.core.management.color import no_style
from django.db import DataError, IntegrityError, connections, models, transaction

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
    paths: dict[str, str] = field(default_factory=dict)  # table -> "insert", "copy", "copy binary" or "load data"
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


_INTEGER_TYPES = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "ForeignKey",
    "OneToOneField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}
# PostgreSQL column type (model_field.db_type, before any "(") -> the psycopg binary dumper whose wire format the
# column's binary input reads. A timestamptz column reads the same 8 bytes as timestamp (microseconds since 2000 in
# UTC), so naive UTC datetimes go through the timestamp dumper; varchar reads text's bytes.
_PG_BINARY_TYPES = {
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "numeric": "numeric",
    "double precision": "float8",
    "real": "float4",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamp",
    "timestamp": "timestamp",
    "varchar": "text",
    "text": "text",
}


def _pg_binary_type(model_field: models.Field, connection) -> str | None:
    db_type = model_field.db_type(connection) or ""
    return _PG_BINARY_TYPES.get(db_type.split("(", 1)[0].strip().lower())


def _binary_ready(values: np.ndarray, pg_type: str) -> bool:
    """Whether `_binary_values` can turn this numpy column into what the `pg_type` dumper takes."""
    kind = np.asarray(values).dtype.kind
    if pg_type in ("int2", "int4", "int8"):
        return kind in "iuf"
    if pg_type in ("float4", "float8", "numeric"):
        return kind in "iuf"
    if pg_type == "bool":
        return kind in "biu"
    if pg_type in ("date", "timestamp"):
        return kind == "M"
    return kind == "U"  # text


def _binary_values(values: np.ndarray, model_field: models.Field, pg_type: str) -> list:
    """One numpy column as the Python values of the binary dumper `pg_type`, equal to what text COPY stored."""
    values = np.asarray(values)
    if pg_type in ("date", "timestamp"):
        # Text COPY wrote whole days / whole seconds (np.datetime_as_string): the same truncation here.
        unit = "D" if pg_type == "date" else "s"
        truncated = values.astype(f"datetime64[{unit}]")
        if unit == "s":
            truncated = truncated.astype("datetime64[us]")
        return truncated.astype(object).tolist()  # NaT -> None
    if pg_type == "numeric":
        if values.dtype.kind == "f":
            values = np.round(values, model_field.decimal_places)
            out = np.full(len(values), None, dtype=object)
            present = ~np.isnan(values)
            out[present] = [Decimal(text) for text in values[present].astype(str).tolist()]
            return out.tolist()
        return [Decimal(v) for v in values.tolist()]
    if pg_type == "bool":
        return values.astype(bool).tolist()
    return _column_values(values, model_field, "postgresql")


def _mysql_escape(text: np.ndarray) -> np.ndarray:
    """Escape a string column for LOAD DATA's defaults (ESCAPED BY backslash, tab-separated, newline-terminated)."""
    # (No NUL rule: numpy pads its strings with NULs, so a search for one matches everywhere; a NUL byte inside a
    # value is read back as itself.)
    for plain, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        if (np.strings.find(text, plain) >= 0).any():
            text = np.strings.replace(text, plain, escaped)
    return text


def _tsv_column(values: np.ndarray, model_field: models.Field) -> np.ndarray | None:
    """One numpy column as LOAD DATA text (NULL as \\N), the same values the INSERT path stores; None if its dtype
    has no vectorised conversion here (the table then takes the INSERT path)."""
    values = np.asarray(values)
    internal = model_field.get_internal_type()
    kind = values.dtype.kind
    if kind == "M":
        unit = "D" if internal == "DateField" else "s"
        text = np.datetime_as_string(values, unit=unit)
        if unit == "s":
            text = np.strings.replace(text, "T", " ")
        missing = np.isnat(values)
    elif kind == "f":
        if internal == "DecimalField":
            values = np.round(values, model_field.decimal_places)
        missing = np.isnan(values)
        if internal in _INTEGER_TYPES:
            text = np.where(missing, 0, values).astype(np.int64).astype(str)
        else:
            text = values.astype(str)
    elif kind == "b":
        return values.astype(np.int8).astype(str)
    elif kind in "iu":
        return values.astype(str)
    elif kind == "U":
        return _mysql_escape(values)
    else:
        return None
    if missing.any():
        text = np.where(missing, "\\N", text)
    return text


def _mysql_local_infile(connection) -> bool:
    """LOAD DATA LOCAL INFILE needs both sides: the client option (set at connect) and the server's @@local_infile."""
    if connection.vendor != "mysql" or not connection.settings_dict.get("OPTIONS", {}).get("local_infile"):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@local_infile")
        row = cursor.fetchone()
    return bool(row and int(row[0]))


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
        self._local_infile_allowed: bool | None = None
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
                foreign_keys = cursor.fetchall()
                if foreign_keys:
                    # ALTER TABLE refuses a table with deferred checks pending from earlier statements of this
                    # transaction (an update of a referencing row): run them now, then defer again as before.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for name, definition in foreign_keys:
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
        pairs = list(zip(names, model_fields, strict=True))
        path = "insert"
        if vendor == "postgresql":
            pg_types = [_pg_binary_type(f, self.connection) for f in model_fields]
            binary = all(
                t is not None and _binary_ready(columns[n], t) for (n, _), t in zip(pairs, pg_types, strict=True)
            )
            path = "copy binary" if binary else "copy"
        elif vendor == "mysql" and self._local_infile():
            path = "load data"
        # wrap_database_errors: COPY runs on psycopg's own cursor; its errors become Django's, as INSERT's are.
        with self.connection.cursor() as cursor, self.connection.wrap_database_errors:
            for batch in slices(columns, self.batch_size):
                if path == "load data":
                    text = [_tsv_column(batch[name], f) for name, f in pairs]
                    if all(column is not None for column in text):
                        self._load_data(cursor, table, column_sql, text)
                        continue
                    path = "insert"  # a column without a vectorised text form (an object array): INSERT it all
                if path == "copy binary":
                    lists = [_binary_values(batch[n], f, t) for (n, f), t in zip(pairs, pg_types, strict=True)]
                else:
                    lists = [_column_values(batch[name], f, vendor) for name, f in pairs]
                rows = list(zip(*lists, strict=True))
                if path == "copy binary":
                    sql = f"COPY {quote(table)} ({column_sql}) FROM STDIN (FORMAT BINARY)"
                    with cursor.cursor.copy(sql) as copy:
                        copy.set_types(pg_types)
                        for row in rows:
                            copy.write_row(row)
                elif path == "copy":
                    with cursor.cursor.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    placeholders = ", ".join(["%s"] * len(names))
                    cursor.executemany(f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})", rows)
        self.stats.paths[table] = path
        self.stats.rows[table] = self.stats.rows.get(table, 0) + total
        if model not in self._written_models:
            self._written_models.append(model)
        return total

    def _local_infile(self) -> bool:
        if self._local_infile_allowed is None:
            self._local_infile_allowed = _mysql_local_infile(self.connection)
        return self._local_infile_allowed

    def _load_data(self, cursor, table: str, column_sql: str, text: list[np.ndarray]) -> None:
        """One batch through LOAD DATA LOCAL INFILE. With LOCAL the server turns duplicate keys and bad values into
        warnings and skips or coerces the row: any warning or a short count fails the load instead."""
        line = text[0]
        for column in text[1:]:
            line = np.strings.add(np.strings.add(line, "\t"), column)
        expected = len(line)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".tsv") as handle:
            handle.write("\n".join(line.tolist()))
            handle.write("\n")
            handle.flush()
            cursor.execute(
                f"LOAD DATA LOCAL INFILE %s INTO TABLE {self.connection.ops.quote_name(table)} CHARACTER SET utf8mb4 "
                "FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
                f"({column_sql})",
                [handle.name],
            )
            loaded = cursor.rowcount
        cursor.execute("SHOW WARNINGS LIMIT 1")
        warning = cursor.fetchone()
        if warning is not None:
            level, code, message = warning
            error = IntegrityError if code == 1062 else DataError
            raise error(f"loading {table}: {message}")
        if loaded != expected:
            raise DataError(f"loading {table}: {loaded} of {expected} rows written")

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
