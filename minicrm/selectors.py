"""minicrm reads and analytics. Aggregation happens in SQL; results are querysets, dicts or numpy columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import (
    Avg,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Floor, Least, PercentRank

from .constants import OrderStatus
from .models import Customer, Order, OrderItem, Product, RFMScore

# Cancelled orders never shipped and returned ones were refunded: neither is revenue, so RFM leaves both out.
KEPT_ORDERS = ~Q(status__in=[OrderStatus.CANCELLED.value, OrderStatus.RETURNED.value])
RFM_VALUE_COLUMNS = (
    "customer_id", "recency_days", "frequency", "monetary", "recency_score", "frequency_score", "monetary_score",
)  # fmt: skip


def customer_persona_counts(*, using: str | None = None) -> dict[str, int]:
    """Customers per ground-truth persona."""
    rows = Customer.objects.using(using).values("persona").annotate(count=Count("id")).order_by("persona")
    return {row["persona"]: row["count"] for row in rows}


def rfm_default_as_of(*, using: str | None = None) -> dt.date | None:
    """The day after the last non-cancelled order: RFM then never drifts with the calendar."""
    last = Order.objects.using(using).filter(KEPT_ORDERS).aggregate(last=Max("order_date"))["last"]
    return None if last is None else last.date() + dt.timedelta(days=1)


def rfm_first_order_day(*, using: str | None = None) -> dt.date | None:
    """The day of the first non-cancelled order: an RFM `as_of` on or before it would score nobody."""
    first = Order.objects.using(using).filter(KEPT_ORDERS).aggregate(first=Min("order_date"))["first"]
    return None if first is None else first.date()


class LastOrderDay(Func):
    """DATE(MAX(order_date)): `DATE()` reads the same on SQLite, MariaDB and PostgreSQL (in the UTC session)."""

    function = "DATE"
    output_field = DateField()

    def __init__(self, expression, **extra):
        super().__init__(Max(expression), **extra)


class WindowExpression(Func):
    """Arithmetic over a window function. Django would put such an expression in GROUP BY (it holds no
    aggregate itself), which SQL rejects when the window orders by an aggregate; it belongs in SELECT only."""

    template = "%(expressions)s"

    def get_group_by_cols(self):
        return []


def _quintile_score(order_by) -> WindowExpression:
    """1 + floor(5 x PERCENT_RANK), capped at 5: equal values share a rank and therefore a score."""
    percent_rank = Window(PercentRank(), order_by=order_by)
    score = Least(Floor(Value(5.0) * percent_rank) + Value(1.0), Value(5.0), output_field=FloatField())
    return WindowExpression(score, output_field=FloatField())


def rfm_values_queryset(*, using: str | None = None, as_of: dt.date) -> QuerySet:
    """Per customer: last order day, frequency, monetary and their quintile scores, in one SQL query.

    Recency is ranked on the last order's date (not its time), so customers who last ordered on the same day tie.
    """
    cutoff = dt.datetime.combine(as_of, dt.time.min, tzinfo=dt.UTC)
    monetary = Cast(Sum("total_price"), FloatField())
    return (
        Order.objects.using(using)
        .filter(KEPT_ORDERS, order_date__lt=cutoff)
        .values("customer_id")
        .annotate(
            last_order_day=LastOrderDay("order_date"),
            frequency=Count("id"),
            monetary=Sum("total_price"),
        )
        .annotate(
            recency_score=_quintile_score(F("last_order_day").asc()),
            frequency_score=_quintile_score(F("frequency").asc()),
            monetary_score=_quintile_score(monetary.asc()),
        )
        .order_by("customer_id")
    )


def rfm_values(*, using: str | None = None, as_of: dt.date) -> dict[str, np.ndarray]:
    """`rfm_values_queryset` as numpy columns, with recency in days before `as_of`."""
    rows = list(
        rfm_values_queryset(using=using, as_of=as_of).values_list(
            "customer_id",
            "last_order_day",
            "frequency",
            "monetary",
            "recency_score",
            "frequency_score",
            "monetary_score",
        )
    )
    if not rows:
        empty = np.array([], dtype=np.int64)
        return dict.fromkeys(RFM_VALUE_COLUMNS, empty)
    customer_id, last_day, frequency, monetary, r_score, f_score, m_score = zip(*rows, strict=True)
    last_day = np.array(last_day, dtype="datetime64[D]")
    return {
        "customer_id": np.array(customer_id, dtype=np.int64),
        "recency_days": (np.datetime64(as_of, "D") - last_day).astype(np.int64),
        "frequency": np.array(frequency, dtype=np.int64),
        "monetary": np.array([float(value) for value in monetary]),
        "recency_score": np.array(r_score, dtype=np.int64),
        "frequency_score": np.array(f_score, dtype=np.int64),
        "monetary_score": np.array(m_score, dtype=np.int64),
    }


def rfm_score_list(*, using: str | None = None) -> QuerySet:
    """RFM scores with their customers, for list endpoints."""
    return RFMScore.objects.using(using).select_related("customer")


def rfm_segment_summary(*, using: str | None = None) -> list[dict]:
    """Per segment: customers, mean recency/frequency/monetary and share of total revenue."""
    scores = RFMScore.objects.using(using)
    total = scores.aggregate(total=Sum("monetary"))["total"] or 0
    rows = (
        scores.values("segment")
        .annotate(
            customers=Count("customer_id"),
            mean_recency_days=Avg("recency_days"),
            mean_frequency=Avg("frequency"),
            mean_monetary=Avg("monetary"),
            revenue=Sum("monetary"),
        )
        .order_by("-revenue")
    )
    return [{**row, "revenue_share": float(row["revenue"]) / float(total) if total else 0.0} for row in rows]


def rfm_statistics(*, using: str | None = None) -> dict:
    """Number of scored customers and min/mean/max of recency, frequency and monetary."""
    aggregates = {}
    for name in ("recency_days", "frequency", "monetary"):
        aggregates |= {f"{name}_min": Min(name), f"{name}_mean": Avg(name), f"{name}_max": Max(name)}
    return RFMScore.objects.using(using).aggregate(customers=Count("customer_id"), **aggregates)


def persona_segment_matrix(*, using: str | None = None) -> dict[str, dict[str, int]]:
    """Customers per (ground-truth persona, RFM segment): how well segmentation recovers the personas."""
    rows = (
        RFMScore.objects.using(using)
        .values("customer__persona", "segment")
        .annotate(customers=Count("customer_id"))
        .order_by("customer__persona", "segment")
    )
    matrix: dict[str, dict[str, int]] = {}
    for row in rows:
        matrix.setdefault(row["customer__persona"], {})[row["segment"]] = row["customers"]
    return matrix


def persona_behaviour(*, using: str | None = None, end_date: dt.date, days: int) -> dict[str, dict[str, float]]:
    """Per persona: mean orders and value per year of tenure, and mean recency (days before the window end).

    Tenure runs from the signup day to the window end (`days` days at most), the same denominator the generator
    uses, so a customer who joined three months ago is measured over three months. Per-customer counts and sums
    come from SQL; to compare with Table 4.1 (parameter recovery).
    """
    window_start = end_date - dt.timedelta(days=days - 1)
    per_customer = (
        Order.objects.using(using)
        .filter(KEPT_ORDERS)
        .values("customer_id", "customer__persona", "customer__created_at")
        .annotate(orders=Count("id"), value=Sum("total_price"), last=LastOrderDay("order_date"))
    )
    sums: dict[str, list] = {}
    for row in per_customer.iterator(chunk_size=20_000):
        signup = max(row["customer__created_at"].date(), window_start)
        years = max((end_date - signup).days, 1) / 365.0
        entry = sums.setdefault(row["customer__persona"], [0.0, 0.0, 0.0, 0])
        entry[0] += row["orders"] / years
        entry[1] += float(row["value"]) / years
        entry[2] += (end_date - row["last"]).days
        entry[3] += 1
    return {
        persona: {
            "orders_per_year": orders / count,
            "value_per_year": value / count,
            "recency_days": recency / count,
            "customers": count,
        }
        for persona, (orders, value, recency, count) in sums.items()
    }


def customer_list(*, using: str | None = None) -> QuerySet:
    """Customers with their RFM segment (null when unscored), in one LEFT JOIN."""
    return Customer.objects.using(using).annotate(segment=F("rfm_score__segment"))


def customer_detail_queryset(*, using: str | None = None) -> QuerySet:
    """Customers with their RFM score joined."""
    return Customer.objects.using(using).select_related("rfm_score")


def product_list(*, using: str | None = None) -> QuerySet:
    """The product catalogue."""
    return Product.objects.using(using).all()


def order_list(*, using: str | None = None) -> QuerySet:
    """Orders with their customers joined."""
    return Order.objects.using(using).select_related("customer")


def order_detail_queryset(*, using: str | None = None) -> QuerySet:
    """Orders with customer and lines (products joined): two queries whatever the number of lines."""
    items = OrderItem.objects.using(using).select_related("product")
    return order_list(using=using).prefetch_related(Prefetch("items", queryset=items))
