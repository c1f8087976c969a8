"""cardportfolio reads and analytics. Aggregation happens in SQL that runs on SQLite, MariaDB and PostgreSQL."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
from django.db import connections, router
from django.db.models import Avg, Count, Q, QuerySet, Sum

from .constants import (
    BUDGET_MAX_MONTHLY_SPEND,
    BUDGET_MIN_NECESSITY_SHARE,
    DECLINING_MAX_CHANGE,
    DECLINING_MIN_PRIOR_SPEND,
    GROWING_MAX_TENURE_MONTHS,
    GROWING_MIN_CHANGE,
    OBSERVED_WINDOW_MONTHS,
    SEGMENT_ORDER,
    SEGMENT_SHARES,
    TRAVELER_MIN_MONTHLY_SPEND,
    TRAVELER_MIN_TRAVEL_SHARE,
    Segment,
    Status,
)
from .customer_generator import customers_frame
from .generation import CUSTOMER_COLUMNS
from .models import Customer, MonthlySpend, Transaction

APPROVED = Q(status=Status.APPROVED.value)


def _alias(using: str | None, model) -> str:
    return using or router.db_for_read(model)


def customer_list(*, using: str | None = None) -> QuerySet:
    """Customers in id order."""
    return Customer.objects.using(using).all()


def transaction_list(*, using: str | None = None) -> QuerySet:
    """Transactions (in id, that is date, order) with their customers joined."""
    return Transaction.objects.using(using).select_related("customer")


def customers_dataframe(*, using: str | None = None) -> pd.DataFrame:
    """Every customer as a DataFrame with the generator's columns and dtypes (for validation)."""
    rows = Customer.objects.using(using).order_by("customer_id").values_list(*CUSTOMER_COLUMNS)
    frame = pd.DataFrame.from_records(list(rows), columns=list(CUSTOMER_COLUMNS))
    if frame.empty:
        return frame
    return customers_frame({name: frame[name].to_numpy() for name in CUSTOMER_COLUMNS})


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    start = _add_months(day, -months)
    return start.replace(day=min(day.day, calendar.monthrange(start.year, start.month)[1]))


def transaction_months(*, using: str | None = None) -> list[dt.date]:
    """First days of the calendar months holding transactions, oldest first.

    Ids follow date order, so the first and last transactions are two primary-key lookups on any backend (a
    MIN and MAX in one query makes SQLite scan the whole table).
    """
    dates = Transaction.objects.using(using).values_list("transaction_date", flat=True)
    first, last = dates.order_by("transaction_id").first(), dates.order_by("-transaction_id").first()
    if first is None:
        return []
    first, last = _month_start(first.date()), _month_start(last.date())
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [_add_months(first, offset) for offset in range(count)]


def segment_summary(*, using: str | None = None) -> list[dict]:
    """Per assigned segment: customers, share vs target, mean credit limit and mean monthly (approved) spend.

    Mean monthly spend is the segment's approved spend divided by its customers and the months of the window.
    Spend comes from `customer_monthly_spend` (the transactions summed per customer and month at seed time).
    """
    customers = {
        row["customer_segment"]: row
        for row in Customer.objects.using(using)
        .values("customer_segment")
        .annotate(customers=Count("customer_id"), mean_credit_limit=Avg("credit_limit"))
        .order_by()
    }
    spend = {
        row["customer__customer_segment"]: row
        for row in MonthlySpend.objects.using(using)
        .values("customer__customer_segment")
        .annotate(approved_spend=Sum("spend"), approved=Sum("approved_transactions"))
        .order_by()
    }
    months = len(transaction_months(using=using)) or 1
    total = sum(row["customers"] for row in customers.values())
    rows = []
    for segment in SEGMENT_ORDER:
        count = customers.get(segment.value, {}).get("customers", 0)
        spent = float(spend.get(segment.value, {}).get("approved_spend") or 0)
        rows.append(
            {
                "segment": segment.value,
                "customers": count,
                "share": count / total if total else 0.0,
                "target_share": SEGMENT_SHARES[segment],
                "mean_credit_limit": customers.get(segment.value, {}).get("mean_credit_limit"),
                "approved_transactions": spend.get(segment.value, {}).get("approved") or 0,
                "mean_monthly_spend": spent / count / months if count else None,
            }
        )
    return rows


def monthly_spend(*, using: str | None = None, segment: str | None = None) -> list[dict]:
    """Per calendar month and assigned segment: transactions, approved spend, active customers, spend per active
    customer (oldest month first), from `customer_monthly_spend`."""
    queryset = MonthlySpend.objects.using(using)
    if segment:
        queryset = queryset.filter(customer__customer_segment=segment)
    rows = (
        queryset.values("month", "customer__customer_segment")
        .annotate(
            # Aliases differ from the column names: an alias equal to a column would replace it inside the SUM.
            all_transactions=Sum("transactions"),
            approved=Sum("approved_transactions"),
            approved_spend=Sum("spend"),
            active_customers=Count("id", filter=Q(approved_transactions__gt=0)),
        )
        .order_by("month", "customer__customer_segment")
    )
    return [
        {
            "month": row["month"],
            "segment": row["customer__customer_segment"],
            "transactions": row["all_transactions"],
            "approved_transactions": row["approved"],
            "spend": row["approved_spend"] or 0,
            "active_customers": row["active_customers"],
            "mean_spend_per_active_customer": float(row["approved_spend"] or 0) / row["active_customers"]
            if row["active_customers"]
            else None,
        }
        for row in rows
    ]


