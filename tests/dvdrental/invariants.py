"""Properties every generated dvdrental database must have, checked against the database itself."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import numpy as np
from django.db import connections

from core.validation import foreign_key_orphans
from dvdrental.constants import CLOSING_HOUR, OPENING_HOUR


def fetch(alias: str, sql: str, params=()) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def assert_core_invariants(alias: str) -> None:
    orphans = [o for o in foreign_key_orphans(using=alias, app_label="dvdrental") if o.orphans]
    assert orphans == []
    rentals = fetch(
        alias,
        "SELECT r.rental_id, r.inventory_id, r.rental_date, r.return_date, r.staff_id, s.store_id, i.store_id, "
        "f.rental_rate FROM rental r JOIN staff s ON s.staff_id = r.staff_id "
        "JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id "
        "ORDER BY r.inventory_id, r.rental_date",
    )
    assert rentals
    # A copy is never out twice: each rental starts after the previous rental of the copy came back.
    for previous, current in zip(rentals, rentals[1:], strict=False):
        if previous[1] == current[1]:
            assert previous[3] is not None, f"copy {current[1]} rented again while never returned"
            assert previous[3] < current[2], f"copy {current[1]} out twice at {current[2]}"
    # Returns come after rentals; rentals happen in opening hours (not all at midnight).
    assert all(r[3] is None or r[3] > r[2] for r in rentals)
    hours = Counter(r[2].hour for r in rentals)
    assert min(hours) >= OPENING_HOUR and max(hours) < CLOSING_HOUR and len(hours) > 6
    # Staff and copy belong to the store the rental happened at.
    assert all(r[5] == r[6] for r in rentals)
    # Exactly one rental-fee payment per rental, on the rental's time, equal to the film's rate in force that day.
    payments = fetch(
        alias,
        "SELECT r.rental_id, COUNT(p.payment_id), MIN(p.amount), MAX(p.amount) FROM rental r "
        "JOIN payment p ON p.rental_id = r.rental_id AND p.payment_date = r.rental_date GROUP BY r.rental_id",
    )
    in_force = dict(
        fetch(
            alias,
            "SELECT r.rental_id, h.rental_rate FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id "
            "JOIN film_price_history h ON h.film_id = i.film_id AND h.valid_from <= DATE(r.rental_date) "
            "AND (h.valid_to IS NULL OR DATE(r.rental_date) < h.valid_to)",
        )
    )
    rate = {rid: Decimal(str(value)) for rid, value in in_force.items()}
    assert len(payments) == len(rentals) == len(rate)
    assert all(count == 1 and Decimal(str(low)) == rate[rid] for rid, count, low, _ in payments)
    # Customer emails are unique; every customer has a lifecycle row.
    assert (
        fetch(alias, "SELECT COUNT(*), COUNT(DISTINCT email) FROM customer")[0]
        == (fetch(alias, "SELECT COUNT(*) FROM customer_lifecycle")[0][0],) * 2
    )
    # Nobody rents before joining, no copy before it was bought.
    assert fetch(alias, "SELECT COUNT(*) FROM rental r JOIN customer c ON c.customer_id = r.customer_id "
                        "WHERE r.rental_date < c.create_date")[0][0] == 0  # fmt: skip
    assert fetch(alias, "SELECT COUNT(*) FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id "
                        "WHERE r.rental_date < i.date_purchased")[0][0] == 0  # fmt: skip
    # Each store has a manager who works there.
    managers = fetch(
        alias, "SELECT st.store_id, s.store_id FROM store st JOIN staff s ON s.staff_id = st.manager_staff_id"
    )
    assert managers and all(a == b for a, b in managers)
    assert fetch(alias, "SELECT COUNT(*) FROM store WHERE manager_staff_id IS NULL")[0][0] == 0


def weekly_actual(alias: str) -> np.ndarray:
    return np.array([r[0] for r in fetch(alias, "SELECT actual_rentals FROM seasonality_log ORDER BY week_number")])
