"""Fidelity of a seeded dvdrental database: every configured parameter against the value measured from the data.

`python manage.py fidelity dvdrental` prints these checks. The configuration is the level's preset (the level is
read from the run's data: 520 weeks with phases is level 4, and so on); a run seeded with `--config FILE` is
checked against the preset unless the caller passes its config to `dvdrental_checks`.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import connections

from core.validation import ParameterCheck

from .generation.config import build_config
from .generation.engine import SEASON_OF_MONTH, phase_of_weeks

DAY = 86_400


def _fetch(using: str, sql: str, params=()) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> int:
    """Day number since 1970 of a date/datetime value from any backend."""
    return int(np.datetime64(value.date() if hasattr(value, "date") else value, "D").astype(np.int64))


def _level_of(using: str) -> int:
    weeks, phases = _fetch(using, "SELECT COUNT(*), COUNT(DISTINCT business_phase) FROM seasonality_log")[0]
    if phases >= 3 or weeks > 260:
        return 4
    return 3 if weeks > 20 else 1


def fidelity_checks(*, using: str) -> list[ParameterCheck]:
    """The registry entry (see core.fidelity): checks against the preset of the level the data looks like."""
    if not _fetch(using, "SELECT COUNT(*) FROM seasonality_log")[0][0]:
        return []
    return dvdrental_checks(using=using, config=build_config(_level_of(using)))


def dvdrental_checks(*, using: str, config: dict) -> list[ParameterCheck]:
    """Measure every configured parameter the data can show."""
    gen = config["generation"]
    features = gen["advanced_features"]
    checks: list[ParameterCheck] = []
    logs = _fetch(
        using,
        "SELECT week_number, week_start, business_phase, actual_rentals, target_rentals, baseline_rentals, "
        "spike_days FROM seasonality_log ORDER BY week_number",
    )
    weeks = np.array([r[0] for r in logs])
    last_week = int(weeks.max())
    first_day = _day(logs[0][1])
    actual = np.array([r[3] for r in logs], dtype=float)
    target = np.array([r[4] for r in logs], dtype=float)
    baseline = np.array([r[5] for r in logs], dtype=float)
    phases = np.array([r[2] for r in logs])
    for phase in dict.fromkeys(phases):
        rows = phases == phase
        # Poisson noise of the phase's total: three standard errors, at least 5%.
        tolerance = round(max(0.05, 3 / np.sqrt(max(actual[rows].sum(), 1))), 3)
        checks.append(
            ParameterCheck(f"phase {phase}: rentals a week", target[rows].mean(), actual[rows].mean(), tolerance)
        )
    if gen["business_lifecycle"]["enabled"]:
        expected = phase_of_weeks(config, weeks)
        checks.append(ParameterCheck("weeks in their configured phase", 1.0, float(np.mean(expected == phases)), 0))
    if features["enable_seasonality"] and gen["seasonality_model"] == "seasons":
        seasons = features["seasonality"]
        month = np.array([(np.datetime64(r[1], "D") + 3).astype("datetime64[M]").astype(int) % 12 + 1 for r in logs])
        season = np.array([SEASON_OF_MONTH[m - 1] for m in month])
        # The week's spike days (recorded draws) are divided out; weekly noise averages out to 1.
        spikes = np.array([r[6] for r in logs], dtype=float)
        multiplier = gen["spike_day_multiplier"]
        spike_factor = (1 + (multiplier - 1) * spikes / 7) / (1 + gen["spike_day_probability"] * (multiplier - 1))
        ratio = actual / np.maximum(baseline * spike_factor, 1e-9)
        for name in ("winter", "spring", "summer", "fall"):
            rows = season == name
            if rows.sum() >= 8:
                measured = float(ratio[rows].mean())
                # Spike days and weekly noise make each week's ratio vary by ~20%: three standard errors.
                error = float(ratio[rows].std() / np.sqrt(rows.sum()) / measured)
                tolerance = round(max(0.05, 3 * error), 3)
                checks.append(
                    ParameterCheck(f"season {name} multiplier", seasons[f"{name}_multiplier"], measured, tolerance)
                )
    if len(logs) >= 100:
        spikes = np.array([r[6] for r in logs], dtype=float)
        checks.append(
            ParameterCheck("spike day probability", gen["spike_day_probability"], float(spikes.mean() / 7), 0.15)
        )
    releases = gen["film_releases"]
    if releases["enabled"] and len(logs) >= 52:
        quarters = {(np.datetime64(r[1], "D").astype("datetime64[M]").astype(int)) // 3 for r in logs}
        released = _fetch(using, "SELECT COUNT(*) FROM film_releases")[0][0]
        n = max(len(quarters) - 1, 1)  # the first quarter opens with the catalogue
        mean = releases["films_per_quarter"]
        tolerance = round(max(0.1, 3 * np.sqrt(mean / n) / mean), 3)
        checks.append(ParameterCheck("films released per quarter", mean, released / n, tolerance))
    checks += _customer_checks(using, gen, last_week)
    checks += _return_checks(using, gen, features, first_day, last_week)
    if features["enable_late_fees"]:
        checks += _fee_checks(using, features)
    if features["enable_inventory_status_tracking"]:
        checks += _inventory_checks(using, features)
    return checks


def _customer_checks(using: str, gen: dict, last_week: int) -> list[ParameterCheck]:
    rows = _fetch(using, "SELECT segment, join_week, churn_week, reactivation_week FROM customer_lifecycle")
    if not rows:
        return []
    segments = gen["customer_segments"]
    total = sum(s["percentage"] for s in segments.values())
    checks = []
    by_segment = defaultdict(list)
    for row in rows:
        by_segment[row[0]].append(row)
    for name, spec in segments.items():
        members = by_segment.get(name, [])
        checks.append(
            ParameterCheck(f"segment {name}: share", spec["percentage"] / total, len(members) / len(rows), 0.1)
        )
        lifetime = spec["lifetime_weeks"]
        eligible = [r for r in members if r[1] + lifetime <= last_week]
        if gen["advanced_features"]["enable_customer_churn"] and len(eligible) >= 100 and spec["churn_rate"] > 0:
            churned = sum(1 for r in eligible if r[2] is not None and r[2] <= r[1] + lifetime)
            p = spec["churn_rate"]
            # A rare event in a small segment: allow three standard errors of a binomial share.
            tolerance = round(max(0.15, 3 * np.sqrt(p * (1 - p) / len(eligible)) / p), 2)
            checks.append(
                ParameterCheck(f"segment {name}: churn within lifetime", p, churned / len(eligible), tolerance)
            )
    reactivation = gen["reactivation"]
    if reactivation["enable_reactivation"] and gen["advanced_features"]["enable_customer_churn"]:
        start = reactivation["reactivation_start_week"]
        stop = min(start + reactivation["reactivation_duration_weeks"], last_week + 1)
        # Customers churned before the window's last 8 weeks can come back during it.
        eligible = [r for r in rows if r[2] is not None and r[2] + 1 < stop - 8]
        if start <= last_week and len(eligible) >= 100:
            back = sum(1 for r in eligible if r[3] is not None)
            checks.append(
                ParameterCheck(
                    "reactivation probability", reactivation["reactivation_probability"], back / len(eligible), 0.15
                )
            )
    return checks


def _return_checks(using: str, gen: dict, features: dict, first_day: int, last_week: int) -> list[ParameterCheck]:
    end_day = first_day + 7 * last_week
    rows = _fetch(
        using,
        "SELECT r.rental_date, r.return_date, f.rental_duration FROM rental r "
        "JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id",
    )
    if not rows:
        return []
    rented = np.array([_day(r[0]) for r in rows])
    returned = np.array([_day(r[1]) if r[1] is not None else -1 for r in rows])
    duration = np.array([r[2] for r in rows])
    settled = rented + duration + 90 < end_day  # old enough that any return would have happened
    if settled.sum() < 2000:
        return []
    never = settled & (returned < 0)
    late = settled & (returned >= 0) & (returned - rented > duration)
    checks = [
        ParameterCheck("lost rental probability", gen["lost_rental_probability"], float(never[settled].mean()), 0.3),
        ParameterCheck(
            "overdue rental probability",
            features["customer_behavior"]["overdue_rental_probability"],
            float(late[settled].mean()),
            0.1,
        ),
    ]
    days_late = (returned - rented - duration)[late]
    if len(days_late) >= 200:
        checks.append(
            ParameterCheck(
                "late return decay (share one day late)",
                features["customer_behavior"]["late_return_decay"],
                float(np.mean(days_late == 1)),
                0.1,
            )
        )
    return checks


def _fee_checks(using: str, features: dict) -> list[ParameterCheck]:
    fees = features["late_fees"]
    rows = _fetch(
        using,
        "SELECT lf.customer_id, lf.fee_date, lf.total_fee, lf.days_overdue, lf.paid, lf.paid_date, lf.paid_amount, "
        "r.return_date FROM late_fees lf JOIN rental r ON r.rental_id = lf.rental_id",
    )
    if not rows:
        return []
    total = np.array([float(r[2]) for r in rows])
    days = np.array([r[3] for r in rows], dtype=float)
    checks = [ParameterCheck("late fee daily rate", fees["daily_rate"], float(total.sum() / days.sum()), 0.01)]
    checks.append(ParameterCheck("late fee days charged at most", fees["max_days_charged"], float(days.max()), 0.0))
    # Blocking: nobody rents while owing a fee over the balance threshold or older than the limit.
    customer = np.array([r[0] for r in rows], dtype=np.int64)
    fee_day = np.array([_day(r[1]) for r in rows])
    never = 999_999  # a day after any data
    paid_day = np.array([_day(r[5]) if r[5] is not None else never for r in rows])
    settled = np.array([bool(r[4]) for r in rows])
    until = np.where(settled, paid_day, never)
    start = np.where(total > fees["block_balance"], fee_day, fee_day + fees["block_after_days"])
    # A fee still accruing on the last day (copy out, not yet declared lost) is not due yet and blocks nobody.
    accruing = np.array([r[7] is None for r in rows]) & (fee_day == fee_day.max())
    start = np.where(accruing, never, start)
    rentals = _fetch(using, "SELECT customer_id, rental_date FROM rental")
    key = np.sort(np.array([r[0] for r in rentals], dtype=np.int64) * 10**6 + np.array([_day(r[1]) for r in rentals]))
    inside = np.searchsorted(key, customer * 10**6 + until) - np.searchsorted(key, customer * 10**6 + start)
    blocked_rentals = int(np.maximum(inside, 0)[until > start].sum())
    checks.append(ParameterCheck("rentals while blocked (block rules)", 0.0, float(blocked_rentals), 0.0))
    paid_full = settled & (paid_day < never)
    if paid_full.sum() >= 100:
        delay = (paid_day - fee_day)[paid_full]
        checks.append(
            ParameterCheck("median payment delay, days", _expected_median_delay(fees), float(np.median(delay)), 0.25)
        )
    ar = _fetch(using, "SELECT ar_status, COUNT(*) FROM customer_ar WHERE ar_balance > 0 GROUP BY ar_status")
    owing = sum(count for _, count in ar)
    if owing:
        written = sum(count for status, count in ar if status == "written_off")
        checks.append(ParameterCheck("written-off share of customers owing (< 30%)", 0.15, written / owing, 1.0))
    return checks


def _expected_median_delay(fees: dict) -> float:
    """The median days from fee to final payment the configuration implies (Monte Carlo over the fee rules)."""
    rng = np.random.default_rng(0)
    n = 200_000
    low, high = fees["payment_delay_days"]
    u_pay = rng.random(n)
    delay = low + (rng.random(n) ** 3 * (high - low + 1)).astype(int)
    cap = fees["block_after_days"] + 1 + (rng.random(n) ** 3 * 14).astype(int)
    full = u_pay < fees["paid_probability"]
    partial = ~full & (u_pay < fees["paid_probability"] + fees["partial_payment_probability"])
    first = np.where(full | partial, np.minimum(delay, cap), cap)
    rest = first + np.minimum(low + (rng.random(n) ** 3 * (high - low + 1)).astype(int), cap)
    return float(np.median(np.where(partial, rest, first)))


def _inventory_checks(using: str, features: dict) -> list[ParameterCheck]:
    status = features["inventory_status"]
    counts = dict(
        _fetch(
            using,
            "SELECT notes, COUNT(*) FROM inventory_status WHERE notes IN ('returned', 'damaged on return', "
            "'missing after return', 'routine maintenance', 'found again') GROUP BY notes",
        )
    )
    returns = sum(
        counts.get(k, 0) for k in ("returned", "damaged on return", "missing after return", "routine maintenance")
    )
    if returns < 1000:
        return []
    checks = [
        ParameterCheck(
            "damage probability", status["damage_probability"], counts.get("damaged on return", 0) / returns, 0.15
        ),
        ParameterCheck(
            "loss probability", status["loss_probability"], counts.get("missing after return", 0) / returns, 0.2
        ),
        ParameterCheck(
            "maintenance frequency",
            status["maintenance_frequency"],
            counts.get("routine maintenance", 0) / returns,
            0.15,
        ),
    ]
    missing = counts.get("missing after return", 0)
    if missing >= 50:
        checks.append(
            ParameterCheck(
                "missing copies found again", status["found_probability"], counts.get("found again", 0) / missing, 0.3
            )
        )
    delays = _fetch(
        using,
        "SELECT m.status_date, w.status_date FROM inventory_status w JOIN inventory_status m "
        "ON m.inventory_id = w.inventory_id AND m.status = 'missing' AND m.rental_id = w.rental_id "
        "WHERE w.status = 'written_off'",
    )
    if delays:
        gap = np.array([(_day(w) - _day(m)) for m, w in delays], dtype=float)
        checks.append(ParameterCheck("write-off delay, days", status["write_off_after_days"], float(gap.mean()), 0.03))
    books, missing_now = _fetch(
        using,
        "SELECT SUM(CASE WHEN status <> 'written_off' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'missing' THEN 1 ELSE 0 END) FROM inventory",
    )[0]
    books, missing_now = int(books or 0), int(missing_now or 0)  # SUM is a Decimal on MySQL
    if books:
        checks.append(ParameterCheck("copies still missing at the end (< 10%)", 0.05, missing_now / books, 1.0))
    return checks
