"""Grading by result: normalise what any backend returns, then name the first difference from the expected rows.

Normalised values: numbers (int, Decimal, float) compare as numbers within the exercise's tolerance, integral
values become int; dates and datetimes become ISO strings (datetimes in UTC, `YYYY-MM-DD HH:MM:SS`, as SQLite
stores them); booleans become 0/1; NULL stays None; bytes become hex. With `ordered=False` rows compare as multisets.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

MAX_SHOWN = 3


def normalise_value(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def normalise_rows(rows) -> list[tuple]:
    return [tuple(normalise_value(value) for value in row) for row in rows]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def values_equal(expected, actual, tolerance: float) -> bool:
    if _is_number(expected) and _is_number(actual):
        if isinstance(expected, int) and isinstance(actual, int):
            return expected == actual
        return abs(float(expected) - float(actual)) <= tolerance + 1e-9 * max(abs(expected), abs(actual))
    return expected == actual


def rows_equal(expected: tuple, actual: tuple, tolerance: float) -> bool:
    return len(expected) == len(actual) and all(
        values_equal(e, a, tolerance) for e, a in zip(expected, actual, strict=False)
    )


def sort_key(row: tuple) -> tuple:
    # None first, then numbers, then text: any two normalised rows are comparable.
    return tuple((0, 0) if v is None else (1, float(v)) if _is_number(v) else (2, str(v)) for v in row)


def _bucket_key(row: tuple, tolerance: float) -> tuple:
    def bucket(value):
        if _is_number(value):
            return ("n", round(float(value) / tolerance) if tolerance else float(value))
        return ("v", value)

    return tuple(bucket(value) for value in row)


def _show(row: tuple) -> str:
    return "(" + ", ".join(repr(value) for value in row) + ")"


def _examples(rows: list[tuple]) -> str:
    shown = "; ".join(_show(row) for row in rows[:MAX_SHOWN])
    return shown + ("; ..." if len(rows) > MAX_SHOWN else "")


@dataclass(frozen=True)
class Difference:
    """The first way a result differs from the expected one; kind is columns, missing, extra, value or order."""

    kind: str
    message: str


def compare(
    expected: list[tuple],
    actual: list[tuple],
    *,
    ordered: bool,
    tolerance: float,
    columns: list[str] | None = None,
) -> Difference | None:
    """None when `actual` gives the expected result, else the first difference in words (rows are normalised)."""
    width = len(expected[0]) if expected else len(columns or [])
    got_width = len(actual[0]) if actual else width
    if expected and actual and width != got_width:
        names = f" ({', '.join(columns)})" if columns else ""
        return Difference("columns", f"wrong number of columns: expected {width}{names}, got {got_width}")
    if ordered:
        if len(expected) == len(actual) and all(
            rows_equal(e, a, tolerance) for e, a in zip(expected, actual, strict=False)
        ):
            return None
    else:
        exp_sorted, act_sorted = sorted(expected, key=sort_key), sorted(actual, key=sort_key)
        if len(expected) == len(actual) and all(
            rows_equal(e, a, tolerance) for e, a in zip(exp_sorted, act_sorted, strict=False)
        ):
            return None
    expected_count = Counter(_bucket_key(row, tolerance) for row in expected)
    actual_count = Counter(_bucket_key(row, tolerance) for row in actual)
    missing_keys = expected_count - actual_count
    extra_keys = actual_count - expected_count
    missing = _take(expected, missing_keys, tolerance)
    extra = _take(actual, extra_keys, tolerance)
    if not missing and not extra:
        if ordered:
            position = next(
                i for i, (e, a) in enumerate(zip(expected, actual, strict=False)) if not rows_equal(e, a, tolerance)
            )
            return Difference(
                "order",
                f"wrong order: row {position + 1} should be {_show(expected[position])}, got {_show(actual[position])}",
            )
        return None  # only values within the tolerance of a bucket edge differ
    if missing and extra and len(missing) == len(extra):
        row = missing[0]
        other = max(
            extra,
            key=lambda candidate: sum(values_equal(e, a, tolerance) for e, a in zip(row, candidate, strict=False)),
        )
        column = next(
            (i for i, (e, a) in enumerate(zip(row, other, strict=False)) if not values_equal(e, a, tolerance)), 0
        )
        name = f" ({columns[column]})" if columns and column < len(columns) else ""
        position = next(i for i, candidate in enumerate(expected) if candidate is row)
        more = f"; {len(missing)} rows differ" if len(missing) > 1 else ""
        return Difference(
            "value",
            f"wrong value in row {position + 1}, column {column + 1}{name}: expected {row[column]!r}, "
            f"got {other[column]!r}{more}",
        )
    parts = []
    if missing:
        parts.append(f"missing rows: {len(missing)} expected row(s) not in the result, e.g. {_examples(missing)}")
    if extra:
        parts.append(f"extra rows: {len(extra)} row(s) not expected, e.g. {_examples(extra)}")
    return Difference("missing" if missing else "extra", "; ".join(parts))


def _take(rows: list[tuple], wanted: Counter, tolerance: float) -> list[tuple]:
    """The rows (in their order) whose bucket keys make up `wanted`."""
    left = Counter(wanted)
    taken = []
    for row in rows:
        key = _bucket_key(row, tolerance)
        if left[key] > 0:
            left[key] -= 1
            taken.append(row)
    return taken
