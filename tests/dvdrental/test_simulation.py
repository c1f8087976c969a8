"""Level 3/4 features checked with SQL on a generated database (SMALL_LEVEL4: 120 weeks, 30 a phase)."""

import datetime as dt
import json
import shutil
from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest

from dvdrental import selectors
from dvdrental.constants import GENRES_DIR
from dvdrental.generation.config import build_config

from .conftest import DVDRENTAL_DATABASES, SMALL_LEVEL4, day_number, seconds, seed_into
from .invariants import assert_core_invariants, fetch, weekly_actual

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)
CONFIG = build_config(4, SMALL_LEVEL4)
A = "dvdrental"


def first_day():
    return day_number(fetch(A, "SELECT week_start FROM seasonality_log WHERE week_number = 1")[0][0])


def last_day():
    return first_day() + 7 * fetch(A, "SELECT COUNT(*) FROM seasonality_log")[0][0] - 1


def test_invariants_hold(small_level4):
    assert_core_invariants(A)


def test_phases_shape_weekly_volume(small_level4):
    actual = weekly_actual(A)
    target = np.array([r[0] for r in fetch(A, "SELECT target_rentals FROM seasonality_log ORDER BY week_number")])
    trend = {}
    for number, phase in enumerate(("growth", "plateau", "decline", "reactivation")):
        weeks = actual[30 * number : 30 * (number + 1)]
        trend[phase] = np.polyfit(np.arange(30), weeks, 1)[0] / weeks.mean()  # relative change a week
        wanted = target[30 * number : 30 * (number + 1)]
        # the rentals follow the week's target (spike days and noise included), whatever the phase
        assert abs(trend[phase] - np.polyfit(np.arange(30), wanted, 1)[0] / wanted.mean()) < 0.005, phase  # ~3 s.e.
    assert trend["growth"] > 0.01
    assert abs(trend["plateau"]) < 0.012  # flat but for noise: 30 weeks hold two or three spike days
    assert trend["decline"] < -0.005
    assert trend["reactivation"] > 0.004
    phases = [row["business_phase"] for row in selectors.phase_summary(using=A)]
    assert phases == ["growth", "plateau", "decline", "reactivation"]


def test_segments_shares_and_churn_within_lifetime(small_level4):
    rows = fetch(A, "SELECT segment, join_week, churn_week FROM customer_lifecycle")
    total = len(rows)
    segments = CONFIG["generation"]["customer_segments"]
    last_week = 120
    for name, spec in segments.items():
        members = [r for r in rows if r[0] == name]
        assert abs(len(members) / total - spec["percentage"]) <= 0.02, name
        lifetime = spec["lifetime_weeks"]
        eligible = [r for r in members if r[1] + lifetime <= last_week]
        if len(eligible) >= 80:
            churned = sum(1 for r in eligible if r[2] is not None and r[2] <= r[1] + lifetime)
            assert abs(churned / len(eligible) - spec["churn_rate"]) < 0.08, name


def test_customers_never_exceed_their_cap(small_level4):
    rows = fetch(
        A,
        "SELECT r.customer_id, r.rental_date, r.return_date, f.rental_duration, l.max_simultaneous_rentals "
        "FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id "
        "JOIN customer_lifecycle l ON l.customer_id = r.customer_id",
    )
    events = defaultdict(list)
    caps = {}
    for customer, start, end, duration, cap in rows:
        caps[customer] = cap
        start_s = seconds(start)
        # A copy never returned stops counting 30 days after it was due (it is written off as lost).
        end_s = seconds(end) if end is not None else (day_number(start) + duration + 30) * 86_400
        events[customer] += [(start_s, 1), (end_s, -1)]
    worst = 0
    for customer, items in events.items():
        out = np.cumsum([delta for _, delta in sorted(items, key=lambda e: (e[0], e[1]))])
        assert out.max() <= caps[customer], customer
        worst = max(worst, out.max() / caps[customer])
    assert worst == 1.0  # some customer does reach the cap: the check has teeth


