"""Hand-made rows (factories): what the API and admin show for data the simulation did not write."""

import datetime as dt

import pytest
from django.urls import reverse

from .conftest import DVDRENTAL_DATABASES
from .factories import CustomerFactory, RentalFactory

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)


def test_customer_without_lifecycle_has_a_null_segment(client):
    customer = CustomerFactory()
    body = client.get(reverse("dvdrental:customer-detail", args=[customer.pk])).json()
    assert body["segment"] is None and body["email"] == customer.email


def test_rental_filters_on_hand_made_rentals(client):
    out = RentalFactory()
    back = RentalFactory(return_date=out.rental_date + dt.timedelta(days=2))
    assert [r["id"] for r in client.get(reverse("dvdrental:rental-list"), {"returned": "false"}).json()["results"]] == [
        out.id
    ]
    returned = client.get(reverse("dvdrental:rental-list"), {"returned": "true", "store": back.inventory.store_id})
    assert [r["id"] for r in returned.json()["results"]] == [back.id]


def test_admin_rental_change_page_uses_raw_id_inputs(admin_client):
    rental = RentalFactory()
    html = admin_client.get(reverse("admin:dvdrental_rental_change", args=[rental.pk])).content.decode()
    assert 'class="vForeignKeyRawIdAdminField"' in html and "<select" not in html.split('name="inventory"')[1][:200]
