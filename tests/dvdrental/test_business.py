"""Level 4 as a business that hangs together: stock, ledger, geography and fidelity on one seeded run (seed 1)."""

import datetime as dt
import io
import json
from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.fidelity import fidelity_checks, fidelity_summary
from dvdrental.generation.config import build_config
from simkit import geo

from .conftest import DVDRENTAL_DATABASES, day_number, seed_into, wipe
from .invariants import fetch

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)
A = "dvdrental"
CONFIG = build_config(4)


@pytest.fixture(scope="module")
def level4(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = seed_into(A, level=4, seed=1)
    yield report
    with django_db_blocker.unblock():
        wipe(A)


def test_every_configured_parameter_is_recovered(level4):
    checks = fidelity_checks("dvdrental", using=A)
    failed = [check.line() for check in checks if not check.passed]
    assert failed == []
    names = {check.name for check in checks}
    assert {"write-off delay, days", "rentals while blocked (block rules)", "median payment delay, days"} <= names
    assert len(checks) >= 25
    assert fidelity_summary(checks).startswith(f"fidelity: {len(checks)} of {len(checks)} parameters")


def test_fidelity_command_prints_every_check_and_json(level4):
    out = io.StringIO()
    call_command("fidelity", "dvdrental", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["domain"] == "dvdrental" and payload["checks"]
    assert all(check["passed"] for check in payload["checks"])
    with pytest.raises(CommandError, match="no fidelity checks for 'nosuch'"):
        call_command("fidelity", "nosuch")


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _phase_ends():
    return fetch(A, "SELECT business_phase, MAX(week_start) FROM seasonality_log GROUP BY business_phase")


def _on_books(day) -> int:
    bought = fetch(A, "SELECT COUNT(*) FROM inventory WHERE date_purchased < %s", [day])[0][0]
    gone = fetch(A, "SELECT COUNT(*) FROM inventory_status WHERE status = 'written_off' AND status_date < %s", [day])[
        0
    ][0]
    return bought - gone


def test_rentable_stock_moves_with_the_phase(level4):
    ends = {phase: _as_date(day) for phase, day in _phase_ends()}
    start = _as_date(fetch(A, "SELECT MIN(week_start) FROM seasonality_log")[0][0])
    stock = {phase: _on_books(day) for phase, day in ends.items()}
    opening = _on_books(start + dt.timedelta(days=1))
    assert stock["growth"] > 1.15 * opening  # the chain buys ahead of demand
    assert abs(stock["plateau"] / stock["growth"] - 1) < 0.10  # holds
    assert stock["decline"] < stock["plateau"]  # losses are not all replaced
    assert stock["reactivation"] > 1.05 * stock["decline"]  # refreshed


def test_lost_copies_are_written_off_and_replaced_while_their_title_rents(level4):
    status = dict(fetch(A, "SELECT status, COUNT(*) FROM inventory GROUP BY status"))
    books = sum(count for name, count in status.items() if name != "written_off")
    assert status["written_off"] > 500 and status.get("missing", 0) < 0.10 * books
    # inventory.status agrees with each copy's last status change
    latest = fetch(
        A,
        "SELECT i.status, s.status FROM inventory i JOIN inventory_status s ON s.inventory_id = i.inventory_id "
        "WHERE s.status_id = (SELECT MAX(s2.status_id) FROM inventory_status s2 WHERE s2.inventory_id = i.inventory_id "
        "AND s2.status_date = (SELECT MAX(s3.status_date) FROM inventory_status s3 "
        "WHERE s3.inventory_id = i.inventory_id)) AND i.status IN ('written_off', 'missing')",
    )
    assert latest and all(a == b for a, b in latest)
    replaced = fetch(A, "SELECT film_id, purchase_date FROM inventory_purchases WHERE reason = 'replacement'")
    assert len(replaced) > 100
    rented = {}
    for film, when in fetch(
        A, "SELECT i.film_id, r.rental_date FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id"
    ):
        rented.setdefault(film, []).append(day_number(when))
    for film, bought in replaced:  # the title rented in the 90 days up to the purchase (its day included)
        days = np.array(rented[film])
        assert (days[days <= day_number(bought)] >= day_number(bought) - 90).any(), (film, bought)


def test_no_blocked_customer_rents_and_blocks_happen(level4):
    rules = CONFIG["generation"]["advanced_features"]["late_fees"]
    fees = fetch(
        A,
        "SELECT lf.customer_id, lf.fee_date, lf.total_fee, lf.paid, lf.paid_date, r.return_date FROM late_fees lf "
        "JOIN rental r ON r.rental_id = lf.rental_id",
    )
    last_day = max(day_number(f[1]) for f in fees)
    windows = []
    for customer, fee_date, total, paid, paid_date, returned in fees:
        if returned is None and day_number(fee_date) == last_day:
            continue  # still accruing: not due yet
        start = day_number(fee_date) + (0 if float(total) > rules["block_balance"] else rules["block_after_days"])
        until = day_number(paid_date) if paid else 10**6
        if until > start:
            windows.append((customer, start, until))
    assert len(windows) > 200  # fees too large or too old do block customers
    rentals = {}
    for customer, rented in fetch(A, "SELECT customer_id, rental_date FROM rental"):
        rentals.setdefault(customer, []).append(day_number(rented))
    assert not any(start <= d < until for customer, start, until in windows for d in rentals.get(customer, ()))
    # ... and they come back once they have paid
    assert sum(any(d >= until for d in rentals.get(c, ())) for c, _, until in windows if until < 10**6) > 100


def test_ar_looks_like_a_ledger(level4):
    buckets = dict(fetch(A, "SELECT ar_status, COUNT(*) FROM customer_ar WHERE ar_balance > 0 GROUP BY ar_status"))
    owing = sum(buckets.values())
    assert owing > 50
    assert buckets.get("written_off", 0) < 0.30 * owing
    open_balances = owing - buckets.get("written_off", 0)
    assert buckets.get("current", 0) + buckets.get("30_days", 0) > 0.6 * open_balances
    # written off only after a year without a visit: none of them rented in the last year
    last_day = _as_date(fetch(A, "SELECT MAX(as_of_date) FROM customer_ar")[0][0])
    recent = fetch(
        A,
        "SELECT COUNT(*) FROM customer_ar a JOIN rental r ON r.customer_id = a.customer_id "
        "WHERE a.ar_status = 'written_off' AND r.rental_date > %s",
        [last_day - dt.timedelta(days=365)],
    )[0][0]
    assert recent == 0


def test_customers_live_near_their_store(level4):
    rows = fetch(
        A,
        "SELECT c.store_id, sa.district, a.district, ci.city, a.postal_code, a.phone, co.country "
        "FROM customer c JOIN address a ON a.address_id = c.address_id JOIN city ci ON ci.city_id = a.city_id "
        "JOIN country co ON co.country_id = ci.country_id JOIN store s ON s.store_id = c.store_id "
        "JOIN address sa ON sa.address_id = s.address_id",
    )
    by_store = Counter(r[0] for r in rows)
    same = Counter(r[0] for r in rows if r[1] == r[2])
    assert all(same[store] >= 0.9 * count for store, count in by_store.items())
    states = {"Texas": "TX", "California": "CA", "Alberta": "AB"}
    for _, _, district, city, postal, phone, country in rows[:3000]:
        code = states[district]
        assert city in set(geo.cities(country="CA" if code == "AB" else "US", region=code).name)
        assert int(phone[1:4]) in geo.NANP_AREA_CODES[code]
        if code == "AB":
            assert postal[0] == "T" and country == "Canada"
        else:
            assert any(low <= int(postal[:3]) <= high for low, high in geo.US_ZIP_PREFIXES[code])


def test_lateness_decays_from_one_day(level4):
    rows = fetch(
        A,
        "SELECT r.rental_date, r.return_date, f.rental_duration FROM rental r "
        "JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id "
        "WHERE r.return_date IS NOT NULL",
    )
    late = np.array([day_number(b) - day_number(a) - d for a, b, d in rows])
    late = np.bincount(late[late > 0])
    assert late.argmax() in (1, 2) and late[1] > late[3] > late[6] > late[12]
    assert late[1:3].sum() > 0.6 * late.sum()


def test_december_and_holidays_move_demand_as_the_calendar_says(level4):
    from simkit import calendar

    rows = fetch(A, "SELECT rental_date FROM rental")
    days, counts = np.unique(np.array([day_number(r[0]) for r in rows]).astype("datetime64[D]"), return_counts=True)
    kind = calendar.special_day_kinds(days, "US")
    month, weekday, year = calendar.month(days), calendar.weekday(days), days.astype("datetime64[Y]")

    def ratio(name):
        out = []
        for i in np.flatnonzero(kind == name):
            same = (kind == "") & (month == month[i]) & (weekday == weekday[i]) & (year == year[i])
            if same.any():
                out.append(counts[i] / counts[same].mean())
        return float(np.mean(out))

    assert ratio("christmas_week") > 1.2  # the week before Christmas is busier than the rest of December
    assert ratio("christmas_day") < 0.5  # and Christmas Day is quiet
    assert ratio("holiday") > 1.15  # a day off is a movie night


def test_last_update_moves_with_the_row(level4):
    churned = fetch(
        A,
        "SELECT c.create_date, c.last_update, l.churn_week, l.reactivation_week, c.active FROM customer c "
        "JOIN customer_lifecycle l ON l.customer_id = c.customer_id WHERE l.churn_week IS NOT NULL",
    )
    start = day_number(fetch(A, "SELECT MIN(week_start) FROM seasonality_log")[0][0])
    for created, updated, churn, back, active in churned:
        week = back if back is not None else churn
        assert day_number(updated) - start in range(7 * (week - 1), 7 * week), (churn, back)
        assert bool(active) == (back is not None) and updated > created
    written_off = fetch(
        A,
        "SELECT i.last_update, s.status_date FROM inventory i JOIN inventory_status s "
        "ON s.inventory_id = i.inventory_id AND s.status = 'written_off' WHERE i.status = 'written_off'",
    )
    assert written_off and all(a == b for a, b in written_off)


def test_clerks_are_hired_and_leave_and_serve_only_while_employed(level4):
    staff = fetch(A, "SELECT store_id, hired_date, left_date, active, last_update FROM staff")
    first = min(_as_date(s[1]) for s in staff)
    changes = Counter()
    for store, hired, left, active, updated in staff:
        changes[store] += (_as_date(hired) > first) + (left is not None)
        assert bool(active) == (left is None)
        assert day_number(updated) == day_number(left if left is not None else hired)
    assert min(changes.values()) >= 3
    outside = fetch(
        A,
        "SELECT COUNT(*) FROM rental r JOIN staff s ON s.staff_id = r.staff_id "
        "WHERE r.rental_date < s.hired_date OR (s.left_date IS NOT NULL AND r.rental_date >= s.left_date)",
    )[0][0]
    assert outside == 0
    # weekends are served by clerks, not by the manager (who works Monday to Friday)
    managers = {r[0] for r in fetch(A, "SELECT manager_staff_id FROM store")}
    weekend = [r[0] for r in fetch(A, "SELECT staff_id, rental_date FROM rental") if r[1].weekday() >= 5]
    assert weekend and not managers & set(weekend)


def test_prices_change_and_payments_use_the_rate_in_force(level4):
    changes = fetch(A, "SELECT DISTINCT valid_from FROM film_price_history WHERE valid_from IN (%s, %s)",
                    [dt.date(2005, 7, 1), dt.date(2009, 1, 1)])  # fmt: skip
    assert len(changes) == 2  # two list-price steps in ten years, besides every new release's premium
    yearly = {
        int(str(y)[:4]): float(v)
        for y, v in fetch(
            A,
            "SELECT MIN(r.rental_date), AVG(p.amount) FROM payment p JOIN rental r ON r.rental_id = p.rental_id "
            "AND p.payment_date = r.rental_date GROUP BY r.rental_date >= %s",
            [dt.datetime(2009, 1, 1)],
        )
    }
    assert yearly[max(yearly)] > yearly[min(yearly)] + 0.5  # rentals cost more after the 2009 step
    lengths = fetch(A, "SELECT MIN(length), MAX(length) FROM film")[0]
    assert lengths[0] <= 50 and lengths[1] >= 180  # Sakila's range, 46 to 185 minutes
    names = {r[0] for r in fetch(A, "SELECT name FROM category")}
    sakila = {"Action", "Animation", "Children", "Classics", "Comedy", "Documentary", "Drama", "Family", "Foreign",
              "Games", "Horror", "Music", "New", "Sci-Fi", "Sports", "Travel"}  # fmt: skip
    assert sakila <= names


def test_new_releases_sell(level4):
    """Per title, in the same months: a release's first 30 days against titles over two years old (each rental
    weighted by 1 / the chain's rentals that month, so a busy year does not favour the titles it happens to hold)."""
    rows = [
        (film, day_number(rented))
        for film, rented in fetch(
            A, "SELECT i.film_id, r.rental_date FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id"
        )
    ]
    per_month = Counter(day // 30 for _, day in rows)
    end = max(day for _, day in rows)
    released = {f: day_number(d) for f, d in fetch(A, "SELECT film_id, release_date FROM film_releases")}
    fresh = old = 0.0
    for film, day in rows:
        if film in released:
            age = day - released[film]
            weight = 1 / per_month[day // 30]
            fresh += weight if 0 <= age < 30 else 0
            old += weight if age >= 730 else 0
    fresh_titles = sum(1 for day in released.values() if day + 30 <= end)
    old_months = sum(max(0, end - day - 730) for day in released.values()) / 30
    assert fresh_titles > 50 and old_months > 500
    assert fresh / fresh_titles > 3 * old / old_months
