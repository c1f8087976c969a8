"""churnlab as a dataset of the protocol (`core.datasets`): plan and shard functions over `churnlab.generation`.

Scale 1 is today's default of 100,000 customers; `--customers` overrides it. Shard k holds customers
k*SHARD_SIZE+1 .. (k+1)*SHARD_SIZE, their ground truth, daily usage, bills and tickets, from the shard's
own streams. Usage, bill and ticket ids start at 1 in every shard and the runner shifts them by the earlier shards'
rows (`renumbered`), so the ids are the serial generator's. The population's latent traits come from one global
stream (rebuilt once per process). No Django imports here: worker processes import this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from core.datasets import DatasetSpec, DatasetSpecError
from simkit.rng import Streams
from simkit.tables import TableBatch, shard_bounds

from .constants import DEFAULT_CUSTOMERS, DEFAULT_END_DATE
from .generation import SHARD_SIZE, Window, generate_population, generate_shard_tables

# The generator names the surrogate keys as the Parquet files do; batches are keyed by the models' attnames.
ATTNAMES = {
    "customers": {"customer_id": "id"},
    "usage_daily": {"usage_id": "id"},
    "billing": {"bill_id": "id"},
    "support": {"ticket_id": "id"},
}


@dataclass(frozen=True)
class ChurnlabPlan:
    seed: int
    scale: float
    customers: int
    end_date: dt.date
    shards: int
    shard_size: int = SHARD_SIZE

    @property
    def options(self) -> dict:
        return {"customers": self.customers, "end_date": self.end_date.isoformat()}


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> ChurnlabPlan:
    """Customers = 100,000 x scale (at least 1) unless `options["customers"]` gives the count."""
    options = options or {}
    customers = int(options.get("customers") or max(1, round(DEFAULT_CUSTOMERS * scale)))
    if customers < 1:
        raise DatasetSpecError(f"--customers must be positive, got {customers}")
    end_date = options.get("end_date") or DEFAULT_END_DATE
    if isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    return ChurnlabPlan(int(seed), float(scale), customers, end_date, len(shard_bounds(customers, SHARD_SIZE)))


@functools.lru_cache(maxsize=2)
def _population(seed: int, customers: int, end_date: dt.date):
    window = Window(end_date=end_date)
    return generate_population(Streams(seed).generator("customers"), customers=customers, window=window)


def _batch(table: str, columns) -> TableBatch:
    renames = ATTNAMES.get(table, {})
    return TableBatch(table, {renames.get(name, name): values for name, values in columns.items()})


def generate_shard(plan: ChurnlabPlan, k: int):
    """Shard k: its customers and truth, then their usage, billing and support."""
    streams = Streams(plan.seed)
    window = Window(end_date=plan.end_date)
    start, stop = shard_bounds(plan.customers, plan.shard_size)[k]
    shard = _population(plan.seed, plan.customers, plan.end_date).take(start, stop)
    tables, _ = generate_shard_tables(streams, k, shard, window=window, first_ids=(1, 1, 1))
    for table in ("customers", "churn_truth", "usage_daily", "billing", "support"):
        yield _batch(table, tables[table])


DATASET = DatasetSpec(
    domain="churnlab",
    seed_command="seed_churnlab",
    tables=("customers", "churn_truth", "usage_daily", "billing", "support"),
    scale_help="scale 1 = 100,000 customers (about 4 million usage rows); rows grow linearly",
    tiny_scale=0.005,
    plan=plan,
    generate_shard=generate_shard,
    follow_ups=("run_churn_pipeline",),
    renumbered=("usage_daily", "billing", "support"),
    scaled_options=("customers",),
    max_scale=10_000.0,
)
