"""factory-boy factories for hopify behaviour tests (volume tests use the real seed service instead)."""

import datetime as dt
from decimal import Decimal

import factory

from hopify.models import (
    Benchmark,
    ChurnEvent,
    Customer,
    MarketingSpend,
    Subscription,
    SupportTicket,
    WebTraffic,
)


class HopifyFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        database = "hopify"


class CustomerFactory(HopifyFactory):
    class Meta:
        model = Customer

    name = factory.Faker("company")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    billing_address = "1 Main Street, Springfield, IL 62701"
    shipping_address = "1 Main Street, Springfield, IL 62701"
    signup_date = dt.date(2024, 1, 15)
    customer_segment = "SMB"
    acquisition_source = "Organic"
    store_slug = factory.Sequence(lambda n: f"store-{n}")
    store_domain = factory.LazyAttribute(lambda o: f"{o.store_slug}.hopify.com")


class SubscriptionFactory(HopifyFactory):
    class Meta:
        model = Subscription

    customer = factory.SubFactory(CustomerFactory)
    plan_type = "Basic"
    subscription_price = Decimal("79.00")
    start_date = factory.LazyAttribute(lambda o: o.customer.signup_date)
    end_date = None
    status = "active"
    change_type = "signup"


class ChurnEventFactory(HopifyFactory):
    class Meta:
        model = ChurnEvent

    customer = factory.SubFactory(CustomerFactory)
    churn_date = dt.date(2024, 6, 10)
    churn_reason = "Too expensive"


class SupportTicketFactory(HopifyFactory):
    class Meta:
        model = SupportTicket

    customer = factory.SubFactory(CustomerFactory)
    ticket_category = "Billing"
    created_at = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    resolved_at = dt.datetime(2024, 6, 4, 9, tzinfo=dt.UTC)


class MarketingSpendFactory(HopifyFactory):
    class Meta:
        model = MarketingSpend

    segment = "SMB"
    month = dt.date(2024, 6, 1)
    monthly_budget = Decimal("10000.00")


class WebTrafficFactory(HopifyFactory):
    class Meta:
        model = WebTraffic

    traffic_date = dt.date(2024, 6, 1)
    source_channel = "Organic"
    visitors = 10_000
    leads = 400
    mqls = 100


class BenchmarkFactory(HopifyFactory):
    class Meta:
        model = Benchmark

    id = factory.Sequence(lambda n: n + 1)
    metric_category = "Revenue"
    segment = "SMB"
    metric_name = "MRR"
    target_value = 100.0
    description = "Target."
    target_period = "monthly"
