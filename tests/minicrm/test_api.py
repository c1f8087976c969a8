import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Avg, Max, Min, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minicrm.models import Customer, Order, RFMScore

from .factories import CustomerFactory, OrderFactory, OrderItemFactory, ProductFactory, RFMScoreFactory

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])

MINICRM_PATHS = [
    "/api/rfm/",
    "/api/rfm/{customer_id}/",
    "/api/rfm/by-segment/",
    "/api/rfm/statistics/",
    "/api/rfm/persona-segments/",
    "/api/rfm/calculate/",
    "/api/customers/",
    "/api/customers/{id}/",
    "/api/products/",
    "/api/products/{id}/",
    "/api/orders/",
    "/api/orders/{id}/",
]


def get_json(client, name, *args, expect=200, **params):
    response = client.get(reverse(f"minicrm:{name}", args=args), params)
    assert response.status_code == expect, response.content
    return response.json()


# --- RFM list and detail -----------------------------------------------------------------------------------------


def test_rfm_list_row_shape_and_values(client):
    score = RFMScoreFactory(customer__first_name="Ada", customer__last_name="Lovelace", monetary=Decimal("812.40"))

    data = get_json(client, "rfm-list")

    assert data["count"] == 1
    assert data["results"] == [
        {
            "customer_id": score.customer_id,
            "name": "Ada Lovelace",
            "email": score.customer.email,
            "customer_name": "Ada Lovelace",
            "customer_email": score.customer.email,
            "recency_days": 10,
            "frequency": 3,
            "monetary": "812.40",
            "recency_score": 4,
            "frequency_score": 3,
            "monetary_score": 3,
            "rfm_code": "433",
            "segment": "Potential Loyalists",
            "as_of": "2026-01-01",
            "calculated_at": "2026-01-01T00:00:00Z",
            "is_stale": False,
        }
    ]


def test_rfm_list_filters_by_segment_and_persona(client):
    champion = RFMScoreFactory(segment="Champions", customer__persona="champions")
    RFMScoreFactory(segment="Champions", customer__persona="loyal")
    RFMScoreFactory(segment="Lost", customer__persona="champions")

    by_segment = get_json(client, "rfm-list", segment="Champions")
    both = get_json(client, "rfm-list", segment="Champions", persona="champions")

    assert by_segment["count"] == 2
    assert {row["segment"] for row in by_segment["results"]} == {"Champions"}
    assert [row["customer_id"] for row in both["results"]] == [champion.customer_id]


def test_rfm_list_filters_by_exact_and_ranged_scores(client):
    for score in range(1, 6):
        RFMScoreFactory(recency_score=score, frequency_score=6 - score)

    exact = get_json(client, "rfm-list", recency_score=3)
    ranged = get_json(client, "rfm-list", min_recency_score=2, max_recency_score=4)
    combined = get_json(client, "rfm-list", min_recency_score=2, max_frequency_score=2)

    assert [row["recency_score"] for row in exact["results"]] == [3]
    assert sorted(row["recency_score"] for row in ranged["results"]) == [2, 3, 4]
    assert sorted(row["recency_score"] for row in combined["results"]) == [4, 5]


def test_rfm_list_filters_by_value_ranges(client):
    for monetary in ("50.00", "150.00", "400.00"):
        RFMScoreFactory(monetary=Decimal(monetary))

    data = get_json(client, "rfm-list", min_monetary="100", max_monetary="400")

    assert sorted(row["monetary"] for row in data["results"]) == ["150.00", "400.00"]


@pytest.mark.parametrize(
    ("ordering", "key", "reverse_order"),
    [("-monetary", "monetary", True), ("recency_days", "recency_days", False), ("-frequency", "frequency", True)],
)
def test_rfm_list_ordering(client, ordering, key, reverse_order):
    for index, (recency, frequency, monetary) in enumerate([(30, 2, "90.00"), (5, 9, "700.00"), (90, 4, "250.00")]):
        RFMScoreFactory(recency_days=recency, frequency=frequency, monetary=Decimal(monetary), rfm_code=f"{index}")

    values = [row[key] for row in get_json(client, "rfm-list", ordering=ordering)["results"]]

    numeric = [Decimal(value) if key == "monetary" else value for value in values]
    assert numeric == sorted(numeric, reverse=reverse_order)
    assert len(set(numeric)) == 3


