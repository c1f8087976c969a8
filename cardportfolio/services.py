"""cardportfolio writes: seeding customers (validated, saved as CSV) and their monthly transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from functools import partial
from pathlib import Path

import numpy as np
from django.db import connections

from core.databases import describe
from core.files import StagedFiles, move_into_place, remove_stale_temporaries, temporary_path
from core.loader import DEFAULT_BATCH_SIZE, bulk_load, commit_count, sqlite_pragma
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport

from .constants import DEFAULT_AS_OF, DEFAULT_CUSTOMERS, DEFAULT_MONTHS, TRANSACTION_ID_DIGITS, TRANSACTION_ID_PREFIX
from .customer_generator import customers_frame, save_to_csv, validate_customer_data, validation_lines
from .generation import (
    CATEGORY_NAMES,
    CHANNEL_NAMES,
    DECLINE_REASON_NAMES,
    STATUS_NAMES,
    TransactionMonth,
    generate_customer_columns,
    generate_merchant_table,
    generate_transactions,
    month_bounds,
)
from .models import Customer, Merchant, MonthlySpend, Statement, Transaction


class CustomerValidationError(Exception):
    """Generated (or supplied) customers failed validation; `result` is validate_customer_data's answer."""

    def __init__(self, result: dict):
        self.result = result
        super().__init__(f"customer validation failed with {len(result['errors'])} error(s)")


