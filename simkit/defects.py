"""Labelled data-quality defects: damage a table's columns at documented rates and list every damaged value.

A data-cleaning exercise needs dirty data and an answer key. `apply_defects` takes clean columns and returns damaged
columns plus a manifest (table, row_id, column, kind, clean_value), one manifest row per damaged value, which a
domain loads into its `data_defects` table. With level "none" the input comes back untouched (same objects), so a
seed with `--defects none` is byte-for-byte the seed without the option.

Kinds and rates (share of the table's rows damaged per eligible column; "heavy" is five times "light"):

==================  ======  ======  ===================================================================
kind                light   heavy   what happens
==================  ======  ======  ===================================================================
duplicate           0.5%    2.5%    the row is copied under a new id (clean_value: the original id)
typo                1%      5%      two neighbouring letters of a name swap ("Smtih")
casing              1%      5%      a name changes case ("SMITH" -> "Smith", "Smith" -> "SMITH")
missing             1%      5%      a value becomes NULL
out_of_range        0.5%    2.5%    a number leaves its valid range (negative, or ten times the maximum)
impossible_date     0.2%    1%      a date moves a hundred years into the future
late_arriving       1%      5%      a row's recorded time (e.g. last_update) arrives 30-180 days late
==================  ======  ======  ===================================================================

A cell gets at most one defect. Only the damaged rows are touched, in vectorised numpy (no loop per row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFECT_LEVELS = ("none", "light", "heavy")
LIGHT_RATES: dict[str, float] = {
    "duplicate": 0.005,
    "typo": 0.01,
    "casing": 0.01,
    "missing": 0.01,
    "out_of_range": 0.005,
    "impossible_date": 0.002,
    "late_arriving": 0.01,
}
DEFECT_RATES: dict[str, dict[str, float]] = {
    "none": dict.fromkeys(LIGHT_RATES, 0.0),
    "light": LIGHT_RATES,
    "heavy": {kind: 5 * rate for kind, rate in LIGHT_RATES.items()},
}
MANIFEST_COLUMNS = ("table_name", "row_id", "column_name", "kind", "clean_value")


@dataclass(frozen=True)
class DefectSpec:
    """Which columns of a table may be damaged, and how.

    names: text columns that get typos and casing drift; nullable: columns that may lose their value;
    ranges: numeric columns and their valid (low, high); dates: datetime64 columns that may become impossible;
    late: datetime64 columns of "when the row was recorded" that may arrive late; duplicates: whether rows may be
    copied under a new id; empty: NOT NULL text columns whose missing value is an empty string instead of NULL;
    unique: text columns a duplicate cannot repeat (the copy gets "+<new id>" before an "@", else appended).
    """

    table: str
    id_column: str = "id"
    names: tuple[str, ...] = ()
    nullable: tuple[str, ...] = ()
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    dates: tuple[str, ...] = ()
    late: tuple[str, ...] = ()
    duplicates: bool = False
    empty: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()


def validate_level(level: str) -> str:
    if level not in DEFECT_LEVELS:
        raise ValueError(f"defects must be one of {', '.join(DEFECT_LEVELS)}, got {level!r}")
    return level


def empty_manifest() -> dict[str, np.ndarray]:
    return {name: np.array([], dtype=np.int64 if name == "row_id" else object) for name in MANIFEST_COLUMNS}


def _text(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values).astype(object)
    out[:] = [None if v is None else str(v) for v in out]  # only over the damaged rows
    return out


def _swap_neighbours(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    text = np.asarray(values).astype(str)
    length = np.strings.str_len(text)
    ok = length >= 2
    pos = np.where(ok, rng.integers(0, np.maximum(length - 1, 1)), 0)
    head = np.strings.slice(text, 0, pos)
    a = np.strings.slice(text, pos, pos + 1)
    b = np.strings.slice(text, pos + 1, pos + 2)
    tail = np.strings.slice(text, pos + 2, np.maximum(length, pos + 2))
    swapped = np.strings.add(np.strings.add(np.strings.add(head, b), a), tail)
    # A doubled letter ("ll") swaps into itself: drop a letter instead, so the value always changes.
    same = swapped == text
    dropped = np.strings.add(head, np.strings.slice(text, pos + 1, np.maximum(length, pos + 1)))
    return np.where(same & ok, dropped, np.where(ok, swapped, np.strings.add(text, text)))


def _recase(values: np.ndarray) -> np.ndarray:
    text = np.asarray(values).astype(str)
    upper = np.strings.upper(text)
    title = np.strings.capitalize(np.strings.lower(text))
    lower = np.strings.lower(text)
    out = np.where(text == upper, np.where(title == text, lower, title), upper)
    return np.where(out == text, np.strings.add(text, " "), out)  # no letters at all: trailing-space drift


class _Damage:
    """Chooses rows per (column, kind) so that a cell is damaged at most once."""

    def __init__(self, rng: np.random.Generator, n: int, rates: dict[str, float]):
        self.rng, self.n, self.rates = rng, n, rates
        self.used: dict[str, np.ndarray] = {}

    def rows(self, column: str, kind: str, eligible: np.ndarray | None = None) -> np.ndarray:
        taken = self.used.setdefault(column, np.zeros(self.n, dtype=bool))
        hit = (self.rng.random(self.n) < self.rates[kind]) & ~taken
        if eligible is not None:
            hit &= eligible
        taken |= hit
        return np.flatnonzero(hit)


def apply_defects(
    rng: np.random.Generator,
    columns: dict[str, np.ndarray],
    *,
    spec: DefectSpec,
    level: str,
    next_id: int | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Damage `columns` (one table's batch) at the rates of `level`; returns (damaged columns, manifest columns).

    `next_id` is the first free id for duplicated rows (required when `spec.duplicates`). The input is never
    modified; with level "none" it is returned as is with an empty manifest.
    """
    validate_level(level)
    if level == "none":
        return columns, empty_manifest()
    rates = DEFECT_RATES[level]
    ids = np.asarray(columns[spec.id_column])
    n = len(ids)
    out = dict(columns)
    damage = _Damage(rng, n, rates)
    records: list[tuple[str, str, np.ndarray, np.ndarray]] = []  # (column, kind, rows, clean values)

    def record(column: str, kind: str, rows: np.ndarray) -> None:
        records.append((column, kind, ids[rows], _text(np.asarray(columns[column])[rows])))

    for column in spec.names:
        values = np.asarray(columns[column])
        present = np.array([v is not None for v in values]) if values.dtype == object else None
        typo = damage.rows(column, "typo", present)
        casing = damage.rows(column, "casing", present)
        if len(typo) or len(casing):
            new = values.astype(object)
            new[typo] = _swap_neighbours(rng, values[typo])
            new[casing] = _recase(values[casing])
            out[column] = new
            record(column, "typo", typo)
            record(column, "casing", casing)
    for column, (low, high) in spec.ranges.items():
        rows = damage.rows(column, "out_of_range")
        if len(rows):
            values = np.asarray(columns[column])
            new = values.astype(object)
            flip = rng.random(len(rows)) < 0.5
            bad_low = -np.abs(values[rows].astype(float)) - max(abs(low), 1.0)
            bad = np.where(flip, bad_low, abs(high) * 10 + 1)
            integer = np.issubdtype(values.dtype, np.integer)
            new[rows] = bad.astype(np.int64) if integer else np.round(bad, 2)
            out[column] = new
            record(column, "out_of_range", rows)
    for column in spec.dates:
        rows = damage.rows(column, "impossible_date")
        if len(rows):
            new = np.asarray(out[column]).copy()
            new[rows] = new[rows] + np.timedelta64(36_525, "D")
            out[column] = new
            record(column, "impossible_date", rows)
    for column in spec.late:
        rows = damage.rows(column, "late_arriving")
        if len(rows):
            new = np.asarray(out[column]).copy()
            new[rows] = new[rows] + rng.integers(30, 181, len(rows)).astype("timedelta64[D]")
            out[column] = new
            record(column, "late_arriving", rows)
    for column in (*spec.nullable, *spec.empty):
        rows = damage.rows(column, "missing")
        if len(rows):
            new = np.asarray(out[column]).astype(object)
            new[rows] = "" if column in spec.empty else None
            out[column] = new
            record(column, "missing", rows)
    if spec.duplicates:
        rows = np.flatnonzero(rng.random(n) < rates["duplicate"])
        if len(rows):
            if next_id is None:
                raise ValueError(f"{spec.table}: next_id is required for duplicates")
            new_ids = np.arange(next_id, next_id + len(rows), dtype=np.int64)
            for column, values in out.items():
                values = np.asarray(values)
                copied = new_ids if column == spec.id_column else values[rows]
                if column in spec.unique:
                    text = np.asarray(copied).astype(str)
                    tag = np.strings.add("+", new_ids.astype(str))
                    at = np.strings.find(text, "@")
                    head = np.strings.slice(text, 0, np.where(at >= 0, at, np.strings.str_len(text)))
                    tail = np.strings.slice(text, np.where(at >= 0, at, np.strings.str_len(text)), None)
                    copied = np.strings.add(np.strings.add(head, tag), tail)
                out[column] = np.concatenate([values.astype(object), np.asarray(copied).astype(object)])
                if values.dtype != object and column != spec.id_column:
                    out[column] = out[column].astype(values.dtype) if values.dtype.kind in "iufbMm" else out[column]
            out[spec.id_column] = np.concatenate([ids, new_ids])
            records.append((spec.id_column, "duplicate", new_ids, ids[rows].astype(str).astype(object)))
    manifest = empty_manifest()
    if records:
        manifest = {
            "table_name": np.concatenate([np.full(len(r[2]), spec.table, dtype=object) for r in records]),
            "row_id": np.concatenate([np.asarray(r[2], dtype=np.int64) for r in records]),
            "column_name": np.concatenate([np.full(len(r[2]), r[0], dtype=object) for r in records]),
            "kind": np.concatenate([np.full(len(r[2]), r[1], dtype=object) for r in records]),
            "clean_value": np.concatenate([r[3] for r in records]),
        }
    return out, manifest
