"""minicrm parameters: personas (Table 4.1 of the original seed script), the product catalogue, RFM segments.

Plain Python (no Django imports) so the pure generator can use it; models build their choices from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

DEFAULT_CUSTOMERS = 500
DEFAULT_DAYS = 730
# A fixed window end keeps a seed reproducible whatever day it runs.
DEFAULT_END_DATE = dt.date(2025, 12, 31)
DEFAULT_PRODUCTS = 20
NEW_CUSTOMER_WINDOW_DAYS = 90  # New customers' (only) recent orders fall within the last 90 days
# Signups grow this much a year (and follow the retail months); customers who joined earlier have had time to
# become Champions, so established personas take the earlier signup days of a shard (with overlap, SIGNUP_MIXING).
SIGNUP_GROWTH_PER_YEAR = 0.35
SIGNUP_PRIORITY = {"champions": 0.0, "at_risk": 0.0, "loyal": 1.0}
SIGNUP_MIXING = 0.35  # std of the noise on the priority above: 0 would sort strictly by persona
# Customers with an order or two (New and Lapsed): tenure = orders / rate, so their orders per year of tenure follow
# Table 4.1 (2 and 1 a year). New customers joined on average about half a year before the window end, Lapsed ones
# about a year; (shares of one order, two orders) and the rate's clip range per persona.
FEW_ORDERS = {"new": ((0.80, 0.20), (1.0, 8.0)), "lapsed": ((1.0, 0.0), (0.5, 2.0))}
# Extra orders beside the kept ones: cancelled before shipping, or returned and refunded. Neither counts toward
# frequency or monetary value (both are excluded from RFM).
CANCELLED_ORDER_SHARE = 0.02
RETURNED_ORDER_SHARE = 0.04
# List prices: each product's price changes a few times over the window (steps, not a drift), about +3% a year on
# average with some cuts; order lines are priced at the price in force on the order day.
PRICE_CHANGES_PER_YEAR = 1.5
PRICE_STEP_MEAN = 0.025
PRICE_STEP_STD = 0.05


class Persona(enum.StrEnum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    NEW = "new"
    AT_RISK = "at_risk"
    LAPSED = "lapsed"


PERSONA_LABELS = {
    Persona.CHAMPIONS: "Champions",
    Persona.LOYAL: "Loyal Customers",
    Persona.NEW: "New Customers",
    Persona.AT_RISK: "At-Risk Customers",
    Persona.LAPSED: "Lapsed Customers",
}


@dataclass(frozen=True)
class PersonaProfile:
    """Gaussian parameters of one persona (Table 4.1); counts are per 500 customers."""

    persona: Persona
    count_per_500: int
    orders_per_year_mean: float
    orders_per_year_std: float
    value_per_year_mean: float
    value_per_year_std: float
    recency_days_mean: float
    recency_days_std: float


PERSONAS: tuple[PersonaProfile, ...] = (
    PersonaProfile(Persona.CHAMPIONS, 100, 12, 3, 5000, 1500, 15, 10),
    PersonaProfile(Persona.LOYAL, 150, 8, 2, 2000, 500, 30, 15),
    PersonaProfile(Persona.NEW, 100, 2, 1, 500, 200, 5, 3),
    PersonaProfile(Persona.AT_RISK, 80, 10, 3, 3000, 1000, 120, 30),
    PersonaProfile(Persona.LAPSED, 70, 1, 1, 200, 100, 200, 50),
)


class OrderStatus(enum.StrEnum):
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


# (name, category, list price in dollars). Prices are spread roughly log-evenly from $8 to $650 so that any order
# value can be realised by a few lines within a few percent.
PRODUCT_CATALOGUE: tuple[tuple[str, str, float], ...] = (
    ("Notebook Set", "Stationery", 8.50),
    ("Ceramic Mug", "Kitchen", 12.00),
    ("Phone Case", "Accessories", 16.00),
    ("Desk Lamp", "Home", 22.00),
    ("Yoga Mat", "Sports", 29.00),
    ("Water Bottle Pro", "Sports", 35.00),
    ("Bluetooth Speaker", "Electronics", 45.00),
    ("Running Shoes", "Sports", 59.00),
    ("Backpack", "Accessories", 72.00),
    ("Chef's Knife", "Kitchen", 89.00),
    ("Wireless Earbuds", "Electronics", 110.00),
    ("Office Chair Cushion", "Home", 135.00),
    ("Espresso Grinder", "Kitchen", 165.00),
    ("Smart Watch", "Electronics", 199.00),
    ("Standing Desk Mat", "Home", 240.00),
    ("Noise-Cancelling Headphones", "Electronics", 295.00),
    ("Road Bike Helmet Kit", "Sports", 355.00),
    ("Espresso Machine", "Kitchen", 430.00),
    ("Tablet", "Electronics", 520.00),
    ("Ergonomic Office Chair", "Home", 640.00),
)


class Segment(enum.StrEnum):
    CHAMPIONS = "Champions"
    LOYAL = "Loyal Customers"
    POTENTIAL_LOYALISTS = "Potential Loyalists"
    NEW = "New Customers"
    PROMISING = "Promising"
    NEED_ATTENTION = "Need Attention"
    ABOUT_TO_SLEEP = "About to Sleep"
    AT_RISK = "At Risk"
    CANT_LOSE = "Can't Lose Them"
    HIBERNATING = "Hibernating"
    LOST = "Lost"


# Names the earlier CRM (and common RFM write-ups) use for the same segments; filters accept them, and any
# segment name in any letter case.
SEGMENT_ALIASES: dict[str, Segment] = {
    "Cannot Lose Them": Segment.CANT_LOSE,
    "Cant Lose Them": Segment.CANT_LOSE,
    "Can\u2019t Lose Them": Segment.CANT_LOSE,
    "At-Risk": Segment.AT_RISK,
    "At Risk Customers": Segment.AT_RISK,
    "Need Attention Customers": Segment.NEED_ATTENTION,
    "Lost Customers": Segment.LOST,
    "Hibernating Customers": Segment.HIBERNATING,
    "Promising Customers": Segment.PROMISING,
}


def segment_named(name: str) -> Segment | None:
    """The segment a name (canonical or alias, any case, spaces trimmed) stands for; None when unknown."""
    wanted = " ".join(name.split()).casefold()
    for candidate, segment in [*((s.value, s) for s in Segment), *SEGMENT_ALIASES.items()]:
        if candidate.casefold() == wanted:
            return segment
    return None


S = Segment
# SEGMENT_GRID[r - 1][fm - 1] is the segment of R score r and FM score fm, where fm is the mean of the F and M
# scores rounded half up. Every one of the 25 cells names exactly one segment and every segment has a cell.
#   FM:     1                 2                     3                     4               5
SEGMENT_GRID: tuple[tuple[Segment, ...], ...] = (
    (S.LOST,           S.LOST,               S.AT_RISK,            S.CANT_LOSE,    S.CANT_LOSE),  # R = 1
    (S.HIBERNATING,    S.HIBERNATING,        S.AT_RISK,            S.AT_RISK,      S.CANT_LOSE),  # R = 2
    (S.ABOUT_TO_SLEEP, S.ABOUT_TO_SLEEP,     S.NEED_ATTENTION,     S.LOYAL,        S.LOYAL),      # R = 3
    (S.PROMISING,      S.PROMISING,          S.POTENTIAL_LOYALISTS, S.LOYAL,       S.CHAMPIONS),  # R = 4
    (S.NEW,            S.POTENTIAL_LOYALISTS, S.POTENTIAL_LOYALISTS, S.CHAMPIONS,  S.CHAMPIONS),  # R = 5
)  # fmt: skip
