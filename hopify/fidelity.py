"""Fidelity of a seeded hopify database: the configured parameters against what the data shows.

`python manage.py fidelity hopify` prints these checks (see core.fidelity). Each check names the parameter in
`hopify/constants.py` it recovers; tolerances are relative and sized for scale 0.1 (about 7,000 customers) and up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from core.validation import ParameterCheck

from . import constants as c
from .models import ChurnEvent, Customer, Subscription, SupportTicket, WebTraffic
from .selectors import active_at

SEGMENTS = tuple(str(s) for s in c.SEGMENTS)
# The monthly churn the simulation is calibrated to (the original tool's real outputs), and how far it may be.
CHURN_TARGETS = {"SMB": 2.7, "Mid-Market": 1.1, "Enterprise": 1.7}
CHURN_TOLERANCE = {"SMB": 0.15, "Mid-Market": 0.35, "Enterprise": 0.25}


def _month_starts(alias: str) -> list[dt.date]:
    first = Customer.objects.using(alias).order_by("signup_date").values_list("signup_date", flat=True).first()
    last = Customer.objects.using(alias).order_by("-signup_date").values_list("signup_date", flat=True).first()
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly_churn(*, using: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per segment, for each month after the first: (churn events of the month, customers active the day before
    it). Rates pool them: churn events / active customer-months."""
    months = _month_starts(using)
    churned = defaultdict(int)
    for row in (
        ChurnEvent.objects.using(using)
        .annotate(month=TruncMonth("churn_date"))
        .values("month", segment=F("customer__customer_segment"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        churned[(month, row["segment"])] = row["n"]
    events = {segment: [] for segment in SEGMENTS}
    exposed = {segment: [] for segment in SEGMENTS}
    for month in months[1:]:
        active = dict(
            Subscription.objects.using(using)
            .filter(active_at(month - dt.timedelta(days=1)))
            .values_list("customer__customer_segment")
            .annotate(n=Count("customer_id", distinct=True))
            .order_by()
        )
        for segment in SEGMENTS:
            events[segment].append(churned[(month, segment)])
            exposed[segment].append(active.get(segment, 0))
    return {segment: (np.array(events[segment]), np.array(exposed[segment])) for segment in SEGMENTS}


def _rate(events: np.ndarray, exposed: np.ndarray) -> float:
    return 100.0 * float(events.sum()) / max(float(exposed.sum()), 1.0)


def _churn_checks(using: str) -> list[ParameterCheck]:
    counts = monthly_churn(using=using)
    checks = [
        ParameterCheck(f"monthly churn % {segment}", CHURN_TARGETS[segment], _rate(*counts[segment]),
                       CHURN_TOLERANCE[segment])
        for segment in SEGMENTS
    ]  # fmt: skip
    first = np.mean([_rate(e[:12], x[:12]) / CHURN_TARGETS[s] for s, (e, x) in counts.items()])
    last = np.mean([_rate(e[-12:], x[-12:]) / CHURN_TARGETS[s] for s, (e, x) in counts.items()])
    checks.append(ParameterCheck("churn level: last 12 / first 12 months", 1.0, float(last / first), 0.3))
    return checks


def _funnel_checks(using: str) -> list[ParameterCheck]:
    rows = {
        channel: (visitors, leads)
        for channel, visitors, leads in WebTraffic.objects.using(using)
        .values_list("source_channel")
        .annotate(Sum("visitors"), Sum("leads"))
        .order_by()
    }
    return [
        ParameterCheck(f"lead rate {channel}", c.LEAD_RATE_BY_CHANNEL[index], rows[channel][1] / rows[channel][0], 0.05)
        for index, channel in enumerate(c.WEB_CHANNELS)
        if channel in rows
    ]


def _lifecycle_checks(using: str) -> list[ParameterCheck]:
    end = Customer.objects.using(using).order_by("-signup_date").values_list("signup_date", flat=True).first()
    checks = []
    # Reactivation: of the churns at least 180 days before the end, the share followed by a return within 180 days.
    returns = defaultdict(list)
    for customer, start in (
        Subscription.objects.using(using)
        .filter(change_type=c.ChangeType.REACTIVATION)
        .values_list("customer_id", "start_date")
    ):
        returns[customer].append(start)
    churns, returned = defaultdict(int), defaultdict(int)
    for customer, day, segment in (
        ChurnEvent.objects.using(using)
        .filter(churn_date__lte=end - dt.timedelta(days=c.REACTIVATION_DAYS[1]))
        .values_list("customer_id", "churn_date", "customer__customer_segment")
    ):
        churns[segment] += 1
        returned[segment] += any(0 < (start - day).days <= c.REACTIVATION_DAYS[1] for start in returns[customer])
    for segment, share in zip(SEGMENTS, (c.REACTIVATION_SHARE[s] for s in c.SEGMENTS), strict=True):
        if churns[segment]:
            checks.append(
                ParameterCheck(f"reactivation share {segment}", share, returned[segment] / churns[segment], 0.4)
            )
    # Onboarding tickets in the first weeks.
    old_enough = Customer.objects.using(using).filter(signup_date__lte=end - dt.timedelta(days=30))
    counts = dict(old_enough.values_list("customer_segment").annotate(n=Count("id")).order_by())
    onboarded = dict(
        old_enough.filter(support_tickets__ticket_category="Onboarding")
        .values_list("customer_segment")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    for segment, share in zip(SEGMENTS, (c.ONBOARDING_TICKET_SHARE[s] for s in c.SEGMENTS), strict=True):
        if counts.get(segment):
            checks.append(
                ParameterCheck(f"onboarding ticket share {segment}", share, onboarded.get(segment, 0) / counts[segment],
                               0.15)
            )  # fmt: skip
    # Resolution hours: the median of normal-priority tickets is the segment's median (log-normal).
    for segment in SEGMENTS:
        pairs = (
            SupportTicket.objects.using(using)
            .filter(customer__customer_segment=segment, priority="normal")
            .exclude(resolved_at=None)
            .values_list("created_at", "resolved_at")
        )
        hours = [(done - created).total_seconds() / 3600 for created, done in pairs]
        if hours:
            median = c.RESOLUTION_MEDIAN_HOURS[c.Segment(segment)]
            checks.append(ParameterCheck(f"median resolution hours {segment}", median, float(np.median(hours)), 0.1))
    # Prices: a row costs the plan's price per seat times its seats.
    prices = dict(zip(c.PLAN_NAMES, c.PLAN_PRICES, strict=True))
    # (A returning customer keeps paying the reactivation uplift, so only customers who never left are priced so.)
    returned = Subscription.objects.using(using).filter(change_type=c.ChangeType.REACTIVATION).values("customer_id")
    rows = Subscription.objects.using(using).exclude(customer_id__in=returned)
    listed = [abs(float(price) - prices[plan] * seats) < 0.01
              for plan, seats, price in rows.values_list("plan_type", "seats", "subscription_price")]  # fmt: skip
    if listed:
        checks.append(ParameterCheck("rows priced at plan price x seats", 1.0, float(np.mean(listed)), 0.0))
    return checks


def fidelity_checks(*, using: str) -> list[ParameterCheck]:
    """The registry entry (see core.fidelity); no checks when nothing is seeded."""
    if not Customer.objects.using(using).exists():
        return []
    return _churn_checks(using) + _funnel_checks(using) + _lifecycle_checks(using)
