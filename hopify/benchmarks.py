"""Reading and validating benchmark CSV files. Pure Python: nothing touches a database until a file is valid.

A file has the header `benchmark_id,metric_category,segment,metric_name,target_value,description,target_period`
and one row per target. The first bad value ends the read with a `BenchmarkFileError` naming the line and column.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from .constants import SEGMENTS, TargetPeriod

DEFAULT_BENCHMARKS = Path(__file__).resolve().parent / "data" / "benchmarks.csv"
COLUMNS = ("benchmark_id", "metric_category", "segment", "metric_name", "target_value", "description", "target_period")
TEXT_LIMITS = {"metric_category": 30, "metric_name": 60, "description": 200}
MAX_BENCHMARK_ID = 2**31 - 1
SEGMENT_VALUES = tuple(str(segment) for segment in SEGMENTS)
PERIOD_VALUES = tuple(str(period) for period in TargetPeriod)


class BenchmarkFileError(ValueError):
    """A benchmark file that cannot be loaded; the message is one line naming the file, line and column."""


def _fail(path: Path, line: int, column: str, message: str):
    raise BenchmarkFileError(f"{path.name} line {line}, column {column}: {message}")


def _row_values(path: Path, line: int, row: dict) -> tuple:
    raw_id = (row["benchmark_id"] or "").strip()
    try:
        benchmark_id = int(raw_id)
    except ValueError:
        _fail(path, line, "benchmark_id", f"{raw_id!r} is not a whole number")
    if benchmark_id <= 0:
        _fail(path, line, "benchmark_id", f"{benchmark_id} is not positive")
    if benchmark_id > MAX_BENCHMARK_ID:
        _fail(path, line, "benchmark_id", f"{raw_id[:30]} is above {MAX_BENCHMARK_ID:,} (a 32-bit id)")
    texts = {}
    for column, limit in TEXT_LIMITS.items():
        value = (row[column] or "").strip()
        if not value and column != "description":
            _fail(path, line, column, "is empty")
        if len(value) > limit:
            _fail(path, line, column, f"is longer than {limit} characters")
        texts[column] = value
    segment = (row["segment"] or "").strip()
    if segment not in SEGMENT_VALUES:
        _fail(path, line, "segment", f"{segment!r} is not one of {', '.join(SEGMENT_VALUES)}")
    raw_value = (row["target_value"] or "").strip()
    try:
        target = float(raw_value)
    except ValueError:
        _fail(path, line, "target_value", f"{raw_value!r} is not a number")
    if not math.isfinite(target):
        _fail(path, line, "target_value", f"{raw_value!r} is not a finite number")
    period = (row["target_period"] or "").strip().lower()  # the original tool's file writes "Monthly"
    if period not in PERIOD_VALUES:
        _fail(path, line, "target_period", f"{period!r} is not one of {', '.join(PERIOD_VALUES)}")
    return (
        benchmark_id,
        texts["metric_category"],
        segment,
        texts["metric_name"],
        target,
        texts["description"],
        period,
    )


def read_benchmarks(path: str | Path = DEFAULT_BENCHMARKS) -> dict[str, np.ndarray]:
    """The file's rows as columns keyed like the Benchmark model (`id` for benchmark_id).

    Raises BenchmarkFileError (one line: file, line, column, reason) on the first problem: a missing or unreadable
    file, a wrong header, a value of the wrong type, an unknown segment or period, or a repeated id or target.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BenchmarkFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkFileError(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(name.strip().lower() for name in reader.fieldnames or ())
    numbered = header == COLUMNS[1:]  # the original tool's file has no benchmark_id: number the rows in file order
    if numbered:
        reader = csv.DictReader(text.splitlines()[1:], fieldnames=list(COLUMNS[1:]))
    elif header != COLUMNS:
        missing = [name for name in COLUMNS if name not in header]
        detail = f"missing {', '.join(missing)}" if missing else f"expected {','.join(COLUMNS)}"
        raise BenchmarkFileError(f"{path.name} line 1: bad header ({detail})")
    if not numbered:
        reader.fieldnames = list(COLUMNS)
    rows, seen_ids, seen_targets = [], {}, {}
    for row in reader:
        line = reader.line_num + (1 if numbered else 0)
        if numbered:
            row = {"benchmark_id": str(len(rows) + 1), **row}
        if None in row or any(value is None for value in row.values()):
            raise BenchmarkFileError(f"{path.name} line {line}: expected {len(COLUMNS)} columns")
        values = _row_values(path, line, row)
        if values[0] in seen_ids:
            _fail(path, line, "benchmark_id", f"{values[0]} already used on line {seen_ids[values[0]]}")
        seen_ids[values[0]] = line
        target_key = (values[2], values[3], values[6])
        if target_key in seen_targets:
            _fail(
                path, line, "metric_name", f"{values[3]!r} for {values[2]} already on line {seen_targets[target_key]}"
            )
        seen_targets[target_key] = line
        rows.append(values)
    if not rows:
        raise BenchmarkFileError(f"{path.name}: no benchmark rows")
    columns = list(zip(*rows, strict=True))
    names = ("id", *COLUMNS[1:])
    return {
        name: np.array(column, dtype=np.int64 if name == "id" else float if name == "target_value" else str)
        for name, column in zip(names, columns, strict=True)
    }
