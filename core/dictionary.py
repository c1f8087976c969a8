"""The data dictionary of a domain, read from its models: tables, columns, types, keys and meanings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.apps import apps
from django.db import connections, models
from django.db.utils import Error as DatabaseError
from django.utils.safestring import mark_safe


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


# Help texts may use a little Markdown: `code`, **bold**, *emphasis* and [links](https://...). Escaped first, so
# nothing else of the text can become markup.
_MARKDOWN_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+|#[\w-]+)\)"), r'<a href="\2">\1</a>'),
]


def markdown_inline(text: str) -> str:
    """Inline Markdown of a help text as safe HTML."""
    html = escape(text)
    for pattern, replacement in _MARKDOWN_INLINE:
        html = pattern.sub(replacement, html)
    return mark_safe(html)  # escaped above; only our own tags are added


SAMPLE_ROWS = 3


def dictionary_page(domain: str, *, using: str | None = None, sample_rows: int = SAMPLE_ROWS) -> dict:
    """What the data dictionary page shows: the tables, rendered help texts, row counts, a few sample rows each,
    and the diagram (core.erd). Counts and samples are None/empty when the database is not built yet."""
    from core.erd import erd_svg

    using = using or domain
    tables = domain_dictionary(domain, using=using)
    models_by_table = {model._meta.db_table: model for model in apps.get_app_config(domain).get_models()}
    entries = []
    for table in tables:
        model = models_by_table[table.name]
        columns = [field.attname for field in model._meta.concrete_fields]
        try:
            count = model.objects.using(using).count()
            samples = [
                list(row) for row in model.objects.using(using).order_by("pk").values_list(*columns)[:sample_rows]
            ]
        except DatabaseError:  # not migrated yet (never seeded) or server down: the page still works
            count, samples = None, []
        entries.append(
            {
                "table": table,
                "meaning_html": markdown_inline(table.meaning),
                "columns": [
                    {
                        "column": column,
                        "meaning_html": markdown_inline(column.meaning),
                        "target": column.references.split(".")[0] if column.references else None,
                    }
                    for column in table.columns
                ],
                "rows": count,
                "samples": samples,
            }
        )
    return {
        "tables": tables,
        "entries": entries,
        "erd_svg": mark_safe(erd_svg(tables, title=f"{apps.get_app_config(domain).verbose_name}: tables and keys")),
    }
