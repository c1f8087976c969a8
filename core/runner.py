"""The one runner: a dataset spec, a plan and sinks in; every shard generated through an executor and written to
every sink in shard order.

    from core import datasets
    from core.runner import run
    from core.sinks.database import DatabaseSink

    spec = datasets.get("minicrm")
    plan = spec.plan(seed=42, scale=1.0, options={})
    result = run(spec, plan, [DatabaseSink(domain="minicrm", using="minicrm")], workers=2, executor="processes")

Executors: `serial` (default: shards one after another in this process), `processes` (a local process pool of
`workers`) and `dask` (a `distributed` scheduler at `scheduler`, an address or a Client). Whatever order shards
finish in, they are written in shard order, so the output never depends on the executor or the worker count. With
a pool, later shards are generated while the single writer writes earlier ones; at most `workers + 1` shards are
held in memory at once, so memory stays flat however many shards there are.

The runner knows nothing of SQLite, Parquet or Dask's workers beyond this module: a sink is anything with
`check/open/write/commit/abort` (`core.sinks`).
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.progress import ProgressCallback, ProgressEvent, no_progress

EXECUTORS = ("serial", "processes", "dask")
SCHEDULER_TIMEOUT = "10s"


class RunnerError(Exception):
    """The run cannot start (an unknown executor, workers < 1, an unreachable scheduler); one line."""


@dataclass
class RunResult:
    """What a run wrote: rows and a content digest per table, shards, seconds, and the generation record."""

    rows: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    shards: int = 0
    seconds: float = 0.0
    generation: dict = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def shard_batches(generate_shard: Callable, plan, k: int) -> list:
    """Generate one whole shard (what a worker process or a Dask task runs)."""
    return list(generate_shard(plan, k))


class _Digests:
    """A SHA-256 per table over the generated columns in shard order: the same bytes give the same digest."""

    def __init__(self):
        self.hashes: dict[str, hashlib._Hash] = {}

    def update(self, batch) -> None:
        digest = self.hashes.setdefault(batch.table, hashlib.sha256())
        for name in sorted(batch.columns):
            values = np.asarray(batch.columns[name])
            digest.update(name.encode())
            if values.dtype.kind == "O":
                digest.update("\x1f".join(map(str, values.tolist())).encode())
            elif values.dtype.kind == "M":
                digest.update(np.ascontiguousarray(values.astype("datetime64[s]").view(np.int64)).tobytes())
            elif values.dtype.kind == "U":
                digest.update("\x1f".join(values.tolist()).encode())
            else:
                digest.update(np.ascontiguousarray(values).tobytes())

    def hexdigest(self, table: str) -> str:
        """The table's digest (that of no bytes for a table without rows)."""
        return self.hashes.get(table, hashlib.sha256()).hexdigest()


def _shifted(values: np.ndarray, offset: int) -> np.ndarray:
    """`values + offset`, leaving None (object columns) and NaN (float columns) as they are."""
    if values.dtype.kind == "O":
        out = values.copy()
        present = np.fromiter((value is not None for value in values), dtype=bool, count=len(values))
        out[present] = values[present] + offset
        return out
    return values + offset


class _Renumber:
    """Shifts shard-local primary keys (and the foreign keys pointing at them) by the rows of earlier shards."""

    def __init__(self, tables: Sequence[str], contract):
        self.offsets = dict.fromkeys(tables, 0)
        self.shifts: dict[str, list[tuple[str, str]]] = {}  # table -> [(column, renumbered table)]
        for table in contract:
            for column in table.columns:
                # A key that is also a foreign key (a one-to-one extension table) follows its parent.
                if column.references:
                    if column.references[0] in self.offsets:
                        self.shifts.setdefault(table.table, []).append((column.name, column.references[0]))
                elif column.primary_key and table.table in self.offsets:
                    self.shifts.setdefault(table.table, []).append((column.name, table.table))

        # A table whose batches leave out an integer primary key (the database would number it) is numbered here,
        # 1, 2, ... in shard order, so every sink holds the same ids.
        self.auto = {
            table.table: (table.primary_key.name, table.primary_key.column)
            for table in contract
            if table.primary_key.kind == "int"
        }
        self.counters: dict[str, int] = {}

    def shard(self, batches):
        """The shard's batches with keys shifted and filled, one at a time (a serial shard is never held whole)."""
        start = dict(self.offsets)
        for batch in batches:
            pk, pk_column = self.auto.get(batch.table, (None, None))
            if pk is not None and pk not in batch.columns and pk_column not in batch.columns:
                first = self.counters.get(batch.table, 0)
                count = len(batch)
                batch = type(batch)(batch.table, {pk: np.arange(first + 1, first + count + 1), **batch.columns})
                self.counters[batch.table] = first + count
            shifts = [(name, start[target]) for name, target in self.shifts.get(batch.table, ()) if start[target]]
            if shifts:
                columns = dict(batch.columns)
                for name, offset in shifts:
                    if name in columns:
                        columns[name] = _shifted(np.asarray(columns[name]), offset)
                batch = type(batch)(batch.table, columns)
            if batch.table in self.offsets:
                self.offsets[batch.table] += len(batch)
            yield batch


def project_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("synthbiz")
    except PackageNotFoundError:
        return "unknown"


def executor_for(*, workers: int = 1, scheduler=None) -> str:
    """The executor the options ask for: Dask with a scheduler, a process pool with workers > 1, else serial."""
    if scheduler:
        return "dask"
    return "processes" if workers > 1 else "serial"


