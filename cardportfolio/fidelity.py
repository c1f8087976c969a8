"""Fidelity of a seeded cardportfolio database: segment shares, card and decline rules, spend ranges, approvals and
attrition against the configuration (`python manage.py fidelity cardportfolio`).

Shares and rules are exact up to rounding; rates measured on few customers are widened to three standard errors.
A spend range passes when the segment's median monthly spend (open accounts, whole months) lies inside it.
"""

from __future__ import annotations

import math
import statistics

from django.db.models import Count, Q

from core.validation import ParameterCheck

from .constants import (
    APPROVAL_RATE,
    CLOSURE_SHARES,
    DECLINE_TYPE_SHARES,
    PREMIUM_SHARE_OF_TRAVELERS,
    SEGMENT_MONTHLY_SPEND,
    SEGMENT_SHARES,
    CardType,
    DeclineType,
    Segment,
)
from .models import Customer, MonthlySpend, Transaction


def _widened(p: float, n: int, relative: float) -> float:
    """A relative tolerance: `relative`, or three standard errors of a proportion p over n, whichever is wider."""
    if n == 0 or p == 0:
        return relative
    return max(relative, 3 * math.sqrt(p * (1 - p) / n) / p)


def fidelity_checks(*, using: str) -> list[ParameterCheck]:
    customers = Customer.objects.using(using)
    total = customers.count()
    if not total:
        return []
    counts = dict(customers.values_list("customer_segment").annotate(n=Count("customer_id")))
    checks = [
        ParameterCheck(
            f"{segment.value} share",
            share,
            counts.get(segment.value, 0) / total,
            0.02,  # exact up to rounding
        )
        for segment, share in SEGMENT_SHARES.items()
    ]

    travelers = customers.filter(customer_segment=Segment.HIGH_VALUE_TRAVELERS.value)
    n_travelers = travelers.count()
    premium = travelers.filter(card_type=CardType.PREMIUM.value).count()
    checks.append(
        ParameterCheck(
            "Premium share of High-Value Travelers",
            PREMIUM_SHARE_OF_TRAVELERS,
            premium / max(n_travelers, 1),
            _widened(PREMIUM_SHARE_OF_TRAVELERS, n_travelers, 0.05),
        )
    )
    elsewhere = customers.filter(card_type=CardType.PREMIUM.value).exclude(
        customer_segment=Segment.HIGH_VALUE_TRAVELERS.value
    )
    checks.append(ParameterCheck("Premium cards outside High-Value Travelers", 0.0, elsewhere.count(), 0.0))
    declining = customers.filter(customer_segment=Segment.DECLINING.value)
    n_declining = declining.count()
    gradual = declining.filter(decline_type=DeclineType.GRADUAL.value).count()
    share = DECLINE_TYPE_SHARES[DeclineType.GRADUAL]
    checks.append(
        ParameterCheck(
            "gradual share of Declining", share, gradual / max(n_declining, 1), _widened(share, n_declining, 0.02)
        )
    )

    # Attrition: the share of closed accounts that are Declining, against what the closure rates imply.
    closed = dict(
        customers.filter(account_status="Closed").values_list("customer_segment").annotate(n=Count("customer_id"))
    )
    n_closed = sum(closed.values())
    if n_closed:
        weights = {segment: SEGMENT_SHARES[segment] * CLOSURE_SHARES[segment] for segment in SEGMENT_SHARES}
        expected = weights[Segment.DECLINING] / sum(weights.values())
        checks.append(
            ParameterCheck(
                "share of closures in Declining",
                expected,
                closed.get(Segment.DECLINING.value, 0) / n_closed,
                _widened(expected, n_closed, 0.10),
            )
        )

    transactions = Transaction.objects.using(using)
    tally = transactions.aggregate(
        all=Count("transaction_id"), approved=Count("transaction_id", filter=Q(status="approved"))
    )
    if tally["all"]:
        # Insufficient-credit declines vary with how many cardholders revolve near their limit.
        checks.append(ParameterCheck("approval rate", APPROVAL_RATE, tally["approved"] / tally["all"], 0.02))
    checks += _spend_range_checks(using=using)
    return checks


def _spend_range_checks(*, using: str) -> list[ParameterCheck]:
    """Median monthly spend per segment (open accounts; Declining before its decline) inside the spec's range."""
    months = sorted(MonthlySpend.objects.using(using).values_list("month", flat=True).distinct())
    if len(months) < 3:
        return []
    checks = []
    for segment, (low, high) in SEGMENT_MONTHLY_SPEND.items():
        rows = MonthlySpend.objects.using(using).filter(
            customer__customer_segment=segment.value, customer__account_status="Open"
        )
        if segment is Segment.DECLINING:
            rows = rows.filter(month__in=months[:6])
        elif segment is Segment.NEW_AND_GROWING:
            rows = rows.filter(month__in=months[-3:])
        values = [float(value) for value in rows.values_list("spend", flat=True)]
        if segment is Segment.NEW_AND_GROWING:
            high = 1_200.0  # the spec's range; they start in its lower part and rise
        if not values:
            continue
        middle = (low + high) / 2
        checks.append(
            ParameterCheck(
                f"{segment.value} median monthly spend in ${low:,.0f}-{high:,.0f}",
                middle,
                statistics.median(values),
                (high - low) / 2 / middle,
            )
        )
    return checks
