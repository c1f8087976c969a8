"""Fixtures shared by every domain's tests.

Domain databases follow `<APP>_DATABASE_URL`, so the same suite runs on SQLite (default), MariaDB and PostgreSQL.
Tests that need a server of another kind than the configured one (cross-backend determinism) find it through
TEST_MYSQL_URL / TEST_POSTGRES_URL (defaults: the local servers) and are skipped, with the reason, when it is not
reachable or its driver is not installed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import uuid

import factory.random
import pytest
from django.db import connections

from core.databases import DatabaseTargetError, domain_database, drop_database

SERVER_URLS = {
    "mysql": os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306"),
    "postgresql": os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
}
DRIVERS = {"mysql": "MySQLdb", "postgresql": "psycopg"}
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _reproducible_factories(request):
    """Seed factory-boy and its Faker per test, so a fixture's random names are the same on every run.

    A test that depends on what Faker draws (a search for "Ada" meeting a random "Adams") then fails every time
    or never, not one run in fifty.
    """
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Analytics responses cached by one test must not answer another test's requests."""
    from django.core.cache import cache

    cache.clear()


def server_skip_reason(kind: str) -> str | None:
    """Why a MariaDB/PostgreSQL test cannot run here, or None when it can."""
    try:
        __import__(DRIVERS[kind])
    except ImportError:
        extra = "mysql" if kind == "mysql" else "postgres"
        return f"{DRIVERS[kind]} is not installed (pip install -e '.[{extra}]')"
    import socket

    host_port = SERVER_URLS[kind].rsplit("@", 1)[-1].split("/")[0]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError as exc:
        return f"no {kind} server at {host_port}: {exc}"
    return None


def scratch_url(kind: str, tmp_path, domain: str) -> str:
    """A URL naming a fresh, unique database of `kind` ('sqlite', 'mysql' or 'postgresql')."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{domain}-{next(_counter)}.sqlite3'}"
    reason = server_skip_reason(kind)
    if reason:
        pytest.skip(reason)
    name = f"scratch_{domain}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    return f"{SERVER_URLS[kind]}/{name}"


def configured_kind(domain: str) -> str:
    engine = connections.settings[domain]["ENGINE"]
    return next(kind for kind in ("sqlite", "mysql", "postgresql") if kind in engine)


@pytest.fixture
def scratch_database(tmp_path, django_db_blocker):
    """Factory: `scratch_database(domain, kind=None)` -> (url, alias) of a fresh database, dropped afterwards.

    `kind` defaults to the backend the domain is configured with, so command tests follow the CI matrix. These
    databases live outside pytest-django's test databases (commands commit for real, as users see them), so tests
    using this fixture must not also ask for `django_db`.
    """
    created = []
    django_db_blocker.unblock()

    def make(domain: str, kind: str | None = None) -> tuple[str, str]:
        url = scratch_url(kind or configured_kind(domain), tmp_path, domain)
        try:
            alias = domain_database(domain, database_url=url)
        except DatabaseTargetError as exc:
            pytest.skip(str(exc))
        created.append(alias)
        return url, alias

    yield make
    for alias in created:
        with contextlib.suppress(Exception):  # best-effort cleanup of scratch databases
            drop_database(alias)
    django_db_blocker.restore()


# --- The backend runs skip what no backend can change --------------------------------------------------------------
# CI runs the suite three times: on SQLite, then with the domain databases on MariaDB and on PostgreSQL. A test that
# never opens a database (a pure generator, a calendar, a model on a frame) gives the same answer in all three, so
# the MariaDB and PostgreSQL runs leave it out with `--database-tests-only` and pytest reports it as deselected.
# A test counts as touching a database when it is marked django_db, asks for a database fixture, or its module runs
# commands or subprocesses or names a database (those may reach the configured backend without pytest-django),
# unless it is marked own_databases: it seeds scratch databases it names by URL, whatever the configured backend.
# (not django_db_blocker: pytest-django's autouse fixtures put it in every test's closure)
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "admin_client", "admin_user"}
DATABASE_MODULE_WORDS = (
    "call_command",
    "subprocess",
    "connections",
    "connection",
    "_DATABASE_URL",
    "scratch_url",
    "configured_kind",
    "manage.py",
    "using=",
    "client",
)


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        default=False,
        help="Deselect tests that never open a database (the backend runs: their answer cannot change there).",
    )


def _module_may_touch_database(path, memo: dict) -> bool:
    if path not in memo:
        try:
            memo[path] = any(word in path.read_text(encoding="utf-8") for word in DATABASE_MODULE_WORDS)
        except OSError:  # unreadable: keep the test
            memo[path] = True
    return memo[path]


def touches_database(item, memo: dict) -> bool:
    """Whether the configured domain databases can change the test's answer (see above)."""
    if item.get_closest_marker("own_databases") is not None:
        return False
    if item.get_closest_marker("django_db") is not None:
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return _module_may_touch_database(item.path, memo)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    memo: dict = {}
    kept, deselected = [], []
    for item in items:
        (kept if touches_database(item, memo) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
