"""The hopify API over a small real seed: pagination, filters, 400s on bad parameters, query counts, schema."""

import pytest
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from hopify.models import ChurnEvent, Order, Subscription

from .conftest import HOPIFY_DATABASES

pytestmark = [pytest.mark.django_db(databases=HOPIFY_DATABASES), pytest.mark.usefixtures("seeded_hopify")]
LISTS = ["customer-list", "subscription-list", "order-list", "churn-event-list", "ticket-list", "campaign-list",
         "funnel"]  # fmt: skip
ANALYTICS = ["kpi-list", "mrr-series", "cohort-retention"]


def get_json(client, name, expect=200, **params):
    response = client.get(reverse(f"hopify:{name}"), params)
    assert response.status_code == expect, response.content[:500]
    return response.json()


@pytest.mark.parametrize("name", LISTS)
def test_list_endpoints_page_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, name):
    with django_assert_max_num_queries(2, using="hopify"):
        page = get_json(client, name, page_size=100)
    assert page["count"] > 0 and len(page["results"]) == min(100, page["count"])


@pytest.mark.parametrize("name", ANALYTICS)
def test_analytics_endpoints_are_paginated(client, name):
    page = get_json(client, name, page_size=5)
    assert page["count"] > 5 and len(page["results"]) == 5 and page["next"]


def test_kpis_of_a_month_and_segment_with_targets(client):
    page = get_json(client, "kpi-list", month="2025-03", segment="Enterprise")
    rows = {row["metric_name"]: row for row in page["results"]}
    assert page["count"] == 13 and {row["customer_segment"] for row in page["results"]} == {"Enterprise"}
    assert rows["Churn Rate"]["target_value"] == 1.5 and rows["Churn Rate"]["target_period"] == "monthly"
    assert rows["LTV"]["target_period"] == "lifetime" and rows["ARR"]["target_period"] == "annual"
    assert rows["MRR"]["month"] == "2025-03-01"
    assert rows["ARR"]["value"] == pytest.approx(rows["MRR"]["value"] * 12)
    assert isinstance(rows["MRR"]["meets_target"], bool)
    assert rows["Mean Resolution Hours"]["target_value"] is None


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("kpi-list", {"month": "March"}, "month"),
        ("kpi-list", {"segment": "Small"}, "segment"),
        ("mrr-series", {"segment": "smb"}, "segment"),
        ("funnel", {"channel": "Email"}, "channel"),
        ("order-list", {"customer": "4.5"}, "customer"),
        ("subscription-list", {"status": "Active"}, "status"),
    ],
)
def test_bad_parameters_are_400s_naming_them(client, name, params, field):
    assert field in get_json(client, name, expect=400, **params)


def test_mrr_series_has_every_month_and_segment(client):
    page = get_json(client, "mrr-series", page_size=500)
    assert page["count"] == 36 * 3
    last = [row for row in page["results"] if row["month"] == "2025-06-01"]
    assert {row["customer_segment"] for row in last} == {"SMB", "Mid-Market", "Enterprise"}
    assert (
        sum(row["active_customers"] for row in last)
        == Subscription.objects.using("hopify").filter(status="active").count()
    )


def test_filters_narrow_the_lists(client):
    churned = get_json(client, "churn-event-list", segment="Enterprise")
    assert (
        churned["count"] == ChurnEvent.objects.using("hopify").filter(customer__customer_segment="Enterprise").count()
    )
    discounted = get_json(client, "order-list", discounted="true", page_size=50)
    assert discounted["count"] == Order.objects.using("hopify").exclude(order_discount=None).count()
    assert all(row["discount_code"].startswith("SALE") for row in discounted["results"])
    funnel = get_json(client, "funnel", channel="Organic", month_from="2024-01", month_to="2024-06")
    assert funnel["count"] == 6


def test_schema_of_the_hopify_endpoints_is_valid_and_warning_free():
    # Only hopify's URLs: other domains' schema problems are theirs (the project-wide check is
    # `manage.py spectacular --validate --fail-on-warn`).
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/hopify/", include("hopify.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    for name in ("kpis", "mrr", "cohorts", "funnel", "customers", "subscriptions", "orders", "churn-events",
                 "tickets", "campaigns"):  # fmt: skip
        assert f"/api/hopify/{name}/" in schema["paths"]
    assert {"HopifyKpiList", "HopifyMrrSeries", "HopifyCohortRetention", "HopifyCustomer"} <= set(
        schema["components"]["schemas"]
    )
