"""cardportfolio parameters: segments, customer attributes, transaction rules and the observed-segment thresholds.

Plain Python (no Django imports) so the pure generator can use it; models build their choices from it. Figures come
from the earlier tool's documentation (docs/cardportfolio.md says where each one deviates and why).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from simkit.us_places import STATE_CODES

DEFAULT_CUSTOMERS = 50_000
DEFAULT_MONTHS = 18
# A fixed as-of date keeps a seed reproducible whatever day it runs; transactions fill the `--months` whole
# calendar months before the as-of month (July 2024 - December 2025 by default).
DEFAULT_AS_OF = dt.date(2026, 1, 1)
DEFAULT_CSV = "data/customers.csv"
DEFAULT_PARQUET = "data/cardportfolio/transactions.parquet"


class Segment(enum.StrEnum):
    HIGH_VALUE_TRAVELERS = "High-Value Travelers"
    STABLE_MID_SPENDERS = "Stable Mid-Spenders"
    BUDGET_CONSCIOUS = "Budget-Conscious"
    DECLINING = "Declining"
    NEW_AND_GROWING = "New & Growing"


class DeclineType(enum.StrEnum):
    GRADUAL = "gradual"
    SUDDEN = "sudden"


class CardType(enum.StrEnum):
    STANDARD = "Standard"
    PREMIUM = "Premium"


class EmploymentStatus(enum.StrEnum):
    EMPLOYED = "Employed"
    SELF_EMPLOYED = "Self-Employed"
    RETIRED = "Retired"
    UNEMPLOYED = "Unemployed"


class Channel(enum.StrEnum):
    ONLINE = "Online"
    IN_STORE = "In-Store"
    MOBILE = "Mobile"


class Status(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class Category(enum.StrEnum):
    TRAVEL = "Travel"
    DINING = "Dining"
    HOTELS = "Hotels"
    AIRLINES = "Airlines"
    GROCERY = "Grocery"
    GAS = "Gas"
    UTILITIES = "Utilities"
    RETAIL = "Retail"
    ENTERTAINMENT = "Entertainment"
    HEALTHCARE = "Healthcare"


# Segment shares: counts are exact (`int(n * share)` per segment in this order, the last takes the remainder).
SEGMENT_SHARES: dict[Segment, float] = {
    Segment.HIGH_VALUE_TRAVELERS: 0.15,
    Segment.STABLE_MID_SPENDERS: 0.40,
    Segment.BUDGET_CONSCIOUS: 0.25,
    Segment.DECLINING: 0.10,
    Segment.NEW_AND_GROWING: 0.10,
}
SEGMENT_ORDER = tuple(SEGMENT_SHARES)
# The earlier tool's `config.SEGMENTS`: segment name -> target share, in the same order.
SEGMENTS: dict[str, float] = {segment.value: share for segment, share in SEGMENT_SHARES.items()}
SEGMENT_SHARE_TOLERANCE = 0.05  # a share further than 5 points from its target is a validation warning
DECLINE_TYPE_SHARES = {DeclineType.GRADUAL: 0.70, DeclineType.SUDDEN: 0.30}
PREMIUM_SHARE_OF_TRAVELERS = 0.30  # Premium cards only among High-Value Travelers (about 4.5% overall)

# The earlier tool's `config.US_STATES`: the 50 state abbreviations and DC, alphabetical.
US_STATES: tuple[str, ...] = tuple(sorted(STATE_CODES))

MIN_AGE, MAX_AGE = 22, 75
MIN_CREDIT_LIMIT, MAX_CREDIT_LIMIT, CREDIT_LIMIT_STEP = 5_000, 50_000, 1_000
CUSTOMER_ID_PREFIX, CUSTOMER_ID_DIGITS = "CUST", 8
TRANSACTION_ID_PREFIX, TRANSACTION_ID_DIGITS = "TXN", 11


@dataclass(frozen=True)
class SegmentProfile:
    """What a segment's customers look like and how they spend (amounts in dollars, per transaction)."""

    age_range: tuple[int, int]
    credit_limit_range: tuple[int, int]  # in thousands, inclusive
    transactions_per_month: tuple[int, int]  # inclusive
    amount_range: tuple[float, float]
    categories: tuple[Category, ...]


EVERYDAY_CATEGORIES = (
    Category.RETAIL, Category.DINING, Category.ENTERTAINMENT, Category.GROCERY, Category.GAS, Category.TRAVEL,
    Category.HEALTHCARE, Category.UTILITIES,
)  # fmt: skip

