"""factory-boy factories for churnlab behaviour tests (volume tests use the real seed service instead)."""

import datetime as dt
from decimal import Decimal

import factory

from churnlab.models import (
    Billing,
    ChurnFeature,
    ChurnTruth,
    Customer,
    DataQualityCheck,
    SupportTicket,
    UsageDaily,
)


class ChurnlabFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        database = "churnlab"


class CustomerFactory(ChurnlabFactory):
    class Meta:
        model = Customer

    id = factory.Sequence(lambda n: n + 1)
    signup_date = dt.date(2024, 1, 15)
    plan = "Pro"
    region = "EU"


class UsageDailyFactory(ChurnlabFactory):
    class Meta:
        model = UsageDaily

    id = factory.Sequence(lambda n: n + 1)
    customer = factory.SubFactory(CustomerFactory)
    date = dt.date(2024, 6, 1)
    sessions = 3
    usage_minutes = 42.5
    feature_events = 5


class BillingFactory(ChurnlabFactory):
    class Meta:
        model = Billing

    id = factory.Sequence(lambda n: n + 1)
    customer = factory.SubFactory(CustomerFactory)
    bill_date = dt.date(2024, 6, 1)
    amount = Decimal("99.00")
    payment_status = "paid"


class SupportTicketFactory(ChurnlabFactory):
    class Meta:
        model = SupportTicket

    id = factory.Sequence(lambda n: n + 1)
    customer = factory.SubFactory(CustomerFactory)
    ticket_date = dt.date(2024, 6, 2)
    category = "technical"
    priority = "low"


class ChurnTruthFactory(ChurnlabFactory):
    class Meta:
        model = ChurnTruth

    customer = factory.SubFactory(CustomerFactory)
    churned = False
    churn_date = None


class ChurnFeatureFactory(ChurnlabFactory):
    class Meta:
        model = ChurnFeature

    customer = factory.SubFactory(CustomerFactory)
    signup_date = factory.SelfAttribute("customer.signup_date")
    signup_cohort = factory.LazyAttribute(lambda o: o.signup_date.replace(day=1))
    plan = factory.SelfAttribute("customer.plan")
    region = factory.SelfAttribute("customer.region")
    observation_date = dt.date(2024, 12, 31)
    tenure_days = factory.LazyAttribute(lambda o: (o.observation_date - o.signup_date).days)
    last_active_date = dt.date(2024, 12, 20)
    months_active = factory.LazyAttribute(
        lambda o: (
            None
            if o.last_active_date is None
            else (o.last_active_date.year - o.signup_date.year) * 12 + o.last_active_date.month - o.signup_date.month
        )
    )
    active_days = 100
    avg_sessions = 20.0
    avg_usage_minutes = 150.0
    avg_usage_last_30d = 60.0
    avg_usage_prev_30d = 70.0
    usage_trend_30d = -10.0
    avg_sessions_last_30d = 8.0
    sessions_trend_30d = -1.0
    total_bills = 20
    total_payment_issues = 3
    failed_payments_30d = 0
    total_tickets = 2
    high_priority_tickets = 0
    recency_days = factory.LazyAttribute(
        lambda o: None if o.last_active_date is None else (o.observation_date - o.last_active_date).days
    )
    churn_label = factory.LazyAttribute(
        lambda o: (
            None if o.recency_days is None else (1 if o.recency_days > 45 else (0 if o.recency_days < 30 else None))
        )
    )


class DataQualityCheckFactory(ChurnlabFactory):
    class Meta:
        model = DataQualityCheck

    id = factory.Sequence(lambda n: n + 1)
    check_name = factory.Sequence(lambda n: f"check_{n}")
    table_name = "usage_daily"
    description = "A check."
    failing_rows = 3
    total_rows = 100
    failing_share = 0.03
