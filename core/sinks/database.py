"""The database sink: batches through the shared bulk loader (`core.loader`), one transaction, plus the generation
record in the `synthbiz_generation` table of the same database, written in that same transaction."""

from __future__ import annotations

import contextlib
import json
from contextlib import ExitStack

from core.sinks import Sink, SinkError

GENERATION_TABLE = "synthbiz_generation"


def _generation_ddl(connection) -> str:
    quote = connection.ops.quote_name
    text = "longtext" if connection.vendor == "mysql" else "text"
    return (
        f"CREATE TABLE IF NOT EXISTS {quote(GENERATION_TABLE)} ("
        "run integer NOT NULL PRIMARY KEY, domain varchar(40) NOT NULL, seed bigint NOT NULL, "
        f"scale double precision NOT NULL, options {text} NOT NULL, version varchar(40) NOT NULL, "
        f"tables_json {text} NOT NULL)"
    )


def ensure_generation_table(*, using: str) -> bool:
    """Create the generation table if missing (outside the load: MySQL commits on DDL). False where it cannot be:
    MySQL inside an outer transaction (a test case), where the DDL would commit that transaction."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "mysql" and connection.in_atomic_block:
        return GENERATION_TABLE in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute(_generation_ddl(connection))
    return True


def insert_generation(connection, generation: dict) -> None:
    """Add a generation record as the next run (inside the caller's transaction)."""
    from core.runner import project_version

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(run) FROM {quote(GENERATION_TABLE)}")
        run = (cursor.fetchone()[0] or 0) + 1
        cursor.execute(
            f"INSERT INTO {quote(GENERATION_TABLE)} (run, domain, seed, scale, options, version, tables_json) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                run,
                generation["domain"],
                int(generation["seed"]),
                float(generation.get("scale", 1.0)),
                json.dumps(generation.get("options", {}), sort_keys=True, default=str),
                str(generation.get("version") or project_version()),
                json.dumps({"rows": generation.get("rows", {}), "digests": generation.get("digests", {})}),
            ],
        )


def read_generation(*, using: str) -> dict | None:
    """The latest record of `synthbiz_generation` in `using`, or None (no table, or no row)."""
    from django.db import connections
    from django.db.utils import Error as DatabaseError

    connection = connections[using]
    try:
        if GENERATION_TABLE not in connection.introspection.table_names():
            return None
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT run, domain, seed, scale, options, version, tables_json FROM {quote(GENERATION_TABLE)} "
                "ORDER BY run DESC LIMIT 1"
            )
            row = cursor.fetchone()
    except DatabaseError:
        return None
    if row is None:
        return None
    run, domain, seed, scale, options, version, tables = row
    tables = json.loads(tables)
    return {
        "run": int(run),
        "domain": domain,
        "seed": int(seed),
        "scale": float(scale),
        "options": json.loads(options),
        "version": version,
        "rows": tables.get("rows", {}),
        "digests": tables.get("digests", {}),
    }


class DatabaseSink(Sink):
    """Writes to a domain database: the configured alias, or the database a URL names (created and migrated)."""

    def __init__(
        self,
        *,
        domain: str,
        database_url: str | None = None,
        using: str | None = None,
        batch_size: int | None = None,
        reset: bool = False,
        guard: bool = True,
    ):
        self.domain = domain
        self.database_url = database_url
        self.using = using
        self.batch_size = batch_size
        self.reset = reset
        self.guard = guard
        self.loader = None
        self.recordable = False
        self._stack: ExitStack | None = None

    def describe(self) -> str:
        from core.databases import describe

        return describe(self.using) if self.using else (self.database_url or self.domain)

    def check(self) -> None:
        from django.db.utils import Error as DatabaseError

        from core.databases import DatabaseTargetError, describe, domain_database, ensure_migrated

        try:
            if self.using is None:  # a URL or the configured alias: connect, create and migrate it
                self.using = domain_database(self.domain, database_url=self.database_url)
                ensure_migrated(self.using, self.domain)
            self.recordable = ensure_generation_table(using=self.using)
        except DatabaseTargetError as exc:
            raise SinkError(str(exc)) from None
        except DatabaseError as exc:
            raise SinkError(f"cannot prepare {self.describe()}: {str(exc).splitlines()[0]}") from None
        if self.guard and not self.reset:
            from django.apps import apps

            held = [
                model._meta.db_table
                for model in apps.get_app_config(self.domain).get_models()
                if model.objects.using(self.using).exists()
            ]
            if held:
                raise SinkError(
                    f"{describe(self.using)} already holds {self.domain} data ({', '.join(held)}); "
                    "use --reset to replace it (nothing was changed)"
                )

    def open(self, contract) -> None:
        from django.apps import apps

        from core.loader import DEFAULT_BATCH_SIZE, bulk_load

        super().open(contract)
        if self.using is None:
            self.check()
        self.models = {model._meta.db_table: model for model in apps.get_app_config(self.domain).get_models()}
        self._stack = ExitStack()
        self.loader = self._stack.enter_context(
            bulk_load(using=self.using, batch_size=self.batch_size or DEFAULT_BATCH_SIZE)
        )
        if self.reset:
            self.loader.wipe(self.domain)
            if self.recordable:
                self._delete_generations()

    def _delete_generations(self) -> None:
        quote = self.loader.connection.ops.quote_name
        with self.loader.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(GENERATION_TABLE)}")

    def write(self, batch) -> None:
        self.loader.write(self.models[batch.table], batch.columns)

    def record(self, generation: dict) -> None:
        """Insert the generation record (inside the load's transaction), with the scale and options the seed
        command was given where one is running (the plan only knows the counts the scale became)."""
        from core.loader import current_generation

        command = current_generation.get()
        if command is not None and command["domain"] == generation["domain"]:
            options = {**generation.get("options", {}), **command["options"]}
            generation = {**generation, "scale": command["scale"], "options": options}
        insert_generation(self.loader.connection, generation)
        self.loader.generation_recorded = True

    def commit(self, generation: dict | None = None) -> None:
        if generation is not None and getattr(self, "recordable", False):
            self.record(generation)
        stack, self._stack = self._stack, None
        stack.close()

    def abort(self) -> None:
        import sys

        stack, self._stack = self._stack, None
        if stack is not None:
            exc = sys.exc_info()
            if exc[0] is None:
                exc = (RuntimeError, RuntimeError("aborted"), None)
            with contextlib.suppress(BaseException):  # the rollback re-raises the exception it was given
                stack.__exit__(*exc)

    @property
    def stats(self):
        return self.loader.stats