def test_rfm_list_ordering_breaks_ties_by_customer_id(client):
    tied = [RFMScoreFactory(monetary=Decimal("100.00")) for _ in range(3)]
    top = RFMScoreFactory(monetary=Decimal("900.00"))

    with CaptureQueriesContext(connections["minicrm"]) as queries:
        rows = get_json(client, "rfm-list", ordering="-monetary")["results"]

    assert [row["customer_id"] for row in rows] == [top.customer_id, *(score.customer_id for score in tied)]
    # Ties in the ORDER BY would let the database shuffle rows across pages; the key makes pages deterministic.
    page_sql = re.sub(r'["`]', "", queries.captured_queries[-1]["sql"])
    assert "ORDER BY rfm_scores.monetary DESC, rfm_scores.customer_id ASC" in page_sql


def test_rfm_detail_nests_the_customer(client):
    score = RFMScoreFactory(customer__first_name="Grace", customer__last_name="Hopper", customer__state="VA")

    data = get_json(client, "rfm-detail", score.customer_id)

    assert data["customer_id"] == score.customer_id
    assert data["rfm_code"] == "433"
    assert data["customer"]["id"] == score.customer_id
    assert data["customer"]["name"] == "Grace Hopper"
    assert data["customer"]["state"] == "VA"
    assert data["customer"]["persona"] == "loyal"


def test_rfm_detail_of_unscored_customer_is_404(client):
    customer = CustomerFactory()

    get_json(client, "rfm-detail", customer.id, expect=404)


# --- RFM analytics -----------------------------------------------------------------------------------------------


def test_rfm_by_segment_counts_add_up_and_match_the_database(client, seeded_minicrm):
    rows = get_json(client, "rfm-by-segment")["segments"]

    scored = RFMScore.objects.count()
    assert scored == 500
    assert sum(row["customers"] for row in rows) == scored
    assert sum(row["revenue_share"] for row in rows) == pytest.approx(1.0)
    revenues = [Decimal(row["revenue"]) for row in rows]
    assert revenues == sorted(revenues, reverse=True)
    for row in rows:
        expected = RFMScore.objects.filter(segment=row["segment"]).aggregate(
            frequency=Avg("frequency"), revenue=Sum("monetary"), recency=Avg("recency_days")
        )
        assert row["customers"] == RFMScore.objects.filter(segment=row["segment"]).count()
        assert row["mean_frequency"] == pytest.approx(float(expected["frequency"]))
        assert row["mean_recency_days"] == pytest.approx(float(expected["recency"]))
        assert Decimal(row["revenue"]) == expected["revenue"]


def test_rfm_by_segment_shares_from_factories(client):
    RFMScoreFactory(segment="Champions", monetary=Decimal("300.00"))
    RFMScoreFactory(segment="Champions", monetary=Decimal("500.00"))
    RFMScoreFactory(segment="Lost", monetary=Decimal("200.00"))

    rows = get_json(client, "rfm-by-segment")["segments"]

    assert [(row["segment"], row["customers"], row["revenue"]) for row in rows] == [
        ("Champions", 2, "800.00"),
        ("Lost", 1, "200.00"),
    ]
    assert [row["revenue_share"] for row in rows] == pytest.approx([0.8, 0.2])
    assert rows[0]["mean_monetary"] == "400.00"


def test_rfm_statistics_match_the_database(client, seeded_minicrm):
    data = get_json(client, "rfm-statistics")

    assert data["customers"] == RFMScore.objects.count() == 500
    for name in ("recency_days", "frequency", "monetary"):
        expected = RFMScore.objects.aggregate(low=Min(name), mean=Avg(name), high=Max(name))
        values = data[name]
        assert values["min"] <= values["mean"] <= values["max"]
        assert values["min"] == pytest.approx(float(expected["low"]))
        assert values["mean"] == pytest.approx(float(expected["mean"]))
        assert values["max"] == pytest.approx(float(expected["high"]))
    assert data["frequency"]["min"] >= 1


def test_rfm_statistics_without_scores_are_null(client):
    data = get_json(client, "rfm-statistics")

    assert data["customers"] == data["total_customers"] == 0
    for name in ("recency_days", "frequency", "monetary"):
        assert data[name] == {"min": None, "mean": None, "max": None}
        assert data[f"avg_{name}"] is data[f"min_{name}"] is data[f"max_{name}"] is None


