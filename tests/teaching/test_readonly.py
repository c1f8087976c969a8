"""The read-only runner on the configured backend: rows, a row cap, and every kind of write refused by the database
itself, with the data unchanged afterwards."""

from __future__ import annotations

import pytest

from core.databases import vendor
from core.teaching.readonly import QueryFailed, QueryRefused, QueryTimeout, run_readonly
from core.validation import table_digest
from dvdrental.models import Film, Rental
from tests.teaching.conftest import TEACHING_DATABASES

pytestmark = pytest.mark.django_db(databases=TEACHING_DATABASES)


def test_runs_a_query_and_caps_the_rows(seeded_domains):
    alias = seeded_domains("dvdrental")
    result = run_readonly(alias, "SELECT film_id, title FROM film ORDER BY film_id", max_rows=5)
    assert result.columns == ["film_id", "title"]
    assert [row[0] for row in result.rows] == [1, 2, 3, 4, 5] and result.truncated
    everything = run_readonly(alias, "SELECT COUNT(*) FROM film")
    assert everything.rows == [(Film.objects.using(alias).count(),)] and not everything.truncated


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # A write behind WITH passes the first-word check: the read-only connection refuses it.
        ("WITH t AS (SELECT 1 AS x) DELETE FROM film WHERE film_id IN (SELECT x FROM t)", "read"),
        ("INSERT INTO film (title) VALUES ('X')", "INSERT is not allowed"),
        ("SELECT 1; DELETE FROM film", "one statement at a time"),
    ],
)
def test_writes_are_refused_and_change_nothing(seeded_domains, sql, message):
    alias = seeded_domains("dvdrental")
    before = table_digest(using=alias, model=Film)
    with pytest.raises(QueryRefused) as error:
        run_readonly(alias, sql)
    text = str(error.value)
    # MariaDB has no writable WITH: a syntax error there, refused all the same.
    assert message.lower() in text.lower() or (vendor(alias) == "mysql" and "syntax" in text), text
    assert table_digest(using=alias, model=Film) == before


def test_a_query_past_the_timeout_is_stopped(seeded_domains):
    alias = seeded_domains("dvdrental")
    assert Rental.objects.using(alias).count() > 10_000  # the cross join below runs for minutes
    with pytest.raises(QueryTimeout, match="time limit of 0.3 s"):
        run_readonly(alias, "SELECT COUNT(*) FROM rental a CROSS JOIN rental b", timeout_ms=300)


def test_database_errors_are_one_line(seeded_domains):
    with pytest.raises(QueryFailed) as error:
        run_readonly(seeded_domains("dvdrental"), "SELECT no_such_column FROM film")
    assert "no_such_column" in str(error.value) and "\n" not in str(error.value)
