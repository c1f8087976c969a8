"""dvdrental reads and analytics: aggregation in SQL that runs unchanged on SQLite, MariaDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connections
from django.db.models import Avg, Count, F, FloatField, Func, IntegerField, Max, Min, Q, Sum
from django.db.models.functions import Trunc

from .constants import USAGE_TIERS
from .models import (
    Customer,
    CustomerAR,
    Film,
    Inventory,
    LateFee,
    Payment,
    Rental,
    SeasonalityLog,
)

TIER_CASE = (
    "CASE "
    + " ".join(f"WHEN n > {threshold} THEN '{name}'" for name, threshold in USAGE_TIERS[:-1])
    + f" ELSE '{USAGE_TIERS[-1][0]}' END"
)
AR_BUCKETS = ("current", "30_days", "60_days", "90_days_plus", "written_off")
WRITE_OFF_DAYS = 365


class DaysBetween(Func):
    """(end - start) in days as a float, one expression per backend (SQLite's interval emulation is slow)."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")

    def as_mysql(self, compiler, connection, **extra):
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return f"(TIMESTAMPDIFF(SECOND, {start_sql}, {end_sql}) / 86400.0)", [*start_params, *end_params]

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
                           arg_joiner=" - ")  # fmt: skip


class YearOf(Func):
    """Calendar year of a UTC timestamp. Django's ExtractYear calls a Python function per row on SQLite (1 s for
    200,000 rentals); strftime does the same in C."""

    output_field = IntegerField()
    arity = 1
    function = "EXTRACT"
    template = "EXTRACT(YEAR FROM %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(strftime('%%%%Y', %(expressions)s) AS INTEGER)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)")


def _rows(using: str, sql: str, params=()) -> list[dict]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- lists ---------------------------------------------------------------------------------------------------


def film_list():
    return (
        Film.objects.select_related("language")
        .annotate(category_name=Min("film_categories__category__name"))
        .order_by("id")
    )


def customer_list():
    return Customer.objects.select_related("store", "address__city", "lifecycle")


def rental_list():
    return Rental.objects.select_related("inventory__film", "customer", "staff")


def late_fee_list():
    return LateFee.objects.select_related("rental", "customer")


# --- analytics -----------------------------------------------------------------------------------------------


def weekly_volume(*, using: str):
    """Target, actual and lost rentals of every simulated week, with the model's inputs."""
    return SeasonalityLog.objects.using(using).order_by("week_number")


def top_films(*, using: str, year: int | None = None, limit: int = 10) -> list[dict]:
    """Most rented films (optionally in one calendar year) with rentals and revenue from their rental fees."""
    rentals = Rental.objects.using(using)
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        rentals = rentals.filter(rental_date__gte=start, rental_date__lt=start.replace(year=year + 1))
    return list(
        rentals.values(film_id=F("inventory__film_id"), title=F("inventory__film__title"))
        .annotate(rentals=Count("id"), revenue=Sum("inventory__film__rental_rate"))
        .order_by("-rentals", "film_id")[:limit]
    )


def store_revenue(*, using: str, period: str = "month") -> list[dict]:
    """Payments per store (the store of the staff who took them) per day, week, month or year."""
    return list(
        Payment.objects.using(using)
        .annotate(period_start=Trunc("payment_date", period))
        .values("period_start", store_id=F("staff__store_id"))
        .annotate(revenue=Sum("amount"), payments=Count("id"))
        .order_by("period_start", "store_id")
    )


def yearly_performance(*, using: str) -> list[dict]:
    """Rentals, mean rental length (returned rentals), customers and rental revenue per calendar year."""
    rows = list(
        Rental.objects.using(using)
        .annotate(year=YearOf("rental_date"))
        .values("year")
        .annotate(
            rentals=Count("id"),
            customers=Count("customer_id", distinct=True),
            mean_days=Avg(DaysBetween("return_date", "rental_date"), filter=Q(return_date__isnull=False)),
            revenue=Sum("inventory__film__rental_rate"),
        )
        .order_by("year")
    )
    for row in rows:
        row["mean_days"] = round(float(row["mean_days"] or 0.0), 2)
    return rows


def phase_summary(*, using: str) -> list[dict]:
    """Each business phase: its weeks and the mean target, actual and lost rentals a week."""
    return list(
        SeasonalityLog.objects.using(using)
        .values("business_phase")
        .annotate(
            first_week=Min("week_number"),
            last_week=Max("week_number"),
            weeks=Count("id"),
            mean_target=Avg("target_rentals"),
            mean_actual=Avg("actual_rentals"),
            mean_lost=Avg("lost_rentals"),
        )
        .order_by("first_week")
    )