# Transactions per month are half of the earlier warehouse rule's ranges (HVT 40-80, Stable 20-40, Budget 15-30,
# Declining 20-40, New & Growing 25-50). Those ranges give ~28 million rows for 50,000 customers over 18 months,
# twice the ~13.5 million the earlier tool's tables held, and monthly spends twice the documented segment ranges
# (Stable $800-2,500, Budget $200-800); halved, both the row count and the spend ranges match.
PROFILES: dict[Segment, SegmentProfile] = {
    Segment.HIGH_VALUE_TRAVELERS: SegmentProfile(
        (28, 65), (20, 50), (20, 40), (50.0, 500.0),
        (Category.TRAVEL, Category.DINING, Category.HOTELS, Category.AIRLINES),
    ),
    Segment.STABLE_MID_SPENDERS: SegmentProfile((25, 70), (8, 35), (10, 20), (30.0, 150.0), EVERYDAY_CATEGORIES),
    Segment.BUDGET_CONSCIOUS: SegmentProfile(
        (22, 75), (5, 15), (8, 15), (10.0, 80.0), (Category.GROCERY, Category.GAS, Category.UTILITIES)
    ),
    Segment.DECLINING: SegmentProfile((25, 75), (5, 30), (10, 20), (30.0, 150.0), EVERYDAY_CATEGORIES),
    Segment.NEW_AND_GROWING: SegmentProfile((22, 45), (5, 15), (13, 25), (20.0, 100.0), EVERYDAY_CATEGORIES),
}  # fmt: skip

# Account opening of New & Growing: within the last 12 months (established ones: ESTABLISHED_OPEN_YEARS below).
NEW_OPEN_DAYS = (1, 365)

# Spend patterns, by month number m = 1..months of the window (the earlier tool: 18 months, decline from month 12,
# sudden drop at month 16; here anchored to the window's end so any --months keeps the story).
GRADUAL_DECLINE_START_BEFORE_END = 6  # factor max(0.4, 1 - 0.1 (m - (months - 6))), never above 1
GRADUAL_DECLINE_PER_MONTH = 0.10
DECLINE_FLOOR = 0.40
SUDDEN_DROP_MONTHS_BEFORE_END = 2  # factor 0.4 from month months - 2 on (month 16 of 18)

APPROVAL_RATE = 0.97
CHANNEL_SHARES = {Channel.IN_STORE: 0.45, Channel.ONLINE: 0.35, Channel.MOBILE: 0.20}
EMPLOYMENT_SHARES_UNDER_60 = {
    EmploymentStatus.EMPLOYED: 0.78,
    EmploymentStatus.SELF_EMPLOYED: 0.14,
    EmploymentStatus.RETIRED: 0.01,
    EmploymentStatus.UNEMPLOYED: 0.07,
}
EMPLOYMENT_SHARES_60_PLUS = {
    EmploymentStatus.EMPLOYED: 0.35,
    EmploymentStatus.SELF_EMPLOYED: 0.10,
    EmploymentStatus.RETIRED: 0.50,
    EmploymentStatus.UNEMPLOYED: 0.05,
}
# Card spending by hour of day (0-23): little at night, lunch and early-evening peaks.
CARD_HOUR_WEIGHTS = (
    0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 0.8, 2.0, 3.5, 4.5, 5.0, 6.0,
    7.5, 7.0, 5.5, 5.0, 5.5, 6.5, 7.0, 6.5, 5.0, 3.5, 2.0, 1.0,
)  # fmt: skip

# Invented merchants (no real brands), per category.
MERCHANTS: dict[Category, tuple[str, ...]] = {
    Category.TRAVEL: ("Wayfarer Travel Co.", "Compass Tours", "Open Road Rentals", "Harbor Cruise Lines",
                      "Summit Car Hire", "Globetrek Agency"),
    Category.DINING: ("The Copper Pot", "Blue Door Bistro", "Maple Street Diner", "Saffron Table",
                      "Harborview Grill", "Luna Trattoria", "Corner Taqueria", "Golden Wok"),
    Category.HOTELS: ("Grand Meridian Hotel", "Lakeside Inn & Suites", "Parkview Lodge", "Northstar Resorts",
                      "Cityline Hotels"),
    Category.AIRLINES: ("Skyward Airlines", "Bluejet Air", "Pacific Crest Airways", "Northwind Air"),
    Category.GROCERY: ("FreshMart", "Green Basket Market", "Valley Foods", "Daily Harvest Grocers",
                       "Corner Pantry"),
    Category.GAS: ("QuickFuel", "Roadrunner Gas", "Eagle Petroleum", "Fill-Up Express"),
    Category.UTILITIES: ("Metro Power & Light", "Clearwater Utilities", "Citywide Internet", "Beacon Mobile"),
    Category.RETAIL: ("Main Street Outfitters", "HomeGoods Depot", "Brightline Electronics", "Urban Threads",
                      "Page Turner Books", "Everyday Essentials"),
    Category.ENTERTAINMENT: ("Starlight Cinemas", "Encore Live Tickets", "StreamBox", "Pinewood Bowling",
                             "Arcadia Games"),
    Category.HEALTHCARE: ("Wellness Pharmacy", "Family Care Clinic", "BrightSmile Dental", "ClearView Optical"),
}  # fmt: skip

