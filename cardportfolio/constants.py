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

# Account opening: 2-5 years before the as-of date; New & Growing within the last 12 months.
ESTABLISHED_OPEN_DAYS = (2 * 365, 5 * 365)
NEW_OPEN_DAYS = (1, 365)

# Spend patterns, by month number m = 1..months of the window (the earlier tool: 18 months, decline from month 12,
# sudden drop at month 16; here anchored to the window's end so any --months keeps the story).
GRADUAL_DECLINE_START_BEFORE_END = 6  # factor max(0.4, 1 - 0.1 (m - (months - 6))), never above 1
GRADUAL_DECLINE_PER_MONTH = 0.10
DECLINE_FLOOR = 0.40
SUDDEN_DROP_MONTHS_BEFORE_END = 2  # factor 0.4 from month months - 2 on (month 16 of 18)
GROWTH_PER_MONTH = 0.05  # New & Growing: factor 1 + 0.05 m

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
