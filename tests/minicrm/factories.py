"""factory-boy factories for minicrm behaviour tests (volume tests use the real seed service instead)."""

import datetime as dt
from decimal import Decimal

import factory

from minicrm.models import Customer, Order, OrderItem, Product, RFMScore


class MinicrmFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        database = "minicrm"


class CustomerFactory(MinicrmFactory):
    class Meta:
        model = Customer

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = "(555) 010-0000"
    address = factory.Faker("street_address")
    city = factory.Faker("city")
    state = factory.Faker("state_abbr", include_territories=False)
    postal_code = factory.Faker("postcode")
    created_at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    persona = "loyal"


class ProductFactory(MinicrmFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    category = "Home"
    description = "A product."
    price = Decimal("25.00")
    stock = 10


class OrderFactory(MinicrmFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    order_date = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    status = "delivered"
    total_price = Decimal("25.00")


class OrderItemFactory(MinicrmFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("25.00")


class RFMScoreFactory(MinicrmFactory):
    class Meta:
        model = RFMScore

    customer = factory.SubFactory(CustomerFactory)
    recency_days = 10
    frequency = 3
    monetary = Decimal("300.00")
    recency_score = 4
    frequency_score = 3
    monetary_score = 3
    rfm_code = "433"
    segment = "Potential Loyalists"
    as_of = dt.date(2026, 1, 1)
    calculated_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
