"""Sakila and Pagila compatibility: Sakila's views and routines, Pagila's column types, `film_text`.

The schema lives in the Django models; these objects are additive and derived from it, so they are (re)created from
`dvdrental/sql/<vendor>.sql` after every seed rather than by migrations: views first dropped, then the file run.
Nothing here renames or retypes a value the ORM reads differently (see docs/dvdrental.md, "Sakila and Pagila
compatibility", for each choice).

Migrations and these objects meet in two places, both handled by the migrate signals connected in `apps.py`:
SQLite rebuilds a table to alter it and refuses the final rename while a view names the table, and PostgreSQL
refuses to retype a column a view or a generated column reads. So before dvdrental migrations run, the views,
routines and generated columns are dropped, and afterwards put back.
"""

from __future__ import annotations

import contextlib
from functools import partial
from pathlib import Path

from django.db import connections, router, transaction

SQL_DIR = Path(__file__).resolve().parent / "sql"
VIEWS = (
    "actor_info",
    "customer_list",
    "film_list",
    "nicer_but_slower_film_list",
    "sales_by_film_category",
    "sales_by_store",
    "staff_list",
)
MYSQL_FUNCTIONS = ("get_customer_balance", "inventory_held_by_customer", "inventory_in_stock")
MYSQL_PROCEDURES = ("film_in_stock", "film_not_in_stock", "rewards_report")
POSTGRESQL_FUNCTIONS = (
    "get_customer_balance(integer, timestamp with time zone)",
    "inventory_held_by_customer(integer)",
    "film_in_stock(integer, integer)",
    "film_not_in_stock(integer, integer)",
    "rewards_report(integer, numeric)",
    "inventory_in_stock(integer)",
    "last_day(timestamp with time zone)",
)
POSTGRESQL_GENERATED = (("customer", "activebool"), ("film", "fulltext"))
_reinstall_after_migrate: set[str] = set()


def sql_statements(text: str) -> list[str]:
    """Split a SQL file into statements: `;` at a line's end, `DELIMITER` lines as in the mysql client, and
    PostgreSQL dollar-quoted bodies kept whole. Comment-only lines between statements are dropped."""
    statements: list[str] = []
    current: list[str] = []
    delimiter = ";"
    in_dollar = False
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("--")):
            continue
        if not in_dollar and stripped.upper().startswith("DELIMITER "):
            delimiter = stripped.split(None, 1)[1]
            continue
        current.append(line)
        if line.count("$$") % 2:
            in_dollar = not in_dollar
        if not in_dollar and stripped.endswith(delimiter):
            statement = "\n".join(current).rstrip()
            statements.append(statement[: -len(delimiter)].rstrip())
            current = []
    if "\n".join(current).strip():
        raise ValueError(f"unterminated SQL statement: {current[0].strip()[:60]}")
    return statements


def _vendor_file(vendor: str) -> Path:
    return SQL_DIR / f"{vendor}.sql"


def _drop_statements(vendor: str, *, tables: set[str], columns: bool) -> list[str]:
    if vendor == "postgresql":
        drops = ["DROP VIEW IF EXISTS pagila.film"]
        drops += [f"DROP VIEW IF EXISTS {name}" for name in VIEWS]
        drops += [f"DROP FUNCTION IF EXISTS {signature}" for signature in POSTGRESQL_FUNCTIONS]
        if columns:
            drops += [
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}"
                for table, column in POSTGRESQL_GENERATED
                if table in tables
            ]
        return drops
    drops = [f"DROP VIEW IF EXISTS {name}" for name in VIEWS]
    if vendor == "mysql":
        drops += [f"DROP FUNCTION IF EXISTS {name}" for name in MYSQL_FUNCTIONS]
        drops += [f"DROP PROCEDURE IF EXISTS {name}" for name in MYSQL_PROCEDURES]
    return drops


def _run(using: str, statements: list[str]) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _atomic_if_transactional(using: str):
    # DDL is transactional on SQLite and PostgreSQL: all or nothing. MySQL commits on each DDL statement anyway.
    if connections[using].vendor == "mysql":
        return contextlib.nullcontext()
    return transaction.atomic(using=using)


def sakila_objects_drop(*, using: str, columns: bool = False) -> None:
    """Drop the Sakila views and routines of the alias's database (and, with `columns`, PostgreSQL's generated
    Pagila columns). Tables and data stay; `film_text` stays."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    with _atomic_if_transactional(using):
        _run(using, _drop_statements(connection.vendor, tables=tables, columns=columns))


def sakila_objects_install(*, using: str) -> None:
    """(Re)create Sakila's views, routines (MariaDB/MySQL, PostgreSQL), `film_text` and Pagila's column types on
    the alias's database; idempotent, a few hundred milliseconds at level 4.

    On SQLite and PostgreSQL it runs inside the caller's transaction (a seed calls it last in its own). MySQL
    commits on every DDL statement, so inside a transaction the install waits for its commit (`on_commit`): a seed
    that fails or is rolled back leaves no half-made objects, and a test's transaction is never committed by it.
    """
    connection = connections[using]
    vendor = connection.vendor
    path = _vendor_file(vendor)
    if not path.exists():
        raise ValueError(f"no Sakila objects for the {vendor} backend (expected {path.name})")
    if vendor == "mysql" and connection.in_atomic_block:
        transaction.on_commit(partial(sakila_objects_install, using=using), using=using)
        return
    statements = sql_statements(path.read_text())
    tables = set(connection.introspection.table_names())
    with _atomic_if_transactional(using):
        _run(using, _drop_statements(vendor, tables=tables, columns=False))
        _run(using, statements)


def _touches_dvdrental(plan) -> bool:
    return any(migration.app_label == "dvdrental" for migration, _backwards in plan or ())


def drop_before_migrate(sender, *, using, plan=None, **kwargs) -> None:
    """pre_migrate: dvdrental migrations are about to run here, so the objects that would block them go."""
    if sender.label != "dvdrental" or not _touches_dvdrental(plan) or not router.allow_migrate(using, "dvdrental"):
        return
    if "film" not in connections[using].introspection.table_names():
        return
    sakila_objects_drop(using=using, columns=True)
    _reinstall_after_migrate.add(using)


def install_after_migrate(sender, *, using, **kwargs) -> None:
    """post_migrate: put back what `drop_before_migrate` took away (not on a database migrated back to zero)."""
    if sender.label != "dvdrental" or using not in _reinstall_after_migrate:
        return
    _reinstall_after_migrate.discard(using)
    if "film" in connections[using].introspection.table_names():
        sakila_objects_install(using=using)
