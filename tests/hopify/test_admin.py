"""hopify admin over a small real seed: every changelist and change page loads in a bounded number of queries."""

import pytest
from django.apps import apps
from django.urls import reverse

from .conftest import HOPIFY_DATABASES

pytestmark = [pytest.mark.django_db(databases=HOPIFY_DATABASES), pytest.mark.usefixtures("seeded_hopify")]
MODELS = list(apps.get_app_config("hopify").get_models())


def test_every_table_has_an_admin():
    from django.contrib import admin

    assert len(MODELS) == 16
    assert all(model in admin.site._registry for model in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_costs_a_few_queries_whatever_the_table_size(admin_client, django_assert_max_num_queries, model):
    url = reverse(f"admin:hopify_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(6, using="hopify"):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_list


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_change_page_loads(admin_client, model):
    obj = model.objects.using("hopify").order_by("pk").first()
    response = admin_client.get(reverse(f"admin:hopify_{model._meta.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200
