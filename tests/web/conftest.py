"""Every dataset seeded small, once for a test module, committed so a live server thread sees it too."""

import threading

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from core.loader import bulk_load


class OneAppCallAtATimeServer(ThreadedWSGIServer):
    """The live server, reading requests on many connections at once but running Django for one at a time.

    With in-memory SQLite the live server's threads share the test's database connection (there is no other way
    to see the test's data). A dashboard fires its API requests in parallel, and two threads then ran queries on
    that one connection at once: the suite hung with every server thread inside `sqlite3` `execute` (seen with
    faulthandler). One Python sqlite3 connection is not safe to use from several threads at the same time, and a
    query calling one of Django's Python SQL functions needs the GIL while another thread holding the GIL waits
    for the connection's mutex. Serialising the application call removes the overlap; the browser still opens
    as many connections as it likes.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _live_server_runs_one_request_at_a_time():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneAppCallAtATimeServer)
        yield


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
