import pytest

from minicrm.services import minicrm_seed, rfm_calculate

MINICRM_DATABASES = ["default", "minicrm"]


@pytest.fixture
def seeded_minicrm(db, django_db_blocker):
    """500 customers (the default size) seeded into the test minicrm database and scored."""
    report = minicrm_seed(using="minicrm", seed=42, customers=500)
    rfm_calculate(using="minicrm")
    return report
