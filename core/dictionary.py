"""The data dictionary of a domain, read from its models: tables, columns, types, keys and meanings."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections, models


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    primary_key: bool
    unique: bool
    references: str | None  # "table.column" for a foreign key
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    model: str
    meaning: str
    columns: list[Column]


def _meaning(model: type[models.Model]) -> str:
    doc = (model.__doc__ or "").strip()
    # Django gives undocumented models a signature-like docstring ("Customer(id, name, ...)"): not a meaning.
    return "" if doc.startswith(f"{model.__name__}(") else " ".join(doc.split())


def _default_meaning(model: type[models.Model], field: models.Field) -> str:
    """Identifiers rarely carry help_text; say what they identify."""
    if field.primary_key and not field.is_relation:
        return f"Identifier of the {model._meta.verbose_name} (primary key)."
    return ""


def domain_dictionary(domain: str, *, using: str | None = None) -> list[Table]:
    """Every table of `domain` with its columns, typed as the domain's database declares them."""
    connection = connections[using or domain]
    tables = []
    for model in apps.get_app_config(domain).get_models():
        columns = []
        for field in model._meta.concrete_fields:
            references = None
            if field.is_relation and field.related_model is not None:
                target = field.target_field
                references = f"{field.related_model._meta.db_table}.{target.column}"
            columns.append(
                Column(
                    name=field.column,
                    type=(field.db_type(connection) or field.get_internal_type()).split(" ")[0],
                    nullable=field.null,
                    primary_key=field.primary_key,
                    unique=field.unique and not field.primary_key,
                    references=references,
                    meaning=str(field.help_text or "") or _default_meaning(model, field),
                )
            )
        tables.append(Table(name=model._meta.db_table, model=model.__name__, meaning=_meaning(model), columns=columns))
    return tables