# --- RFM calculation ---------------------------------------------------------------------------------------------


@pytest.fixture
def two_buyers():
    """Two customers with kept orders and one whose only order is cancelled (not scored)."""
    first = OrderFactory(order_date=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)).customer
    OrderFactory(customer=first, order_date=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), total_price=Decimal("40.00"))
    second = OrderFactory(order_date=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)).customer
    OrderFactory(status="cancelled")
    return first, second


def calculate_url():
    return reverse("minicrm:rfm-calculate")


def test_rfm_calculate_is_forbidden_to_anonymous_users(client, two_buyers):
    response = client.post(calculate_url(), {}, content_type="application/json")

    assert response.status_code == 403
    assert not RFMScore.objects.exists()


def test_rfm_calculate_is_forbidden_to_non_staff_users(client, django_user_model, two_buyers):
    client.force_login(django_user_model.objects.create_user(username="analyst", password="x"))

    response = client.post(calculate_url(), {}, content_type="application/json")

    assert response.status_code == 403
    assert not RFMScore.objects.exists()


def test_rfm_calculate_as_staff_writes_scores(admin_client, two_buyers):
    first, second = two_buyers

    response = admin_client.post(calculate_url(), {"as_of": "2025-07-01"}, content_type="application/json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["customers_scored"] == 2
    assert data["as_of"] == "2025-07-01"
    assert data["written"] is True
    scores = {score.customer_id: score for score in RFMScore.objects.all()}
    assert set(scores) == {first.id, second.id}
    assert scores[first.id].recency_days == 30
    assert scores[first.id].frequency == 2
    assert scores[first.id].monetary == Decimal("65.00")
    assert scores[first.id].as_of == dt.date(2025, 7, 1)


def test_rfm_calculate_defaults_to_the_day_after_the_last_order(admin_client, two_buyers):
    response = admin_client.post(calculate_url(), content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["as_of"] == "2025-06-02"
    assert RFMScore.objects.count() == 2


def test_rfm_calculate_dry_run_writes_nothing(admin_client, two_buyers):
    response = admin_client.post(calculate_url(), {"dry_run": True}, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["customers_scored"] == 2
    assert response.json()["written"] is False
    assert not RFMScore.objects.exists()


def test_rfm_calculate_rejects_a_malformed_date(admin_client, two_buyers):
    response = admin_client.post(calculate_url(), {"as_of": "2025-02-30"}, content_type="application/json")

    assert response.status_code == 400
    assert "as_of" in response.json()
    assert not RFMScore.objects.exists()


# --- Customers, products, orders ---------------------------------------------------------------------------------


def test_customer_list_shows_segment_and_filters(client):
    scored = RFMScoreFactory(segment="Champions", customer__persona="champions", customer__state="CA").customer
    CustomerFactory(persona="lapsed", state="NY")

    everyone = get_json(client, "customer-list")
    californians = get_json(client, "customer-list", state="ca")
    lapsed = get_json(client, "customer-list", persona="lapsed")
    champions = get_json(client, "customer-list", segment="Champions")

    assert everyone["count"] == 2
    assert {row["id"]: row["segment"] for row in everyone["results"]}[scored.id] == "Champions"
    assert [row["segment"] for row in lapsed["results"]] == [None]
    assert [row["id"] for row in californians["results"]] == [scored.id]
    assert [row["persona"] for row in lapsed["results"]] == ["lapsed"]
    assert [row["id"] for row in champions["results"]] == [scored.id]


def test_customer_list_search_matches_name_and_email(client):
    ada = CustomerFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    CustomerFactory(first_name="Alan", last_name="Turing", email="alan@example.org")

    assert [row["id"] for row in get_json(client, "customer-list", search="lovelace")["results"]] == [ada.id]
    assert [row["id"] for row in get_json(client, "customer-list", search="Ada Love")["results"]] == [ada.id]
    assert [row["id"] for row in get_json(client, "customer-list", search="example.com")["results"]] == [ada.id]
    assert get_json(client, "customer-list", search="Grace")["count"] == 0


def test_customer_list_ordering(client):
    for day in (5, 1, 9):
        CustomerFactory(created_at=dt.datetime(2024, 1, day, tzinfo=dt.UTC))

    rows = get_json(client, "customer-list", ordering="-created_at")["results"]

    assert [row["created_at"][:10] for row in rows] == ["2024-01-09", "2024-01-05", "2024-01-01"]


def test_customer_detail_nests_the_rfm_score(client):
    scored = RFMScoreFactory(rfm_code="545", segment="Champions").customer
    unscored = CustomerFactory()

    assert get_json(client, "customer-detail", scored.id)["rfm_score"]["rfm_code"] == "545"
    data = get_json(client, "customer-detail", unscored.id)
    assert data["rfm_score"] is None
    assert data["email"] == unscored.email


def test_product_list_and_detail(client):
    ProductFactory(name="Desk Lamp", category="Home", price=Decimal("22.00"))
    mug = ProductFactory(name="Ceramic Mug", category="Kitchen", price=Decimal("12.00"))

    kitchen = get_json(client, "product-list", category="Kitchen")
    by_price = get_json(client, "product-list", ordering="price")

    assert [row["name"] for row in kitchen["results"]] == ["Ceramic Mug"]
    assert [row["price"] for row in by_price["results"]] == ["12.00", "22.00"]
    assert get_json(client, "product-detail", mug.id)["category"] == "Kitchen"


def test_order_list_filters_by_customer_status_and_date(client):
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace")
    may = OrderFactory(customer=customer, order_date=dt.datetime(2025, 5, 31, 23, 59, tzinfo=dt.UTC))
    june = OrderFactory(customer=customer, order_date=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), status="cancelled")
    other = OrderFactory(order_date=dt.datetime(2025, 6, 15, tzinfo=dt.UTC))

    mine = get_json(client, "order-list", customer=customer.id)
    cancelled = get_json(client, "order-list", status="cancelled")
    in_june = get_json(client, "order-list", min_order_date="2025-06-01", max_order_date="2025-06-30")
    on_may_31 = get_json(client, "order-list", min_order_date="2025-05-31", max_order_date="2025-05-31")

    assert sorted(row["id"] for row in mine["results"]) == [may.id, june.id]
    assert {row["customer_name"] for row in mine["results"]} == {"Ada Lovelace"}
    assert [row["id"] for row in cancelled["results"]] == [june.id]
    assert sorted(row["id"] for row in in_june["results"]) == [june.id, other.id]
    assert [row["id"] for row in on_may_31["results"]] == [may.id]


def test_order_list_ordering(client):
    for total in ("30.00", "10.00", "20.00"):
        OrderFactory(total_price=Decimal(total))

    rows = get_json(client, "order-list", ordering="-total_price")["results"]

    assert [row["total_price"] for row in rows] == ["30.00", "20.00", "10.00"]


def test_order_detail_nests_customer_and_items(client):
    order = OrderFactory(customer__first_name="Ada", total_price=Decimal("62.00"))
    OrderItemFactory(order=order, product__name="Desk Lamp", quantity=2, unit_price=Decimal("22.00"))
    OrderItemFactory(order=order, product__name="Ceramic Mug", quantity=1, unit_price=Decimal("18.00"))

    data = get_json(client, "order-detail", order.id)

    assert data["customer"]["id"] == order.customer_id
    assert data["customer"]["first_name"] == "Ada"
    assert [(item["product_name"], item["quantity"], item["unit_price"]) for item in data["items"]] == [
        ("Desk Lamp", 2, "22.00"),
        ("Ceramic Mug", 1, "18.00"),
    ]


def test_list_endpoints_on_seeded_data_agree_with_the_database(client, seeded_minicrm):
    assert get_json(client, "customer-list")["count"] == Customer.objects.count() == 500
    assert get_json(client, "order-list")["count"] == Order.objects.count()
    persona_rows = get_json(client, "rfm-list", persona="champions", page_size=500)
    assert persona_rows["count"] == RFMScore.objects.filter(customer__persona="champions").count() > 0
    emails = {row["email"] for row in persona_rows["results"]}
    assert set(Customer.objects.filter(email__in=emails).values_list("persona", flat=True)) == {"champions"}


# --- Malformed parameters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("rfm-list", {"recency_score": "abc"}, "recency_score"),
        ("rfm-list", {"recency_score": "4.5"}, "recency_score"),
        ("rfm-list", {"min_frequency_score": "9"}, "min_frequency_score"),
        ("rfm-list", {"min_monetary": "x"}, "min_monetary"),
        ("rfm-list", {"segment": "Bogus"}, "segment"),
        ("rfm-list", {"persona": "pirates"}, "persona"),
        ("customer-list", {"persona": "pirates"}, "persona"),
        ("order-list", {"customer": "abc"}, "customer"),
        ("order-list", {"min_order_date": "2025-13-01"}, "min_order_date"),
        ("order-list", {"status": "lost"}, "status"),
    ],
)
def test_malformed_query_parameters_are_400_naming_the_parameter(client, name, params, parameter):
    RFMScoreFactory()

    data = get_json(client, name, expect=400, **params)

    assert parameter in data
    assert data[parameter]


