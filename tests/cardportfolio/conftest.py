import datetime as dt

import pytest

from cardportfolio.services import cardportfolio_seed

CARDPORTFOLIO_DATABASES = ["default", "cardportfolio"]
AS_OF = dt.date(2026, 1, 1)


@pytest.fixture
def seeded_cardportfolio(db, django_db_blocker):
    """400 customers and their 18 months of transactions (~110,000 rows) in the test cardportfolio database."""
    return cardportfolio_seed(using="cardportfolio", seed=42, customers=400, as_of=AS_OF)


@pytest.fixture(autouse=True)
def fresh_id_sequences():
    """Factory ids start at CUST00000001 / TXN00000000001 in every test, as the generator's do."""
    from .factories import CustomerFactory, TransactionFactory

    CustomerFactory.reset_sequence()
    TransactionFactory.reset_sequence()
