"""Database targeting: which alias a domain writes to, creating and migrating it on demand.

Each domain app has an alias named after it (see `config/settings/base.py`). `--database-url` adds one more alias
at run time, registered here so that the router sends that domain's migrations to it.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import Error as DatabaseError

_runtime_alias_domains: dict[str, str] = {}
SUPPORTED_ENGINES = (".sqlite3", ".mysql", ".postgresql")
DRIVER_EXTRAS = {"mysql": "mysql", "postgresql": "postgres"}


class DatabaseTargetError(Exception):
    """A database URL that cannot be used: unparsable, unreachable or not creatable."""


def is_domain(app_label: str) -> bool:
    return app_label in settings.DOMAIN_APPS


def domain_of_alias(alias: str) -> str | None:
    """The domain whose data lives under `alias`, or None for Django's own database."""
    if is_domain(alias):
        return alias
    return _runtime_alias_domains.get(alias)


def vendor(alias: str) -> str:
    return connections[alias].vendor


def describe(alias: str) -> str:
    """A printable name for the database behind `alias`, without any password."""
    config = connections.settings[alias] if alias in connections.settings else settings.DATABASES[alias]
    engine = config["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"sqlite:{config['NAME']}"
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    user = f"{config['USER']}@" if config.get("USER") else ""
    return f"{engine}://{user}{host}{port}/{config['NAME']}"


def domain_database(domain: str, *, database_url: str | None = None) -> str:
    """Return the alias to use for `domain`, connecting (and creating) the database named by `database_url`.

    Raises DatabaseTargetError with a one-line reason when the database cannot be reached.
    """
    if not database_url:
        alias = domain
        _create_sqlite_folder(settings.DATABASES[alias])
    else:
        try:
            config = environ.Env.db_url_config(database_url)
        except Exception as exc:  # environ raises bare exceptions for unknown schemes
            raise DatabaseTargetError(f"cannot parse database URL {database_url!r}: {exc}") from None
        if not config.get("ENGINE", "").endswith(SUPPORTED_ENGINES):
            scheme = database_url.split(":", 1)[0]
            raise DatabaseTargetError(
                f"unsupported database URL scheme {scheme!r} in {database_url!r}: use sqlite:///PATH, "
                "mysql://USER@HOST:PORT/NAME or postgres://USER@HOST:PORT/NAME"
            )
        digest = hashlib.sha1(database_url.encode()).hexdigest()[:8]
        alias = f"{domain}__{digest}"
        if alias not in connections.settings:
            _register_alias(alias, config)
        _runtime_alias_domains[alias] = domain
        _create_database_if_missing(alias)
    try:
        connections[alias].ensure_connection()
    except DatabaseError as exc:
        where = "" if database_url else f" (set by {domain.upper()}_DATABASE_URL)"
        raise DatabaseTargetError(f"cannot connect to {describe(alias)}{where}: {_first_line(exc)}") from None
    except ImproperlyConfigured as exc:  # the backend's driver is not installed
        engine = connections.settings[alias]["ENGINE"].rsplit(".", 1)[-1]
        extra = DRIVER_EXTRAS.get(engine)
        hint = f" (pip install -e '.[{extra}]')" if extra else ""
        raise DatabaseTargetError(f"cannot use {describe(alias)}: {_first_line(exc)}{hint}") from None
    return alias


def _register_alias(alias: str, config: dict) -> None:
    if config.get("ENGINE", "").endswith("mysql"):  # core.loader's LOAD DATA LOCAL INFILE, where the server allows it
        config.setdefault("OPTIONS", {}).setdefault("local_infile", 1)
    filled = connections.configure_settings({DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], alias: config})
    connections.settings[alias] = filled[alias]
    settings.DATABASES[alias] = filled[alias]


def _create_sqlite_folder(config: dict) -> None:
    if config["ENGINE"].endswith("sqlite3") and config["NAME"] and str(config["NAME"]) != ":memory:":
        folder = Path(config["NAME"]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseTargetError(
                f"cannot create the folder {folder} for {config['NAME']}: {exc.strerror}"
            ) from None
        if Path(config["NAME"]).is_dir():
            raise DatabaseTargetError(f"{config['NAME']} is a folder, not a SQLite database file")


def _create_database_if_missing(alias: str) -> None:
    """Create the MySQL/PostgreSQL database named in the alias' settings; SQLite only needs its folder."""
    config = connections.settings[alias]
    if config["ENGINE"].endswith("sqlite3"):
        _create_sqlite_folder(config)
        return
    name = config["NAME"]
    try:
        connection = connections[alias]
    except ImproperlyConfigured as exc:  # the backend's driver is not installed
        engine = config["ENGINE"].rsplit(".", 1)[-1]
        raise DatabaseTargetError(
            f"cannot use {describe(alias)}: {_first_line(exc)} (pip install -e '.[{DRIVER_EXTRAS[engine]}]')"
        ) from None
    try:
        # _nodb_cursor connects to the server's maintenance database, as Django's test runner does. Its warning
        # about falling back from the `postgres` database only repeats the connection error raised below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with connection._nodb_cursor() as cursor:
                if connection.vendor == "mysql":
                    quoted = connection.ops.quote_name(name)
                    cursor.execute(f"CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4")
                elif connection.vendor == "postgresql":
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                    if cursor.fetchone() is None:
                        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    except DatabaseError as exc:
        raise DatabaseTargetError(f"cannot connect to {describe(alias)}: {_first_line(exc)}") from None


def drop_database(alias: str) -> None:
    """Drop the database behind a runtime alias (used by tests to clean up scratch databases)."""
    config = connections.settings[alias]
    connection = connections[alias]
    connection.close()
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(config['NAME'])} WITH (FORCE)")
        else:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(config['NAME'])}")


def pending_migrations(alias: str, domain: str) -> list[str]:
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] == domain]
    return [f"{migration.app_label}.{migration.name}" for migration, _ in executor.migration_plan(targets)]


def ensure_migrated(alias: str, domain: str) -> list[str]:
    """Apply the domain's migrations to `alias` when it is behind; returns the names applied."""
    pending = pending_migrations(alias, domain)
    if pending:
        call_command("migrate", domain, database=alias, verbosity=0, interactive=False)
    return pending


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
