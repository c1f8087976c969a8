"""Fidelity of a seeded minicrm database: Table 4.1 and the persona mix against what the data shows.

`python manage.py fidelity minicrm` prints these checks:

- per persona, orders and value per year of tenure and recency (Table 4.1; 10%, or three standard errors of the
  mean where a persona has too few customers for 10% to mean anything);
- the persona shares (Table 4.1's counts per 500, within a point);
- when RFM scores exist: the share of Champions scored Champions or Loyal Customers (at least 97%) and of Lapsed
  customers scored Hibernating or Lost (at least 99%), widened to three standard errors on small samples.

The window (end date and days) is the recorded seed run's for this database, else read from the orders: the last
kept order's day (New customers ordered within days of the end) and the first order's day.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db import DatabaseError
from django.db.models import Max, Min

from core.databases import describe
from core.validation import ParameterCheck

from . import selectors
from .constants import DEFAULT_DAYS, DEFAULT_END_DATE, PERSONA_LABELS, PERSONAS, Segment
from .models import Order
from .services import persona_parameter_checks

RECOVERY_TARGETS = (
    ("champions", (Segment.CHAMPIONS, Segment.LOYAL), 0.97),
    ("lapsed", (Segment.HIBERNATING, Segment.LOST), 0.99),
)


def seeded_window(*, using: str) -> tuple[dt.date, int] | None:
    """(end date, days) of the window the data in `using` was generated for; None when there are no orders."""
    try:
        from core.models import SeedRun

        run = SeedRun.objects.filter(domain="minicrm", database=describe(using)).order_by("-finished_at").first()
    except DatabaseError:
        run = None
    if run is not None and run.options.get("end_date") and run.options.get("days"):
        return dt.date.fromisoformat(str(run.options["end_date"])), int(run.options["days"])
    bounds = Order.objects.using(using).filter(selectors.KEPT_ORDERS).aggregate(last=Max("order_date"))
    first = Order.objects.using(using).aggregate(first=Min("order_date"))["first"]
    if bounds["last"] is None:
        return None
    end = bounds["last"].date()
    days = (end - first.date()).days + 1
    # The default window, when the data fits it (a day or two of slack at either end).
    if abs((end - DEFAULT_END_DATE).days) <= 3 and abs(days - DEFAULT_DAYS) <= 7:
        return DEFAULT_END_DATE, DEFAULT_DAYS
    return end, days


def recovery_checks(*, using: str) -> list[ParameterCheck]:
    """How well RFM recovers two personas; nothing when RFM has not been calculated."""
    matrix = selectors.persona_segment_matrix(using=using)
    checks = []
    for persona, segments, target in RECOVERY_TARGETS:
        row = matrix.get(persona, {})
        total = sum(row.values())
        if not total:
            continue
        share = sum(row.get(segment.value, 0) for segment in segments) / total
        standard_error = math.sqrt(target * (1 - target) / total)
        tolerance = max(1 - target, 3 * standard_error)
        label = PERSONA_LABELS[next(p.persona for p in PERSONAS if p.persona.value == persona)]
        names = " or ".join(segment.value for segment in segments)
        checks.append(ParameterCheck(f"{label} scored {names}", 1.0, share, tolerance))
    return checks


def persona_share_checks(*, using: str) -> list[ParameterCheck]:
    counts = selectors.customer_persona_counts(using=using)
    total = sum(counts.values())
    if not total:
        return []
    checks = []
    for profile in PERSONAS:
        expected = profile.count_per_500 / 500
        actual = counts.get(profile.persona.value, 0) / total
        # Counts are exact up to rounding: one customer, or a point of share on large data.
        tolerance = max(0.01, 1.5 / total) / expected
        checks.append(ParameterCheck(f"{PERSONA_LABELS[profile.persona]} share", expected, actual, tolerance))
    return checks


def fidelity_checks(*, using: str) -> list[ParameterCheck]:
    window = seeded_window(using=using)
    if window is None:
        return []
    end_date, days = window
    return [
        *persona_share_checks(using=using),
        *persona_parameter_checks(using=using, end_date=end_date, days=days),
        *recovery_checks(using=using),
    ]