def test_churned_customers_rent_only_while_active(small_level4):
    start = first_day()
    rows = fetch(
        A,
        "SELECT l.customer_id, l.churn_week, l.reactivation_week, r.rental_date FROM customer_lifecycle l "
        "JOIN rental r ON r.customer_id = l.customer_id WHERE l.churn_week IS NOT NULL",
    )
    rented_after_return = set()
    reactivated = {
        r[0] for r in fetch(A, "SELECT customer_id FROM customer_lifecycle WHERE reactivation_week IS NOT NULL")
    }
    assert reactivated
    for customer, churn, back, rented in rows:
        week = (day_number(rented) - start) // 7 + 1
        assert week < churn or (back is not None and week >= back), (customer, week, churn, back)
        if back is not None and week >= back:
            rented_after_return.add(customer)
        if back is not None:
            assert back >= 90
    assert len(rented_after_return) >= 0.5 * len(reactivated)
    inactive = fetch(
        A,
        "SELECT COUNT(*) FROM customer c JOIN customer_lifecycle l ON l.customer_id = c.customer_id "
        "WHERE c.active = %s AND (l.churn_week IS NULL OR l.reactivation_week IS NOT NULL)",
        [False],
    )
    assert inactive[0][0] == 0


def test_late_fees_exist_exactly_for_late_returns(small_level4):
    end = last_day()
    rows = fetch(
        A,
        "SELECT r.rental_id, r.rental_date, r.return_date, f.rental_duration FROM rental r "
        "JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id",
    )
    expected = {}
    for rid, rented, returned, duration in rows:
        back = day_number(returned) if returned is not None else end
        overdue = back - day_number(rented) - duration
        if overdue > 0:
            expected[rid] = min(overdue, 30)
    fees = {r[0]: r[1:] for r in fetch(A, "SELECT rental_id, days_overdue, daily_rate, total_fee FROM late_fees")}
    assert set(fees) == set(expected)
    for rid, (days, rate, total) in fees.items():
        assert days == expected[rid]
        assert Decimal(str(rate)) == Decimal("1.50")
        assert Decimal(str(total)) == Decimal("1.50") * days
    share = len(fees) / len(rows)
    assert 0.05 < share < 0.15


def test_fee_payments_and_ar_balances_add_up(small_level4):
    # A fee is paid in one payment, or (partial payers) in two; the payments add up to paid_amount.
    paid = fetch(
        A,
        "SELECT lf.rental_id, lf.paid_amount, SUM(p.amount), COUNT(*) FROM late_fees lf "
        "JOIN rental r ON r.rental_id = lf.rental_id "
        "JOIN payment p ON p.rental_id = lf.rental_id AND p.payment_date > r.rental_date "
        "GROUP BY lf.rental_id, lf.paid_amount",
    )
    assert paid and all(Decimal(str(a)) == Decimal(str(b)).quantize(Decimal("0.01")) for _, a, b, _ in paid)
    assert {count for *_, count in paid} == {1, 2}
    unpaid = fetch(A, "SELECT customer_id, SUM(total_fee - paid_amount) FROM late_fees GROUP BY customer_id")
    ar = {r[0]: Decimal(str(r[1])) for r in fetch(A, "SELECT customer_id, ar_balance FROM customer_ar")}
    assert {c: Decimal(str(v)).quantize(Decimal("0.01")) for c, v in unpaid} == ar
    with_balance = fetch(
        A, "SELECT ar_status, COUNT(*), SUM(ar_balance) FROM customer_ar WHERE ar_balance > 0 GROUP BY ar_status"
    )
    buckets = {row["bucket"]: row for row in selectors.ar_aging(using=A)}
    assert sum(row["customers"] for row in buckets.values()) == sum(r[1] for r in with_balance)
    for status, count, balance in with_balance:
        assert buckets[status]["customers"] == count
        assert buckets[status]["balance"] == Decimal(str(balance)).quantize(Decimal("0.01"))
    # Partial payments leave a remainder: some fees are not paid in full but not unpaid either.
    assert fetch(A, "SELECT COUNT(*) FROM late_fees WHERE paid = %s AND paid_amount > 0", [False])[0][0] > 0


