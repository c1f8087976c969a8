"""hopify writes: seeding the dataset and (re)loading the benchmark targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.databases import describe
from core.loader import DEFAULT_BATCH_SIZE, bulk_load
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport

from . import selectors
from .benchmarks import DEFAULT_BENCHMARKS, read_benchmarks
from .constants import DEFAULT_END_DATE, DEFAULT_SCALE, MAX_SCALE
from .generation import SHARD_TABLES, generate_hopify, planned_customers
from .models import (
    AppInstall,
    Benchmark,
    ChurnEvent,
    Customer,
    Discount,
    Location,
    MarketingCampaign,
    MarketingSpend,
    Order,
    OrderDiscount,
    OrderItem,
    Payment,
    Product,
    Subscription,
    SupportTicket,
    WebTraffic,
)

MODEL_BY_TABLE = {
    model._meta.db_table: model
    for model in (
        Product, Location, AppInstall, Discount, MarketingCampaign, MarketingSpend, WebTraffic, Customer,
        Subscription, Order, OrderItem, OrderDiscount, Payment, SupportTicket, ChurnEvent, Benchmark,
    )
}  # fmt: skip
REPORT_KPIS = ("Churn Rate", "MRR", "ARR", "ARPU", "GRR", "NRR", "CAC", "LTV", "New Customers", "MQL Conversion")


def hopify_seed(
    *,
    using: str,
    seed: int = 42,
    scale: float = DEFAULT_SCALE,
    end_date: dt.date = DEFAULT_END_DATE,
    start_date: dt.date | None = None,
    benchmarks: str | Path = DEFAULT_BENCHMARKS,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback = no_progress,
) -> SeedReport:
    """Generate the hopify dataset and load it into `using` in one transaction (wiping it first with `reset`).

    The benchmark file is read and validated before anything is written: a bad file raises BenchmarkFileError
    and leaves the database untouched.
    """
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be greater than 0 and at most {MAX_SCALE:g}, got {scale}")
    targets = read_benchmarks(benchmarks)
    customers = planned_customers(seed=seed, scale=scale, end_date=end_date, start_date=start_date)
    with bulk_load(using=using, batch_size=batch_size) as loader:
        if reset:
            loader.wipe("hopify")
        progress(ProgressEvent("customers", 0, customers, "customers"))
        for batch in generate_hopify(seed=seed, scale=scale, end_date=end_date, start_date=start_date):
            loader.write(MODEL_BY_TABLE[batch.table], batch.columns)
            if batch.table == SHARD_TABLES[-1]:  # a shard of customers is written with all its history
                progress(ProgressEvent("customers", batch.customers_done, customers, "customers"))
        loader.write(Benchmark, targets)
    return SeedReport(
        domain="hopify",
        database=describe(using),
        seed=seed,
        rows=loader.stats.rows,
        seconds=loader.stats.seconds,
        details=seed_details(using=using),
    )


def benchmarks_load(*, using: str, path: str | Path) -> int:
    """Replace the benchmark targets with those of the CSV at `path` (validated first; one transaction)."""
    targets = read_benchmarks(path)
    with bulk_load(using=using) as loader:
        loader.delete_all(Benchmark)
        return loader.write(Benchmark, targets)


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "percent":
        return f"{value:.2f}%"
    if unit == "dollars":
        return f"${value:,.0f}"
    return f"{value:,.1f}" if unit == "hours" else f"{value:,.0f}"


def seed_details(*, using: str) -> list[str]:
    """The closing lines of a seed: customers by segment, lifecycle totals and the last month's KPIs vs targets."""
    segments = selectors.customer_segment_counts(using=using)
    totals = selectors.lifecycle_totals(using=using)
    kpis = selectors.kpi_report(using=using)
    lines = [
        "  customers by segment: " + ", ".join(f"{name} {count:,}" for name, count in segments.items()),
        f"  churned {totals['churned']:,}, reactivated {totals['reactivated']:,}, support tickets "
        f"{totals['tickets']:,}, revenue ${totals['revenue']:,.0f} (successful payments)",
    ]
    if not kpis:
        return lines
    mrr = sum(row.value or 0 for row in kpis if row.metric_name == "MRR")
    lines.append(f"  MRR at the window's end ({kpis[0].month:%Y-%m}): ${mrr:,.0f}, ARR ${mrr * 12:,.0f}")
    lines.append(f"  {'KPI':<16}" + "".join(f"{segment:>26}" for segment in selectors.SEGMENT_VALUES))
    by_key = {(row.segment, row.metric_name): row for row in kpis}
    for metric in REPORT_KPIS:
        cells = []
        for segment in selectors.SEGMENT_VALUES:
            row = by_key[(segment, metric)]
            target = "" if row.target_value is None else f" / {_format(row.target_value, row.unit)}"
            mark = {True: " ok", False: " --", None: ""}[row.meets_target]
            cells.append(f"{_format(row.value, row.unit) + target + mark:>26}")
        lines.append(f"  {metric:<16}" + "".join(cells))
    lines.append("  (value / benchmark target; ok = meets it, -- = misses it)")
    return lines
