"""hopify as a dataset of the protocol (`core.datasets`): plan and shard functions over `hopify.generation`.

hopify already has a scale (1 = about 74,000 customers over 36 months); `--scale` is that scale. For now the whole
dataset is one shard that wraps `generate_hopify` (its ids run on across its internal customer shards), so workers
give no speed-up yet. To split it: yield shard k's customers from `generate_customer_shard` with `FirstIds()` and
list the customer-level tables in `renumbered` (the runner then shifts their ids, see `minicrm/dataset.py`).
The benchmark targets are not generated: the seed service writes them (`extra_tables`).
No Django imports here: worker processes import this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.datasets import DatasetSpec, DatasetSpecError
from simkit.tables import TableBatch

from . import constants as c
from .generation import SHARD_TABLES, generate_hopify, planned_customers

REFERENCE_TABLES = (
    "products", "locations", "app_installs", "discounts", "marketing_campaigns", "marketing_spend", "web_traffic",
)  # fmt: skip


@dataclass(frozen=True)
class HopifyPlan:
    seed: int
    scale: float
    end_date: dt.date
    customers: int
    shards: int = 1

    @property
    def options(self) -> dict:
        return {"end_date": self.end_date.isoformat()}


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> HopifyPlan:
    options = options or {}
    if not 0 < scale <= c.MAX_SCALE:
        raise DatasetSpecError(f"--scale for hopify must be greater than 0 and at most {c.MAX_SCALE:g}, got {scale:g}")
    end_date = options.get("end_date") or c.DEFAULT_END_DATE
    if isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    customers = planned_customers(seed=int(seed), scale=float(scale), end_date=end_date)
    return HopifyPlan(int(seed), float(scale), end_date, customers)


def generate_shard(plan: HopifyPlan, k: int):
    """The one shard: every table, reference tables first, then the customers with their histories."""
    for batch in generate_hopify(seed=plan.seed, scale=plan.scale, end_date=plan.end_date):
        yield TableBatch(batch.table, batch.columns)


DATASET = DatasetSpec(
    domain="hopify",
    seed_command="seed_hopify",
    tables=(*REFERENCE_TABLES, *SHARD_TABLES),
    scale_help="scale 1 = about 74,000 customers over 36 months (2.7 million rows); at most 50",
    tiny_scale=0.005,
    plan=plan,
    generate_shard=generate_shard,
    extra_tables=("benchmarks",),
    min_scale=0.001,
    max_scale=c.MAX_SCALE,
)
