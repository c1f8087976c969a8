"""hopify reads and SaaS analytics. Every KPI is aggregated by the database (SQL that runs on SQLite, MariaDB and
PostgreSQL); Python only divides the sums and lines them up with their benchmark targets.

A customer is *active at* a day when one of its subscription rows covers it: `start_date <= day` and
(`end_date` is null or `end_date > day`). Rows of one customer never overlap, so counting rows counts customers.
Month-level KPIs measure at month ends (docs/hopify.md gives the SQL of each).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth

from .constants import SEGMENTS, ChangeType
from .models import (
    Benchmark,
    ChurnEvent,
    Customer,
    MarketingCampaign,
    MarketingSpend,
    Order,
    Payment,
    Subscription,
    SupportTicket,
    WebTraffic,
)

SEGMENT_VALUES = [str(segment) for segment in SEGMENTS]
# Metrics where a value below the target is the good side.
# LTV = ARPU x gross margin / monthly churn (the benchmark file's definition).
GROSS_MARGIN = 0.80
LOWER_IS_BETTER = {"Churn Rate", "CAC", "Churned Customers", "Mean Resolution Hours"}
KPI_UNITS = {
    "New Customers": "customers", "Active Customers": "customers", "Churned Customers": "customers",
    "Churn Rate": "percent", "MRR": "dollars", "ARR": "dollars", "ARPU": "dollars", "GRR": "percent",
    "NRR": "percent", "CAC": "dollars", "LTV": "dollars", "MQL Conversion": "percent", "Mean Resolution Hours": "hours",
}  # fmt: skip


def _alias(using: str | None, model=Customer) -> str:
    return using or router.db_for_read(model)


def month_end(month: dt.date) -> dt.date:
    """Last day of the month holding `month`."""
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def active_at(day: dt.date, prefix: str = "") -> Q:
    """Subscription rows covering `day` (`prefix` to reach them through a relation, e.g. `subscriptions__`)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def data_months(*, using: str | None = None) -> list[dt.date]:
    """First days of the months of the simulated window (first to last signup month), oldest first."""
    bounds = Customer.objects.using(_alias(using)).aggregate(first=Min("signup_date"), last=Max("signup_date"))
    if bounds["first"] is None:
        return []
    months, month = [], bounds["first"].replace(day=1)
    while month <= bounds["last"]:
        months.append(month)
        month = add_months(month, 1)
    return months


def _float(value) -> float:
    return 0.0 if value is None else float(value)


def _grid_sql(alias: str, months: list[dt.date]) -> tuple[str, list]:
    """A derived table of months: idx, month_start, month_end (typed as dates on every backend)."""
    connection = connections[alias]
    placeholder = "%s" if connection.vendor == "sqlite" else "CAST(%s AS DATE)"
    selects, params = [], []
    for index, month in enumerate(months):
        selects.append(f"SELECT {index} AS idx, {placeholder} AS month_start, {placeholder} AS month_end")
        params += [connection.ops.adapt_datefield_value(month), connection.ops.adapt_datefield_value(month_end(month))]
    return " UNION ALL ".join(selects), params


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# --- Counts for reports ------------------------------------------------------------------------------------------


def customer_segment_counts(*, using: str | None = None) -> dict[str, int]:
    """Customers per segment, in segment order."""
    rows = Customer.objects.using(_alias(using)).values("customer_segment").annotate(count=Count("id"))
    counts = {row["customer_segment"]: row["count"] for row in rows}
    return {segment: counts.get(segment, 0) for segment in SEGMENT_VALUES}


def lifecycle_totals(*, using: str | None = None) -> dict[str, float]:
    """Churn events, reactivations, tickets and revenue (successful payments) over the whole window."""
    alias = _alias(using)
    revenue = Payment.objects.using(alias).filter(success=True).aggregate(total=Sum("payment_amount"))["total"]
    return {
        "churned": ChurnEvent.objects.using(alias).count(),
        "reactivated": Subscription.objects.using(alias).filter(change_type=ChangeType.REACTIVATION).count(),
        "tickets": SupportTicket.objects.using(alias).count(),
        "revenue": _float(revenue),
    }


# --- KPIs ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    """One KPI of one segment in one month, beside its benchmark."""

    month: dt.date
    segment: str
    metric_name: str
    value: float | None
    unit: str
    target_value: float | None
    target_period: str | None
    meets_target: bool | None


