from decimal import Decimal

import pytest
from django.urls import reverse

from minicrm.models import Product

from .factories import CustomerFactory, OrderFactory, OrderItemFactory, ProductFactory, RFMScoreFactory

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])

MODELS = ["customer", "product", "order", "orderitem", "rfmscore"]


def changelist_url(model):
    return reverse(f"admin:minicrm_{model}_changelist")


def change_url(model, pk):
    return reverse(f"admin:minicrm_{model}_change", args=[pk])


def changelist(admin_client, model, **params):
    response = admin_client.get(changelist_url(model), params)
    assert response.status_code == 200, response.content[:500]
    return response.context["cl"]


@pytest.fixture
def scored_order():
    """An order of two lines whose customer has an RFM score."""
    item = OrderItemFactory(order__customer__email="ada@example.com", order__customer__persona="champions")
    OrderItemFactory(order=item.order)
    RFMScoreFactory(customer=item.order.customer, segment="Champions", recency_score=5, rfm_code="555")
    return item.order


def test_every_changelist_lists_its_rows(admin_client, scored_order):
    counts = {model: changelist(admin_client, model).result_count for model in MODELS}

    assert counts == {"customer": 1, "product": 2, "order": 1, "orderitem": 2, "rfmscore": 1}


def test_customer_changelist_shows_the_segment(admin_client, scored_order):
    response = admin_client.get(changelist_url("customer"))

    assert b"ada@example.com" in response.content
    assert b"Champions" in response.content


def test_every_change_page_loads(admin_client, scored_order):
    item = scored_order.items.first()
    pages = {
        "customer": scored_order.customer_id,
        "product": item.product_id,
        "order": scored_order.id,
        "orderitem": item.id,
        "rfmscore": scored_order.customer_id,
    }

    for model, pk in pages.items():
        response = admin_client.get(change_url(model, pk))
        assert response.status_code == 200, model
        assert str(pk).encode() in response.content


def test_customer_change_page_shows_the_rfm_score_read_only(admin_client, scored_order):
    response = admin_client.get(change_url("customer", scored_order.customer_id))

    html = response.content.decode()
    assert "555" in html
    assert 'name="rfm_score-0-rfm_code"' not in html


def test_rfm_scores_are_view_only(admin_client, scored_order):
    assert admin_client.get(reverse("admin:minicrm_rfmscore_add")).status_code == 403
    html = admin_client.get(change_url("rfmscore", scored_order.customer_id)).content.decode()
    assert 'name="segment"' not in html


def test_customer_changelist_filters_and_search(admin_client):
    ada = RFMScoreFactory(customer__first_name="Ada", customer__persona="champions", segment="Champions").customer
    # Names chosen so that only Ada matches "Ada" (a random Faker name such as "Adams" would match too).
    RFMScoreFactory(
        customer__first_name="Grace", customer__last_name="Hopper", customer__persona="champions", segment="Lost"
    )
    CustomerFactory(persona="lapsed", first_name="Edith", last_name="Lovelace")

    by_persona = changelist(admin_client, "customer", persona__exact="champions")
    by_segment = changelist(admin_client, "customer", rfm_score__segment__exact="Champions")
    searched = changelist(admin_client, "customer", q="Ada")
    by_email = changelist(admin_client, "customer", q=ada.email)

    assert by_persona.result_count == 2
    assert [customer.id for customer in by_segment.result_list] == [ada.id]
    assert [customer.id for customer in searched.result_list] == [ada.id]
    assert [customer.id for customer in by_email.result_list] == [ada.id]


def test_order_changelist_filters_by_status_and_searches_customer_email(admin_client):
    cancelled = OrderFactory(status="cancelled", customer__email="grace@example.com")
    OrderFactory(status="delivered")

    by_status = changelist(admin_client, "order", status__exact="cancelled")
    searched = changelist(admin_client, "order", q="grace@")
    by_year = changelist(admin_client, "order", order_date__year=cancelled.order_date.year)

    assert [order.id for order in by_status.result_list] == [cancelled.id]
    assert [order.id for order in searched.result_list] == [cancelled.id]
    assert by_year.result_count == 2


