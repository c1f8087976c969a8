"""The example SQL in docs/cardportfolio.md runs, as written, on the configured backend and returns rows."""

import re
from pathlib import Path

import pytest
from django.db import connections

from .conftest import CARDPORTFOLIO_DATABASES

pytestmark = pytest.mark.django_db(databases=CARDPORTFOLIO_DATABASES)
DOC = Path(__file__).resolve().parents[2] / "docs" / "cardportfolio.md"


def example_statements() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(), flags=re.S)
    text = "\n".join(line for line in "\n".join(blocks).splitlines() if not line.strip().startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def test_docs_have_six_examples():
    assert len(example_statements()) == 6


def test_example_sql_runs_and_returns_rows(seeded_cardportfolio):
    with connections["cardportfolio"].cursor() as cursor:
        for statement in example_statements():
            cursor.execute(statement)
            assert cursor.fetchall(), statement


def test_declining_example_shows_the_decline(seeded_cardportfolio):
    with connections["cardportfolio"].cursor() as cursor:
        cursor.execute(example_statements()[1])
        rows = {decline_type: (float(first), float(last)) for decline_type, first, last in cursor.fetchall()}
    assert set(rows) == {"gradual", "sudden"}
    assert all(last < 0.8 * first for first, last in rows.values())
