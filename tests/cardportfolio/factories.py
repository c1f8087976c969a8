"""factory-boy factories for cardportfolio behaviour tests (volume tests use the real seed service instead)."""

import datetime as dt
from decimal import Decimal

import factory

from cardportfolio.models import Customer, MonthlySpend, Transaction


class CardportfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        database = "cardportfolio"


class CustomerFactory(CardportfolioFactory):
    class Meta:
        model = Customer

    customer_id = factory.Sequence(lambda n: f"CUST{n + 1:08d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    age = 40
    state = "CA"
    city = "San Diego"
    employment_status = "Employed"
    card_type = "Standard"
    credit_limit = 20_000
    account_open_date = dt.date(2022, 5, 1)
    customer_segment = "Stable Mid-Spenders"
    decline_type = None


class TransactionFactory(CardportfolioFactory):
    class Meta:
        model = Transaction

    transaction_id = factory.Sequence(lambda n: f"TXN{n + 1:011d}")
    customer = factory.SubFactory(CustomerFactory)
    transaction_date = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    amount = Decimal("42.50")
    merchant_name = "FreshMart"
    merchant_category = "Grocery"
    channel = "In-Store"
    status = "approved"


class MonthlySpendFactory(CardportfolioFactory):
    class Meta:
        model = MonthlySpend

    customer = factory.SubFactory(CustomerFactory)
    month = dt.date(2025, 6, 1)
    transactions = 12
    approved_transactions = 11
    spend = Decimal("1200.00")
    travel_spend = Decimal("100.00")
    necessity_spend = Decimal("400.00")
