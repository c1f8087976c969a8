"""hopify fixtures: one small real seed shared by a test module (read-only tests), factories for the rest."""

import pytest

from core.loader import bulk_load
from hopify.services import hopify_seed

HOPIFY_DATABASES = ["default", "hopify"]
SMALL_SCALE = 0.05  # ~3,700 customers, ~135,000 rows, ~3 s


@pytest.fixture(scope="module")
def seeded_hopify(django_db_setup, django_db_blocker):
    """The real seed service at SMALL_SCALE, committed once for the module and wiped after it.

    Tests using it must only read (they run in transactions that roll back, over data committed here).
    """
    with django_db_blocker.unblock():
        report = hopify_seed(using="hopify", seed=42, scale=SMALL_SCALE, reset=True)
    yield report
    with django_db_blocker.unblock(), bulk_load(using="hopify") as loader:
        loader.wipe("hopify")
