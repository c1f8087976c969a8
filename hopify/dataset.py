"""hopify as a dataset of the protocol (`core.datasets`): plan and shard functions over `hopify.generation`.

hopify already has a scale (1 = about 74,000 customers over 36 months); `--scale` is that scale. The funnel,
catalogue, discounts and people pools come from global streams (rebuilt once per process); shard 0 also carries the
reference tables (products, locations, app installs, discounts, campaigns, spend, web traffic). Shard k holds
customers k*SHARD_SIZE+1 .. (k+1)*SHARD_SIZE with their histories, from the shard's own stream and the signups of
those ids; subscription, order, item, payment, ticket and churn ids start at 1 in every shard and the runner
shifts them (`renumbered`), so the ids are `generate_hopify`'s. The benchmark targets are not generated: the seed
service writes them (`extra_tables`). No Django imports here: worker processes import this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

from core.datasets import DatasetSpec, DatasetSpecError
from simkit.pools import build_people_pools
from simkit.rng import Streams
from simkit.tables import TableBatch, shard_bounds

from . import constants as c
from .generation import (
    SHARD_SIZE,
    SHARD_TABLES,
    Catalogue,
    FirstIds,
    Window,
    customer_counts,
    generate_app_installs,
    generate_campaigns,
    generate_customer_shard,
    generate_discounts,
    generate_funnel,
    generate_locations,
    generate_marketing_spend,
    generate_products,
    generate_web_traffic,
    signups_between,
)

REFERENCE_TABLES = (
    "products", "locations", "app_installs", "discounts", "marketing_campaigns", "marketing_spend", "web_traffic",
)  # fmt: skip


@dataclass(frozen=True)
class HopifyPlan:
    seed: int
    scale: float
    end_date: dt.date
    customers: int
    shards: int
    shard_size: int = SHARD_SIZE

    @property
    def options(self) -> dict:
        return {"end_date": self.end_date.isoformat()}


@functools.lru_cache(maxsize=2)
def _globals(seed: int, scale: float, end_date: dt.date):
    streams = Streams(seed)
    window = Window(end_date=end_date)
    funnel = generate_funnel(seed=seed, months=window.months, scale=scale)
    products = generate_products(streams.generator("products"))
    discounts = generate_discounts(streams.generator("discounts"), window=window)
    catalogue = Catalogue(
        product_price_cents=np.rint(products["price"] * 100).astype(np.int64),
        product_category=np.array([c.PRODUCT_CATEGORIES.index(cat) for cat in products["category"]]),
        discount_start=discounts["start_date"],
        discount_end=discounts["end_date"],
        discount_percent=discounts["discount_percent"],
    )
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    counts = customer_counts(seed=seed, funnel=funnel, window=window)
    return window, funnel, products, discounts, catalogue, pools, counts


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> HopifyPlan:
    options = options or {}
    if not 0 < scale <= c.MAX_SCALE:
        raise DatasetSpecError(f"--scale for hopify must be greater than 0 and at most {c.MAX_SCALE:g}, got {scale:g}")
    end_date = options.get("end_date") or c.DEFAULT_END_DATE
    if isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    customers = int(_globals(int(seed), float(scale), end_date)[-1].sum())
    shards = max(1, len(shard_bounds(customers, SHARD_SIZE)))
    return HopifyPlan(int(seed), float(scale), end_date, customers, shards)


def generate_shard(plan: HopifyPlan, k: int):
    """Shard k: the reference tables (shard 0 only), then customers of the shard with their histories."""
    streams = Streams(plan.seed)
    window, funnel, products, discounts, catalogue, pools, counts = _globals(plan.seed, plan.scale, plan.end_date)
    if k == 0:
        yield TableBatch("products", products)
        yield TableBatch("locations", generate_locations())
        yield TableBatch(
            "app_installs",
            generate_app_installs(streams.generator("app_installs"), window=window, product_count=len(products["id"])),
        )
        yield TableBatch("discounts", discounts)
        yield TableBatch(
            "marketing_campaigns", generate_campaigns(seed=plan.seed, funnel=funnel, window=window, scale=plan.scale)
        )
        yield TableBatch("marketing_spend", generate_marketing_spend(funnel))
        yield TableBatch("web_traffic", generate_web_traffic(funnel))
    bounds = shard_bounds(plan.customers, plan.shard_size)
    if not bounds:
        return
    start, stop = bounds[k]
    tables = generate_customer_shard(
        seed=plan.seed,
        rng=streams.generator("customers", k),
        pools=pools,
        ids=np.arange(start + 1, stop + 1),
        signups=signups_between(seed=plan.seed, funnel=funnel, counts=counts, window=window, start=start, stop=stop),
        window=window,
        catalogue=catalogue,
        first_ids=FirstIds(),
        shard_size=plan.shard_size,
    )
    for table in SHARD_TABLES:
        yield TableBatch(table, tables[table])


DATASET = DatasetSpec(
    domain="hopify",
    seed_command="seed_hopify",
    tables=(*REFERENCE_TABLES, *SHARD_TABLES),
    scale_help="scale 1 = about 74,000 customers over 36 months (2.7 million rows); at most 50",
    tiny_scale=0.005,
    plan=plan,
    generate_shard=generate_shard,
    renumbered=tuple(table for table in SHARD_TABLES if table != "customers"),
    extra_tables=("benchmarks",),
    min_scale=0.001,
    max_scale=c.MAX_SCALE,
)
