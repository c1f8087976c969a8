"""`fidelity cardportfolio`: segment shares, card and decline rules, spend ranges, approvals, attrition."""

import pytest

from cardportfolio.fidelity import fidelity_checks
from cardportfolio.services import cardportfolio_seed

pytestmark = pytest.mark.django_db(databases=["default", "cardportfolio"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fidelity_passes(seed):
    cardportfolio_seed(using="cardportfolio", seed=seed, customers=300)
    checks = fidelity_checks(using="cardportfolio")
    assert len(checks) == 5 + 3 + 1 + 1 + 5
    assert [check.line() for check in checks if not check.passed] == []


def test_fidelity_of_an_empty_database_is_empty():
    assert fidelity_checks(using="cardportfolio") == []
