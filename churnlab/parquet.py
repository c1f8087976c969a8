"""Writing the raw tables as Parquet with pyarrow, typed by the table contract (read lazily from the models).

Each table is written shard by shard (one row group per shard), so memory stays flat. Files are written under a
temporary name and renamed when the whole dataset is done: a failed or interrupted run leaves the previous files.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from core.files import move_into_place, remove_stale_temporaries, temporary_path

RAW_MODELS = {
    "customers": "Customer",
    "usage_daily": "UsageDaily",
    "billing": "Billing",
    "support": "SupportTicket",
    "churn_truth": "ChurnTruth",
}


@functools.cache
def raw_contract(table: str):
    """The table's contract (`core.contract`, read from the churnlab models): its Parquet schema and conversion.

    Imported when first written, not at module import: only the writing needs the (configured) models.
    """
    from django.apps import apps

    from core.contract import table_contract

    return table_contract(apps.get_model("churnlab", RAW_MODELS[table]))


RAW_TABLES = ("customers", "usage_daily", "billing", "support")
TRUTH_TABLE = "churn_truth"


def truth_dir_for(raw_dir: Path) -> Path:
    """The ground truth lives beside the raw folder (`data/raw` -> `data/truth`), never among the raw tables."""
    return Path(raw_dir).resolve().parent / "truth"


def table_path(raw_dir: Path, table: str) -> Path:
    folder = truth_dir_for(raw_dir) if table == TRUTH_TABLE else Path(raw_dir)
    return folder / f"{table}.parquet"


def to_arrow(table: str, columns: Mapping[str, np.ndarray]) -> pa.Table:
    """Columns (numpy, keyed by the Parquet names) as an Arrow table of the contract's schema; NaT becomes null."""
    return raw_contract(table).arrow_table(columns)


class RawParquetWriter:
    """Writes the raw tables (and the truth) shard by shard; `commit()` renames the files into place."""

    def __init__(self, raw_dir: Path, *, compression: str = "snappy"):
        self.raw_dir = Path(raw_dir)
        self.compression = compression
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._temporary: dict[str, Path] = {}

    def write(self, table: str, columns: Mapping[str, np.ndarray]) -> None:
        if table not in self._writers:
            final = table_path(self.raw_dir, table)
            final.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(final)  # left by a run that was killed (core.files)
            temporary = temporary_path(final)
            self._temporary[table] = temporary
            self._writers[table] = pq.ParquetWriter(
                temporary, raw_contract(table).arrow_schema(), compression=self.compression
            )
        self._writers[table].write_table(to_arrow(table, columns))

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def commit(self) -> dict[str, Path]:
        self._close()
        paths = {}
        for table, temporary in self._temporary.items():
            paths[table] = table_path(self.raw_dir, table)
            move_into_place(temporary, paths[table])
        self._temporary = {}
        return paths

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        for temporary in self._temporary.values():
            temporary.unlink(missing_ok=True)
        self._temporary = {}