def test_rfm_changelist_filters_by_segment_and_scores(admin_client):
    top = RFMScoreFactory(segment="Champions", recency_score=5, monetary_score=5)
    RFMScoreFactory(segment="Champions", recency_score=4, monetary_score=5)
    RFMScoreFactory(segment="Lost", recency_score=1, monetary_score=1)

    by_segment = changelist(admin_client, "rfmscore", segment__exact="Champions")
    by_scores = changelist(admin_client, "rfmscore", recency_score="5", monetary_score="5")
    searched = changelist(admin_client, "rfmscore", q=top.customer.email)
    # A value the filter does not offer is ignored, not sent to the database.
    bogus = changelist(admin_client, "rfmscore", recency_score="abc")

    assert by_segment.result_count == 2
    assert [score.customer_id for score in by_scores.result_list] == [top.customer_id]
    assert [score.customer_id for score in searched.result_list] == [top.customer_id]
    assert bogus.result_count == 3


def test_order_customer_and_item_product_are_raw_id_inputs(admin_client, scored_order):
    for url in (change_url("order", scored_order.id), reverse("admin:minicrm_order_add")):
        html = admin_client.get(url).content.decode()
        assert '<select name="customer"' not in html
        assert 'name="customer"' in html
        assert "vForeignKeyRawIdAdminField" in html
        assert '<select name="items-0-product"' not in html

    html = admin_client.get(change_url("order", scored_order.id)).content.decode()
    assert f'name="customer" value="{scored_order.customer_id}"' in html
    assert 'name="items-0-product"' in html


def test_rfm_score_and_order_item_foreign_keys_are_raw_id_inputs(admin_client, scored_order):
    item = scored_order.items.first()

    item_html = admin_client.get(change_url("orderitem", item.id)).content.decode()
    add_item_html = admin_client.get(reverse("admin:minicrm_orderitem_add")).content.decode()

    for html in (item_html, add_item_html):
        assert '<select name="order"' not in html
        assert '<select name="product"' not in html
        assert html.count("vForeignKeyRawIdAdminField") == 2


def test_product_change_is_saved_to_the_minicrm_database(admin_client):
    product = ProductFactory(name="Desk Lamp", price=Decimal("22.00"))

    response = admin_client.post(
        change_url("product", product.id),
        {"name": "Desk Lamp XL", "category": "Home", "description": "Bigger.", "price": "29.50", "stock": 4},
    )

    assert response.status_code == 302
    product = Product.objects.using("minicrm").get(id=product.id)
    assert (product.name, product.price, product.stock) == ("Desk Lamp XL", Decimal("29.50"), 4)


def make_rows(rows):
    for _ in range(rows):
        item = OrderItemFactory()
        RFMScoreFactory(customer=item.order.customer)


# COUNT for the paginator (never a second, full COUNT), the page with its related rows joined, then one query per
# date-hierarchy level or per filter whose choices come from the database (product categories, the products).
CHANGELIST_QUERIES = {"customer": 4, "product": 3, "order": 4, "orderitem": 3, "rfmscore": 2}


@pytest.mark.parametrize("rows", [5, 25])
@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_num_queries, model, rows):
    make_rows(rows)

    with django_assert_num_queries(CHANGELIST_QUERIES[model], using="minicrm"):
        cl = changelist(admin_client, model)

    assert len(cl.result_list) == rows


@pytest.mark.parametrize("model", ["customer", "rfmscore"])
def test_facets_are_never_counted(admin_client, django_assert_num_queries, model):
    make_rows(5)

    with django_assert_num_queries(CHANGELIST_QUERIES[model], using="minicrm"):
        changelist(admin_client, model, _facets="True")
