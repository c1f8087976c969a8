"""The seed service on the test database: invariants of every level, level 1 volumes, level 2 append."""

import numpy as np
import pytest
from django.db.models import Max, Min

from core.validation import table_digest
from dvdrental.models import Customer, Film, Inventory, Payment, Rental, SeasonalityLog
from dvdrental.services import dvdrental_seed

from .conftest import DVDRENTAL_DATABASES, FEATURES_OFF, SMALL_LEVEL4, seed_into
from .invariants import assert_core_invariants, fetch, weekly_actual

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)
DIGESTED = (Customer, Film, Inventory, Rental, Payment, SeasonalityLog)


def digests(alias="dvdrental"):
    return {model._meta.db_table: table_digest(using=alias, model=model) for model in DIGESTED}


def test_level1_holds_every_invariant_and_the_stated_counts():
    report = seed_into("dvdrental", level=1)
    assert_core_invariants("dvdrental")
    assert Film.objects.using("dvdrental").count() == 100
    assert 180 <= Customer.objects.using("dvdrental").count() <= 220
    assert 900 <= Rental.objects.using("dvdrental").count() <= 1100
    span = Rental.objects.using("dvdrental").aggregate(first=Min("rental_date"), last=Max("rental_date"))
    assert (span["last"].date() - span["first"].date()).days == 13
    copies = fetch("dvdrental", "SELECT film_id, store_id, COUNT(*) FROM inventory GROUP BY film_id, store_id")
    assert len(copies) == 200 and {count for *_, count in copies} <= {2, 3, 4, 5}
    assert report.rows["rental"] == Rental.objects.using("dvdrental").count()
    assert any("Total rentals" in line for line in report.details)


def test_level4_small_holds_every_invariant():
    seed_into("dvdrental", level=4, config=SMALL_LEVEL4 | {"simulation": {"initial_weeks": 40}})
    assert_core_invariants("dvdrental")


def test_same_seed_same_data_other_seed_other_data():
    seed_into("dvdrental", level=1, seed=7)
    first = digests()
    seed_into("dvdrental", level=1, seed=7, batch_size=333)
    assert digests() == first
    seed_into("dvdrental", level=1, seed=8)
    assert digests() != first


def test_level2_appends_five_plus_five_weeks_exactly_as_ten():
    seed_into("dvdrental", level=2, weeks=10, seed=3)
    ten = digests()
    seed_into("dvdrental", level=2, weeks=5, seed=3)
    dvdrental_seed(using="dvdrental", level=2, weeks=5, seed=3)
    assert digests() == ten
    assert SeasonalityLog.objects.using("dvdrental").count() == 12  # two level 1 weeks, then ten
    assert_core_invariants("dvdrental")


def test_level2_grows_two_percent_a_week_and_seasonal_raises_volume():
    quiet = {"generation": {"spike_day_probability": 0.0}}
    seed_into("dvdrental", level=2, weeks=24, config=quiet, seed=11)
    actual = weekly_actual("dvdrental")[2:]
    baseline = np.array(
        SeasonalityLog.objects.using("dvdrental").order_by("week_number").values_list("baseline_rentals", flat=True)
    )
    assert np.allclose(baseline[3:] / baseline[2:-1], 1.02)
    slope = np.polyfit(np.arange(len(actual)), np.log(actual), 1)[0]
    assert 0.01 < slope < 0.03
    seed_into("dvdrental", level=2, weeks=8, config=quiet, seed=11)
    plain = weekly_actual("dvdrental")[2:].sum()
    seed_into("dvdrental", level=2, weeks=8, config=quiet, seed=11, season=30)
    boosted = weekly_actual("dvdrental")[2:].sum()
    assert 1.2 < boosted / plain < 1.4
    multipliers = SeasonalityLog.objects.using("dvdrental").filter(week_number__gt=2)
    assert set(multipliers.values_list("seasonal_multiplier", flat=True)) == {1.3}


def test_features_off_leave_their_tables_empty_and_customers_unchurned():
    report = seed_into("dvdrental", level=4, config=FEATURES_OFF)
    for table in ("late_fees", "customer_ar", "inventory_status", "rental_status_tracking"):
        assert table not in report.rows
        assert fetch("dvdrental", f"SELECT COUNT(*) FROM {table}")[0][0] == 0
    assert fetch("dvdrental", "SELECT COUNT(*) FROM customer_lifecycle WHERE churn_week IS NOT NULL")[0][0] == 0
    assert fetch("dvdrental", "SELECT COUNT(*) FROM customer WHERE active = %s", [False])[0][0] == 0
    assert {m for (m,) in fetch("dvdrental", "SELECT DISTINCT seasonal_multiplier FROM seasonality_log")} == {1.0}
    # Only rental fees: one payment per rental.
    assert Payment.objects.using("dvdrental").count() == Rental.objects.using("dvdrental").count()


def test_seed_rejects_bad_arguments_before_writing():
    with pytest.raises(ValueError, match="level must be"):
        dvdrental_seed(using="dvdrental", level=7)
    with pytest.raises(ValueError, match="weeks must be positive"):
        dvdrental_seed(using="dvdrental", level=2, weeks=0)
    with pytest.raises(ValueError, match="above -100"):
        dvdrental_seed(using="dvdrental", level=2, season=-150)
    assert not Rental.objects.using("dvdrental").exists()
