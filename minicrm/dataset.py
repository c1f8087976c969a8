"""minicrm as a dataset of the protocol (`core.datasets`): plan and shard functions over `minicrm.generation`.

Scale 1 is today's default (500 customers, 20 products, 730 days); `--customers` overrides the scale's count.
Shard k holds customers k*SHARD_SIZE+1 .. (k+1)*SHARD_SIZE with their orders and items, each from the shard's own
streams; its order and item ids start at 1 and the runner shifts them by the earlier shards' rows (`renumbered`),
so the ids are the serial generator's, whatever executor ran the shard. Products, personas and the people pools are
global (one stream each) and rebuilt once per process. No Django imports here: worker processes import this module.
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

from .constants import DEFAULT_CUSTOMERS, DEFAULT_DAYS, DEFAULT_END_DATE, DEFAULT_PRODUCTS
from .generation import (
    SHARD_SIZE,
    Window,
    assign_personas,
    catalogue,
    generate_customer_shard,
    generate_order_shard,
)


@dataclass(frozen=True)
class MinicrmPlan:
    seed: int
    scale: float
    customers: int
    days: int
    end_date: dt.date
    products: int
    shards: int
    shard_size: int = SHARD_SIZE

    @property
    def options(self) -> dict:
        return {
            "customers": self.customers,
            "days": self.days,
            "end_date": self.end_date.isoformat(),
            "products": self.products,
        }


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> MinicrmPlan:
    """Counts for `scale` (customers = 500 x scale, at least 1), unless `options` gives them."""
    options = options or {}
    customers = options.get("customers") or max(1, round(DEFAULT_CUSTOMERS * scale))
    days = options.get("days") or DEFAULT_DAYS
    products = options.get("products") or DEFAULT_PRODUCTS
    end_date = options.get("end_date") or DEFAULT_END_DATE
    if isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    for name, value in (("customers", customers), ("days", days), ("products", products)):
        if int(value) < 1:
            raise DatasetSpecError(f"--{name} must be positive, got {value}")
    shards = len(shard_bounds(int(customers), SHARD_SIZE))
    return MinicrmPlan(int(seed), float(scale), int(customers), int(days), end_date, int(products), shards)


@functools.lru_cache(maxsize=4)
def _globals(seed: int, customers: int, products: int, end_date: dt.date, days: int):
    streams = Streams(seed)
    product_columns, prices = catalogue(seed=seed, products=products, window=Window(end_date=end_date, days=days))
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    personas = assign_personas(streams.generator("personas"), customers=customers)
    return product_columns, prices, pools, personas


def generate_shard(plan: MinicrmPlan, k: int):
    """Shard k: the products and their price history (shard 0 only), then the shard's customers, orders and order
    items."""
    streams = Streams(plan.seed)
    window = Window(end_date=plan.end_date, days=plan.days)
    product_columns, prices, pools, personas = _globals(
        plan.seed, plan.customers, plan.products, plan.end_date, plan.days
    )
    if k == 0:
        yield TableBatch("products", product_columns)
        yield TableBatch("product_prices", prices.rows)
    start, stop = shard_bounds(plan.customers, plan.shard_size)[k]
    shard = generate_customer_shard(
        streams.generator("customers", k),
        pools,
        ids=np.arange(start + 1, stop + 1),
        personas=personas[start:stop],
        window=window,
    )
    orders, items = generate_order_shard(
        streams.generator("orders", k),
        shard,
        window=window,
        prices=prices,
        first_order_id=1,
        first_item_id=1,
    )
    yield TableBatch("customers", shard.columns)
    yield TableBatch("orders", orders)
    yield TableBatch("order_items", items)


DATASET = DatasetSpec(
    domain="minicrm",
    seed_command="seed_minicrm",
    tables=("products", "product_prices", "customers", "orders", "order_items"),
    scale_help="scale 1 = 500 customers (about 20,000 rows); rows grow linearly",
    tiny_scale=0.2,
    plan=plan,
    generate_shard=generate_shard,
    follow_ups=("calculate_rfm",),
    renumbered=("orders", "order_items"),
    supports=("to", "workers", "scheduler"),
    scaled_options=("customers",),
    max_scale=100_000.0,
)