def usage_tiers(*, using: str) -> list[dict]:
    """Customers per observed usage tier (Heavy > 50 rentals, Regular > 20, Occasional > 5, Light)."""
    sql = (
        f"SELECT {TIER_CASE} AS tier, COUNT(*) AS customers, AVG(n) AS mean_rentals FROM ("
        "SELECT c.customer_id, COUNT(r.rental_id) AS n FROM customer c "
        "LEFT JOIN rental r ON r.customer_id = c.customer_id GROUP BY c.customer_id) counts "
        f"GROUP BY {TIER_CASE}"
    )
    rows = {row["tier"]: row for row in _rows(using, sql)}
    return [
        {"tier": name, "customers": rows.get(name, {}).get("customers", 0),
         "mean_rentals": float(rows.get(name, {}).get("mean_rentals") or 0.0)}
        for name, _ in USAGE_TIERS
    ]  # fmt: skip


def segment_matrix(*, using: str) -> list[dict]:
    """Ground-truth segment against observed usage tier: customers, churned customers and mean rentals."""
    sql = (
        f"SELECT l.segment AS segment, {TIER_CASE} AS tier, COUNT(*) AS customers, "
        "SUM(CASE WHEN l.churn_week IS NOT NULL AND l.reactivation_week IS NULL THEN 1 ELSE 0 END) AS churned, "
        "AVG(n) AS mean_rentals FROM customer_lifecycle l JOIN ("
        "SELECT c.customer_id, COUNT(r.rental_id) AS n FROM customer c "
        "LEFT JOIN rental r ON r.customer_id = c.customer_id GROUP BY c.customer_id) counts "
        f"ON counts.customer_id = l.customer_id GROUP BY l.segment, {TIER_CASE} ORDER BY l.segment, tier"
    )
    rows = _rows(using, sql)
    for row in rows:
        row["mean_rentals"] = float(row["mean_rentals"] or 0.0)
        row["churned"] = int(row["churned"] or 0)
    return rows


def ar_as_of_default(*, using: str) -> dt.date | None:
    return CustomerAR.objects.using(using).aggregate(day=Max("as_of_date"))["day"]


def ar_aging(*, using: str, as_of: dt.date | None = None) -> list[dict]:
    """Customers and balance per aging bucket of the oldest unpaid late fee, as of a day (default: run end).

    Fees charged after `as_of` and payments made after it are ignored, so any past day can be aged.
    """
    as_of = as_of or ar_as_of_default(using=using)
    if as_of is None:
        return [{"bucket": bucket, "customers": 0, "balance": Decimal("0.00")} for bucket in AR_BUCKETS]
    limits = [as_of - dt.timedelta(days=d) for d in (WRITE_OFF_DAYS, 90, 60, 30)]
    sql = (
        "SELECT CASE WHEN oldest <= %s THEN 'written_off' WHEN oldest <= %s THEN '90_days_plus' "
        "WHEN oldest <= %s THEN '60_days' WHEN oldest <= %s THEN '30_days' ELSE 'current' END AS bucket, "
        "COUNT(*) AS customers, SUM(balance) AS balance FROM ("
        "SELECT customer_id, SUM(total_fee) - SUM(CASE WHEN paid_date <= %s THEN paid_amount ELSE 0 END) AS balance, "
        "MIN(CASE WHEN paid_date IS NULL OR paid_date > %s OR paid_amount < total_fee THEN fee_date END) AS oldest "
        "FROM late_fees WHERE fee_date <= %s GROUP BY customer_id) per_customer "
        "WHERE balance > 0 GROUP BY CASE WHEN oldest <= %s THEN 'written_off' WHEN oldest <= %s THEN '90_days_plus' "
        "WHEN oldest <= %s THEN '60_days' WHEN oldest <= %s THEN '30_days' ELSE 'current' END"
    )
    found = {row["bucket"]: row for row in _rows(using, sql, [*limits, as_of, as_of, as_of, *limits])}
    return [
        {
            "bucket": bucket,
            "customers": int(found.get(bucket, {}).get("customers") or 0),
            "balance": Decimal(str(found.get(bucket, {}).get("balance") or 0)).quantize(Decimal("0.01")),
        }
        for bucket in AR_BUCKETS
    ]


def inventory_status_counts(*, using: str) -> list[dict]:
    """Copies by current status: the latest row of each copy's status history (copies with none: available)."""
    sql = (
        "SELECT status, COUNT(*) AS copies FROM (SELECT inventory_id, status, ROW_NUMBER() OVER ("
        "PARTITION BY inventory_id ORDER BY status_date DESC, status_id DESC) AS position FROM inventory_status) "
        "latest WHERE position = 1 GROUP BY status ORDER BY status"
    )
    rows = _rows(using, sql)
    tracked = sum(row["copies"] for row in rows)
    untracked = Inventory.objects.using(using).count() - tracked
    if untracked > 0:
        rows.append({"status": "untracked", "copies": untracked})
    return rows


