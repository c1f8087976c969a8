"""`fidelity minicrm`: Table 4.1, persona shares and RFM recovery pass for seeds 1, 2, 3; returns stay out of RFM."""

import datetime as dt
from decimal import Decimal

import pytest

from minicrm.fidelity import fidelity_checks, seeded_window
from minicrm.models import RFMScore
from minicrm.services import minicrm_seed, rfm_calculate

from .factories import OrderFactory

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fidelity_passes(seed):
    minicrm_seed(using="minicrm", seed=seed, customers=500)
    rfm_calculate(using="minicrm")
    checks = fidelity_checks(using="minicrm")
    assert len(checks) == 5 + 15 + 2
    assert [check.line() for check in checks if not check.passed] == []


def test_fidelity_reads_the_default_window_from_the_data():
    minicrm_seed(using="minicrm", seed=5, customers=200)
    assert seeded_window(using="minicrm") == (dt.date(2025, 12, 31), 730)


def test_fidelity_of_an_empty_database_is_empty():
    assert fidelity_checks(using="minicrm") == []


def test_returned_and_cancelled_orders_do_not_count_toward_rfm():
    order = OrderFactory(total_price=Decimal("40.00"))
    OrderFactory(customer=order.customer, status="returned", total_price=Decimal("500.00"))
    OrderFactory(customer=order.customer, status="cancelled", total_price=Decimal("70.00"))
    rfm_calculate(using="minicrm", as_of=dt.date(2025, 7, 1))
    score = RFMScore.objects.get(pk=order.customer_id)
    assert (score.frequency, score.monetary) == (1, Decimal("40.00"))
