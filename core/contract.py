"""The table contract: each table's columns, types, keys and indexes, read from the Django models.

The models are the only place a schema is written. Everything that needs a schema outside the ORM (Parquet and
DuckDB column types, CSV headers, the SQL-dump DDL, the loader's column conversion, export) asks this module, so a
new column or a changed type reaches every sink at once.

A column has one of a few `kind`s (int, float, decimal, bool, str, date, datetime, json); its Arrow type, its
numpy dtype and its SQL type per dialect follow from the kind.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

INT_FIELDS = {
    "AutoField": 4,
    "BigAutoField": 8,
    "SmallAutoField": 2,
    "IntegerField": 4,
    "BigIntegerField": 8,
    "SmallIntegerField": 2,
    "PositiveIntegerField": 4,
    "PositiveBigIntegerField": 8,
    "PositiveSmallIntegerField": 2,
}
KIND_BY_FIELD = {
    **dict.fromkeys(INT_FIELDS, "int"),
    "FloatField": "float",
    "DecimalField": "decimal",
    "BooleanField": "bool",
    "CharField": "str",
    "EmailField": "str",
    "SlugField": "str",
    "TextField": "str",
    "URLField": "str",
    "DateField": "date",
    "DateTimeField": "datetime",
    "JSONField": "json",
    "BinaryField": "bytes",
}
NUMPY_DTYPE = {
    "int": np.dtype("int64"),
    "float": np.dtype("float64"),
    "decimal": np.dtype("float64"),
    "bool": np.dtype("bool"),
    "str": np.dtype("O"),
    "json": np.dtype("O"),
    "bytes": np.dtype("O"),
    "date": np.dtype("datetime64[D]"),
    "datetime": np.dtype("datetime64[s]"),
}


@dataclass(frozen=True)
class Column:
    """One column: `name` is the field attname (the key of a batch's columns), `column` the db_column."""

    name: str
    column: str
    kind: str
    nullable: bool
    primary_key: bool = False
    unique: bool = False
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    int_bytes: int = 8
    references: tuple[str, str] | None = None  # (parent db_table, parent column)

    @property
    def numpy_dtype(self) -> np.dtype:
        return NUMPY_DTYPE[self.kind]

    def arrow_type(self):
        import pyarrow as pa

        if self.kind == "int":
            return {2: pa.int16(), 4: pa.int32()}.get(self.int_bytes, pa.int64())
        return {
            "float": pa.float64(),
            "decimal": pa.float64(),
            "bool": pa.bool_(),
            "str": pa.string(),
            "json": pa.string(),
            "bytes": pa.binary(),
            "date": pa.date32(),
            "datetime": pa.timestamp("s"),
        }[self.kind]


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]  # db_column names
    unique: bool = False


@dataclass(frozen=True)
class TableContract:
    """One table: its db_table, the model label, its columns in model order, keys and secondary indexes."""

    table: str
    model_label: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def primary_key(self) -> Column:
        return next(column for column in self.columns if column.primary_key)

    @property
    def foreign_keys(self) -> list[Column]:
        return [column for column in self.columns if column.references]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name or column.column == name:
                return column
        raise KeyError(f"{self.table} has no column {name}")

    def arrow_schema(self, metadata: Mapping[str, str] | None = None):
        import pyarrow as pa

        fields = [pa.field(column.column, column.arrow_type(), nullable=column.nullable) for column in self.columns]
        return pa.schema(fields, metadata=dict(metadata) if metadata else None)

    def arrow_table(self, columns: Mapping[str, np.ndarray]):
        """The batch's numpy columns (keyed by attname or db_column) as an Arrow table of this contract's schema.

        Columns the batch does not hold are null (a generator may leave nullable columns out).
        """
        import pyarrow as pa

        length = _length(columns)
        arrays = []
        for column in self.columns:
            values = columns.get(column.name, columns.get(column.column))
            if values is None:
                arrays.append(pa.nulls(length, type=column.arrow_type()))
            else:
                arrays.append(to_arrow(values, column))
        return pa.Table.from_arrays(arrays, schema=self.arrow_schema())


