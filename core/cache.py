"""Dataset versions: a token per domain that moves on whenever the domain's data changes.

Anything cached from a domain's database (the analytics responses of `core.api.cache`) is keyed by this token, so
a new seed, an RFM recalculation or an admin edit makes every older entry unreachable at once; stale entries then
expire by themselves. The token lives in Django's cache, which must be shared by every process (web workers and
management commands): the default is a file cache under `data/cache/`; `CACHE_URL` can point at Redis instead.

Every write moves the token on:

- the shared bulk loader (seeds, `calculate_rfm`, `run_churn_pipeline`, `load_benchmarks`, `--reset`) after its
  transaction, in whichever process it runs;
- ORM saves and deletes of a domain model (the admin, the staff-only write endpoints), through model signals.

Only SQL typed by hand against a database bypasses this; such edits show once cached entries expire
(`ANALYTICS_CACHE_SECONDS`).

The house style keeps logic out of signals because bulk loads skip them. These receivers are the project's only
ones and hold no domain logic: they catch the single-row ORM writes (admin edits) that nothing else sees, while
the bulk loader, which sends no signals, moves the version itself.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "synthbiz:dataset-version:{domain}:{database}"


def database_identity(alias: str) -> str:
    """A short digest of which database `alias` is (engine, host, port, name), not of the alias' name.

    The version key includes it, so two databases of one domain never share cached answers: a web server restarted
    on another `MINICRM_DATABASE_URL`, or a test database beside the real one, starts with its own token.
    """
    import hashlib

    from django.db import connections

    config = connections.settings[alias] if alias in connections.settings else settings.DATABASES[alias]
    parts = [config.get("ENGINE", ""), config.get("HOST") or "", str(config.get("PORT") or ""), str(config["NAME"])]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def dataset_version(domain: str, *, using: str | None = None) -> str:
    """The current version token of a domain's data in database `using` (default the domain's configured
    database), created on first use."""
    key = _version_key(domain, using)
    version = cache.get(key)
    if version is None:
        # add() keeps a token another process set meanwhile; read back whichever won.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or ""
    return version


def mark_dataset_changed(domain: str, *, using: str | None = None) -> None:
    """Give `domain` a new version token now, and again when the enclosing transaction on `using` commits.

    The second bump matters when the write is inside an outer transaction: a request served between the first
    bump and the commit would have cached the old data under the new token.
    """
    key = _version_key(domain, using)

    def bump():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    if using is not None and transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump, using=using)


def _version_key(domain: str, using: str | None) -> str:
    return VERSION_KEY.format(domain=domain, database=database_identity(using or domain))


def mark_database_changed(alias: str) -> None:
    """`mark_dataset_changed` for the domain whose data `alias` holds: its configured alias or a run-time
    `--database-url` alias (which moves the version of that database, in case a web server reads it)."""
    from core.databases import domain_of_alias

    domain = domain_of_alias(alias)
    if domain is not None:
        mark_dataset_changed(domain, using=alias)


def _on_orm_write(sender, using=None, **kwargs):
    if sender._meta.app_label in settings.DOMAIN_APPS:
        mark_dataset_changed(sender._meta.app_label, using=using)


def connect_model_signals() -> None:
    """Move a domain's version on whenever the ORM saves or deletes one of its rows."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for name, signal in {"post_save": post_save, "post_delete": post_delete, "m2m_changed": m2m_changed}.items():
        signal.connect(_on_orm_write, dispatch_uid=f"core.cache.{name}")
