"""Column batches: a table is a dict of equal-length numpy columns, streamed in slices."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class TableBatch:
    """Rows for one table: `table` is the db_table name, `columns` are keyed by field attname (`customer_id`).

    What a dataset's `generate_shard` yields and every sink writes; parents come before children.
    """

    table: str
    columns: Columns

    def __len__(self) -> int:
        return row_count(self.columns)


def row_count(columns: Mapping[str, np.ndarray]) -> int:
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: { {k: len(v) for k, v in columns.items()} }")
    return lengths.pop() if lengths else 0


def take(columns: Mapping[str, np.ndarray], index) -> Columns:
    return {name: values[index] for name, values in columns.items()}


def slices(columns: Mapping[str, np.ndarray], size: int) -> Iterator[Columns]:
    """Yield consecutive slices of at most `size` rows (views, not copies)."""
    if size <= 0:
        raise ValueError(f"batch size must be positive, got {size}")
    total = row_count(columns)
    for start in range(0, total, size):
        yield {name: values[start : start + size] for name, values in columns.items()}


def shard_bounds(total: int, shard_size: int) -> list[tuple[int, int]]:
    """[start, stop) bounds covering range(total) in fixed-size shards.

    Generators draw each shard from its own stream, so the data never depends on the loader's batch size.
    """
    return [(start, min(start + shard_size, total)) for start in range(0, total, shard_size)]


def group_offsets(counts: np.ndarray) -> np.ndarray:
    """Start offset of each group in a flat array holding `counts[i]` rows for group i."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets
