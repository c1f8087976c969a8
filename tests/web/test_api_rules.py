"""API rules shared by every domain: cursor-paged lists say so and refuse page numbers; open reads carry no lock."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(databases=["default", "cardportfolio", "minicrm"])


def _schema(client) -> dict:
    return client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_a_cursor_paged_list_refuses_a_page_number_naming_the_cursor(client):
    url = reverse("cardportfolio:transaction-list")
    assert client.get(url).status_code == 200
    response = client.get(url, {"page": 2})
    assert response.status_code == 400
    assert "cursor" in response.json()["page"][0] and "next" in response.json()["page"][0]


def test_the_schema_says_which_lists_are_paged_by_cursor(client):
    parameters = _schema(client)["paths"]["/api/cardportfolio/transactions/"]["get"]["parameters"]
    cursor = next(parameter for parameter in parameters if parameter["name"] == "cursor")
    assert cursor["description"].startswith("Paged by cursor") and "page" not in {p["name"] for p in parameters}


def test_open_reads_have_no_lock_and_staff_writes_keep_theirs(client):
    paths = _schema(client)["paths"]
    reads = [operation for item in paths.values() for method, operation in item.items() if method == "get"]
    assert len(reads) > 30 and [op["operationId"] for op in reads if op.get("security")] == []
    assert paths["/api/minicrm/rfm/calculate/"]["post"]["security"]
