"""Downloads at every size: a dataset's SQLite file, and CSV or Parquet zips streamed one table chunk at a time.

Nothing is held in memory whole. The SQLite file is a consistent copy made with SQLite's backup API once per
dataset version (`core.cache`) and served with Content-Length and byte ranges, so a browser can resume it. A zip
is streamed while it is written (zip entries with data descriptors need no seeking) and kept on disk as it goes;
once one download has finished, the next is served from that file with its size and ranges too. Files live under
`DOWNLOAD_CACHE_DIR` (default `data/cache/downloads/`), named by dataset version; older versions are removed when a
newer one is written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse

from core.cache import dataset_version
from core.export import CHUNK_ROWS, _chunks, _write_parquet

BLOCK_BYTES = 1 << 20
ZIP_FORMATS = ("csv", "parquet")
# Files built once per dataset version through the dataset-protocol sinks (core.sinks): kind -> (target, label).
DUMPS = {
    "duckdb": ("duckdb:{path}", "DuckDB file"),
    "sqlite.sql": ("sql:{path}?dialect=sqlite", "SQL dump (SQLite)"),
    "mysql.sql": ("sql:{path}?dialect=mysql", "SQL dump (MySQL/MariaDB)"),
    "postgres.sql": ("sql:{path}?dialect=postgres", "SQL dump (PostgreSQL)"),
}
EXTENSIONS = {"sqlite3": "sqlite3", "csv": "csv.zip", "parquet": "parquet.zip", **{kind: kind for kind in DUMPS}}


def download_dir() -> Path:
    folder = getattr(settings, "DOWNLOAD_CACHE_DIR", None) or Path(settings.DATA_DIR) / "cache" / "downloads"
    return Path(str(folder))  # the setting may be a django-environ Path


def cached_path(domain: str, kind: str) -> Path:
    """Where the `kind` download of the current version of `domain` is (or will be) kept."""
    return download_dir() / f"{domain}-{dataset_version(domain)}.{EXTENSIONS[kind]}"


def _publish(partial: Path, domain: str, kind: str) -> None:
    """Move a finished file into place and drop the same download of older versions."""
    final = cached_path(domain, kind)
    os.replace(partial, final)
    for old in final.parent.glob(f"{domain}-*.{EXTENSIONS[kind]}"):
        if old != final:
            old.unlink(missing_ok=True)


def serves_sqlite_file(domain: str) -> bool:
    return connections[domain].vendor == "sqlite"


def sqlite_size_estimate(domain: str) -> int:
    """The database's size in bytes now (page count x page size): what the copy will weigh."""
    with connections[domain].cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def sqlite_snapshot(domain: str) -> Path:
    """A consistent copy of the domain's SQLite database for its current version, made once."""
    final = cached_path(domain, "sqlite3")
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{domain}-", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        connection = connections[domain]
        if connection.in_atomic_block:
            # The backup would wait for this connection's own open write transaction, forever.
            raise RuntimeError(f"cannot copy the {domain} database from inside a transaction on it")
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target, pages=4096)
        finally:
            target.close()
        _publish(partial, domain, "sqlite3")
    finally:
        partial.unlink(missing_ok=True)
    return final