def _check_workers(executor: str, workers: int) -> None:
    if executor not in EXECUTORS:
        raise RunnerError(f"unknown executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    if not isinstance(workers, int) or workers < 1:
        raise RunnerError(f"workers must be a positive integer, got {workers!r}")


def dask_client(scheduler):
    """A `distributed.Client` for `scheduler` (an address, or a Client returned as is); RunnerError otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise RunnerError('the dask executor needs dask[distributed]: pip install -e ".[dask]"') from None
    if isinstance(scheduler, Client):
        return scheduler
    if not scheduler:
        raise RunnerError("the dask executor needs a scheduler address (--scheduler or DASK_SCHEDULER_ADDRESS)")
    try:
        return Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RunnerError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None


def _in_order(submit: Callable[[int], object], result: Callable[[object], list], shards: int, ahead: int):
    """Yield each shard's batches in shard order, keeping up to `ahead` shards submitted beyond the one written."""
    pending: deque = deque()
    next_shard = 0
    try:
        while next_shard < shards and len(pending) < ahead:
            pending.append(submit(next_shard))
            next_shard += 1
        while pending:
            batches = result(pending.popleft())
            if next_shard < shards:
                pending.append(submit(next_shard))
                next_shard += 1
            yield batches
    finally:
        for future in pending:
            cancel = getattr(future, "cancel", None)
            if cancel is not None:
                cancel()


def _shards(spec, plan, *, executor: str, workers: int, scheduler):
    """An iterator of per-shard batch lists in shard order, and a close function for the executor."""
    shards = int(plan.shards)
    if executor == "serial" or (executor == "processes" and (workers == 1 or shards == 1)):
        # Batches stream straight from the generator to the sinks: memory holds one batch, not the shard.
        return (spec.generate_shard(plan, k) for k in range(shards)), lambda: None
    if executor == "processes":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: a forked child would inherit the parent's database connections and threads.
        pool = ProcessPoolExecutor(max_workers=min(workers, shards), mp_context=multiprocessing.get_context("spawn"))
        stream = _in_order(
            lambda k: pool.submit(shard_batches, spec.generate_shard, plan, k),
            lambda future: future.result(),
            shards,
            workers + 1,
        )
        return stream, lambda: pool.shutdown(wait=True, cancel_futures=True)
    client = dask_client(scheduler)
    owned = client is not scheduler
    stream = _in_order(
        lambda k: client.submit(shard_batches, spec.generate_shard, plan, k, pure=False, key=f"shard-{k}-{id(plan)}"),
        lambda future: future.result(),
        shards,
        max(workers, len(client.scheduler_info().get("workers", {})) or 1) + 1,
    )
    return stream, (client.close if owned else (lambda: None))


def run(
    spec,
    plan,
    sinks: Sequence,
    *,
    executor: str = "serial",
    workers: int = 1,
    scheduler=None,
    progress: ProgressCallback = no_progress,
    seed: int | None = None,
    scale: float | None = None,
    options: dict | None = None,
) -> RunResult:
    """Generate every shard of `plan` and write it to every sink in shard order; commit all sinks at the end.

    Any failure (or Ctrl-C) aborts every sink, so nothing is half-written. `seed`, `scale` and `options` go into
    the generation record; by default they are read from the plan's attributes of those names.
    """
    _check_workers(executor, workers)
    if not sinks:
        raise RunnerError("no target to write to")
    started = time.perf_counter()
    shards = int(plan.shards)
    # The executor first: an unreachable scheduler must fail before any target is created or touched.
    stream, close = _shards(spec, plan, executor=executor, workers=workers, scheduler=scheduler)
    result = RunResult(shards=shards)
    digests = _Digests()
    opened = []
    try:
        for sink in sinks:
            sink.check()
        contract = spec.contract()
        renumber = _Renumber(getattr(spec, "renumbered", ()), contract)
        for sink in sinks:
            sink.open(contract)
            opened.append(sink)
        progress(ProgressEvent("shards", 0, shards, "shards"))
        known = {table.table for table in contract}
        for done, batches in enumerate(stream, start=1):
            for batch in renumber.shard(batches):
                if batch.table not in known:
                    raise RunnerError(
                        f"{spec.domain}'s generate_shard yielded table {batch.table!r}, which its DatasetSpec.tables "
                        "does not list"
                    )
                count = len(batch)
                result.rows[batch.table] = result.rows.get(batch.table, 0) + count
                digests.update(batch)
                for sink in sinks:
                    sink.write(batch)
            progress(ProgressEvent("shards", done, shards, "shards"))
        result.digests = {table.table: digests.hexdigest(table.table) for table in contract}
        result.generation = {
            "domain": spec.domain,
            "seed": int(seed if seed is not None else getattr(plan, "seed", 0)),
            "scale": float(scale if scale is not None else getattr(plan, "scale", 1.0)),
            "options": dict(options if options is not None else getattr(plan, "options", {}) or {}),
            "version": project_version(),
            "shards": shards,
            "rows": dict(result.rows),
            "digests": result.digests,
        }
        for sink in sinks:
            sink.commit(result.generation)
    except BaseException:
        for sink in reversed(opened):
            sink.abort()
        raise
    finally:
        close_stream = getattr(stream, "close", None)
        if close_stream is not None:
            close_stream()
        close()
    result.seconds = time.perf_counter() - started
    return result
