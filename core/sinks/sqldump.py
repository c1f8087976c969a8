"""A SQL dump per dialect that loads with the plain client and nothing else:

    sqlite3 shop.sqlite3 < minicrm.sql
    mariadb -u root shop < minicrm.sql
    psql -d shop -f minicrm.sql

Schema from the table contract, then the data (multi-row INSERTs; `COPY ... FROM stdin` for PostgreSQL), then the
secondary indexes, then the foreign keys (declared in CREATE TABLE on SQLite, which cannot add them later), then the
`synthbiz_generation` record. The file is written as `<name>.partial` and renamed on commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from core.sinks import PARTIAL, Sink, SinkError, creatable_folder, remove_partial, replace_into_place, writable_folder

DIALECTS = ("sqlite", "mysql", "postgres")
ROWS_PER_INSERT = 500


def _quote_name(name: str, dialect: str) -> str:
    return f"`{name}`" if dialect == "mysql" else f'"{name}"'


def sql_type(column, dialect: str) -> str:
    kind = column.kind
    if kind == "int":
        if dialect == "sqlite":
            return "integer"
        return {2: "smallint", 4: "integer"}.get(column.int_bytes, "bigint")
    if kind == "float":
        return "real" if dialect == "sqlite" else "double precision"
    if kind == "decimal":
        return f"decimal({column.max_digits}, {column.decimal_places})"
    if kind == "bool":
        return "boolean" if dialect == "postgres" else ("bool" if dialect == "sqlite" else "tinyint(1)")
    if kind == "str":
        if column.max_length:
            return f"varchar({column.max_length})"
        return "longtext" if dialect == "mysql" else "text"
    if kind == "json":
        return "longtext" if dialect == "mysql" else "text"
    if kind == "bytes":
        return {"sqlite": "blob", "mysql": "longblob", "postgres": "bytea"}[dialect]
    if kind == "date":
        return "date"
    return "datetime" if dialect in ("sqlite", "mysql") else "timestamp"


def create_table_sql(contract, dialect: str) -> str:
    quote = lambda name: _quote_name(name, dialect)  # noqa: E731
    lines = []
    for column in contract.columns:
        line = f"  {quote(column.column)} {sql_type(column, dialect)}{'' if column.nullable else ' NOT NULL'}"
        if column.primary_key:
            line += " PRIMARY KEY"
        elif column.unique:
            line += " UNIQUE"
        lines.append(line)
    if dialect == "sqlite":
        for column in contract.foreign_keys:
            parent, target = column.references
            lines.append(f"  FOREIGN KEY ({quote(column.column)}) REFERENCES {quote(parent)} ({quote(target)})")
    tail = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" if dialect == "mysql" else ""
    return f"CREATE TABLE {quote(contract.table)} (\n" + ",\n".join(lines) + f"\n){tail};\n"


def index_sql(contract, dialect: str) -> list[str]:
    quote = lambda name: _quote_name(name, dialect)  # noqa: E731
    out = []
    for index in contract.indexes:
        unique = "UNIQUE " if index.unique else ""
        name = index.name[:60]
        columns = ", ".join(quote(c) for c in index.columns)
        out.append(f"CREATE {unique}INDEX {quote(name)} ON {quote(contract.table)} ({columns});\n")
    return out


def foreign_key_sql(contract, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return []
    quote = lambda name: _quote_name(name, dialect)  # noqa: E731
    out = []
    for column in contract.foreign_keys:
        parent, target = column.references
        name = f"{contract.table}_{column.column}_fk"[:60]
        out.append(
            f"ALTER TABLE {quote(contract.table)} ADD CONSTRAINT {quote(name)} FOREIGN KEY ({quote(column.column)}) "
            f"REFERENCES {quote(parent)} ({quote(target)});\n"
        )
    return out


def _null_mask(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "M":
        return np.isnat(values)
    if values.dtype.kind == "O":
        return np.fromiter((value is None for value in values), dtype=bool, count=len(values))
    return np.zeros(len(values), dtype=bool)


def literals(values: np.ndarray, column, dialect: str, *, copy: bool = False) -> list[str]:
    """The column's values as SQL literals (or as COPY text fields with `copy`); nulls as NULL (or \\N)."""
    values = np.asarray(values)
    kind = column.kind
    null = "\\N" if copy else "NULL"
    mask = _null_mask(values)
    if kind in ("date", "datetime"):
        unit = "D" if kind == "date" else "s"
        text = np.strings.replace(np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit), "T", " ")
        out = text.astype(object) if copy else np.strings.add(np.strings.add("'", text), "'").astype(object)
    elif kind in ("float", "decimal"):
        numbers = values.astype(np.float64)
        if kind == "decimal" and column.decimal_places is not None:
            out = np.char.mod(f"%.{column.decimal_places}f", np.where(mask, 0, numbers)).astype(object)
        else:
            out = np.char.mod("%.17g", np.where(mask, 0, numbers)).astype(object)
    elif kind == "int":
        if values.dtype.kind == "O":
            out = np.array([str(int(v)) if v is not None else "" for v in values], dtype=object)
        else:
            out = np.where(mask, 0, values).astype(np.int64).astype(str).astype(object)
    elif kind == "bool":
        flags = np.where(mask, False, values).astype(bool)
        if dialect == "postgres":
            out = np.where(flags, "t" if copy else "true", "f" if copy else "false").astype(object)
        else:
            out = np.where(flags, "1", "0").astype(object)
    elif kind == "bytes":
        hexes = ["" if v is None else bytes(v).hex() for v in values.tolist()]
        if copy:
            out = np.array([f"\\\\x{h}" for h in hexes], dtype=object)
        elif dialect == "postgres":
            out = np.array([f"'\\x{h}'" for h in hexes], dtype=object)
        else:
            out = np.array([f"X'{h}'" for h in hexes], dtype=object)
    else:
        text = (
            np.array(["" if v is None else str(v) for v in values.tolist()], dtype=object)
            if values.dtype.kind == "O"
            else values.astype(str)
        )
        text = np.asarray(text, dtype=str)
        if copy:
            for old, new in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
                text = np.strings.replace(text, old, new)
            out = text.astype(object)
        else:
            if dialect == "mysql":
                text = np.strings.replace(text, "\\", "\\\\")
            text = np.strings.replace(text, "'", "''")
            out = np.strings.add(np.strings.add("'", text), "'").astype(object)
    if mask.any():
        out[mask] = null
    return out.tolist()