def built_dump(domain: str, kind: str) -> Path:
    """The DuckDB file or SQL dump of the domain's current version, written through its sink the first time."""
    from core.export import dataset_export

    final = cached_path(domain, kind)
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=f".{domain}-") as folder:
        partial = Path(folder) / f"{domain}.{kind}"
        dataset_export(domain=domain, using=domain, fmt="csv", target=DUMPS[kind][0].format(path=partial))
        _publish(partial, domain, kind)
    return final


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream the zip writer fills; the generator drains it after every chunk."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:  # zipfile records entry offsets from it
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_chunks(*, domain: str, fmt: str, chunk_rows: int) -> Iterator[bytes]:
    """The bytes of a zip holding one `<table>.<fmt>` per table of `domain`, produced one table chunk at a time."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for model in apps.get_app_config(domain).get_models():
            name = f"{domain}/{model._meta.db_table}.{fmt}"
            chunks = _chunks(using=domain, model=model, chunk_rows=chunk_rows)
            if fmt == "csv":
                with archive.open(name, "w", force_zip64=True) as entry:
                    text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
                    writer = csv.writer(text)
                    header = True
                    for columns, rows in chunks:
                        if header:
                            writer.writerow(columns)
                            header = False
                        writer.writerows(rows)
                        text.flush()
                        yield pipe.drain()
                    if header:  # an empty table still has its header
                        writer.writerow([field.column for field in model._meta.concrete_fields])
                    text.flush()
                    text.detach()
            else:
                # Parquet needs to seek back for its footer: each table goes through a temporary file, chunk by
                # chunk, and is then copied into the (stored, already compressed) zip entry block by block.
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "table.parquet"
                    _write_parquet(path, chunks, model)
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_STORED
                    with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as entry:
                        while block := source.read(BLOCK_BYTES):
                            entry.write(block)
                            yield pipe.drain()
            yield pipe.drain()
    yield pipe.drain()


def zip_stream(*, domain: str, fmt: str, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Stream the zip and keep a copy on disk; the copy is published only when the whole zip was written."""
    final = cached_path(domain, fmt)
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{domain}-", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as copy:
            for data in _zip_chunks(domain=domain, fmt=fmt, chunk_rows=chunk_rows):
                if data:
                    copy.write(data)
                    yield data
        _publish(partial, domain, fmt)
    finally:  # also when the client goes away mid-download (the generator is closed)
        partial.unlink(missing_ok=True)


@dataclass(frozen=True)
class Offer:
    """One download a card offers: what it is, where, and how big before the click."""

    kind: str
    label: str
    url: str
    size: str


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def download_offers(domain: str, *, total_rows: int) -> list[Offer]:
    from django.urls import reverse

    offers = []
    if serves_sqlite_file(domain):
        snapshot = cached_path(domain, "sqlite3")
        size = snapshot.stat().st_size if snapshot.exists() else sqlite_size_estimate(domain)
        offers.append(Offer("sqlite3", "SQLite database", reverse("download-sqlite", args=[domain]), human_size(size)))
    for fmt in ZIP_FORMATS:
        path = cached_path(domain, fmt)
        size = human_size(path.stat().st_size) if path.exists() else f"{total_rows:,} rows, streamed"
        label = "CSV (zip)" if fmt == "csv" else "Parquet (zip)"
        offers.append(Offer(fmt, label, reverse("download", args=[domain, fmt]), size))
    for kind, (_, label) in DUMPS.items():
        path = cached_path(domain, kind)
        size = human_size(path.stat().st_size) if path.exists() else "built on the first download"
        offers.append(Offer(kind, label, reverse("download-dump", args=[domain, kind]), size))
    return offers


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_response(request, path: Path, *, filename: str, content_type: str) -> HttpResponse:
    """Serve `path` with Content-Length and a single byte range (206), so an interrupted download can resume."""
    size = path.stat().st_size
    etag = f'"{path.stem.rsplit("-", 1)[-1]}-{size}"'
    start, end, status = 0, size - 1, 200
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if header and (if_range is None or if_range == etag):
        match = _RANGE.match(header.strip())
        if match and (match[1] or match[2]):
            if match[1]:
                start = int(match[1])
                end = min(int(match[2]), size - 1) if match[2] else size - 1
            else:  # the last N bytes
                start = max(size - int(match[2]), 0)
            if start > end or start >= size:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                return response
            status = 206

    def blocks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0 and (block := handle.read(min(BLOCK_BYTES, left))):
                left -= len(block)
                yield block

    response = StreamingHttpResponse(blocks(), status=status, content_type=content_type)
    response["Content-Length"] = str(end - start + 1 if size else 0)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