class ParquetSink:
    """Appends month batches to a Parquet file, one row group each; the file appears only when `commit()` runs.

    Writing goes to `<name>.partial` and is renamed at the end, so a failed or interrupted seed leaves the previous
    file (if any) in place, as the database is left. Columns are built from the batch's codes with Arrow
    dictionaries (no Python strings), then stored as plain strings.
    """

    def __init__(self, path: Path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(self.path)  # left by a run that was killed (core.files)
        self.partial = temporary_path(self.path)
        self.schema = pa.schema(
            [
                ("transaction_id", pa.string()),
                ("customer_id", pa.string()),
                ("transaction_date", pa.timestamp("s")),
                ("amount", pa.float64()),
                ("merchant_name", pa.string()),
                ("merchant_category", pa.string()),
                ("channel", pa.string()),
                ("status", pa.string()),
                ("merchant_id", pa.int32()),
                ("currency", pa.string()),
                ("original_amount", pa.float64()),
                ("decline_reason", pa.string()),
            ]
        )
        self.writer = pq.ParquetWriter(self.partial, self.schema, compression="snappy")
        self._dictionaries: dict[int, object] = {}

    def _decode(self, codes: np.ndarray, names: np.ndarray):
        import pyarrow as pa

        key = id(names)
        if key not in self._dictionaries:
            self._dictionaries[key] = pa.array(names.tolist(), type=pa.string())
        indices = pa.array(codes.astype(np.int32))
        return pa.DictionaryArray.from_arrays(indices, self._dictionaries[key]).cast(pa.string())

    def write(self, batch: TransactionMonth) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        digits = pc.utf8_lpad(pc.cast(pa.array(batch.numbers), pa.string()), width=TRANSACTION_ID_DIGITS, padding="0")
        arrays = [
            pc.binary_join_element_wise(TRANSACTION_ID_PREFIX, digits, ""),
            self._decode(batch.owner, batch.customer_ids),
            pa.array(batch.when, type=pa.timestamp("s")),
            pa.array(batch.cents / 100.0),
            self._decode(batch.merchant, batch.merchants.name),
            self._decode(batch.category, CATEGORY_NAMES),
            self._decode(batch.channel, CHANNEL_NAMES),
            self._decode(batch.status, STATUS_NAMES),
            pa.array(batch.merchants.merchant_id[batch.merchant].astype(np.int32)),
            self._decode(batch.merchant, batch.merchants.currency),
            pa.array(batch.original_cents / 100.0, mask=batch.merchants.currency[batch.merchant] == "USD"),
            pa.array(DECLINE_REASON_NAMES[batch.reason], mask=batch.reason == 0),
        ]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def commit(self) -> None:
        self.writer.close()
        move_into_place(self.partial, self.path)

    def abort(self) -> None:
        self.writer.close()
        self.partial.unlink(missing_ok=True)


END = object()


def prefetched(iterator: Iterator, prepare: Callable) -> Iterator:
    """Yield `prepare(item)` for each of `iterator`'s items, computing the next one in a worker thread meanwhile.

    Generation, the Parquet writer and the text columns (numpy and Arrow release the GIL) then overlap with the
    database inserts (sqlite3 and the other drivers release it while the server works). Items stay in order, so
    the data does not change; at most one item is ahead.
    """

    def next_item():
        item = next(iterator, END)
        return item if item is END else prepare(item)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cardportfolio-generator") as pool:
        future = pool.submit(next_item)
        while (item := future.result()) is not END:
            future = pool.submit(next_item)
            yield item


def _database_batches(batch: TransactionMonth, sink: ParquetSink | None):
    """Everything a month needs before the inserts: the Parquet row group written, the table columns spelled
    out (timestamps as the text the loader would make of them), the monthly summary."""
    if sink:
        sink.write(batch)
    columns = batch.columns()
    when = np.datetime_as_string(columns["transaction_date"], unit="s")
    columns["transaction_date"] = np.strings.replace(when, "T", " ")
    return batch, columns, batch.monthly_summary(), batch.statements


def larger_sqlite_page_cache(using: str):
    """On SQLite, give the load a 128 MiB page cache (the default is 2 MiB); elsewhere nothing changes.

    The unique e-mail index is maintained row by row (the loader keeps unique indexes): with a cache that holds it,
    inserting a million customers in random e-mail order stops thrashing, and the index rebuilds at the end of the
    load sort in memory. The loader itself checks foreign keys once per table on SQLite.
    """
    return sqlite_pragma(connections[using], "cache_size", -131072)


def cardportfolio_seed(
    *,
    using: str,
    seed: int = 42,
    customers: int = DEFAULT_CUSTOMERS,
    as_of: dt.date = DEFAULT_AS_OF,
    months: int = DEFAULT_MONTHS,
    transactions: bool = True,
    csv_path: str | Path | None = None,
    parquet_path: str | Path | None = None,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback = no_progress,
) -> SeedReport:
    """Generate and validate customers, save them as CSV, load them and (unless `transactions` is False) their
    monthly transactions into `using` in one transaction, also writing the transactions to `parquet_path`.

    Raises CustomerValidationError when the generated customers fail validation; the load then rolls back and no
    CSV is saved, so nothing is written.
    """
    if customers < 1 or months < 1:
        raise ValueError("customers and months must be positive")
    columns = generate_customer_columns(seed=seed, customers=customers, as_of=as_of, months=months)
    details = [""]
    sink = ParquetSink(parquet_path) if transactions and parquet_path else None
    # The CSV is written under a temporary name too and moved into place with the Parquet file after the commit.
    csv_file = StagedFiles()
    csv_temporary = csv_file.path(csv_path) if csv_path else None
    committed_before = commit_count(using)
    approved = total = 0
    try:
        with (
            # Validation and the CSV (pandas and Arrow, mostly outside the GIL) run beside the customer load; the
            # load's transaction only commits once they have passed, so invalid data is still never written.
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="cardportfolio-validate") as pool,
            larger_sqlite_page_cache(using),
            bulk_load(using=using, batch_size=batch_size) as loader,
        ):
            checked = pool.submit(_validated_csv, columns, csv_path, csv_temporary)
            if reset:
                loader.wipe("cardportfolio")
            try:
                loader.write(Customer, columns)
            except Exception:
                checked.result()  # invalid data (a duplicated id, say) explains a failed insert better than SQL
                raise
            details += checked.result()
            progress(ProgressEvent("customers", customers, customers, "customers"))
            if transactions:
                merchants = generate_merchant_table(seed=seed)
                loader.write(Merchant, merchants.columns())
                batches = generate_transactions(
                    seed=seed, customers=columns, as_of=as_of, months=months, merchants=merchants
                )
                # closing(): on failure the worker thread is joined before the Parquet file is removed below.
                with closing(prefetched(batches, partial(_database_batches, sink=sink))) as stream:
                    for batch, rows, summary, statements in stream:
                        loader.write(Transaction, rows)
                        loader.write(MonthlySpend, summary)
                        loader.write(Statement, statements)
                        total += len(batch)
                        approved += batch.approved
                        progress(ProgressEvent("transactions", batch.month, months, "months"))
    except BaseException:
        if commit_count(using) > committed_before:  # Ctrl-C after the commit: the files follow the database
            if sink:
                sink.commit()
            csv_file.commit()
        else:
            if sink:
                sink.abort()
            csv_file.abort()
        raise
    if sink:
        sink.commit()
        details.append(f"  transactions Parquet: {sink.path}")
    csv_file.commit()
    if total:
        window = _window_text(as_of=as_of, months=months)
        details.append(f"  transactions: {window}, {approved / total:.1%} approved")
    return SeedReport(
        domain="cardportfolio",
        database=describe(using),
        seed=seed,
        rows=loader.stats.rows,
        seconds=loader.stats.seconds,
        details=details,
    )


def _validated_csv(
    columns: dict[str, np.ndarray], csv_path: str | Path | None, write_to: Path | None = None
) -> list[str]:
    """Validate the customers; when they pass, save the CSV. Returns report lines; raises CustomerValidationError."""
    frame = customers_frame(columns)
    result = validate_customer_data(frame)
    if not result["is_valid"]:
        raise CustomerValidationError(result)
    # "Validation passed" and "Successfully saved" are the earlier tool's messages; scripts grep for them.
    lines = [*validation_lines(result), "", "  Validation passed"]
    if csv_path:
        save_to_csv(frame, write_to or csv_path)
        lines.append(f"  Successfully saved {len(frame):,} customers to {Path(csv_path)}")
    return lines


def _window_text(*, as_of: dt.date, months: int) -> str:
    bounds = month_bounds(as_of=as_of, months=months)
    last = bounds[-1] - np.timedelta64(1, "D")
    return f"{months} months {bounds[0]} to {last}"
