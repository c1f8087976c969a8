"""Shared fixtures: small configurations of the real seed service, and checks read back from the database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.loader import bulk_load
from dvdrental.services import dvdrental_seed

DVDRENTAL_DATABASES = ["default", "dvdrental"]

# A ten-year lifecycle squeezed into 120 weeks (30 a phase), every level 4 feature on, seasonality off so the
# phases show cleanly; decline steeper than the preset so it is visible above the noise in 30 weeks.
SMALL_LEVEL4 = {
    "simulation": {"initial_weeks": 120},
    "generation": {
        "films_count": 150,
        "base_weekly_transactions": 250,
        "business_lifecycle": {
            "growth_phase_weeks": 30,
            "plateau_phase_weeks": 30,
            "decline_phase_weeks": 30,
            "reactivation_phase_weeks": 30,
        },
        "volume_modifiers": {"decline_factor": -0.02, "reactivation_factor": 0.02},
        "reactivation": {"reactivation_start_week": 90, "reactivation_duration_weeks": 30},
        "film_releases": {"films_per_quarter": 5},
        "advanced_features": {"enable_seasonality": False},
    },
    "inventory_purchasing": {"restock_by_phase": {"growth": {"copies": 20, "every_weeks": 8}}},
}
FEATURES_OFF = {
    "simulation": {"initial_weeks": 30},
    "generation": {
        "films_count": 80,
        "base_weekly_transactions": 150,
        "advanced_features": {
            "enable_late_fees": False,
            "enable_ar_tracking": False,
            "enable_inventory_status_tracking": False,
            "enable_rental_status_tracking": False,
            "enable_seasonality": False,
            "enable_customer_churn": False,
        },
    },
}


def seed_into(alias: str, **kwargs):
    kwargs.setdefault("seed", 42)
    return dvdrental_seed(using=alias, reset=True, **kwargs)


def wipe(alias: str) -> None:
    with bulk_load(using=alias) as loader:
        loader.wipe("dvdrental")


@pytest.fixture(scope="module")
def small_level4(django_db_setup, django_db_blocker):
    """SMALL_LEVEL4 seeded once for a module (committed outside the tests' transactions, wiped afterwards)."""
    with django_db_blocker.unblock():
        report = seed_into("dvdrental", level=4, config=SMALL_LEVEL4)
    yield report
    with django_db_blocker.unblock():
        wipe("dvdrental")


@pytest.fixture(scope="module")
def level1(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = seed_into("dvdrental", level=1)
    yield report
    with django_db_blocker.unblock():
        wipe("dvdrental")


def day_number(value) -> int:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    return int(np.datetime64(value, "D").astype(np.int64))


def seconds(value) -> int:
    return int(np.datetime64(value.replace(tzinfo=None), "s").astype(np.int64))
