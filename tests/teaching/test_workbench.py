"""The workbench page and its two API operations, through Django's test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.teaching.answers import dialect_of
from core.teaching.exercises import exercise_by_id
from core.validation import table_digest
from dvdrental.models import Rental
from tests.teaching.conftest import TEACHING_DATABASES

pytestmark = pytest.mark.django_db(databases=TEACHING_DATABASES)


def query(client, sql, domain="dvdrental"):
    return client.get(reverse("workbench-api:query", args=[domain]), {"sql": sql})


def check(client, exercise, sql):
    return client.get(reverse("workbench-api:check", args=["dvdrental"]), {"exercise": exercise, "sql": sql})


def test_the_page_lists_exercises_and_the_schema(client, seeded_domains):
    seeded_domains("dvdrental")
    response = client.get("/workbench/dvdrental/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="schema-rental"' in text and "dvd-4-04" in text and "Check my answer" in text
    assert "csrftoken" in response.cookies


def test_every_domain_has_a_workbench_page(client):
    from django.conf import settings

    for domain in settings.DOMAIN_APPS:
        assert client.get(f"/workbench/{domain}/").status_code == 200, domain
    assert client.get("/workbench/nope/").status_code == 404


def test_a_query_returns_rows_capped_by_the_setting(client, seeded_domains, settings):
    seeded_domains("dvdrental")
    settings.WORKBENCH_MAX_ROWS = 5
    body = query(client, "SELECT rental_id, rental_date FROM rental ORDER BY rental_id").json()
    assert body["columns"] == ["rental_id", "rental_date"] and body["row_count"] == 5 and body["truncated"]
    assert body["rows"][0][0] == 1 and isinstance(body["rows"][0][1], str) and body["error"] is None
    assert client.get(reverse("workbench-api:query", args=["dvdrental"])).status_code == 400  # no sql at all


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO rental (rental_id) VALUES (1)", "INSERT is not allowed"),
        ("UPDATE film SET title = 'X'", "UPDATE is not allowed"),
        ("DELETE FROM rental", "DELETE is not allowed"),
        ("DROP TABLE rental", "DROP is not allowed"),
        ("ATTACH DATABASE 'other.db' AS other", "ATTACH is not allowed"),
        ("PRAGMA journal_mode = DELETE", "PRAGMA is not allowed"),
        ("SELECT 1; SELECT 2", "one statement at a time"),
        ("SELECT * FROM no_such_table", "no_such_table"),
    ],
)
def test_refusals_name_what_is_wrong_and_change_nothing(client, seeded_domains, sql, message):
    seeded_domains("dvdrental")
    before = table_digest(using="dvdrental", model=Rental)
    response = query(client, sql)
    assert response.status_code == 200 and message in response.json()["error"] and response.json()["rows"] == []
    assert table_digest(using="dvdrental", model=Rental) == before


def test_a_query_past_the_timeout_is_refused(client, seeded_domains, settings):
    seeded_domains("dvdrental")
    settings.WORKBENCH_TIMEOUT_MS = 300
    response = query(client, "SELECT COUNT(*) FROM rental a CROSS JOIN rental b")
    assert "time limit of 0.3 s" in response.json()["error"]


def test_check_my_answer(client, seeded_domains):
    seeded_domains("dvdrental")
    exercise = exercise_by_id("dvdrental")["dvd-2-01"]
    solution = exercise.solutions.for_dialect(dialect_of("dvdrental"))
    assert check(client, "dvd-2-01", solution).json() == {
        "exercise": "dvd-2-01",
        "correct": True,
        "message": "",
        "kind": "",
    }
    wrong = check(client, "dvd-2-01", solution.replace("COUNT(*)", "COUNT(*) * 2")).json()
    assert not wrong["correct"] and wrong["kind"] == "value" and "wrong value in row 1, column 2" in wrong["message"]
    refused = check(client, "dvd-2-01", "DROP TABLE film").json()
    assert refused["kind"] == "error" and "DROP is not allowed" in refused["message"]
    assert check(client, "dvd-9-99", "SELECT 1").status_code == 400


def test_closed_to_anonymous_users_when_not_public(client, seeded_domains, settings, django_user_model):
    seeded_domains("dvdrental")
    settings.WORKBENCH_PUBLIC = False
    assert client.get("/workbench/dvdrental/").status_code == 302
    assert query(client, "SELECT 1").status_code in (401, 403)
    django_user_model.objects.create_user("student", password="pw-123456")
    client.login(username="student", password="pw-123456")
    assert client.get("/workbench/dvdrental/").status_code == 200
    assert query(client, "SELECT COUNT(*) FROM film").status_code == 200


def test_the_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "get" in paths["/api/workbench/{domain}/query/"] and "get" in paths["/api/workbench/{domain}/check/"]
