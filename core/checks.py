"""System checks for misconfigured domain databases."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register()
def domain_databases_configured(app_configs=None, **kwargs):
    """Every domain app needs a database alias of its own name, and the router that uses it."""
    errors = []
    for domain in settings.DOMAIN_APPS:
        if domain not in settings.DATABASES:
            errors.append(
                Error(
                    f"No database alias '{domain}' for the {domain} app.",
                    hint=f"Set {domain.upper()}_DATABASE_URL or keep the SQLite default.",
                    id="core.E001",
                )
            )
    if "config.routers.DomainRouter" not in settings.DATABASE_ROUTERS:
        errors.append(Error("config.routers.DomainRouter is not in DATABASE_ROUTERS.", id="core.E002"))
    return errors


@register()
def database_urls_usable(app_configs=None, **kwargs):
    """Each `*_DATABASE_URL` parses, its driver is installed and a SQLite file's folder can be written.

    Cheap enough for every command and `runserver`'s start; reaching a server is checked by `check --database`.
    """
    import importlib
    import os
    from pathlib import Path

    errors = []
    for variable, message in getattr(settings, "DATABASE_URL_ERRORS", {}).items():
        errors.append(Error(message, hint=f"Fix or unset {variable} (see .env.example).", id="core.E003"))
    drivers = {"mysql": ("MySQLdb", "mysql"), "postgresql": ("psycopg", "postgres")}
    for alias, config in settings.DATABASES.items():
        variable = "DATABASE_URL" if alias == "default" else f"{alias.upper()}_DATABASE_URL"
        engine = str(config.get("ENGINE", "")).rsplit(".", 1)[-1]
        if engine in drivers:
            module, extra = drivers[engine]
            try:
                importlib.import_module(module)
            except ImportError:
                errors.append(
                    Error(
                        f"{variable} names a {engine} database but the {module} driver is not installed.",
                        hint=f"pip install -e '.[{extra}]'",
                        id="core.E004",
                    )
                )
        elif engine == "sqlite3" and config.get("NAME") and str(config["NAME"]) != ":memory:":
            path = Path(config["NAME"])
            folder = next((parent for parent in (path, *path.parents) if parent.exists()), None)
            if path.is_dir():
                errors.append(Error(f"{variable}: {path} is a folder, not a SQLite file.", id="core.E005"))
            elif folder is not None and not os.access(folder if folder != path else path, os.W_OK):
                errors.append(
                    Error(
                        f"{variable}: {folder} is not writable, so {path} cannot be written.",
                        hint="Point the variable at a writable place or fix the permissions.",
                        id="core.E005",
                    )
                )
    return errors


@register(Tags.database)
def database_servers_reachable(app_configs=None, databases=None, **kwargs):
    """`check --database ALIAS`: the server behind each named alias answers (one line naming the variable)."""
    from django.db import connections
    from django.db.utils import Error as DatabaseError

    errors = []
    for alias in databases or ():
        variable = "DATABASE_URL" if alias == "default" else f"{alias.upper()}_DATABASE_URL"
        try:
            connections[alias].ensure_connection()
        except (DatabaseError, ImproperlyConfigured) as exc:
            first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            errors.append(Error(f"{variable}: cannot connect: {first}", id="core.E006"))
    return errors
