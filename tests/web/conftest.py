"""Every dataset seeded small, once for a test module, committed so a live server thread sees it too."""

import pytest
from django.conf import settings
from django.db import connections

from core.loader import bulk_load


def seed_minicrm(tmp_path) -> None:
    from minicrm.services import minicrm_seed, rfm_calculate

    minicrm_seed(using="minicrm", customers=120, seed=3, reset=True)
    rfm_calculate(using="minicrm")


def seed_dvdrental(tmp_path) -> None:
    from dvdrental.services import dvdrental_seed
    from tests.dvdrental.conftest import SMALL_LEVEL4

    dvdrental_seed(using="dvdrental", level=4, config=SMALL_LEVEL4, reset=True)


def seed_hopify(tmp_path) -> None:
    from hopify.services import hopify_seed

    hopify_seed(using="hopify", scale=0.02, reset=True)


def seed_cardportfolio(tmp_path) -> None:
    from cardportfolio.services import cardportfolio_seed

    cardportfolio_seed(using="cardportfolio", customers=300, months=6, parquet_path=tmp_path / "tx.parquet", reset=True)


def seed_churnlab(tmp_path) -> None:
    from churnlab.services import churn_pipeline_run, churnlab_seed

    churnlab_seed(using="churnlab", out_dir=tmp_path / "raw", customers=1500, reset=True)
    churn_pipeline_run(raw_dir=tmp_path / "raw", out_dir=tmp_path, using="churnlab")


SEEDERS = {
    "minicrm": seed_minicrm,
    "dvdrental": seed_dvdrental,
    "hopify": seed_hopify,
    "cardportfolio": seed_cardportfolio,
    "churnlab": seed_churnlab,
}


def seed_every_dataset(tmp_path) -> None:
    for seeder in SEEDERS.values():
        seeder(tmp_path)


def wipe_every_dataset() -> None:
    for domain in settings.DOMAIN_APPS:
        with bulk_load(using=domain) as loader:
            loader.wipe(domain)


def assert_test_databases() -> None:
    """Never seed or wipe a developer's real database: every domain alias must point at a test database."""
    for domain in settings.DOMAIN_APPS:
        name = str(connections[domain].settings_dict["NAME"])
        assert "memorydb" in name or ":memory:" in name or name.startswith("test_"), (domain, name)


@pytest.fixture(scope="module")
def seeded_datasets(django_db_setup, django_db_blocker, tmp_path_factory):
    """Data committed once per module (a live server thread sees it); tests read it inside their own transactions.

    Tests using this must be marked `django_db(databases="__all__")`, so that pytest-django creates a test
    database for every domain before this fixture runs.
    """
    django_db_blocker.unblock()
    assert_test_databases()
    try:
        seed_every_dataset(tmp_path_factory.mktemp("datasets"))
        yield
        wipe_every_dataset()
    finally:
        django_db_blocker.restore()