# Observed segmentation (the rule used downstream of the earlier tool; first match wins): the last three months
# against the three before.
OBSERVED_WINDOW_MONTHS = 3  # the earlier rule's 90 days, as whole calendar months
TRAVEL_CATEGORIES = (Category.TRAVEL, Category.HOTELS, Category.AIRLINES)
NECESSITY_CATEGORIES = (Category.GROCERY, Category.GAS, Category.UTILITIES)
TRAVELER_MIN_MONTHLY_SPEND = 5_000
TRAVELER_MIN_TRAVEL_SHARE = 0.25
DECLINING_MAX_CHANGE = -0.30
DECLINING_MIN_PRIOR_SPEND = 2_000
GROWING_MAX_TENURE_MONTHS = 6
GROWING_MIN_CHANGE = 0.50
BUDGET_MAX_MONTHLY_SPEND = 1_500
BUDGET_MIN_NECESSITY_SHARE = 0.60

# --- Realism: merchants, amounts, calendar, travel, declines, accounts (docs/cardportfolio.md explains each) ------

DEFAULT_MERCHANTS = 5_000
# Real merchant category codes (ISO 18245) per category; a merchant takes one of its category's codes.
CATEGORY_MCCS: dict[Category, tuple[int, ...]] = {
    Category.TRAVEL: (4722, 7512, 4411, 4121),  # travel agencies, car rental, cruise lines, taxis
    Category.DINING: (5812, 5814, 5813),  # restaurants, fast food, bars
    Category.HOTELS: (7011,),
    Category.AIRLINES: (4511,),
    Category.GROCERY: (5411, 5499),
    Category.GAS: (5541, 5542),
    Category.UTILITIES: (4900, 4814, 4899),  # utilities, telecom, cable and streaming
    Category.RETAIL: (5311, 5651, 5732, 5942, 5999),
    Category.ENTERTAINMENT: (7832, 7922, 7996, 5815),
    Category.HEALTHCARE: (5912, 8011, 8021, 8043),
}
# Share of the merchant dimension per category (groceries and restaurants are everywhere, airlines few).
CATEGORY_MERCHANT_WEIGHTS: dict[Category, float] = {
    Category.TRAVEL: 0.06, Category.DINING: 0.24, Category.HOTELS: 0.07, Category.AIRLINES: 0.01,
    Category.GROCERY: 0.14, Category.GAS: 0.10, Category.UTILITIES: 0.03, Category.RETAIL: 0.20,
    Category.ENTERTAINMENT: 0.07, Category.HEALTHCARE: 0.08,
}  # fmt: skip
# Per-transaction amounts: lognormal with this median (dollars) and log-spread per category, before the
# customer's own scale: an airfare costs many dinners.
CATEGORY_AMOUNTS: dict[Category, tuple[float, float]] = {
    Category.TRAVEL: (120.0, 0.8), Category.DINING: (38.0, 0.6), Category.HOTELS: (210.0, 0.6),
    Category.AIRLINES: (380.0, 0.55), Category.GROCERY: (55.0, 0.6), Category.GAS: (42.0, 0.35),
    Category.UTILITIES: (95.0, 0.45), Category.RETAIL: (60.0, 0.9), Category.ENTERTAINMENT: (35.0, 0.7),
    Category.HEALTHCARE: (70.0, 0.9),
}  # fmt: skip
# Category mix per segment (weights over the segment's categories, in PROFILES order).
CATEGORY_MIX: dict[Segment, tuple[float, ...]] = {
    Segment.HIGH_VALUE_TRAVELERS: (0.25, 0.40, 0.17, 0.18),
    Segment.STABLE_MID_SPENDERS: (0.22, 0.22, 0.08, 0.18, 0.12, 0.04, 0.07, 0.07),
    Segment.BUDGET_CONSCIOUS: (0.55, 0.30, 0.15),
    Segment.DECLINING: (0.22, 0.22, 0.08, 0.18, 0.12, 0.04, 0.07, 0.07),
    Segment.NEW_AND_GROWING: (0.25, 0.25, 0.10, 0.16, 0.10, 0.03, 0.05, 0.06),
}
# Monthly approved spend per segment (the spec's ranges); each customer's level sits in its segment's range by its
# credit limit (rank within the segment, SPEND_LIMIT_WEIGHT) and a personal draw. New & Growing start in the lower
# part and rise with tenure, staying within the range.
SEGMENT_MONTHLY_SPEND: dict[Segment, tuple[float, float]] = {
    Segment.HIGH_VALUE_TRAVELERS: (2_000.0, 8_000.0),
    Segment.STABLE_MID_SPENDERS: (800.0, 2_500.0),
    Segment.BUDGET_CONSCIOUS: (200.0, 800.0),
    Segment.DECLINING: (500.0, 2_000.0),
    Segment.NEW_AND_GROWING: (300.0, 700.0),
}
SPEND_LIMIT_WEIGHT = 0.6
# Where in the range most customers sit (position ** exponent): most High-Value Travelers spend in the upper part,
# so the observed-segment rule's $5,000 threshold still finds most of them.
SPEND_POSITION_EXPONENT = {Segment.HIGH_VALUE_TRAVELERS: 0.4}
NEW_GROWTH_PER_TENURE_MONTH = 0.05  # New & Growing: spend x (1 + 0.05 x months since opening), at most x1.6
# Transaction volume follows the card-spend calendar (weekday, special days) and these month multipliers; a month's
# count is proportional to its days times its multiplier, so February has fewer than January.
CARD_MONTH = (0.92, 0.92, 0.98, 0.98, 1.0, 1.04, 1.06, 1.04, 0.98, 1.0, 1.06, 1.2)
# Travel: High-Value Travelers spend away from home (another state) on travel categories and abroad on a share of
# them; everyone else's travel purchases are abroad rarely.
TRAVELER_AWAY_SHARE = 0.55
TRAVELER_ABROAD_SHARE = 0.22
OTHERS_ABROAD_SHARE = 0.03
# Foreign merchants' countries: (ISO code, currency, US dollars per unit, weight).
FOREIGN_COUNTRIES: tuple[tuple[str, str, float, float], ...] = (
    ("CA", "CAD", 0.73, 0.18), ("MX", "MXN", 0.055, 0.16), ("GB", "GBP", 1.27, 0.14), ("FR", "EUR", 1.08, 0.11),
    ("IT", "EUR", 1.08, 0.09), ("ES", "EUR", 1.08, 0.08), ("DE", "EUR", 1.08, 0.07), ("JP", "JPY", 0.0068, 0.07),
    ("AU", "AUD", 0.66, 0.05), ("BR", "BRL", 0.19, 0.05),
)  # fmt: skip
FOREIGN_MERCHANT_SHARE = 0.12  # of the merchant dimension, in travel-related categories
# Declines (about 3% in all): a base rate, fraud suspicion (abroad, unusually large, at night, online) and
# insufficient credit (the balance near the limit).
DECLINE_BASE = 0.017
DECLINE_FRAUD_ABROAD = 0.06
DECLINE_FRAUD_LARGE = 0.03
DECLINE_FRAUD_NIGHT = 0.02
DECLINE_CREDIT_FROM_UTILISATION = 0.85  # above this share of the limit, insufficient-credit declines rise steeply
# Accounts: monthly statements, payment behaviour and attrition. Share of customers who close their account during
# the window, per segment (Declining most); a closed account has no transactions after its closure date.
CLOSURE_SHARES: dict[Segment, float] = {
    Segment.HIGH_VALUE_TRAVELERS: 0.01,
    Segment.STABLE_MID_SPENDERS: 0.015,
    Segment.BUDGET_CONSCIOUS: 0.03,
    Segment.DECLINING: 0.35,
    Segment.NEW_AND_GROWING: 0.02,
}
# Payment behaviour: transactors pay the whole statement, revolvers part of it, strugglers sometimes nothing.
TRANSACTOR_SHARE = dict.fromkeys(SEGMENT_SHARES, 0.55) | {Segment.DECLINING: 0.25}
STRUGGLER_SHARE = dict.fromkeys(SEGMENT_SHARES, 0.03) | {Segment.DECLINING: 0.20}
MINIMUM_DUE_SHARE = 0.02
MINIMUM_DUE_FLOOR = 25.0
# Account openings: established accounts 1-8 years before the as-of date, more of them recent (a growing issuer).
ESTABLISHED_OPEN_YEARS = (1.0, 8.0)
ACCOUNT_GROWTH_PER_YEAR = 0.15
RETIREMENT_MIN_AGE = 55