def _length(columns: Mapping[str, np.ndarray]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def to_arrow(values: np.ndarray, column: Column):
    """One numpy column as an Arrow array of the column's type; NaN and NaT become nulls."""
    import pyarrow as pa

    values = np.asarray(values)
    kind = column.kind
    if kind in ("date", "datetime"):
        unit = "D" if kind == "date" else "s"
        if values.dtype.kind in "US":
            values = values.astype(f"datetime64[{unit}]")
        values = values.astype(f"datetime64[{unit}]")
        mask = np.isnat(values)
        return pa.array(values, mask=mask if mask.any() else None, type=column.arrow_type())
    if kind in ("float", "decimal"):
        values = values.astype(np.float64)
        if kind == "decimal" and column.decimal_places is not None:
            values = np.round(values, column.decimal_places)
        mask = np.isnan(values)
        return pa.array(values, mask=mask if mask.any() else None, type=pa.float64())
    if kind == "int":
        # A safe cast: a value past the column's width (an int32 id at a huge scale) raises, never wraps.
        if values.dtype.kind == "f":
            mask = np.isnan(values)
            array = pa.array(np.where(mask, 0, values).astype(np.int64), mask=mask if mask.any() else None)
        elif values.dtype.kind == "O":
            array = pa.array(values.tolist(), type=pa.int64())
        else:
            array = pa.array(values.astype(np.int64))
        return array.cast(column.arrow_type())
    if kind == "bool":
        return pa.array(values.astype(bool) if values.dtype.kind != "O" else values.tolist(), type=pa.bool_())
    if kind == "bytes":
        return pa.array([None if v is None else bytes(v) for v in values.tolist()], type=pa.binary())
    return pa.array(values.tolist() if values.dtype.kind == "O" else values.astype(str), type=pa.string())


def _kind(model_field) -> str:
    internal = model_field.get_internal_type()
    if internal in ("ForeignKey", "OneToOneField"):
        return _kind(model_field.target_field)
    try:
        return KIND_BY_FIELD[internal]
    except KeyError:
        raise ValueError(
            f"{model_field.model._meta.label}.{model_field.name}: no contract kind for {internal}"
        ) from None


def _int_bytes(model_field) -> int:
    internal = model_field.get_internal_type()
    if internal in ("ForeignKey", "OneToOneField"):
        return _int_bytes(model_field.target_field)
    return INT_FIELDS.get(internal, 8)


def table_contract(model) -> TableContract:
    """The contract of one Django model."""
    from django.db import models

    meta = model._meta
    columns = []
    for model_field in meta.concrete_fields:
        references = None
        typed = model_field  # a foreign key has its target's type (a varchar(12) key stays varchar(12))
        if isinstance(model_field, models.ForeignKey):
            parent = model_field.related_model._meta
            references = (parent.db_table, model_field.target_field.column)
            typed = model_field.target_field
        columns.append(
            Column(
                name=model_field.attname,
                column=model_field.column,
                kind=_kind(model_field),
                nullable=bool(model_field.null),
                primary_key=bool(model_field.primary_key),
                unique=bool(model_field.unique) and not model_field.primary_key,
                max_length=getattr(typed, "max_length", None),
                max_digits=getattr(typed, "max_digits", None),
                decimal_places=getattr(typed, "decimal_places", None),
                int_bytes=_int_bytes(model_field),
                references=references,
            )
        )
    indexes = []
    by_name = {f.name: f.column for f in meta.concrete_fields}
    for model_field in meta.concrete_fields:
        if model_field.db_index and not model_field.unique and not model_field.primary_key:
            indexes.append(Index(f"{meta.db_table}_{model_field.column}_idx", (model_field.column,)))
    for index in meta.indexes:
        indexes.append(Index(index.name, tuple(by_name[name.lstrip("-")] for name in index.fields)))
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields:
            indexes.append(Index(constraint.name, tuple(by_name[name] for name in fields), unique=True))
    return TableContract(meta.db_table, meta.label, tuple(columns), tuple(indexes))


def dataset_contract(models_in_order: Iterable) -> tuple[TableContract, ...]:
    """Contracts of the given models, in the given (foreign-key) order."""
    return tuple(table_contract(model) for model in models_in_order)


@functools.cache
def app_models_in_fk_order(app_label: str) -> tuple:
    """The app's models with every parent before its children (Django's registration order where it already is)."""
    from django.apps import apps

    remaining = list(apps.get_app_config(app_label).get_models())
    ordered: list = []
    while remaining:
        for model in remaining:
            parents = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model and f.related_model in remaining
            }
            if not parents:
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # a cycle: keep the rest in registration order
            ordered.extend(remaining)
            break
    return tuple(ordered)


# --- A digest of rows read back from any sink, equal to core.validation.table_digest ---------------------------------


def canonical_value(value, column: Column) -> str:
    """The text `core.validation.table_digest` makes of a value, whatever a file or client returned for it.

    SQLite's NUMERIC affinity hands back 5 for a decimal 5.00 and text for dates: the column's kind decides.
    """
    import datetime as dt

    if value is None:
        return "\\N"
    kind = column.kind
    if kind in ("float", "decimal"):
        number = float(value)
        return "nan" if number != number else f"{number:.4f}"
    if kind == "bool":
        if isinstance(value, str):
            return "1" if value.strip().lower() in ("1", "t", "true") else "0"
        return str(int(bool(value)))
    if kind == "int":
        return str(int(value))
    if kind == "bytes":
        return str(bytes(value))
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.isoformat(sep=" ", timespec="seconds")
        return str(value).replace("T", " ")[:19]
    return str(value)


def rows_digest(contract: TableContract, rows: Iterable[Sequence]) -> str:
    """SHA-256 of rows (in the contract's column order, already sorted by primary key), as `table_digest` makes it."""
    digest = hashlib.sha256()
    columns = contract.columns
    for row in rows:
        digest.update("\t".join(canonical_value(v, c) for v, c in zip(row, columns, strict=True)).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def arrow_digest(contract: TableContract, table) -> str:
    """`rows_digest` of an Arrow table holding the contract's columns (sorted here by primary key)."""
    table = table.sort_by(contract.primary_key.column).select([c.column for c in contract.columns])
    return rows_digest(contract, zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True))
