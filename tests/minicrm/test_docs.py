"""The example SQL in docs/minicrm.md runs, as written, on the configured backend and returns rows."""

import re
from pathlib import Path

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])
DOC = Path(__file__).resolve().parents[2] / "docs" / "minicrm.md"


def example_statements() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(), flags=re.S)
    text = "\n".join(blocks)
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def test_docs_have_examples():
    assert len(example_statements()) >= 4


@pytest.mark.parametrize("index", range(4))
def test_example_sql_runs(seeded_minicrm, index):
    statement = example_statements()[index]
    with connections["minicrm"].cursor() as cursor:
        cursor.execute(statement)
        rows = cursor.fetchall()
    assert rows, statement
