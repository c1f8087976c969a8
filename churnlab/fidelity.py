"""Fidelity of a seeded churnlab database: the configured parameters against what the raw tables show.

`python manage.py fidelity churnlab` prints these checks (see core.fidelity). Each names the parameter of
`churnlab/constants.py` it recovers; tolerances are relative and sized for 6,000 customers and up.
"""

from __future__ import annotations

import numpy as np
from django.db.models import Avg, Count

from core.validation import ParameterCheck

from . import constants as c
from .models import Billing, ChurnTruth, Customer, SupportTicket, UsageDaily

PLANS = tuple(plan.value for plan in c.PLANS)


def _shares(queryset, field: str, names) -> dict[str, float]:
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
    total = sum(counts.values()) or 1
    return {name: counts.get(name, 0) / total for name in names}


def _share_checks(using: str) -> list[ParameterCheck]:
    checks = []
    customers = Customer.objects.using(using)
    for field, names, expected in (
        ("plan", PLANS, c.PLAN_SHARES),
        ("region", tuple(r.value for r in c.REGIONS), c.REGION_SHARES),
    ):
        shares = _shares(customers, field, names)
        checks += [
            ParameterCheck(f"{field} share {n}", e, shares[n], 0.05) for n, e in zip(names, expected, strict=True)
        ]
    statuses = tuple(s.value for s in c.PaymentStatus)
    shares = _shares(Billing.objects.using(using), "payment_status", statuses)
    checks += [
        ParameterCheck(f"payment status share {n}", e, shares[n], 0.1)
        for n, e in zip(statuses, c.PAYMENT_STATUS_SHARES, strict=True)
    ]
    categories = tuple(x.value for x in c.TicketCategory)
    shares = _shares(SupportTicket.objects.using(using), "category", categories)
    checks += [
        ParameterCheck(f"ticket category share {n}", e, shares[n], 0.15)
        for n, e in zip(categories, c.CATEGORY_SHARES, strict=True)
    ]
    return checks


def _churn_checks(using: str) -> list[ParameterCheck]:
    """Monthly churn per plan: true churns over customer-months from signup to churn (or the window's end)."""
    last = UsageDaily.objects.using(using).order_by("-date").values_list("date", flat=True).first()
    rows = ChurnTruth.objects.using(using).values_list("customer__plan", "customer__signup_date", "churn_date")
    months, churned = dict.fromkeys(PLANS, 0.0), dict.fromkeys(PLANS, 0)
    for plan, signup, churn_date in rows:
        stop = churn_date or last
        months[plan] += max((stop - signup).days, 0) / c.DAYS_PER_MONTH
        churned[plan] += churn_date is not None
    tolerance = {"Free": 0.15, "Basic": 0.2, "Pro": 0.3, "Enterprise": 0.5}
    return [
        ParameterCheck(f"monthly churn {plan}", hazard, churned[plan] / months[plan], tolerance[plan])
        for plan, hazard in zip(PLANS, c.MONTHLY_CHURN_HAZARD, strict=True)
        if months[plan]
    ]


def _usage_checks(using: str) -> list[ParameterCheck]:
    """Sessions and minutes per active day by plan (the plans' published means)."""
    means = {
        plan: (sessions, minutes)
        for plan, sessions, minutes in UsageDaily.objects.using(using)
        .values_list("customer__plan")
        .annotate(Avg("sessions"), Avg("usage_minutes"))
        .order_by()
    }
    checks = []
    for index, plan in enumerate(PLANS):
        if plan in means:
            sessions, minutes = means[plan]
            checks.append(ParameterCheck(f"sessions per active day {plan}", c.MEAN_SESSIONS[index], sessions, 0.15))
            checks.append(ParameterCheck(f"minutes per active day {plan}", c.MEAN_USAGE_MINUTES[index], minutes, 0.15))
    return checks


def _billing_cycle_checks(using: str) -> list[ParameterCheck]:
    """The median days between a customer's consecutive bills at the same price is the plan's cycle."""
    rows = (
        Billing.objects.using(using)
        .order_by("customer_id", "bill_date")
        .values_list("customer_id", "bill_date", "amount")
    )
    gaps = {plan: [] for plan in PLANS}
    price_plan = {float(price): plan for plan, price in zip(PLANS, c.PLAN_PRICE, strict=True)}
    previous = None
    for customer, day, amount in rows:
        if previous and previous[0] == customer and previous[2] == amount:
            gaps[price_plan[float(amount)]].append((day - previous[1]).days)
        previous = (customer, day, amount)
    return [
        ParameterCheck(f"billing cycle days {plan}", cycle, float(np.median(gaps[plan])), 0.05)
        for plan, cycle in zip(PLANS, c.BILL_CYCLE_DAYS, strict=True)
        if cycle and gaps[plan]
    ]


def fidelity_checks(*, using: str) -> list[ParameterCheck]:
    """The registry entry (see core.fidelity); no checks when nothing is seeded."""
    if not Customer.objects.using(using).exists():
        return []
    return _share_checks(using) + _churn_checks(using) + _usage_checks(using) + _billing_cycle_checks(using)
