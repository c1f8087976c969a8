"""The dvdrental API on a small generated database: filters, analytics against SQL, errors, query counts."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from dvdrental.models import Film, LateFee, Rental

from .conftest import DVDRENTAL_DATABASES
from .invariants import fetch

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)
A = "dvdrental"


def get(client, name, **params):
    response = client.get(reverse(f"dvdrental:{name}"), params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.parametrize(
    "name", ["film-list", "customer-list", "rental-list", "late-fee-list", "weekly-volume", "store-revenue"]
)
def test_list_endpoints_are_paginated_with_constant_queries(client, small_level4, django_assert_max_num_queries, name):
    with django_assert_max_num_queries(3, using=A):
        body = get(client, name, page_size=100)
    assert body["count"] > 0 and len(body["results"]) == min(100, body["count"])


def test_film_filters(client, small_level4):
    action = get(client, "film-list", category="action", page_size=500)
    assert action["count"] > 0 and {film["category"] for film in action["results"]} == {"Action"}
    rated = get(client, "film-list", rating="PG-13", min_release_year=2001, page_size=500)
    assert all(f["rating"] == "PG-13" and f["release_year"] >= 2001 for f in rated["results"])
    assert client.get(reverse("dvdrental:film-list"), {"rating": "XXX"}).status_code == 400


def test_rental_filters_by_date_store_and_returned(client, small_level4):
    out = get(client, "rental-list", returned="false", store=1, page_size=500)
    assert out["count"] == Rental.objects.using(A).filter(return_date__isnull=True, inventory__store_id=1).count()
    assert all(r["return_date"] is None and r["store_id"] == 1 for r in out["results"])
    window = get(client, "rental-list", rented_from="2002-03-01", rented_to="2002-04-01")
    assert (
        window["count"]
        == fetch(
            A, "SELECT COUNT(*) FROM rental WHERE rental_date >= %s AND rental_date < %s", ["2002-03-01", "2002-04-01"]
        )[0][0]
    )


def test_late_fees_filter_paid(client, small_level4):
    unpaid = get(client, "late-fee-list", paid="false")
    assert unpaid["count"] == LateFee.objects.using(A).filter(paid=False).count() > 0


def test_weekly_volume_and_phases_match_the_log(client, small_level4):
    weeks = get(client, "weekly-volume", page_size=500)["results"]
    assert [w["week_number"] for w in weeks] == list(range(1, 121))
    phases = get(client, "phases")
    assert [p["business_phase"] for p in phases] == ["growth", "plateau", "decline", "reactivation"]
    growth = [w["actual_rentals"] for w in weeks if w["business_phase"] == "growth"]
    assert phases[0]["mean_actual"] == pytest.approx(sum(growth) / len(growth))


def test_top_films_and_yearly_performance_agree_with_sql(client, small_level4):
    top = get(client, "top-films", year=2003, limit=5)
    expected = fetch(
        A,
        "SELECT i.film_id, COUNT(*) FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id "
        "WHERE r.rental_date >= %s AND r.rental_date < %s GROUP BY i.film_id ORDER BY COUNT(*) DESC, i.film_id",
        ["2003-01-01", "2004-01-01"],
    )[:5]
    assert [(row["film_id"], row["rentals"]) for row in top] == [tuple(row) for row in expected]
    years = get(client, "yearly-performance")
    assert sum(y["rentals"] for y in years) == Rental.objects.using(A).count()
    assert all(3 < y["mean_days"] < 6 for y in years if y["rentals"] > 100)
    assert client.get(reverse("dvdrental:top-films"), {"year": "soon"}).status_code == 400


def test_store_revenue_adds_up_to_all_payments(client, small_level4):
    rows = get(client, "store-revenue", period="year", page_size=500)["results"]
    total = fetch(A, "SELECT SUM(amount) FROM payment")[0][0]
    assert sum(Decimal(r["revenue"]) for r in rows) == Decimal(str(total)).quantize(Decimal("0.01"))
    assert client.get(reverse("dvdrental:store-revenue"), {"period": "decade"}).status_code == 400


def test_ar_aging_default_and_as_of(client, small_level4):
    buckets = get(client, "ar-aging")
    assert [b["bucket"] for b in buckets] == ["current", "30_days", "60_days", "90_days_plus", "written_off"]
    with_balance = fetch(A, "SELECT COUNT(*) FROM customer_ar WHERE ar_balance > 0")[0][0]
    assert sum(b["customers"] for b in buckets) == with_balance
    # Any past day can be aged: before the first fee nobody owes; mid-run the open balances of the time.
    first_fee = fetch(A, "SELECT MIN(fee_date) FROM late_fees")[0][0]
    first_fee = dt.date.fromisoformat(str(first_fee)[:10])
    before = get(client, "ar-aging", as_of=str(first_fee - dt.timedelta(days=1)))
    assert sum(b["customers"] for b in before) == 0
    early = get(client, "ar-aging", as_of="2002-06-01")
    assert sum(b["customers"] for b in early) > 0
    assert client.get(reverse("dvdrental:ar-aging"), {"as_of": "June"}).status_code == 400


def test_customer_segments_and_inventory_status(client, small_level4):
    matrix = get(client, "customer-segments")
    assert {row["segment"] for row in matrix} == {"super_loyal", "loyal", "average", "occasional"}
    assert sum(row["customers"] for row in matrix) == fetch(A, "SELECT COUNT(*) FROM customer")[0][0]
    status = get(client, "inventory-status")
    current = {row["status"]: row["copies"] for row in status["current"]}
    assert sum(current.values()) == fetch(A, "SELECT COUNT(*) FROM inventory")[0][0]
    assert current["missing"] > 0 and current["available"] > current["missing"]
    assert {row["status"] for row in status["by_year"]} == {"damaged", "missing", "maintenance"}


def test_detail_endpoints(client, small_level4):
    film = Film.objects.using(A).first()
    assert client.get(reverse("dvdrental:film-detail", args=[film.pk])).json()["title"] == film.title
    assert client.get(reverse("dvdrental:customer-detail", args=[1])).status_code == 200
    assert client.get(reverse("dvdrental:customer-detail", args=[10**7])).status_code == 404


def docs_sql_blocks():
    text = (Path(__file__).resolve().parents[2] / "docs" / "dvdrental.md").read_text()
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_the_documented_example_queries_run(small_level4):
    blocks = docs_sql_blocks()
    assert len(blocks) >= 3
    for sql in blocks:
        rows = fetch(A, sql.strip().rstrip(";"))
        assert rows, sql