def observed_segment_counts(*, using: str | None = None, as_of: dt.date | None = None) -> tuple[dt.date | None, dict]:
    """Customers per (assigned segment, behaviour-derived segment), by the rule of constants (first match wins).

    Over the last three calendar months before `as_of` (default: the month after the last transaction month) and
    the three before them: High-Value Travelers if mean monthly spend >= 5,000 and travel share >= 25%; Declining
    if spend changed by -30% or less and the prior window's spend was >= 2,000; New & Growing if tenure <= 6
    months and spend rose by 50% or more; Budget-Conscious if mean monthly spend < 1,500 and necessities share
    >= 60%; otherwise Stable Mid-Spenders. Approved spend only. Returns (as_of, {assigned: {observed: customers}}).
    """
    alias = _alias(using, MonthlySpend)
    if as_of is None:
        months = transaction_months(using=alias)
        if not months:
            return None, {}
        as_of = _add_months(months[-1], 1)
    connection = connections[alias]
    quote = connection.ops.quote_name

    def day(value: dt.date):
        return connection.ops.adapt_datefield_value(value)

    this_month = _month_start(as_of)
    last_start = _add_months(this_month, -OBSERVED_WINDOW_MONTHS)
    prior_start = _add_months(this_month, -2 * OBSERVED_WINDOW_MONTHS)
    opened_since = _months_before(as_of, GROWING_MAX_TENURE_MONTHS)  # tenure <= 6 months
    m, c = quote("customer_monthly_spend"), quote("customers")
    spend, month = quote("spend"), quote("month")
    sql = f"""
        SELECT x.assigned, x.observed, COUNT(*) FROM (
            SELECT c.{quote("customer_segment")} AS assigned,
                CASE
                    WHEN COALESCE(s.last_spend, 0) >= %s
                        AND COALESCE(s.last_travel, 0) >= %s * COALESCE(s.last_spend, 0) THEN %s
                    WHEN COALESCE(s.prior_spend, 0) >= %s
                        AND COALESCE(s.last_spend, 0) <= %s * COALESCE(s.prior_spend, 0) THEN %s
                    WHEN c.{quote("account_open_date")} >= %s AND COALESCE(s.last_spend, 0) > 0
                        AND COALESCE(s.last_spend, 0) >= %s * COALESCE(s.prior_spend, 0) THEN %s
                    WHEN COALESCE(s.last_spend, 0) < %s
                        AND COALESCE(s.last_necessity, 0) >= %s * COALESCE(s.last_spend, 0)
                        AND COALESCE(s.last_spend, 0) > 0 THEN %s
                    ELSE %s
                END AS observed
            FROM {c} c LEFT JOIN (
                SELECT {quote("customer_id")} AS customer_id,
                    SUM(CASE WHEN {month} >= %s THEN {spend} ELSE 0 END) AS last_spend,
                    SUM(CASE WHEN {month} < %s THEN {spend} ELSE 0 END) AS prior_spend,
                    SUM(CASE WHEN {month} >= %s THEN {quote("travel_spend")} ELSE 0 END) AS last_travel,
                    SUM(CASE WHEN {month} >= %s THEN {quote("necessity_spend")} ELSE 0 END) AS last_necessity
                FROM {m}
                WHERE {month} >= %s AND {month} < %s
                GROUP BY {quote("customer_id")}
            ) s ON s.customer_id = c.{quote("customer_id")}
        ) x
        GROUP BY x.assigned, x.observed
    """
    params = [
        TRAVELER_MIN_MONTHLY_SPEND * OBSERVED_WINDOW_MONTHS,
        TRAVELER_MIN_TRAVEL_SHARE,
        Segment.HIGH_VALUE_TRAVELERS.value,
        DECLINING_MIN_PRIOR_SPEND,
        1 + DECLINING_MAX_CHANGE,
        Segment.DECLINING.value,
        day(opened_since),
        1 + GROWING_MIN_CHANGE,
        Segment.NEW_AND_GROWING.value,
        BUDGET_MAX_MONTHLY_SPEND * OBSERVED_WINDOW_MONTHS,
        BUDGET_MIN_NECESSITY_SHARE,
        Segment.BUDGET_CONSCIOUS.value,
        Segment.STABLE_MID_SPENDERS.value,
        day(last_start),
        day(last_start),
        day(last_start),
        day(last_start),
        day(prior_start),
        day(this_month),
    ]
    matrix: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for assigned, observed, customers in cursor.fetchall():
            matrix.setdefault(assigned, {})[observed] = int(customers)
    return as_of, matrix


def observed_segments(*, using: str | None = None, as_of: dt.date | None = None) -> dict:
    """The confusion table of assigned vs observed segments with the recovery rate of each assigned segment."""
    as_of, matrix = observed_segment_counts(using=using, as_of=as_of)
    rows = []
    for segment in SEGMENT_ORDER:
        observed = matrix.get(segment.value, {})
        customers = sum(observed.values())
        recovered = observed.get(segment.value, 0)
        rows.append(
            {
                "segment": segment.value,
                "customers": customers,
                "recovered": recovered,
                "recovery_rate": recovered / customers if customers else None,
                "observed": [
                    {"segment": other.value, "customers": observed.get(other.value, 0)} for other in SEGMENT_ORDER
                ],
            }
        )
    total = sum(row["customers"] for row in rows)
    recovered = sum(row["recovered"] for row in rows)
    return {
        "as_of": as_of,
        "window_months": OBSERVED_WINDOW_MONTHS,
        "customers": total,
        "recovery_rate": recovered / total if total else None,
        "segments": rows,
    }