def _subscription_state(alias: str, *, day: dt.date, previous_day: dt.date) -> dict[str, dict]:
    rows = (
        Subscription.objects.using(alias)
        .values(segment=F("customer__customer_segment"))
        .annotate(
            active=Count("id", filter=active_at(day)),
            active_before=Count("id", filter=active_at(previous_day)),
            mrr=Sum("subscription_price", filter=active_at(day)),
        )
        .order_by()
    )
    return {row["segment"]: row for row in rows}


def revenue_retention(*, using: str | None = None, day: dt.date, months: int = 12) -> dict[str, dict[str, float]]:
    """Per segment, over the customers paying `months` months before `day`: their MRR then (`start_mrr`), now
    (`end_mrr`) and now capped at then per customer (`kept_mrr`). NRR = end/start, GRR = kept/start."""
    alias = _alias(using)
    before = month_end(add_months(day.replace(day=1), -months))
    per_customer = (
        Subscription.objects.using(alias)
        .values("customer_id", segment=F("customer__customer_segment"))
        .annotate(
            start_mrr=Cast(Sum("subscription_price", filter=active_at(before), default=0), FloatField()),
            end_mrr=Cast(Sum("subscription_price", filter=active_at(day), default=0), FloatField()),
        )
        .order_by()
    )
    inner, params = per_customer.query.get_compiler(using=alias).as_sql()
    sql = (
        "SELECT t.segment, SUM(t.start_mrr), SUM(t.end_mrr), "
        "SUM(CASE WHEN t.end_mrr < t.start_mrr THEN t.end_mrr ELSE t.start_mrr END) "
        f"FROM ({inner}) t WHERE t.start_mrr > 0 GROUP BY t.segment"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        segment: {"start_mrr": _float(start), "end_mrr": _float(end), "kept_mrr": _float(kept)}
        for segment, start, end, kept in rows
    }


def benchmark_targets(*, using: str | None = None) -> dict[tuple[str, str], Benchmark]:
    """(segment, metric_name) -> its benchmark (the lowest id when a file repeats a metric)."""
    targets: dict[tuple[str, str], Benchmark] = {}
    for benchmark in Benchmark.objects.using(_alias(using)).order_by("id"):
        targets.setdefault((benchmark.segment, benchmark.metric_name), benchmark)
    return targets


def _ratio(numerator: float, denominator: float, factor: float = 1.0) -> float | None:
    return numerator / denominator * factor if denominator else None


