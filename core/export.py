"""Export every table of a domain through the sinks (`core.sinks`), streamed in chunks so memory stays flat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import connections, models, transaction

from core.contract import app_models_in_fk_order, dataset_contract, table_contract
from core.progress import ProgressCallback, ProgressEvent, no_progress
from simkit.tables import TableBatch

EXPORT_FORMATS = ("csv", "parquet")
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class ExportedTable:
    table: str
    path: Path
    rows: int


def _chunks(*, using: str, model: type[models.Model], chunk_rows: int) -> Iterator[tuple[list[str], list[tuple]]]:
    """Rows in primary-key order, fetched with a cursor in chunks (a server-side cursor on PostgreSQL)."""
    columns = [field.column for field in model._meta.concrete_fields]
    connection = connections[using]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
        f"ORDER BY {quote(model._meta.pk.column)}"
    )
    if connection.vendor == "postgresql":
        # A named (server-side) cursor streams without loading the table; PostgreSQL wants it in a transaction.
        with (
            transaction.atomic(using=using),
            connection.connection.cursor(name=f"export_{model._meta.db_table}") as cursor,
        ):
            cursor.itersize = chunk_rows
            cursor.execute(sql)
            while rows := cursor.fetchmany(chunk_rows):
                yield columns, rows
        return
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_rows):
            yield columns, rows


def _python_values(values: list, column) -> np.ndarray:
    """A column fetched by a DB-API cursor as the numpy array the contract's sinks take (NaN/NaT/None for NULL).

    Drivers differ: SQLite hands back dates as text and booleans as 0/1, PostgreSQL aware datetimes, every backend
    Decimals for decimal columns; the column's kind decides."""
    kind = column.kind
    if kind in ("date", "datetime"):
        unit = "D" if kind == "date" else "s"
        out = []
        for value in values:
            if isinstance(value, str):
                value = dt.date.fromisoformat(value[:10]) if kind == "date" else dt.datetime.fromisoformat(value)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            out.append(np.datetime64("NaT", unit) if value is None else np.datetime64(value, unit))
        return np.array(out, dtype=f"datetime64[{unit}]")
    if kind in ("float", "decimal"):
        return np.array([np.nan if value is None else float(value) for value in values], dtype=np.float64)
    if kind == "int":
        if any(value is None for value in values):
            return np.array([np.nan if value is None else float(value) for value in values], dtype=np.float64)
        return np.array(values, dtype=np.int64)
    if kind == "bool":
        return np.array([None if value is None else bool(value) for value in values], dtype=object)
    return np.array([None if value is None else str(value) for value in values], dtype=object)


def _batch(contract, columns: list[str], rows: list[tuple]) -> TableBatch:
    by_column = {c.column: c for c in contract.columns}
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return TableBatch(
        contract.table,
        {
            by_column[name].name: _python_values(list(v), by_column[name])
            for name, v in zip(columns, values, strict=True)
        },
    )


def _write_parquet(path: Path, chunks, model: type[models.Model]) -> int:
    """Chunks of rows into one Parquet file typed by the table contract (also used by the zip downloads)."""
    import pyarrow.parquet as pq

    contract = table_contract(model)
    count = 0
    with pq.ParquetWriter(path, contract.arrow_schema()) as writer:
        for columns, rows in chunks:
            writer.write_table(contract.arrow_table(_batch(contract, columns, rows).columns))
            count += len(rows)
    return count


def dataset_export(
    *,
    domain: str,
    using: str,
    fmt: str,
    out_dir: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback = no_progress,
    target: str | None = None,
) -> list[ExportedTable]:
    """Write every table of `domain` through one sink (`core.sinks`): `<table>.csv` or `<table>.parquet` files in
    `out_dir`, or any `--to` target (`duckdb:FILE`, `sql:FILE?dialect=postgres`, ...). Typed by the table contract;
    the files appear only once every table is written. The database's generation record goes along."""
    from core.datasets import generation_info
    from core.sinks import parse_target

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    sink = parse_target(target or f"{fmt}:{out_dir}", domain=domain)
    sink.check()
    table_models = list(app_models_in_fk_order(domain))
    sink.open(dataset_contract(table_models))
    counts = []
    try:
        for done, model in enumerate(table_models, start=1):
            contract = sink.by_table[model._meta.db_table]
            rows = 0
            for columns, chunk in _chunks(using=using, model=model, chunk_rows=chunk_rows):
                sink.write(_batch(contract, columns, chunk))
                rows += len(chunk)
            counts.append((model._meta.db_table, rows))
            progress(ProgressEvent("tables", done, len(table_models), "tables"))
        sink.commit(generation_info(using=using))
    except BaseException:
        sink.abort()
        raise
    final = getattr(sink, "final_path", None)
    return [ExportedTable(table, final(table) if final else Path(sink.describe()), rows) for table, rows in counts]
