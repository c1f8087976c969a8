"""dvdrental parameters shared by the models and the pure generator (plain Python, no Django imports)."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
GENRES_DIR = DATA_DIR / "genres"
LEVELS = (1, 2, 3, 4)
# Where a level 1 run (and the base of a level 2 run on an empty database) starts: Sakila's era.
LEVEL1_START_DATE = dt.date(2005, 5, 24)
OPENING_HOUR = 10
CLOSING_HOUR = 22
RATINGS = ("G", "PG", "PG-13", "R", "NC-17")
RENTAL_RATES = (0.99, 2.99, 4.99)


class BusinessPhase(enum.StrEnum):
    BASE = "base"
    INCREMENTAL = "incremental"
    STEADY = "steady"
    GROWTH = "growth"
    PLATEAU = "plateau"
    DECLINE = "decline"
    REACTIVATION = "reactivation"


class CopyStatus(enum.StrEnum):
    AVAILABLE = "available"
    RENTED = "rented"
    DAMAGED = "damaged"
    MISSING = "missing"
    MAINTENANCE = "maintenance"
    WRITTEN_OFF = "written_off"


class RentalStatus(enum.StrEnum):
    ACTIVE = "active"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    LOST = "lost"


class ARStatus(enum.StrEnum):
    CURRENT = "current"
    DAYS_30 = "30_days"
    DAYS_60 = "60_days"
    DAYS_90_PLUS = "90_days_plus"
    WRITTEN_OFF = "written_off"


class PurchaseReason(enum.StrEnum):
    INITIAL = "initial"
    RELEASE = "release"
    RESTOCK = "restock"
    REPLACEMENT = "replacement"


# Observed usage tiers of the level 4 report (rentals per customer over the whole run).
USAGE_TIERS = (("Heavy", 50), ("Regular", 20), ("Occasional", 5), ("Light", 0))
