"""churnlab admin: every table browsable, filters and customer search, raw-id keys, read-only outputs, and a
fixed number of queries per changelist whatever the rows (no COUNT per page, no DISTINCT date scans)."""

import datetime as dt

import pytest
from django.urls import reverse

from .factories import (
    BillingFactory,
    ChurnFeatureFactory,
    ChurnTruthFactory,
    CustomerFactory,
    DataQualityCheckFactory,
    SupportTicketFactory,
    UsageDailyFactory,
)

pytestmark = pytest.mark.django_db(databases=["default", "churnlab"])

MODELS = ["customer", "usagedaily", "billing", "supportticket", "churntruth", "churnfeature", "dataqualitycheck"]


def changelist_url(model):
    return reverse(f"admin:churnlab_{model}_changelist")


def changelist(admin_client, model, **params):
    response = admin_client.get(changelist_url(model), params)
    assert response.status_code == 200, response.content[:500]
    return response.context["cl"]


def make_rows(rows):
    for index in range(rows):
        customer = CustomerFactory(plan=("Free", "Pro")[index % 2])
        UsageDailyFactory(customer=customer, date=dt.date(2024, 1 + index % 12, 1))
        BillingFactory(customer=customer)
        SupportTicketFactory(customer=customer)
        ChurnTruthFactory(customer=customer)
        ChurnFeatureFactory(customer=customer)
        DataQualityCheckFactory()


def test_every_changelist_and_change_page_loads(admin_client):
    make_rows(2)
    for model in MODELS:
        cl = changelist(admin_client, model)
        assert cl.result_count == 2, model
        pk = cl.result_list[0].pk
        response = admin_client.get(reverse(f"admin:churnlab_{model}_change", args=[pk]))
        assert response.status_code == 200, model


def test_usage_month_filter_and_customer_search(admin_client):
    first, second = CustomerFactory(), CustomerFactory()
    UsageDailyFactory(customer=first, date=dt.date(2024, 3, 5))
    UsageDailyFactory(customer=first, date=dt.date(2024, 4, 1))
    UsageDailyFactory(customer=second, date=dt.date(2024, 3, 31))

    march = changelist(admin_client, "usagedaily", date="2024-03")
    searched = changelist(admin_client, "usagedaily", q=str(first.id))
    not_a_number = changelist(admin_client, "usagedaily", q="abc")
    malformed_month = changelist(admin_client, "usagedaily", date="2024-13")

    assert sorted(row.date.day for row in march.result_list) == [5, 31]
    assert {row.customer_id for row in searched.result_list} == {first.id}
    assert searched.result_count == 2
    assert not_a_number.result_count == 0
    assert malformed_month.result_count == 3
    # Newest first, and the month choices run from the last month back to the first.
    assert [row.date for row in changelist(admin_client, "usagedaily").result_list][0] == dt.date(2024, 4, 1)
    html = admin_client.get(changelist_url("usagedaily")).content.decode()
    assert html.index("2024-04") < html.index("2024-03")


def test_feature_filters(admin_client):
    churned = ChurnFeatureFactory(customer__plan="Free", last_active_date=dt.date(2024, 10, 1))
    ChurnFeatureFactory(customer__plan="Free", last_active_date=dt.date(2024, 12, 30))
    ChurnFeatureFactory(customer__plan="Pro", last_active_date=dt.date(2024, 10, 1))

    cl = changelist(admin_client, "churnfeature", churn_label="1", plan__exact="Free")

    assert [row.customer_id for row in cl.result_list] == [churned.customer_id]
    assert changelist(admin_client, "churnfeature", churn_label="7").result_count == 3


def test_customer_keys_are_raw_id_inputs(admin_client):
    usage = UsageDailyFactory()
    for url in (
        reverse("admin:churnlab_usagedaily_change", args=[usage.id]),
        reverse("admin:churnlab_usagedaily_add"),
        reverse("admin:churnlab_billing_add"),
        reverse("admin:churnlab_supportticket_add"),
    ):
        html = admin_client.get(url).content.decode()
        assert '<select name="customer"' not in html
        assert "vForeignKeyRawIdAdminField" in html


def test_truth_and_pipeline_outputs_are_read_only(admin_client):
    feature = ChurnFeatureFactory()
    for model in ("churntruth", "churnfeature", "dataqualitycheck"):
        assert admin_client.get(reverse(f"admin:churnlab_{model}_add")).status_code == 403
    html = admin_client.get(reverse("admin:churnlab_churnfeature_change", args=[feature.pk])).content.decode()
    assert 'name="churn_label"' not in html


# COUNT for the paginator (never a second, full COUNT) and the page with its customers joined; plus MIN and MAX
# (one index look-up each) for a month filter, and one SELECT DISTINCT over 8 rows for the quality table filter.
CHANGELIST_QUERIES = {
    "customer": 4,
    "usagedaily": 4,
    "billing": 4,
    "supportticket": 4,
    "churntruth": 2,
    "churnfeature": 4,
    "dataqualitycheck": 3,
}


@pytest.mark.parametrize("rows", [3, 12])
@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_num_queries, model, rows):
    make_rows(rows)

    with django_assert_num_queries(CHANGELIST_QUERIES[model], using="churnlab") as captured:
        cl = changelist(admin_client, model)

    assert len(cl.result_list) == rows
    assert not [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"] and model != "dataqualitycheck"]
