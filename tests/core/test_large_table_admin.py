"""LargeTableAdmin: the date hierarchy navigates from MIN and MAX, never a DISTINCT over every row."""

import datetime as dt

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.admin import _periods_between
from dvdrental.models import Rental
from tests.dvdrental.factories import RentalFactory

pytestmark = pytest.mark.django_db(databases=["default", "dvdrental"])
RENTALS = "/admin/dvdrental/rental/"


def at(*parts):
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.fixture
def rentals():
    first = RentalFactory(rental_date=at(2005, 5, 24, 22))
    for stamp in (at(2005, 7, 8, 10), at(2006, 2, 14, 15)):
        RentalFactory(rental_date=stamp, inventory=first.inventory, customer=first.customer, staff=first.staff)


def hierarchy(admin_client, **params):
    with CaptureQueriesContext(connections["dvdrental"]) as queries:
        response = admin_client.get(RENTALS, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


def test_the_changelist_runs_no_distinct_scan(admin_client, rentals):
    response, queries = hierarchy(admin_client)

    assert not [sql for sql in queries if "DISTINCT" in sql.upper()], queries
    html = response.content.decode()
    assert "rental_date__year=2005" in html
    assert "rental_date__year=2006" in html


def test_a_year_offers_the_months_between_its_first_and_last_rental(admin_client, rentals):
    response, queries = hierarchy(admin_client, rental_date__year="2005")

    html = response.content.decode()
    assert not [sql for sql in queries if "DISTINCT" in sql.upper()]
    for month in (5, 6, 7):
        assert f"rental_date__month={month}" in html
    assert "rental_date__month=8" not in html
    assert response.context["cl"].result_count == 2


def test_a_month_offers_its_days_and_the_list_is_exact(admin_client, rentals):
    response, _ = hierarchy(admin_client, rental_date__year="2005", rental_date__month="5")

    html = response.content.decode()
    assert "rental_date__day=24" in html
    assert "rental_date__day=25" not in html
    assert [rental.rental_date for rental in response.context["cl"].result_list] == [at(2005, 5, 24, 22)]


def test_years_and_months_come_from_the_range_other_kinds_stay_exact(rentals, rf):
    from django.contrib import admin

    queryset = admin.site._registry[Rental].get_queryset(rf.get(RENTALS))

    assert list(queryset.datetimes("rental_date", "year")) == [at(2005, 1, 1), at(2006, 1, 1)]
    assert list(queryset.datetimes("rental_date", "month", order="DESC"))[:2] == [at(2006, 2, 1), at(2006, 1, 1)]
    assert list(queryset.datetimes("rental_date", "week")) == list(Rental.objects.datetimes("rental_date", "week"))
    assert list(queryset.none().datetimes("rental_date", "year")) == []


def test_periods_between_cover_both_ends():
    assert _periods_between(dt.date(2024, 11, 30), dt.date(2025, 2, 1), "month") == [
        dt.date(2024, 11, 1), dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1),
    ]  # fmt: skip
    assert _periods_between(dt.date(2024, 2, 28), dt.date(2024, 3, 1), "day") == [
        dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1),
    ]  # fmt: skip
    assert _periods_between(dt.date(2023, 6, 1), dt.date(2025, 1, 1), "year") == [
        dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1),
    ]  # fmt: skip
