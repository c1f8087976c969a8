"""File sinks typed by the table contract: Parquet, CSV and a DuckDB database file.

Everything is written under `<name>.partial` and renamed into place by `commit()`; `abort()` removes the
temporaries, so a failed run leaves earlier files as they were.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from core.sinks import PARTIAL, Sink, SinkError, creatable_folder, remove_partial, replace_into_place, writable_folder

GENERATION_FILE = "synthbiz_generation.json"
GENERATION_KEY = "synthbiz_generation"
PART_ROWS = 5_000_000  # rows per file of a partitioned Parquet table


class _PerTableFiles(Sink):
    """Common part of the folder sinks: one output per table, a generation JSON beside them."""

    suffix = ""
    what = ""

    def __init__(self, folder: Path, *, domain: str):
        self.folder = Path(folder)
        self.domain = domain
        self.writers: dict[str, object] = {}
        self.rows: dict[str, int] = {}

    def describe(self) -> str:
        return f"{self.what}:{self.folder}"

    def check(self) -> None:
        writable_folder(self.folder, what=self.what)

    def precheck(self) -> None:
        creatable_folder(self.folder, what=self.what)

    def final_path(self, table: str) -> Path:
        return self.folder / f"{table}{self.suffix}"

    def partial_path(self, table: str) -> Path:
        return self.folder / f"{table}{self.suffix}{PARTIAL}"

    def open(self, contract) -> None:
        super().open(contract)
        self.check()
        self.rows = {table.table: 0 for table in self.contract}

    def write(self, batch) -> None:
        contract = self.by_table[batch.table]
        table = contract.arrow_table(batch.columns)
        if batch.table not in self.writers:
            self.writers[batch.table] = self._new_writer(contract)
        self._write(batch.table, self.writers[batch.table], table)
        self.rows[batch.table] += table.num_rows

    def commit(self, generation: dict | None = None) -> None:
        for contract in self.contract:
            if contract.table not in self.writers:  # an empty table still gets its file and columns
                self.writers[contract.table] = self._new_writer(contract)
        for table, writer in self.writers.items():
            self._close(table, writer, generation)
        self.writers = {}
        for contract in self.contract:
            replace_into_place(self.partial_path(contract.table), self.final_path(contract.table))
        if generation is not None:
            partial = self.folder / (GENERATION_FILE + PARTIAL)
            partial.write_text(json.dumps(generation, indent=2, sort_keys=True, default=str) + "\n")
            replace_into_place(partial, self.folder / GENERATION_FILE)

    def abort(self) -> None:
        for table, writer in self.writers.items():
            with contextlib.suppress(Exception):  # the temporaries are removed anyway
                self._close(table, writer, None)
        self.writers = {}
        for contract in getattr(self, "contract", ()):
            remove_partial(self.partial_path(contract.table))
        remove_partial(self.folder / (GENERATION_FILE + PARTIAL))


class ParquetSink(_PerTableFiles):
    """One `<table>.parquet` per table, or with `partitioned` a folder `<table>/` of part files.

    The schema comes from the contract (no guessing from the data); the generation record is in each file's
    key-value metadata (`synthbiz_generation`) and in `synthbiz_generation.json`.
    """

    what = "parquet"

    def __init__(self, folder: Path, *, domain: str, partitioned: bool = False, compression: str = "snappy"):
        super().__init__(folder, domain=domain)
        self.partitioned = partitioned
        self.compression = compression
        self.suffix = "" if partitioned else ".parquet"

    def _new_writer(self, contract):
        import pyarrow.parquet as pq

        path = self.partial_path(contract.table)
        if self.partitioned:
            path.mkdir(parents=True, exist_ok=True)
            return {"contract": contract, "part": 0, "rows": 0, "writer": None}
        return pq.ParquetWriter(path, contract.arrow_schema(), compression=self.compression)

    def _part_writer(self, state):
        import pyarrow.parquet as pq

        if state["writer"] is None or state["rows"] >= PART_ROWS:
            if state["writer"] is not None:
                state["writer"].close()
                state["part"] += 1
            path = self.partial_path(state["contract"].table) / f"part-{state['part']:05d}.parquet"
            state["writer"] = pq.ParquetWriter(path, state["contract"].arrow_schema(), compression=self.compression)
            state["rows"] = 0
        return state["writer"]

    def _write(self, table: str, writer, arrow_table) -> None:
        if self.partitioned:
            self._part_writer(writer).write_table(arrow_table)
            writer["rows"] += arrow_table.num_rows
        else:
            writer.write_table(arrow_table)

    def _close(self, table: str, writer, generation) -> None:
        metadata = {GENERATION_KEY: json.dumps(generation, sort_keys=True, default=str)} if generation else None
        if self.partitioned:
            inner = self._part_writer(writer) if writer["writer"] is None else writer["writer"]
            if metadata:
                inner.add_key_value_metadata(metadata)
            inner.close()
            return
        if metadata:
            writer.add_key_value_metadata(metadata)
        writer.close()


class CsvSink(_PerTableFiles):
    """One `<table>.csv` per table: a header row (also for an empty table), db_column names, ISO dates."""

    what = "csv"
    suffix = ".csv"

    def _new_writer(self, contract):
        import pyarrow.csv as pa_csv

        return pa_csv.CSVWriter(str(self.partial_path(contract.table)), contract.arrow_schema())

    def _write(self, table: str, writer, arrow_table) -> None:
        writer.write_table(arrow_table)

    def _close(self, table: str, writer, generation) -> None:
        writer.close()


DUCKDB_TYPES = {
    "int": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DOUBLE",
    "bool": "BOOLEAN",
    "str": "VARCHAR",
    "json": "VARCHAR",
    "bytes": "BLOB",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}


class DuckDBSink(Sink):
    """A DuckDB database file with one table per contract table and the `synthbiz_generation` record.

    Tables are created from the contract with their primary keys; foreign keys are not declared (DuckDB checks
    them row by row and cannot add them afterwards).
    """

    def __init__(self, path: Path, *, domain: str):
        self.path = Path(path)
        self.domain = domain
        self.partial = self.path.with_name(self.path.name + PARTIAL)
        self.connection = None

    def describe(self) -> str:
        return f"duckdb:{self.path}"

    def check(self) -> None:
        try:
            import duckdb  # noqa: F401
        except ImportError:
            raise SinkError("the duckdb target needs the duckdb package (pip install duckdb)") from None
        writable_folder(self.path.parent if str(self.path.parent) else Path("."), what="duckdb")
        if self.path.is_dir():
            raise SinkError(f"the duckdb target {self.path} is a folder, not a file")

    def precheck(self) -> None:
        creatable_folder(self.path.parent, what="duckdb")
        if self.path.is_dir():
            raise SinkError(f"the duckdb target {self.path} is a folder, not a file")

    def open(self, contract) -> None:
        import duckdb

        super().open(contract)
        self.check()
        remove_partial(self.partial)
        self.connection = duckdb.connect(str(self.partial))
        for table in self.contract:
            columns = ", ".join(
                f'"{c.column}" {DUCKDB_TYPES[c.kind]}{"" if c.nullable else " NOT NULL"}' for c in table.columns
            )
            self.connection.execute(f'CREATE TABLE "{table.table}" ({columns})')

    def write(self, batch) -> None:
        self.connection.register("synthbiz_batch", self.by_table[batch.table].arrow_table(batch.columns))
        try:
            self.connection.execute(f'INSERT INTO "{batch.table}" SELECT * FROM synthbiz_batch')
        finally:
            self.connection.unregister("synthbiz_batch")

    def commit(self, generation: dict | None = None) -> None:
        if generation is not None:
            self.connection.execute(
                "CREATE TABLE synthbiz_generation (run INTEGER, domain VARCHAR, seed BIGINT, scale DOUBLE, "
                "options VARCHAR, version VARCHAR, tables_json VARCHAR)"
            )
            self.connection.execute(
                "INSERT INTO synthbiz_generation VALUES (1, ?, ?, ?, ?, ?, ?)",
                [
                    generation["domain"],
                    int(generation["seed"]),
                    float(generation["scale"]),
                    json.dumps(generation.get("options", {}), sort_keys=True, default=str),
                    str(generation.get("version", "")),
                    json.dumps({"rows": generation.get("rows", {}), "digests": generation.get("digests", {})}),
                ],
            )
        self.connection.close()
        self.connection = None
        replace_into_place(self.partial, self.path)

    def abort(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None
        remove_partial(self.partial)
        remove_partial(self.partial.with_name(self.partial.name + ".wal"))
