"""The earlier CRM's documented API behaviour, as a subset of this project's answers (its paths, keys, writes)."""

import datetime as dt
from decimal import Decimal

import pytest

from minicrm.models import Customer, Order, OrderItem, RFMScore

from .factories import CustomerFactory, OrderFactory, OrderItemFactory, ProductFactory, RFMScoreFactory

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])


def test_rfm_rows_carry_customer_name_and_email(client):
    score = RFMScoreFactory(customer__first_name="Grace", customer__last_name="Hopper")
    row = client.get("/api/rfm/").json()["results"][0]
    assert row["customer_name"] == "Grace Hopper" and row["customer_email"] == score.customer.email


def test_rfm_by_segment_answers_segments_and_total(client):
    RFMScoreFactory.create_batch(3, segment="Champions")
    RFMScoreFactory(segment="Lost")
    data = client.get("/api/rfm/by-segment/").json()
    assert data["total_customers"] == 4
    counts = {row["segment"]: row["count"] for row in data["segments"]}
    assert counts == {"Champions": 3, "Lost": 1}
    assert sum(row["percentage"] for row in data["segments"]) == pytest.approx(100.0)


def test_rfm_statistics_has_the_flat_keys(client):
    RFMScoreFactory(recency_days=10, frequency=2, monetary=Decimal("100.00"))
    RFMScoreFactory(recency_days=30, frequency=4, monetary=Decimal("300.00"))
    data = client.get("/api/rfm/statistics/").json()
    assert data["total_customers"] == 2
    assert (data["avg_recency"], data["min_recency"], data["max_recency"]) == (20, 10, 30)
    assert (data["avg_frequency"], data["min_frequency"], data["max_frequency"]) == (3, 2, 4)
    assert (data["avg_monetary"], data["min_monetary"], data["max_monetary"]) == (200, 100, 300)
    assert data["avg_recency_days"] == 20  # our own name, beside the earlier one


def test_rfm_calculate_answers_message_total_created_updated(admin_client):
    first = OrderFactory(order_date=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)).customer
    OrderFactory(order_date=dt.datetime(2025, 5, 3, tzinfo=dt.UTC))
    data = admin_client.post("/api/rfm/calculate/", {}, content_type="application/json").json()
    assert (data["total_customers"], data["created"], data["updated"]) == (2, 2, 0)
    assert "2 customers" in data["message"]
    OrderFactory(order_date=dt.datetime(2025, 5, 5, tzinfo=dt.UTC))
    data = admin_client.post("/api/rfm/calculate/", {}, content_type="application/json").json()
    assert (data["total_customers"], data["created"], data["updated"]) == (3, 1, 2)
    assert RFMScore.objects.filter(customer=first).exists()


def test_rfm_calculate_is_staff_only(client):
    assert client.post("/api/rfm/calculate/", {}, content_type="application/json").status_code == 403


@pytest.mark.parametrize("alias", ["Cannot Lose Them", "cannot lose them", "Can't Lose Them", "CHAMPIONS"])
def test_segment_filter_accepts_the_original_names(client, alias):
    RFMScoreFactory(segment="Can't Lose Them")
    RFMScoreFactory(segment="Champions")
    expected = "Champions" if alias == "CHAMPIONS" else "Can't Lose Them"
    for url in ("/api/rfm/", "/api/customers/"):
        response = client.get(url, {"segment": alias})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 1
    assert client.get("/api/rfm/", {"segment": alias}).json()["results"][0]["segment"] == expected


def test_unknown_segment_is_still_a_400_naming_the_parameter(client):
    response = client.get("/api/rfm/", {"segment": "Whales"})
    assert response.status_code == 400 and "segment" in response.json()


def test_customer_rows_carry_phone_and_address(client):
    CustomerFactory(phone="(212) 555-0100", address="1 Main St")
    row = client.get("/api/customers/").json()["results"][0]
    assert row["phone"] == "(212) 555-0100" and row["address"] == "1 Main St"
    assert {"city", "state", "postal_code"} <= set(row)


def test_order_rows_carry_customer_and_items(client):
    item = OrderItemFactory(quantity=2)
    row = client.get("/api/orders/").json()["results"][0]
    assert row["customer"] == item.order.customer_id
    assert [(line["product_id"], line["quantity"]) for line in row["items"]] == [(item.product_id, 2)]


def new_customer():
    return {
        "first_name": "Alan", "last_name": "Turing", "email": "alan@example.com", "phone": "(617) 555-0199",
        "address": "2 Elm St", "city": "Boston", "state": "ma", "postal_code": "02108",
    }  # fmt: skip