def kpi_values(*, using: str | None = None, month: dt.date) -> dict[str, dict[str, float | None]]:
    """Every KPI of every segment for the month holding `month`: {segment: {metric_name: value}}."""
    alias = _alias(using)
    start = month.replace(day=1)
    end = month_end(start)
    state = _subscription_state(alias, day=end, previous_day=start - dt.timedelta(days=1))
    new = dict(
        Customer.objects.using(alias)
        .filter(signup_date__gte=start, signup_date__lte=end)
        .values_list("customer_segment")
        .annotate(count=Count("id"))
    )
    churned = dict(
        ChurnEvent.objects.using(alias)
        .filter(churn_date__gte=start, churn_date__lte=end)
        .values_list("customer__customer_segment")
        .annotate(count=Count("id"))
    )
    spend = dict(
        MarketingSpend.objects.using(alias).filter(month=start).values_list("segment").annotate(Sum("monthly_budget"))
    )
    funnel = WebTraffic.objects.using(alias).filter(traffic_date=start).aggregate(leads=Sum("leads"), mqls=Sum("mqls"))
    resolution = dict(
        SupportTicket.objects.using(alias)
        .filter(created_at__gte=_midnight(start), created_at__lt=_midnight(end + dt.timedelta(days=1)))
        .exclude(resolved_at=None)
        .values_list("customer__customer_segment")
        .annotate(mean=Avg(ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())))
    )
    retention = revenue_retention(using=alias, day=end)
    mql_conversion = _ratio(_float(funnel["mqls"]), _float(funnel["leads"]), 100.0)
    values = {}
    for segment in SEGMENT_VALUES:
        row = state.get(segment, {})
        active, active_before, mrr = row.get("active", 0), row.get("active_before", 0), _float(row.get("mrr"))
        churn_rate = _ratio(churned.get(segment, 0), active_before, 100.0)
        arpu = _ratio(mrr, active)
        kept = retention.get(segment, {})
        mean_resolution = resolution.get(segment)
        values[segment] = {
            "New Customers": float(new.get(segment, 0)),
            "Active Customers": float(active),
            "Churned Customers": float(churned.get(segment, 0)),
            "Churn Rate": churn_rate,
            "MRR": mrr,
            "ARR": mrr * 12,
            "ARPU": arpu,
            "GRR": _ratio(kept.get("kept_mrr", 0.0), kept.get("start_mrr", 0.0), 100.0),
            "NRR": _ratio(kept.get("end_mrr", 0.0), kept.get("start_mrr", 0.0), 100.0),
            "CAC": _ratio(_float(spend.get(segment)), new.get(segment, 0)),
            "LTV": _ratio(arpu * GROSS_MARGIN, churn_rate, 100.0) if arpu is not None and churn_rate else None,
            "MQL Conversion": mql_conversion,
            "Mean Resolution Hours": None if mean_resolution is None else mean_resolution.total_seconds() / 3600,
        }
    return values


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def kpi_report(*, using: str | None = None, month: dt.date | None = None, segment: str | None = None) -> list[KpiRow]:
    """KPI rows for one month (default: the window's last) and one or all segments, each beside its target.

    `meets_target` is null when the KPI has no benchmark or no value; for Churn Rate and CAC lower is better.
    """
    alias = _alias(using)
    if month is None:
        months = data_months(using=alias)
        if not months:
            return []
        month = months[-1]
    month = month.replace(day=1)
    targets = benchmark_targets(using=alias)
    rows = []
    for segment_name, metrics in kpi_values(using=alias, month=month).items():
        if segment and segment_name != segment:
            continue
        for metric_name, value in metrics.items():
            benchmark = targets.get((segment_name, metric_name))
            target = None if benchmark is None else benchmark.target_value
            meets = None
            if target is not None and value is not None:
                meets = value <= target if metric_name in LOWER_IS_BETTER else value >= target
            rows.append(
                KpiRow(
                    month=month,
                    segment=segment_name,
                    metric_name=metric_name,
                    value=value,
                    unit=KPI_UNITS[metric_name],
                    target_value=target,
                    target_period=None if benchmark is None else benchmark.target_period,
                    meets_target=meets,
                )
            )
    return rows


# --- Series ------------------------------------------------------------------------------------------------------


def _mrr_deltas_sql(alias: str, segment: str | None) -> tuple[str, list]:
    """Per (month, segment): MRR and customers added by rows starting that month, minus those of rows ending it.

    A row is active at month M's end exactly when it started in M or before and did not end in M or before, so the
    running sum of these deltas over the months is the MRR at each month's end.
    """
    rows = Subscription.objects.using(alias)
    if segment:
        rows = rows.filter(customer__customer_segment=segment)
    started = (
        rows.annotate(month=TruncMonth("start_date"))
        .values("month", segment_name=F("customer__customer_segment"))
        .annotate(mrr=Cast(Sum("subscription_price"), FloatField()), customers=Count("id"))
        .order_by()
    )
    ended = (
        rows.exclude(end_date=None)
        .annotate(month=TruncMonth("end_date"))
        .values("month", segment_name=F("customer__customer_segment"))
        .annotate(mrr=Cast(-Sum("subscription_price"), FloatField()), customers=-Count("id"))
        .order_by()
    )
    started_sql, started_params = started.query.get_compiler(using=alias).as_sql()
    ended_sql, ended_params = ended.query.get_compiler(using=alias).as_sql()
    # Each side as a derived table: MySQL's compiled GROUP BY may end in ORDER BY NULL, which UNION would reject.
    columns = "month, segment_name, mrr, customers"
    sql = f"SELECT {columns} FROM ({started_sql}) started UNION ALL SELECT {columns} FROM ({ended_sql}) ended"
    return sql, [*started_params, *ended_params]