class SqlDumpSink(Sink):
    """Writes one `.sql` file for `dialect` (sqlite, mysql or postgres)."""

    def __init__(self, path: Path, *, dialect: str, domain: str):
        if dialect not in DIALECTS:
            raise SinkError(f"unknown SQL dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
        self.path = Path(path)
        self.dialect = dialect
        self.domain = domain
        self.partial = self.path.with_name(self.path.name + PARTIAL)
        self.handle = None

    def describe(self) -> str:
        return f"sql:{self.path}?dialect={self.dialect}"

    def check(self) -> None:
        writable_folder(self.path.parent if str(self.path.parent) else Path("."), what="sql")
        if self.path.is_dir():
            raise SinkError(f"the sql target {self.path} is a folder, not a file")

    def precheck(self) -> None:
        creatable_folder(self.path.parent, what="sql")
        if self.path.is_dir():
            raise SinkError(f"the sql target {self.path} is a folder, not a file")

    def open(self, contract) -> None:
        super().open(contract)
        self.check()
        self.handle = self.partial.open("w", encoding="utf-8", newline="\n")
        write = self.handle.write
        write(f"-- {self.domain} dataset, {self.dialect} dialect\n")
        if self.dialect == "sqlite":
            write("PRAGMA foreign_keys = OFF;\nBEGIN;\n")
        elif self.dialect == "mysql":
            write("SET NAMES utf8mb4;\nSET FOREIGN_KEY_CHECKS = 0;\nSET UNIQUE_CHECKS = 0;\n")
        else:
            write("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nBEGIN;\n")
        for table in self.contract:
            write(create_table_sql(table, self.dialect))
        if self.dialect == "mysql":
            write("START TRANSACTION;\n")

    def write(self, batch) -> None:
        contract = self.by_table[batch.table]
        present = [c for c in contract.columns if c.name in batch.columns or c.column in batch.columns]
        count = len(batch)
        if count == 0:
            return
        quote = lambda name: _quote_name(name, self.dialect)  # noqa: E731
        copy = self.dialect == "postgres"
        cells = [
            literals(batch.columns.get(c.name, batch.columns.get(c.column)), c, self.dialect, copy=copy)
            for c in present
        ]
        names = ", ".join(quote(c.column) for c in present)
        if copy:
            self.handle.write(f"COPY {quote(contract.table)} ({names}) FROM stdin;\n")
            self.handle.write("".join("\t".join(row) + "\n" for row in zip(*cells, strict=True)))
            self.handle.write("\\.\n")
            return
        rows = ["(" + ", ".join(row) + ")" for row in zip(*cells, strict=True)]
        head = f"INSERT INTO {quote(contract.table)} ({names}) VALUES\n"
        for start in range(0, count, ROWS_PER_INSERT):
            self.handle.write(head + ",\n".join(rows[start : start + ROWS_PER_INSERT]) + ";\n")

    def _generation_sql(self, generation: dict) -> str:
        quote = lambda name: _quote_name(name, self.dialect)  # noqa: E731
        text = "longtext" if self.dialect == "mysql" else "text"
        escape = (
            (lambda s: s.replace("\\", "\\\\").replace("'", "''"))
            if self.dialect == "mysql"
            else (lambda s: s.replace("'", "''"))
        )
        options = escape(json.dumps(generation.get("options", {}), sort_keys=True, default=str))
        tables = escape(json.dumps({"rows": generation.get("rows", {}), "digests": generation.get("digests", {})}))
        return (
            f"CREATE TABLE {quote('synthbiz_generation')} (run integer NOT NULL PRIMARY KEY, domain varchar(40) "
            f"NOT NULL, seed bigint NOT NULL, scale double precision NOT NULL, options {text} NOT NULL, "
            f"version varchar(40) NOT NULL, tables_json {text} NOT NULL);\n"
            f"INSERT INTO {quote('synthbiz_generation')} VALUES (1, '{escape(generation['domain'])}', "
            f"{int(generation['seed'])}, {float(generation['scale'])!r}, '{options}', "
            f"'{escape(str(generation.get('version', '')))}', '{tables}');\n"
        )

    def commit(self, generation: dict | None = None) -> None:
        write = self.handle.write
        if self.dialect == "mysql":
            write("COMMIT;\n")
        for table in self.contract:
            for statement in index_sql(table, self.dialect):
                write(statement)
        for table in self.contract:
            for statement in foreign_key_sql(table, self.dialect):
                write(statement)
        if generation is not None:
            write(self._generation_sql(generation))
        if self.dialect == "mysql":
            write("SET FOREIGN_KEY_CHECKS = 1;\nSET UNIQUE_CHECKS = 1;\n")
        else:
            write("COMMIT;\n")
        self.handle.close()
        self.handle = None
        replace_into_place(self.partial, self.path)

    def abort(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        remove_partial(self.partial)
