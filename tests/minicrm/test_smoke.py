import pytest

from minicrm.models import Customer, RFMScore

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])


def test_seeded_fixture_scores_every_customer(seeded_minicrm):
    assert Customer.objects.count() == 500
    assert RFMScore.objects.count() == 500
