"""minicrm writes: seeding the dataset and (re)calculating RFM scores."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from core import datasets
from core.databases import describe
from core.loader import DEFAULT_BATCH_SIZE, bulk_load
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport
from core.runner import executor_for, run
from core.sinks import parse_target
from core.sinks.database import DatabaseSink
from core.validation import ParameterCheck, recovery_report

from . import selectors
from .constants import (
    DEFAULT_DAYS,
    DEFAULT_END_DATE,
    DEFAULT_PRODUCTS,
    PERSONA_LABELS,
    PERSONAS,
    SEGMENT_GRID,
    OrderStatus,
    Persona,
)
from .models import Customer, Order, OrderItem, Product, ProductPrice, RFMScore

MODEL_BY_TABLE = {model._meta.db_table: model for model in (Customer, Product, ProductPrice, Order, OrderItem)}


def minicrm_seed(
    *,
    using: str,
    seed: int = 42,
    customers: int = 500,
    days: int = DEFAULT_DAYS,
    end_date: dt.date = DEFAULT_END_DATE,
    products: int = DEFAULT_PRODUCTS,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback = no_progress,
    check_parameters: bool = False,
    targets: list[str] | None = None,
    workers: int = 1,
    scheduler=None,
) -> SeedReport:
    """Generate the minicrm dataset and load it into `using` in one transaction (wiping it first with `reset`).

    Runs through the dataset protocol (`core.runner.run`): `targets` are `--to` values (default: `using` only;
    `db:` names `using`), `workers` a process pool, `scheduler` a Dask scheduler; the data is the same for all.

    With `check_parameters`, the report also compares each persona's realised orders/year, value/year and recency
    with Table 4.1 (a parameter-recovery report, 10% tolerance).
    """
    if customers < 1 or days < 1 or products < 1:
        raise ValueError("customers, days and products must be positive")
    spec = datasets.get("minicrm")
    plan = spec.plan(
        seed=seed, options={"customers": customers, "days": days, "end_date": end_date, "products": products}
    )
    sinks = [
        DatabaseSink(domain="minicrm", using=using, batch_size=batch_size, reset=reset, guard=False)
        if target.strip() == "db:"
        else parse_target(target, domain="minicrm", batch_size=batch_size, reset=reset)
        for target in (targets or ["db:"])
    ]

    def shard_progress(event: ProgressEvent) -> None:
        done = min(event.done * plan.shard_size, customers)
        progress(ProgressEvent("customers", done, customers, "customers"))

    result = run(
        spec,
        plan,
        sinks,
        executor=executor_for(workers=workers, scheduler=scheduler),
        workers=workers,
        scheduler=scheduler,
        progress=shard_progress,
    )
    if not any(isinstance(sink, DatabaseSink) and sink.using == using for sink in sinks):
        return SeedReport(
            domain="minicrm",
            database=", ".join(sink.describe() for sink in sinks),
            seed=seed,
            rows=result.rows,
            seconds=result.seconds,
        )
    personas = selectors.customer_persona_counts(using=using)
    details = [
        "  customers per persona: "
        + ", ".join(f"{PERSONA_LABELS[Persona(code)]} {count:,}" for code, count in personas.items())
    ]
    if check_parameters:
        details += ["", "parameter recovery (Table 4.1 vs generated data):"]
        details += [
            "  " + line for line in recovery_report(persona_parameter_checks(using=using, end_date=end_date, days=days))
        ]
    return SeedReport(
        domain="minicrm",
        database=describe(using),
        seed=seed,
        rows=result.rows,
        seconds=result.seconds,
        details=details,
    )


def persona_parameter_checks(*, using: str, end_date: dt.date, days: int, tolerance: float = 0.10):
    """Table 4.1's persona means against what the orders in `using` show.

    The tolerance is 10%, widened to three standard errors of the mean where a persona has too few customers for
    10% to be meaningful (100 Champions measure recency 15 +- 10 days only to within +-1 day).
    """
    behaviour = selectors.persona_behaviour(using=using, end_date=end_date, days=days)
    checks = []
    for profile in PERSONAS:
        measured = behaviour.get(profile.persona.value)
        if not measured:
            continue
        label = PERSONA_LABELS[profile.persona]
        for name, attribute in (
            ("orders/year", "orders_per_year"),
            ("value/year", "value_per_year"),
            ("recency days", "recency_days"),
        ):
            mean = getattr(profile, f"{attribute}_mean")
            standard_error = getattr(profile, f"{attribute}_std") / math.sqrt(measured["customers"])
            allowed = max(tolerance, 3 * standard_error / mean)
            checks.append(ParameterCheck(f"{label} {name}", mean, measured[attribute], allowed))
    return checks


def segment_for_scores(recency_score: np.ndarray, fm_score: np.ndarray) -> np.ndarray:
    """Look up SEGMENT_GRID for arrays of R scores and FM scores (both 1-5)."""
    grid = np.array([[segment.value for segment in row] for row in SEGMENT_GRID], dtype=object)
    return grid[np.asarray(recency_score) - 1, np.asarray(fm_score) - 1]


def fm_score(frequency_score: np.ndarray, monetary_score: np.ndarray) -> np.ndarray:
    """Mean of the F and M scores, rounded half up (4 and 5 give 5; 3 and 4 give 4)."""
    return (np.asarray(frequency_score) + np.asarray(monetary_score) + 1) // 2


@dataclass
class RFMResult:
    """What a calculation produced: the as-of date, rows written (or that would be) and the distributions."""

    as_of: dt.date | None
    customers_scored: int
    written: bool
    seconds: float
    created: int = 0  # customers scored for the first time
    updated: int = 0  # customers whose earlier score was replaced

    @property
    def message(self) -> str:
        """The earlier tool's one-line summary."""
        if self.as_of is None:
            return "No orders to score"
        verb = "Calculated" if self.written else "Would calculate"
        return f"{verb} RFM scores for {self.customers_scored} customers as of {self.as_of}"