def test_copies_out_of_service_are_not_rented(small_level4):
    statuses = fetch(
        A,
        "SELECT inventory_id, status, status_date, rental_id FROM inventory_status "
        "WHERE status IN ('damaged', 'maintenance', 'missing', 'written_off') "
        "OR notes IN ('back on the shelf', 'found again')",
    )
    assert {s[1] for s in statuses} >= {"damaged", "maintenance", "missing", "written_off"}
    windows = defaultdict(list)
    by_rental = {(s[3], s[0]): s for s in statuses if s[1] == "available"}
    for inventory, status, when, rental in statuses:
        if status == "available":
            continue
        back = by_rental.get((rental, inventory))
        windows[inventory].append((seconds(when), seconds(back[2]) if back else None))
    rentals = defaultdict(list)
    for inventory, rented in fetch(A, "SELECT inventory_id, rental_date FROM rental"):
        rentals[inventory].append(seconds(rented))
    for inventory, spans in windows.items():
        for start, stop in spans:
            assert not any(start <= t and (stop is None or t < stop) for t in rentals[inventory]), inventory


def test_releases_add_films_in_their_genre(small_level4):
    releases = fetch(
        A,
        "SELECT fr.film_id, fr.category_id, fc.category_id, fr.release_quarter FROM film_releases fr "
        "JOIN film_category fc ON fc.film_id = fr.film_id",
    )
    assert releases and all(r[1] == r[2] for r in releases)
    per_quarter = defaultdict(int)
    for r in releases:
        per_quarter[r[3]] += 1
    counts = np.array(list(per_quarter.values()))
    # releases vary by quarter around films_per_quarter (5 here), more in busier phases
    assert len(set(counts)) > 2 and abs(counts.mean() - 5) < 3 * np.sqrt(5 / len(counts)) + 0.5
    purchases = fetch(A, "SELECT reason, SUM(quantity) FROM inventory_purchases GROUP BY reason")
    assert {reason for reason, _ in purchases} == {"initial", "release", "restock", "replacement"}


def test_summer_weeks_carry_more_rentals_than_february():
    seed_into(
        A,
        level=4,
        config={
            "simulation": {"initial_weeks": 156},
            "generation": {
                "films_count": 150,
                "base_weekly_transactions": 250,
                "business_lifecycle": {"enabled": False},
            },
        },
    )
    rows = fetch(A, "SELECT week_start, actual_rentals, seasonal_multiplier FROM seasonality_log")
    month = {r[0]: (r[0] + dt.timedelta(days=3)).month for r in rows}
    summer = np.mean([r[1] for r in rows if month[r[0]] in (6, 7, 8)])
    february = np.mean([r[1] for r in rows if month[r[0]] == 2])
    assert 1.15 < summer / february < 1.45
    multipliers = [r[2] for r in rows if month[r[0]] == 7]
    assert len(set(multipliers)) > 1 and all(1.3 * 0.95 <= m <= 1.3 * 1.05 for m in multipliers)


def test_a_new_template_file_creates_its_category(tmp_path):
    folder = tmp_path / "genres"
    shutil.copytree(GENRES_DIR, folder)
    template = json.loads((GENRES_DIR / "crime.json").read_text())
    template |= {"genre": "Film Noir", "category": "Film Noir"}
    (folder / "film_noir.json").write_text(json.dumps(template))
    from dvdrental.services import dvdrental_seed

    dvdrental_seed(
        using=A,
        level=3,
        weeks=30,
        reset=True,
        templates_dir=folder,
        config={"generation": {"films_count": 190, "base_weekly_transactions": 100}},
    )
    noir = fetch(
        A,
        "SELECT c.category_id, COUNT(fc.film_id) FROM category c "
        "JOIN film_category fc ON fc.category_id = c.category_id WHERE c.name = 'Film Noir' GROUP BY c.category_id",
    )
    assert noir and noir[0][1] > 0