def inventory_status_by_year(*, using: str) -> list[dict]:
    """Status changes per year into damaged, missing and maintenance."""
    from .models import InventoryStatus

    return list(
        InventoryStatus.objects.using(using)
        .filter(status__in=("damaged", "missing", "maintenance"))
        .annotate(year=YearOf("status_date"))
        .values("year", "status")
        .annotate(changes=Count("id"))
        .order_by("year", "status")
    )


# --- the end-of-run report -----------------------------------------------------------------------------------


def run_summary(*, using: str) -> dict:
    """Everything the closing report shows, computed from the database (also written by --report-json)."""
    rentals = Rental.objects.using(using)
    weeks = SeasonalityLog.objects.using(using)
    totals = rentals.aggregate(total=Count("id"), first=Min("rental_date"), last=Max("rental_date"))
    out = Rental.objects.using(using).filter(return_date__isnull=True).count()
    first_week = weeks.aggregate(start=Min("week_start"))["start"]
    inventory = Inventory.objects.using(using)
    start_inventory = inventory.filter(date_purchased__lt=first_week).count() if first_week else 0
    end_inventory = inventory.count()
    fees = LateFee.objects.using(using).aggregate(count=Count("id"), charged=Sum("total_fee"), paid=Sum("paid_amount"))
    ar = (
        CustomerAR.objects.using(using)
        .filter(ar_balance__gt=0)
        .aggregate(customers=Count("pk"), balance=Sum("ar_balance"))
    )
    week_count = weeks.count()
    return {
        "total_rentals": totals["total"],
        "active_customers": Customer.objects.using(using).filter(active=True).count(),
        "customers": Customer.objects.using(using).count(),
        "films": Film.objects.using(using).count(),
        "inventory_start": start_inventory,
        "inventory_end": end_inventory,
        "first_rental": totals["first"],
        "last_rental": totals["last"],
        "checked_out": out,
        "weeks": week_count,
        "mean_rentals_per_week": totals["total"] / week_count if week_count else 0.0,
        "years": yearly_performance(using=using),
        "usage_tiers": usage_tiers(using=using),
        "late_fees": {
            "overdue_rentals": fees["count"],
            "charged": fees["charged"] or Decimal("0"),
            "outstanding": (fees["charged"] or Decimal("0")) - (fees["paid"] or Decimal("0")),
        },
        "ar": {"customers": ar["customers"], "balance": ar["balance"] or Decimal("0")},
        "ar_aging": ar_aging(using=using),
        "phases": phase_summary(using=using),
    }


def run_report_lines(*, using: str) -> list[str]:
    """The closing report of dvdrental_levels.md, as printable lines."""
    s = run_summary(using=using)
    if not s["total_rentals"]:
        return ["  no rentals yet"]
    growth = (s["inventory_end"] / s["inventory_start"] - 1) if s["inventory_start"] else 0.0
    lines = [
        "",
        f"  Total rentals:            {s['total_rentals']:,}",
        f"  Active customers:         {s['active_customers']:,} of {s['customers']:,}",
        f"  Films:                    {s['films']:,}",
        f"  Inventory items:          {s['inventory_end']:,} (from {s['inventory_start']:,}, {growth:+.1%})",
        f"  Data range:               {s['first_rental']:%Y-%m-%d} to {s['last_rental']:%Y-%m-%d}",
        f"  Currently checked out:    {s['checked_out']:,}",
        f"  Mean rentals per week:    {s['mean_rentals_per_week']:,.0f} over {s['weeks']} weeks",
        "  Yearly performance:",
    ]
    lines += [
        f"    {row['year']}: {row['rentals']:>7,} rentals (mean {row['mean_days']:.1f} days)" for row in s["years"]
    ]
    lines.append("  Customers by usage:")
    lines += [
        f"    {row['tier']:<10} {row['customers']:>6,} customers (mean {row['mean_rentals']:.1f} rentals)"
        for row in s["usage_tiers"]
    ]
    if s["late_fees"]["overdue_rentals"]:
        lines += [
            "  Late fees and accounts receivable:",
            f"    Overdue rentals with a fee: {s['late_fees']['overdue_rentals']:,}",
            f"    Late fees charged:          ${s['late_fees']['charged']:,.2f}",
            f"    Late fees outstanding:      ${s['late_fees']['outstanding']:,.2f}",
            f"    Customers with AR balance:  {s['ar']['customers']:,} (${s['ar']['balance']:,.2f})",
            "    AR aging: " + ", ".join(f"{row['bucket']} {row['customers']:,}" for row in s["ar_aging"]),
        ]
    lines.append("  Phases (actual rentals a week):")
    lines += [
        f"    {row['business_phase']:<13} weeks {row['first_week']:>3}-{row['last_week']:<3} "
        f"mean {row['mean_actual']:,.0f} (target {row['mean_target']:,.0f})"
        for row in s["phases"]
    ]
    return lines
