"""Every domain with exercise files seeded small, once for the teaching tests, through the real seed services."""

from __future__ import annotations

import contextlib

import pytest
from django.conf import settings
from django.db import connections

from core.loader import bulk_load
from core.teaching.exercises import domains_with_exercises

TEACHING_DATABASES = ["default", *settings.DOMAIN_APPS]


def seed_minicrm(using: str, tmp_path) -> None:
    from minicrm.services import minicrm_seed, rfm_calculate

    minicrm_seed(using=using, customers=150, seed=3, reset=True)
    rfm_calculate(using=using)


def seed_dvdrental(using: str, tmp_path) -> None:
    from dvdrental.services import dvdrental_seed
    from tests.dvdrental.conftest import SMALL_LEVEL4

    dvdrental_seed(using=using, level=4, config=SMALL_LEVEL4, seed=42, reset=True)


def seed_hopify(using: str, tmp_path) -> None:
    from hopify.services import hopify_seed

    hopify_seed(using=using, scale=0.02, reset=True)


def seed_cardportfolio(using: str, tmp_path) -> None:
    from cardportfolio.services import cardportfolio_seed

    cardportfolio_seed(using=using, customers=200, months=18, parquet_path=tmp_path / f"{using}-tx.parquet", reset=True)


def seed_churnlab(using: str, tmp_path) -> None:
    from churnlab.services import churn_pipeline_run, churnlab_seed

    raw = tmp_path / f"{using}-churnlab" / "raw"
    churnlab_seed(using=using, out_dir=raw, customers=1500, reset=True)
    churn_pipeline_run(raw_dir=raw, out_dir=raw.parent, using=using)


SEEDERS = {
    "minicrm": seed_minicrm,
    "dvdrental": seed_dvdrental,
    "hopify": seed_hopify,
    "cardportfolio": seed_cardportfolio,
    "churnlab": seed_churnlab,
}


def exercise_domains() -> list[str]:
    return domains_with_exercises(settings.DOMAIN_APPS)


def wipe(alias: str, domain: str) -> None:
    with bulk_load(using=alias) as loader:
        loader.wipe(domain)


def assert_test_database(alias: str) -> None:
    """Never seed or wipe a developer's real database."""
    name = str(connections[alias].settings_dict["NAME"])
    if not ("memorydb" in name or ":memory:" in name or name.startswith("test_")):
        # pytest-django creates test databases only for the selected tests that ask for django_db.
        pytest.skip(f"{alias} is not a test database here: select at least one django_db test of tests/teaching")


class SeededDomains:
    """Every domain with exercises, seeded before any test's transaction opens (the read-only runner has its own
    connection and sees committed rows only). A domain whose seed fails fails its own tests, not the others'."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.done: list[str] = []
        self.failed: dict[str, str] = {}

    def seed_all(self, domains) -> None:
        for domain in domains:
            assert_test_database(domain)
            try:
                SEEDERS[domain](domain, self.tmp_path)
            except Exception as exc:  # reported by the domain's own tests
                self.failed[domain] = f"{type(exc).__name__}: {exc}"
            else:
                self.done.append(domain)

    def __call__(self, domain: str) -> str:
        if domain in self.failed:
            pytest.fail(f"seeding {domain} failed: {self.failed[domain]}")
        assert domain in self.done, domain
        return domain


@pytest.fixture(scope="package")
def seeded_domains(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seeded_domains(domain)` returns the alias of a domain seeded once for the package; wiped afterwards."""
    seeded = SeededDomains(tmp_path_factory.mktemp("teaching"))
    with django_db_blocker.unblock():
        seeded.seed_all(exercise_domains())
    yield seeded
    with django_db_blocker.unblock():
        for domain in seeded.done:
            wipe(domain, domain)


@pytest.fixture
def teaching_scratch(scratch_database):
    """`teaching_scratch(domain, kind)` -> alias of a fresh scratch database, dropped and then forgotten.

    Forgotten too: a later transactional test with `databases="__all__"` (the browser tests) would otherwise try to
    flush the dropped database through the alias left behind.
    """
    from django.conf import settings as django_settings

    from core.databases import drop_database

    made = []

    def make(domain: str, kind: str | None = None) -> str:
        _, alias = scratch_database(domain, kind)
        made.append(alias)
        return alias

    yield make
    for alias in made:
        with contextlib.suppress(Exception):  # best effort, as scratch_database itself
            drop_database(alias)
        with contextlib.suppress(Exception):
            del connections[alias]
        connections.settings.pop(alias, None)
        django_settings.DATABASES.pop(alias, None)
