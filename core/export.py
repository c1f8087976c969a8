"""Export every table of a domain to CSV or Parquet, streamed in chunks so memory stays flat at any size."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connections, models, transaction

from core.progress import ProgressCallback, ProgressEvent, no_progress

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


def _write_csv(path: Path, chunks) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header_written = False
        for columns, rows in chunks:
            if not header_written:
                writer.writerow(columns)
                header_written = True
            writer.writerows(rows)
            count += len(rows)
    return count


def _write_parquet(path: Path, chunks, model: type[models.Model]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    writer = None
    try:
        for columns, rows in chunks:
            batch = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
            if writer is None:
                writer = pq.ParquetWriter(path, batch.schema)
            else:
                batch = batch.cast(writer.schema)
            writer.write_table(batch)
            count += len(rows)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # an empty table still gets a file with its columns
        pq.write_table(
            pa.table({field.column: pa.array([], pa.string()) for field in model._meta.concrete_fields}), path
        )
    return count


def dataset_export(
    *,
    domain: str,
    using: str,
    fmt: str,
    out_dir: Path,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback = no_progress,
) -> list[ExportedTable]:
    """Write one file per table of `domain` (`<table>.csv` or `<table>.parquet`) into `out_dir`."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    exported = []
    table_models = list(apps.get_app_config(domain).get_models())
    for done, model in enumerate(table_models, start=1):
        path = out_dir / f"{model._meta.db_table}.{fmt}"
        chunks = _chunks(using=using, model=model, chunk_rows=chunk_rows)
        rows = _write_csv(path, chunks) if fmt == "csv" else _write_parquet(path, chunks, model)
        exported.append(ExportedTable(model._meta.db_table, path, rows))
        progress(ProgressEvent("tables", done, len(table_models), "tables"))
    return exported


def dataset_zip(*, domain: str, using: str, fmt: str = "csv"):
    """The domain's tables as one zip archive in an anonymous temporary file (removed when closed)."""
    import tempfile
    import zipfile

    archive = tempfile.TemporaryFile()  # noqa: SIM115  (the caller's response closes it)
    with tempfile.TemporaryDirectory() as folder:
        exported = dataset_export(domain=domain, using=using, fmt=fmt, out_dir=Path(folder))
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for item in exported:
                zipped.write(item.path, arcname=f"{domain}/{item.path.name}")
    archive.seek(0)
    return archive
