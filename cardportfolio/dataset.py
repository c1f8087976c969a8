"""cardportfolio as a dataset of the protocol (`core.datasets`): plan and shard functions over its generators.

Scale 1 is today's default of 50,000 cardholders over 18 months; `--customers` and `--months` override it. For now
the whole dataset is one shard: the months are generated from their own streams, but a month's transaction ids
(TXN + digits) run on from the month before, so they cannot be shifted afterwards as integer ids can. The customer
validation and the customers CSV stay with the seed service. No Django imports here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.datasets import DatasetSpec, DatasetSpecError
from simkit.tables import TableBatch

from .constants import DEFAULT_AS_OF, DEFAULT_CUSTOMERS, DEFAULT_MONTHS
from .generation import generate_customer_columns, generate_merchant_table, generate_transactions


@dataclass(frozen=True)
class CardportfolioPlan:
    seed: int
    scale: float
    customers: int
    months: int
    as_of: dt.date
    shards: int = 1

    @property
    def options(self) -> dict:
        return {"customers": self.customers, "months": self.months, "as_of": self.as_of.isoformat()}


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> CardportfolioPlan:
    options = options or {}
    customers = int(options.get("customers") or max(1, round(DEFAULT_CUSTOMERS * scale)))
    months = int(options.get("months") or DEFAULT_MONTHS)
    for name, value in (("customers", customers), ("months", months)):
        if value < 1:
            raise DatasetSpecError(f"--{name} must be positive, got {value}")
    as_of = options.get("as_of") or DEFAULT_AS_OF
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    return CardportfolioPlan(int(seed), float(scale), customers, months, as_of)


def generate_shard(plan: CardportfolioPlan, k: int):
    """The one shard: the customers and merchants, then each month's transactions, summary and statements."""
    customers = generate_customer_columns(
        seed=plan.seed, customers=plan.customers, as_of=plan.as_of, months=plan.months
    )
    yield TableBatch("customers", customers)
    merchants = generate_merchant_table(seed=plan.seed)
    yield TableBatch("merchants", merchants.columns())
    months = generate_transactions(
        seed=plan.seed, customers=customers, as_of=plan.as_of, months=plan.months, merchants=merchants
    )
    for month in months:
        yield TableBatch("transactions", month.columns())
        yield TableBatch("customer_monthly_spend", month.monthly_summary())
        yield TableBatch("statements", month.statements)


DATASET = DatasetSpec(
    domain="cardportfolio",
    seed_command="seed_cardportfolio",
    tables=("customers", "merchants", "transactions", "customer_monthly_spend", "statements"),
    scale_help="scale 1 = 50,000 cardholders over 18 months (about 14 million transactions); rows grow linearly",
    tiny_scale=0.002,
    plan=plan,
    generate_shard=generate_shard,
    scaled_options=("count=customers",),
    max_scale=10_000.0,
)
