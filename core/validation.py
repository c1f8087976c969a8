"""Checks any domain's generated data must pass: foreign-key integrity, content digests, parameter recovery."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, models


@dataclass(frozen=True)
class OrphanCount:
    table: str
    column: str
    references: str
    orphans: int


def foreign_key_orphans(*, using: str, app_label: str) -> list[OrphanCount]:
    """Count, for every foreign key of the app's models, the rows pointing at a missing parent (0 expected).

    Done with one LEFT JOIN per key in SQL, so it works on tables of any size and on every backend.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    results = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config(app_label).get_models():
            for model_field in model._meta.concrete_fields:
                if not isinstance(model_field, models.ForeignKey):
                    continue
                parent = model_field.related_model._meta
                target = model_field.target_field.column
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(model._meta.db_table)} c "
                    f"LEFT JOIN {quote(parent.db_table)} p ON c.{quote(model_field.column)} = p.{quote(target)} "
                    f"WHERE c.{quote(model_field.column)} IS NOT NULL AND p.{quote(target)} IS NULL"
                )
                results.append(
                    OrphanCount(model._meta.db_table, model_field.column, parent.db_table, cursor.fetchone()[0])
                )
    return results


def _canonical(value) -> str:
    """One text form per value whatever the backend returned (Decimal vs float, aware vs naive, bool vs int)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        number = float(value)
        return "nan" if math.isnan(number) else f"{number:.4f}"
    return str(value)


def table_digest(*, using: str, model: type[models.Model], exclude: tuple[str, ...] = ()) -> str:
    """SHA-256 of a table's content in primary-key order, identical on SQLite, MariaDB and PostgreSQL."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
    digest = hashlib.sha256()
    rows = model.objects.using(using).order_by("pk").values_list(*names).iterator(chunk_size=20_000)
    for row in rows:
        digest.update("\t".join(_canonical(value) for value in row).encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class ParameterCheck:
    """One configured parameter against what the generated data shows."""

    name: str
    expected: float
    actual: float
    tolerance: float  # relative, e.g. 0.10 for within 10%

    @property
    def deviation(self) -> float:
        if self.expected == 0:
            return abs(self.actual)
        return abs(self.actual - self.expected) / abs(self.expected)

    @property
    def passed(self) -> bool:
        return self.deviation <= self.tolerance

    def line(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return (
            f"{self.name:<40} expected {self.expected:>10.2f}  actual {self.actual:>10.2f}  "
            f"({self.deviation:6.1%} <= {self.tolerance:.0%}?) {verdict}"
        )


def recovery_report(checks: list[ParameterCheck]) -> list[str]:
    """Printable lines for a parameter-recovery report, with a closing pass/fail count."""
    lines = [check.line() for check in checks]
    failed = sum(not check.passed for check in checks)
    lines.append(f"{len(checks) - failed} of {len(checks)} parameters recovered within tolerance")
    return lines