def test_staff_create_update_and_delete_customers(admin_client):
    response = admin_client.post("/api/customers/", new_customer(), content_type="application/json")
    assert response.status_code == 201, response.content
    created = Customer.objects.get(pk=response.json()["id"])
    assert created.state == "MA" and created.persona == "new" and created.created_at is not None
    url = f"/api/customers/{created.pk}/"
    response = admin_client.patch(url, {"phone": "(617) 555-0100"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Customer.objects.get(pk=created.pk).phone == "(617) 555-0100"
    assert admin_client.delete(url).status_code == 204
    assert not Customer.objects.filter(pk=created.pk).exists()


def test_customer_writes_are_staff_only(client, django_user_model):
    assert client.post("/api/customers/", new_customer(), content_type="application/json").status_code in (401, 403)
    client.force_login(django_user_model.objects.create_user(username="reader", password="x" * 12))
    assert client.post("/api/customers/", new_customer(), content_type="application/json").status_code == 403
    assert not Customer.objects.filter(email="alan@example.com").exists()


def test_a_duplicate_email_is_a_400(admin_client):
    CustomerFactory(email="alan@example.com")
    response = admin_client.post("/api/customers/", new_customer(), content_type="application/json")
    assert response.status_code == 400 and "email" in response.json()


def test_staff_create_an_order_total_from_items_and_rfm_marked_stale(admin_client):
    score = RFMScoreFactory()
    mug, lamp = ProductFactory(price=Decimal("12.50")), ProductFactory(price=Decimal("40.00"))
    payload = {
        "customer": score.customer_id,
        "items": [{"product": mug.pk, "quantity": 2}, {"product": lamp.pk, "quantity": 1, "unit_price": "35.00"}],
    }
    response = admin_client.post("/api/orders/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["total_price"] == "60.00" and data["status"] == "processing"
    assert [line["unit_price"] for line in data["items"]] == ["12.50", "35.00"]
    assert Order.objects.get(pk=data["id"]).total_price == Decimal("60.00")
    assert RFMScore.objects.get(pk=score.customer_id).is_stale is True


def test_staff_update_an_order_recomputes_the_total_and_delete_it(admin_client):
    order = OrderItemFactory(quantity=1, unit_price=Decimal("25.00")).order
    RFMScoreFactory(customer=order.customer)
    product = ProductFactory(price=Decimal("9.99"))
    url = f"/api/orders/{order.pk}/"
    response = admin_client.patch(
        url, {"items": [{"product": product.pk, "quantity": 3}]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["total_price"] == "29.97"
    assert OrderItem.objects.filter(order=order).count() == 1
    assert RFMScore.objects.get(pk=order.customer_id).is_stale is True
    RFMScore.objects.filter(pk=order.customer_id).update(is_stale=False)
    assert admin_client.delete(url).status_code == 204
    assert not Order.objects.filter(pk=order.pk).exists() and not OrderItem.objects.filter(order=order).exists()
    assert RFMScore.objects.get(pk=order.customer_id).is_stale is True


def test_an_order_without_items_or_with_an_unknown_product_is_a_400(admin_client):
    customer = CustomerFactory()
    response = admin_client.post(
        "/api/orders/", {"customer": customer.pk, "items": []}, content_type="application/json"
    )
    assert response.status_code == 400 and "items" in response.json()
    payload = {"customer": customer.pk, "items": [{"product": 999_999, "quantity": 1}]}
    response = admin_client.post("/api/orders/", payload, content_type="application/json")
    assert response.status_code == 400 and "items" in response.json()
    assert not Order.objects.exists()


def test_order_writes_are_staff_only(client):
    customer, product = CustomerFactory(), ProductFactory()
    payload = {"customer": customer.pk, "items": [{"product": product.pk, "quantity": 1}]}
    assert client.post("/api/orders/", payload, content_type="application/json").status_code in (401, 403)
    assert not Order.objects.exists()


def test_recalculating_clears_the_stale_flag(admin_client):
    order = OrderFactory(order_date=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    RFMScoreFactory(customer=order.customer, is_stale=True)
    admin_client.post("/api/rfm/calculate/", {}, content_type="application/json")
    assert RFMScore.objects.get(pk=order.customer_id).is_stale is False


def test_health_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "database": "ok"}


def test_the_original_endpoints_are_in_the_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert "/health/" in paths
    assert {"get", "post"} <= set(paths["/api/customers/"]) and {"get", "post"} <= set(paths["/api/orders/"])
    assert {"put", "patch", "delete"} <= set(paths["/api/orders/{id}/"])
