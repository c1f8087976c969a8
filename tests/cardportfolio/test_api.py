"""The cardportfolio API: customers and transactions lists, segment analytics, bad input, query counts."""

import pytest
from django.urls import reverse

from .conftest import CARDPORTFOLIO_DATABASES
from .factories import CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db(databases=CARDPORTFOLIO_DATABASES)


def get_json(client, name, *args, expect=200, **params):
    response = client.get(reverse(f"cardportfolio:{name}", args=args), params)
    assert response.status_code == expect, response.content
    return response.json()


def test_customer_list_row_has_the_13_columns(client):
    CustomerFactory(first_name="Ada", customer_segment="Declining", decline_type="sudden")

    row = get_json(client, "customer-list")["results"][0]

    assert list(row) == [
        "customer_id", "first_name", "last_name", "email", "age", "state", "city", "employment_status", "card_type",
        "credit_limit", "account_open_date", "customer_segment", "decline_type",
    ]  # fmt: skip
    assert row["customer_id"] == "CUST00000001" and row["decline_type"] == "sudden"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"segment": "Declining"}, ["CUST00000002"]),
        ({"state": "tx"}, ["CUST00000003"]),
        ({"card_type": "Premium"}, ["CUST00000001"]),
        ({"decline_type": "gradual"}, ["CUST00000002"]),
        ({"segment": "Stable Mid-Spenders", "state": "CA"}, []),
    ],
)
def test_customer_filters(client, params, expected):
    CustomerFactory(customer_segment="High-Value Travelers", card_type="Premium", state="NY", city="Buffalo")
    CustomerFactory(customer_segment="Declining", decline_type="gradual", state="CA")
    CustomerFactory(customer_segment="Budget-Conscious", state="TX", city="Austin")

    data = get_json(client, "customer-list", **params)

    assert [row["customer_id"] for row in data["results"]] == expected


def test_bad_filter_value_is_a_400_naming_the_parameter(client):
    data = get_json(client, "customer-list", expect=400, segment="Whales")
    assert "segment" in data
    assert "segment" in get_json(client, "monthly-spend", expect=400, segment="Whales")
    assert "as_of" in get_json(client, "observed-segments", expect=400, as_of="soon")


def test_customer_detail_by_id(client):
    CustomerFactory(email="ada@example.com")
    assert get_json(client, "customer-detail", "CUST00000001")["email"] == "ada@example.com"
    get_json(client, "customer-detail", "CUST99999999", expect=404)


def test_transaction_list_filters_and_cursor_pages(client):
    customer = TransactionFactory().customer
    TransactionFactory.create_batch(4, customer=customer, status="declined")
    TransactionFactory(merchant_category="Travel")

    page = get_json(client, "transaction-list", page_size=2)
    assert [row["transaction_id"] for row in page["results"]] == ["TXN00000000001", "TXN00000000002"]
    assert page["next"] and "count" not in page
    declined = get_json(client, "transaction-list", status="declined", customer=customer.customer_id)
    assert len(declined["results"]) == 4
    assert len(get_json(client, "transaction-list", merchant_category="Travel")["results"]) == 1
    assert get_json(client, "transaction-list", min_date="2025-06-02")["results"] == []


def test_list_endpoints_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        TransactionFactory()
    with django_assert_max_num_queries(2, using="cardportfolio"):
        get_json(client, "customer-list")
    with django_assert_max_num_queries(1, using="cardportfolio"):
        get_json(client, "transaction-list")


def test_analytics_endpoints_on_a_seeded_portfolio(client, seeded_cardportfolio, django_assert_max_num_queries):
    with django_assert_max_num_queries(4, using="cardportfolio"):
        segments = get_json(client, "segments")
    assert [row["segment"] for row in segments][:2] == ["High-Value Travelers", "Stable Mid-Spenders"]
    assert segments[0]["customers"] == 60 and segments[0]["target_share"] == 0.15
    assert segments[0]["mean_monthly_spend"] > 5 * segments[2]["mean_monthly_spend"]

    with django_assert_max_num_queries(3, using="cardportfolio"):
        series = get_json(client, "monthly-spend", segment="Declining")
    assert len(series) == 18 and series[0]["month"] == "2024-07-01"

    with django_assert_max_num_queries(3, using="cardportfolio"):
        observed = get_json(client, "observed-segments")
    assert observed["as_of"] == "2026-01-01" and observed["customers"] == 400
    travelers = observed["segments"][0]
    assert travelers["segment"] == "High-Value Travelers" and travelers["recovery_rate"] > 0.85
    assert [cell["segment"] for cell in travelers["observed"]][0] == "High-Value Travelers"


def test_analytics_on_an_empty_database(client):
    assert all(row["customers"] == 0 for row in get_json(client, "segments"))
    assert get_json(client, "monthly-spend") == []
    assert get_json(client, "observed-segments")["as_of"] is None
