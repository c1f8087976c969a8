"""One rule for date ranges in every API: `<field>_from` and `<field>_to`, both inclusive of the day.

Each filter is tried on the small seeded datasets at the day of the last row: `_to` that day keeps every row,
`_to` the day before drops exactly the rows of that day, and `_from` that day keeps exactly them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import reverse

pytestmark = [pytest.mark.django_db(databases="__all__")]

# (list endpoint, model, date column, the old names kept as deprecated aliases)
FILTERS = [
    ("dvdrental:rental-list", "dvdrental.Rental", "rental_date", ()),
    ("minicrm:order-list", "minicrm.Order", "order_date", ("min_order_date", "max_order_date")),
    ("hopify:order-list", "hopify.Order", "order_date", ("date_from", "date_to")),
    ("hopify:churn-event-list", "hopify.ChurnEvent", "churn_date", ("date_from", "date_to")),
    ("hopify:customer-list", "hopify.Customer", "signup_date", ("signup_from", "signup_to")),
    ("hopify:funnel", "hopify.WebTraffic", "traffic_date", ()),
    ("cardportfolio:transaction-list", "cardportfolio.Transaction", "transaction_date", ("min_date", "max_date")),
]


def _count(client, url: str, params: dict) -> int:
    response = client.get(url, {**params, "page_size": 500})
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    if "count" in data:
        return data["count"]
    total = len(data["results"])  # cursor paging: no count, follow the links
    while data["next"]:
        data = client.get(data["next"]).json()
        total += len(data["results"])
    return total


def _day(value) -> dt.date:
    return value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value


@pytest.mark.parametrize(("name", "label", "column", "aliases"), FILTERS, ids=[f[0] for f in FILTERS])
def test_date_range_includes_the_last_day(client, seeded_datasets, name, label, column, aliases):
    model = apps.get_model(label)
    rows = model.objects.using(model._meta.app_label)
    last = _day(rows.aggregate(last=Max(column))["last"])
    on_last_day = sum(1 for value in rows.values_list(column, flat=True) if _day(value) == last)
    assert on_last_day > 0
    url = reverse(name)
    everything = _count(client, url, {})
    assert _count(client, url, {f"{column}_to": last.isoformat()}) == everything
    assert _count(client, url, {f"{column}_to": (last - dt.timedelta(days=1)).isoformat()}) == everything - on_last_day
    assert _count(client, url, {f"{column}_from": last.isoformat()}) == on_last_day
    both = {f"{column}_from": last.isoformat(), f"{column}_to": last.isoformat()}
    assert _count(client, url, both) == on_last_day
    if aliases:  # the old names still work, with the same inclusive meaning
        old_from, old_to = aliases
        assert _count(client, url, {old_to: last.isoformat(), old_from: last.isoformat()}) == on_last_day


def test_every_date_filter_in_the_schema_follows_the_rule(client):
    """Date parameters are `<field>_from`/`<field>_to` (or month bounds), unless marked deprecated."""
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    offenders, seen = [], 0
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                kind = parameter.get("schema", {}).get("format")
                name = parameter["name"]
                if kind not in ("date", "date-time") or "Deprecated" in parameter.get("description", ""):
                    continue
                seen += 1
                if not name.endswith(("_from", "_to")) and name not in ("as_of", "month", "week_start"):
                    offenders.append(f"{path} {name}")
    assert seen >= 10 and offenders == []
