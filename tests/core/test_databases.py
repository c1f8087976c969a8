import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from config.routers import DomainRouter
from core.databases import DatabaseTargetError, domain_database, domain_of_alias, pending_migrations


def test_router_sends_domain_apps_to_their_alias():
    router = DomainRouter()
    from django.contrib.auth.models import User

    from minicrm.models import Customer

    assert router.db_for_read(Customer) == "minicrm"
    assert router.db_for_write(Customer) == "minicrm"
    assert router.db_for_read(User) is None
    assert router.allow_migrate("minicrm", "minicrm") is True
    assert router.allow_migrate("default", "minicrm") is False
    assert router.allow_migrate("minicrm", "auth") is False
    assert router.allow_migrate("default", "auth") is True


def test_runtime_alias_is_migrated_for_its_domain_only(scratch_database):
    url, alias = scratch_database("minicrm", "sqlite")
    assert domain_of_alias(alias) == "minicrm"
    # Every minicrm migration is pending on a fresh database, and nothing of any other app.
    pending = pending_migrations(alias, "minicrm")
    assert pending[0] == "minicrm.0001_initial"
    on_disk = sorted(name for app, name in MigrationLoader(None).disk_migrations if app == "minicrm")
    assert pending == [f"minicrm.{name}" for name in on_disk]
    call_command("migrate", "minicrm", database=alias, verbosity=0)
    tables = set(connections[alias].introspection.table_names())
    assert {"customers", "orders", "order_items", "products", "rfm_scores"} <= tables
    assert "auth_user" not in tables


def test_unreachable_and_unsupported_urls(django_db_blocker):
    django_db_blocker.unblock()
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    with pytest.raises(DatabaseTargetError, match="cannot connect to postgresql://postgres@127.0.0.1:1/x"):
        domain_database("minicrm", database_url="postgres://postgres@127.0.0.1:1/x")
    with pytest.raises(DatabaseTargetError, match="unsupported database URL scheme 'ftp'"):
        domain_database("minicrm", database_url="ftp://host/x")
    django_db_blocker.restore()
