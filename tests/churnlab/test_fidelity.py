"""`fidelity churnlab`: plan, region, payment and ticket shares, churn per plan, usage means and billing cycles are
recovered from the data for seeds 1, 2 and 3."""

import pytest

from churnlab.fidelity import fidelity_checks
from churnlab.services import churnlab_seed

from .conftest import CHURNLAB_DATABASES, END

pytestmark = pytest.mark.django_db(databases=CHURNLAB_DATABASES)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fidelity_passes(seed, tmp_path):
    churnlab_seed(using="churnlab", out_dir=tmp_path / "raw", seed=seed, customers=6000, end_date=END, reset=True)
    checks = fidelity_checks(using="churnlab")
    assert len(checks) == 4 + 4 + 3 + 3 + 4 + 8 + 3
    assert [check.line() for check in checks if not check.passed] == []


def test_fidelity_of_an_empty_database_is_empty():
    assert fidelity_checks(using="churnlab") == []
