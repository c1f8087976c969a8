"""`fidelity hopify`: churn per segment and its level, the funnel's rates, reactivation, onboarding, resolution
times and seat prices are recovered from the data for seeds 1, 2 and 3."""

import pytest

from hopify.fidelity import fidelity_checks
from hopify.services import hopify_seed

from .conftest import HOPIFY_DATABASES

pytestmark = pytest.mark.django_db(databases=HOPIFY_DATABASES)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fidelity_passes(seed):
    hopify_seed(using="hopify", seed=seed, scale=0.1, reset=True)
    checks = fidelity_checks(using="hopify")
    assert len(checks) == 4 + 3 + 3 + 3 + 3 + 1
    assert [check.line() for check in checks if not check.passed] == []


def test_fidelity_of_an_empty_database_is_empty():
    assert fidelity_checks(using="hopify") == []