def test_unknown_ordering_is_ignored(client):
    RFMScoreFactory()

    assert get_json(client, "rfm-list", ordering="bogus")["count"] == 1


# --- Query counts ------------------------------------------------------------------------------------------------


def make_rfm_scores(rows):
    RFMScoreFactory.create_batch(rows)


def make_customers(rows):
    for index in range(rows):
        # Half scored, half not: the segment comes from the same LEFT JOIN either way.
        RFMScoreFactory() if index % 2 else CustomerFactory()


def make_products(rows):
    ProductFactory.create_batch(rows)


def make_orders(rows):
    OrderFactory.create_batch(rows)


@pytest.mark.parametrize("rows", [5, 25])
@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("rfm-list", make_rfm_scores),
        ("customer-list", make_customers),
        ("product-list", make_products),
        ("order-list", make_orders),
    ],
)
def test_list_endpoints_run_two_queries_whatever_the_rows(client, django_assert_num_queries, name, make, rows):
    make(rows)

    # One COUNT for the paginator and one SELECT for the page, related rows joined in; order rows carry their
    # lines, which one prefetch query brings for the whole page.
    with django_assert_num_queries(3 if name == "order-list" else 2, using="minicrm"):
        data = get_json(client, name)

    assert data["count"] == rows
    assert len(data["results"]) == rows