def rfm_calculate(*, using: str, as_of: dt.date | None = None, dry_run: bool = False) -> RFMResult:
    """Score every customer with at least one non-cancelled order before `as_of` and store the scores.

    Values and quintile scores come from one SQL query (`selectors.rfm_values`); the segment is a lookup in
    SEGMENT_GRID. Rows are replaced in one transaction, so a recalculation refreshes `calculated_at` and drops
    scores of customers who no longer qualify. With `dry_run` nothing is written.
    """
    started = timezone.now()
    as_of = as_of or selectors.rfm_default_as_of(using=using)
    if as_of is None:
        return RFMResult(as_of=None, customers_scored=0, written=False, seconds=0.0)
    values = selectors.rfm_values(using=using, as_of=as_of)
    count = len(values["customer_id"])
    previous = np.fromiter(RFMScore.objects.using(using).values_list("customer_id", flat=True), dtype=np.int64)
    updated = int(np.isin(values["customer_id"], previous).sum())
    if not dry_run:
        fm = fm_score(values["frequency_score"], values["monetary_score"])
        segment = segment_for_scores(values["recency_score"], fm)
        code = np.strings.add(
            np.strings.add(values["recency_score"].astype(str), values["frequency_score"].astype(str)),
            values["monetary_score"].astype(str),
        )
        columns = {
            **values,
            "rfm_code": code,
            "segment": segment.astype(str),
            "as_of": np.full(count, np.datetime64(as_of, "D")),
            "calculated_at": np.full(count, np.datetime64(started.replace(tzinfo=None), "s")),
            "is_stale": np.zeros(count, dtype=bool),
        }
        with bulk_load(using=using) as loader:
            loader.delete_all(RFMScore)
            loader.write(RFMScore, columns)
    seconds = (timezone.now() - started).total_seconds()
    return RFMResult(
        as_of=as_of,
        customers_scored=count,
        written=not dry_run,
        seconds=seconds,
        created=count - updated,
        updated=updated,
    )


def rfm_mark_stale(*, using: str, customer_ids) -> int:
    """Flag the scores of `customer_ids` as stale (their orders changed since the calculation). Returns rows."""
    return RFMScore.objects.using(using).filter(customer_id__in=list(customer_ids)).update(is_stale=True)


@dataclass(frozen=True)
class OrderLine:
    """An order line as a client sends it: product, quantity and (optionally) the price paid; the product's
    current list price when omitted."""

    product: Product
    quantity: int
    unit_price: Decimal | None = None


def order_save(
    *,
    using: str,
    customer: Customer,
    items: list[OrderLine] | None,
    status: str | None = None,
    order_date: dt.datetime | None = None,
    order: Order | None = None,
) -> Order:
    """Create an order (or update `order`): its total is the sum of quantity x unit price over its items.

    With `items` None an update keeps the order's lines. The RFM scores of the customers concerned (both, when an
    update moves the order to another customer) are marked stale. One transaction.
    """
    with transaction.atomic(using=using):
        affected = {customer.pk}
        if order is None:
            order = Order(customer=customer, order_date=order_date or timezone.now(), total_price=Decimal("0.00"))
            order.status = status or OrderStatus.PROCESSING.value
        else:
            affected.add(order.customer_id)
            order.customer = customer
            order.status = status or order.status
            order.order_date = order_date or order.order_date
        order.save(using=using)
        if items is not None:
            OrderItem.objects.using(using).filter(order=order).delete()
            OrderItem.objects.using(using).bulk_create(
                [
                    OrderItem(
                        order=order,
                        product=line.product,
                        quantity=line.quantity,
                        unit_price=line.product.price if line.unit_price is None else line.unit_price,
                    )
                    for line in items
                ]
            )
        total = sum(
            (line.quantity * line.unit_price for line in OrderItem.objects.using(using).filter(order=order)),
            Decimal("0.00"),
        )
        order.total_price = total.quantize(Decimal("0.01"))
        order.save(using=using, update_fields=["total_price"])
        rfm_mark_stale(using=using, customer_ids=affected)
    return order


def order_delete(*, using: str, order: Order) -> None:
    """Delete an order and its lines; the customer's RFM score is marked stale."""
    with transaction.atomic(using=using):
        customer_id = order.customer_id
        order.delete(using=using)
        rfm_mark_stale(using=using, customer_ids=[customer_id])
