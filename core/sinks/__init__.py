"""Sinks: where a dataset's batches go. One interface, like Django's storage backends.

    sink.check()                 # before anything is generated: can the target be written? (one-line SinkError)
    sink.open(contract)          # the dataset's table contracts, in foreign-key order
    sink.write(batch)            # a simkit.tables.TableBatch; batches arrive in shard order
    sink.commit(generation)      # make it all visible at once, with the generation record (seed, scale, digests)
    sink.abort()                 # leave the target as it was

`parse_target(text, domain=...)` turns a `--to` value into a sink: a database URL (`sqlite:///x.sqlite3`,
`postgres://...`, `mysql://...`), `db:` (the domain's configured database), `parquet:DIR`, `csv:DIR`,
`duckdb:FILE`, `sql:FILE?dialect=sqlite|mysql|postgres`. File sinks write under temporary names and rename into place
on commit only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs

from simkit.tables import TableBatch

FILE_SCHEMES = ("parquet", "csv", "duckdb", "sql")
DATABASE_SCHEMES = ("sqlite", "mysql", "mariadb", "postgres", "postgresql", "pgsql")
PARTIAL = ".partial"


class SinkError(Exception):
    """A target that cannot be used (unknown scheme, unwritable folder); the message is one line."""


class Sink:
    """Base class: subclasses implement what they need; `describe()` names the target in reports."""

    def check(self) -> None:
        """Raise SinkError when the target cannot be written; called before anything is generated."""

    def precheck(self) -> None:
        """Like check() but creating nothing: for a command's option checks, before any work starts."""

    def open(self, contract: Sequence) -> None:
        self.contract = tuple(contract)
        self.by_table = {table.table: table for table in self.contract}

    def write(self, batch: TableBatch) -> None:
        raise NotImplementedError

    def commit(self, generation: dict | None = None) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


def writable_folder(folder: Path, *, what: str) -> Path:
    """Create `folder` if needed and prove it is writable; SinkError otherwise (nothing else is written)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(f"cannot create the {what} folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise SinkError(f"the {what} target {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SinkError(f"the {what} folder {folder} is not writable")
    return folder


def creatable_folder(folder: Path, *, what: str) -> None:
    """SinkError unless `folder` exists and is writable, or could be created (its nearest existing parent is a
    writable folder). Creates nothing."""
    folder = Path(folder).absolute()
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise SinkError(f"cannot create the {what} folder {folder}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SinkError(f"the {what} folder {folder} cannot be written ({probe} is not writable)")


def replace_into_place(partial: Path, final: Path) -> None:
    """Rename a finished temporary file or folder over the final name (a folder is replaced as a whole)."""
    import shutil

    if final.is_dir() and not final.is_symlink():
        shutil.rmtree(final)
    os.replace(partial, final)


def remove_partial(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def parse_target(text: str, *, domain: str, batch_size: int | None = None, reset: bool = False) -> Sink:
    """The sink a `--to` value names; SinkError (one line) for an unknown scheme or a malformed value."""
    text = (text or "").strip()
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or not scheme:
        raise SinkError(
            f"cannot read target {text!r}: use a database URL, parquet:DIR, csv:DIR, duckdb:FILE or "
            "sql:FILE?dialect=sqlite|mysql|postgres"
        )
    if scheme == "db" and not rest:
        from core.sinks.database import DatabaseSink

        return DatabaseSink(domain=domain, database_url=None, batch_size=batch_size, reset=reset)
    if scheme in DATABASE_SCHEMES:
        from core.sinks.database import DatabaseSink

        return DatabaseSink(domain=domain, database_url=text, batch_size=batch_size, reset=reset)
    if scheme not in FILE_SCHEMES:
        known = ", ".join([*(f"{s}:" for s in FILE_SCHEMES), "sqlite://", "mysql://", "postgres://"])
        raise SinkError(f"unknown target scheme {scheme!r} in {text!r}: use one of {known}")
    path, _, query = rest.partition("?")
    if not path:
        raise SinkError(f"target {text!r} names no path")
    params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
    if scheme == "parquet":
        from core.sinks.files import ParquetSink

        unknown = set(params) - {"partition"}
        if unknown:
            raise SinkError(f"unknown parquet option(s) {', '.join(sorted(unknown))} in {text!r} (known: partition)")
        return ParquetSink(Path(path), domain=domain, partitioned=params.get("partition", "") in ("1", "shard"))
    if params and scheme != "sql":
        raise SinkError(f"target {text!r} takes no options")
    if scheme == "csv":
        from core.sinks.files import CsvSink

        return CsvSink(Path(path), domain=domain)
    if scheme == "duckdb":
        from core.sinks.files import DuckDBSink

        return DuckDBSink(Path(path), domain=domain)
    from core.sinks.sqldump import DIALECTS, SqlDumpSink

    dialect = params.pop("dialect", "sqlite")
    if params:
        raise SinkError(f"unknown sql option(s) {', '.join(sorted(params))} in {text!r} (known: dialect)")
    if dialect not in DIALECTS:
        raise SinkError(f"unknown SQL dialect {dialect!r} in {text!r}: use one of {', '.join(DIALECTS)}")
    return SqlDumpSink(Path(path), dialect=dialect, domain=domain)