def mrr_series(*, using: str | None = None, segment: str | None = None) -> list[dict]:
    """Per month of the window and segment: active customers and MRR at the month's end.

    One SQL query: the monthly deltas (`_mrr_deltas_sql`) summed over every month up to each month of the window.
    Joining the subscriptions to every month end instead costs ~15x more at the default scale.
    """
    alias = _alias(using)
    months = data_months(using=alias)
    if not months:
        return []
    grid, grid_params = _grid_sql(alias, months)
    deltas, delta_params = _mrr_deltas_sql(alias, segment)
    sql = (
        "SELECT g.month_start, d.segment_name, SUM(d.customers), SUM(d.mrr) "
        f"FROM ({grid}) g JOIN ({deltas}) d ON d.month <= g.month_start "
        "GROUP BY g.month_start, d.segment_name ORDER BY g.month_start, d.segment_name"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [*grid_params, *delta_params])
        rows = cursor.fetchall()
    return [
        {
            "month": _as_date(month),
            "segment": seg,
            "active_customers": int(active),
            "mrr": round(_float(mrr), 2),
            "arr": round(_float(mrr) * 12, 2),
        }
        for month, seg, active, mrr in rows
        if active
    ]


def cohort_retention(*, using: str | None = None, segment: str | None = None) -> list[dict]:
    """Monthly signup cohorts x months since signup: customers still subscribed at that month's end, in SQL."""
    alias = _alias(using)
    months = data_months(using=alias)
    if not months:
        return []
    grid, grid_params = _grid_sql(alias, months)
    where, segment_params = ("AND c.customer_segment = %s ", [segment]) if segment else ("", [])
    cohort_sql = (
        f"FROM customers c JOIN ({grid}) cg ON c.signup_date >= cg.month_start AND c.signup_date <= cg.month_end "
    )
    sizes_sql = f"SELECT cg.idx, COUNT(*) {cohort_sql}WHERE 1 = 1 {where}GROUP BY cg.idx"
    retained_sql = (
        f"SELECT cg.idx, g.idx - cg.idx, COUNT(*) {cohort_sql}"
        f"JOIN ({grid}) g ON g.idx >= cg.idx "
        "JOIN subscriptions s ON s.customer_id = c.customer_id AND s.start_date <= g.month_end "
        "AND (s.end_date IS NULL OR s.end_date > g.month_end) "
        f"WHERE 1 = 1 {where}GROUP BY cg.idx, g.idx - cg.idx ORDER BY 1, 2"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sizes_sql, [*grid_params, *segment_params])
        sizes = dict(cursor.fetchall())
        cursor.execute(retained_sql, [*grid_params, *grid_params, *segment_params])
        retained = {(cohort, offset): count for cohort, offset, count in cursor.fetchall()}
    rows = []
    for cohort, size in sorted(sizes.items()):
        for offset in range(len(months) - cohort):
            count = retained.get((cohort, offset), 0)
            rows.append(
                {
                    "cohort": months[cohort],
                    "months_since_signup": offset,
                    "cohort_size": size,
                    "retained": count,
                    "retention_rate": count / size * 100 if size else None,
                }
            )
    return rows


def funnel_list(*, using: str | None = None) -> QuerySet:
    """Web traffic rows with their conversion rates (percent) computed in SQL."""
    return WebTraffic.objects.using(_alias(using)).annotate(
        lead_rate=ExpressionWrapper(Cast("leads", FloatField()) * 100.0 / F("visitors"), output_field=FloatField()),
        mql_rate=ExpressionWrapper(
            Cast("mqls", FloatField()) * 100.0 / Cast("leads", FloatField()), output_field=FloatField()
        ),
        visitor_to_mql_rate=ExpressionWrapper(
            Cast("mqls", FloatField()) * 100.0 / F("visitors"), output_field=FloatField()
        ),
    )


# --- Lists ---------------------------------------------------------------------------------------------------------


def customer_list(*, using: str | None = None) -> QuerySet:
    return Customer.objects.using(_alias(using)).all()


def subscription_list(*, using: str | None = None) -> QuerySet:
    return Subscription.objects.using(_alias(using)).select_related("customer")


def order_list(*, using: str | None = None) -> QuerySet:
    return Order.objects.using(_alias(using)).select_related("customer", "order_discount__discount")


def churn_event_list(*, using: str | None = None) -> QuerySet:
    return ChurnEvent.objects.using(_alias(using)).select_related("customer")


def ticket_list(*, using: str | None = None) -> QuerySet:
    return SupportTicket.objects.using(_alias(using)).select_related("customer")


def campaign_list(*, using: str | None = None) -> QuerySet:
    return MarketingCampaign.objects.using(_alias(using)).all()