@pytest.mark.parametrize("items", [1, 6])
def test_order_detail_runs_two_queries_whatever_the_items(client, django_assert_num_queries, items):
    order = OrderFactory()
    OrderItemFactory.create_batch(items, order=order)

    with django_assert_num_queries(2, using="minicrm"):
        data = get_json(client, "order-detail", order.id)

    assert len(data["items"]) == items


@pytest.mark.parametrize("rows", [5, 25])
def test_rfm_analytics_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    for index in range(rows):
        RFMScoreFactory(segment=("Champions", "Lost", "At Risk")[index % 3])

    with django_assert_num_queries(2, using="minicrm"):
        segments = get_json(client, "rfm-by-segment")["segments"]
    with django_assert_num_queries(1, using="minicrm"):
        statistics = get_json(client, "rfm-statistics")

    assert sum(row["customers"] for row in segments) == statistics["customers"] == rows


# --- Schema and docs ---------------------------------------------------------------------------------------------


def test_schema_lists_every_minicrm_path(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(MINICRM_PATHS) <= set(paths)
    assert "post" in paths["/api/rfm/calculate/"]
    rfm_parameters = {parameter["name"] for parameter in paths["/api/rfm/"]["get"]["parameters"]}
    assert {"segment", "persona", "recency_score", "min_monetary", "ordering", "page"} <= rfm_parameters
    statistics = paths["/api/rfm/statistics/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert statistics["schema"] == {"$ref": "#/components/schemas/MinicrmRFMStatistics"}


@pytest.mark.parametrize("page", ["api-docs", "api-redoc"])
def test_api_docs_load_assets_locally(client, page):
    response = client.get(reverse(page))

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets
    assert not [asset for asset in assets if asset.startswith(("http:", "https:", "//"))]
    assert any(asset.startswith("/static/drf_spectacular_sidecar/") for asset in assets)
    assert "http://" not in html
    assert "https://" not in html


def test_persona_segments_match_the_scores(client, seeded_minicrm):
    rows = get_json(client, "rfm-persona-segments")
    assert sum(row["customers"] for row in rows) == RFMScore.objects.count() == 500
    lapsed = {row["segment"]: row["customers"] for row in rows if row["persona"] == "lapsed"}
    assert sum(lapsed.values()) == Customer.objects.filter(persona="lapsed").count()
    assert lapsed.get("Lost", 0) + lapsed.get("Hibernating", 0) >= 0.8 * sum(lapsed.values())
