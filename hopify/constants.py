"""hopify parameters: the acquisition plan, segments, plans, catalogue, lifecycle rates and vocabularies.

Plain Python (no Django imports) so the pure generator can use it; models build their choices from it. Figures
come from the earlier generator (docs/hopify.md lists where this project departs from it and why).
"""

from __future__ import annotations

import datetime as dt
import enum

DEFAULT_SCALE = 1.0
MAX_SCALE = 50.0
# A fixed window end keeps a seed reproducible whatever day it runs.
DEFAULT_END_DATE = dt.date(2025, 6, 30)
WINDOW_MONTHS = 36
WEB_TRAFFIC_MONTHS = 24


class Segment(enum.StrEnum):
    SMB = "SMB"
    MID_MARKET = "Mid-Market"
    ENTERPRISE = "Enterprise"


SEGMENTS = (Segment.SMB, Segment.MID_MARKET, Segment.ENTERPRISE)
SEGMENT_SHARES = (0.60, 0.30, 0.10)

# --- Acquisition plan (customers per month at scale 1.0) ------------------------------------------------------
SUMMER_MONTHS = (6, 7, 8)
HOLIDAY_MONTHS = (11, 12, 1)
SUMMER_RANGE = (1_200, 1_800)
HOLIDAY_RANGE = (2_200, 3_000)
SPRING_MONTH = 4
SPRING_CAMPAIGN_CHANCE = 0.30
SPRING_RANGE = (3_000, 4_000)
REGULAR_RANGE = (1_800, 2_300)

ACQUISITION_SOURCES = ("Organic", "Social", "Paid Search", "Referral", "Direct")
SOURCE_WEIGHTS = {
    Segment.SMB: (0.45, 0.25, 0.20, 0.05, 0.05),
    Segment.MID_MARKET: (0.20, 0.15, 0.30, 0.25, 0.10),
    Segment.ENTERPRISE: (0.10, 0.05, 0.30, 0.35, 0.20),
}
# In a campaign month this much probability moves to the campaign's channel (then the weights are renormalised).
CAMPAIGN_SOURCE_SHIFT = 0.15

SHIP_TO_BILLING_SHARE = 0.70  # customers whose shipping address is their billing address

# --- Plans (monthly price) ------------------------------------------------------------------------------------
PLANS = (("Starter", 29.0), ("Basic", 79.0), ("Standard", 299.0), ("Advanced", 399.0), ("Plus", 2_000.0))
PLAN_NAMES = tuple(name for name, _ in PLANS)
PLAN_PRICES = tuple(price for _, price in PLANS)
FIRST_PLAN_WEIGHTS = {
    Segment.SMB: (0.60, 0.40, 0.0, 0.0, 0.0),
    Segment.MID_MARKET: (0.0, 0.40, 0.40, 0.20, 0.0),
    Segment.ENTERPRISE: (0.0, 0.0, 0.30, 0.40, 0.30),
}
# Chance of at least one plan change in the first active spell, and of a second one after it.
PLAN_CHANGE_CHANCE = {Segment.SMB: 0.20, Segment.MID_MARKET: 0.35, Segment.ENTERPRISE: 0.45}
SECOND_CHANGE_CHANCE = 0.30
UPGRADE_SHARE = 0.70
REACTIVATION_PRICE_UPLIFT = (1.05, 1.15)


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class ChangeType(enum.StrEnum):
    SIGNUP = "signup"  # the original tool's word for the first subscription row
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    REACTIVATION = "reactivation"


# --- Support -------------------------------------------------------------------------------------------------
TICKET_CATEGORIES = ("Billing", "Technical", "Onboarding", "Account Access", "General Inquiry")
TICKET_CATEGORY_WEIGHTS = (0.22, 0.33, 0.15, 0.15, 0.15)
TICKETS_PER_CUSTOMER = {Segment.SMB: (0, 3), Segment.MID_MARKET: (2, 6), Segment.ENTERPRISE: (5, 10)}
# Ticket counts above are for a full year of tenure; a newer customer has proportionally fewer.
TICKET_TENURE_DAYS = 365
RESOLUTION_HOURS = {Segment.SMB: (24, 120), Segment.MID_MARKET: (12, 72), Segment.ENTERPRISE: (6, 36)}

# --- Churn ---------------------------------------------------------------------------------------------------
CHURN_BASE = {Segment.SMB: 0.12, Segment.MID_MARKET: 0.05, Segment.ENTERPRISE: 0.02}
# How strongly support friction moves a segment's churn: enterprise accounts sit on contracts with account
# managers, so the earlier tool's flat +0.10..0.15 for 5+ tickets (every Enterprise customer has 5+) made
# Enterprise churn more than SMB. Scaling the adjustments keeps the ordering SMB > Mid-Market > Enterprise.
SUPPORT_SENSITIVITY = {Segment.SMB: 1.0, Segment.MID_MARKET: 0.4, Segment.ENTERPRISE: 0.08}
TENURE_FACTORS = ((90, 0.2), (180, 0.5))  # tenure below N days multiplies the probability
HEAVY_TICKETS = 5
HEAVY_TICKET_BONUS = (0.10, 0.15)
LIGHT_TICKET_BONUS = -0.05  # 1-4 tickets: problems get solved, customers stay
SLOW_RESOLUTION_HOURS = 72
SLOW_RESOLUTION_BONUS = (0.05, 0.10)
BILLING_TICKETS = 2
BILLING_BONUS = (0.10, 0.15)
CHURN_CAP = 0.90
MIN_LIFETIME_DAYS = {Segment.SMB: 30, Segment.MID_MARKET: 60, Segment.ENTERPRISE: 120}
# The first five are voluntary (weights below); "Payment failed" is the involuntary churn after dunning.
CHURN_REASONS = ("Too expensive", "Switched provider", "Lack of features", "Poor support", "Other", "Payment failed")
CHURN_REASON_WEIGHTS = (0.25, 0.25, 0.20, 0.15, 0.15)
REASON_BOOST = 0.6  # added to "Too expensive" (2+ billing tickets) or "Poor support" (slow resolution)
REACTIVATION_SHARE = {Segment.SMB: 0.05, Segment.MID_MARKET: 0.10, Segment.ENTERPRISE: 0.20}
REACTIVATION_DAYS = (30, 180)

# --- Orders, discounts, payments -----------------------------------------------------------------------------
ORDERS_PER_CUSTOMER = {Segment.SMB: (1, 3), Segment.MID_MARKET: (2, 4), Segment.ENTERPRISE: (3, 6)}
EXPANSION_SHARE = {Segment.SMB: 0.03, Segment.MID_MARKET: 0.10, Segment.ENTERPRISE: 0.15}
EXPANSION_ORDERS = (1, 4)
EXPANSION_INTERVAL_DAYS = 30
ITEMS_PER_ORDER = (1, 2, 3, 4, 5)
ITEMS_PER_ORDER_WEIGHTS = (0.35, 0.25, 0.20, 0.12, 0.08)
QUANTITIES = (1, 2, 3)
QUANTITY_WEIGHTS = (0.65, 0.25, 0.10)


class OrderType(enum.StrEnum):
    PURCHASE = "purchase"
    EXPANSION = "expansion"


DISCOUNT_CODES = 50
DISCOUNT_PERCENT = (5, 30)
DISCOUNT_WINDOW_DAYS = (7, 90)
# Share of the orders placed inside at least one discount window that use a code.
DISCOUNT_TAKE_UP = 0.35

PAYMENT_METHODS = ("Card", "ACH", "PayPal", "Hop Pay")
PAYMENT_METHOD_WEIGHTS = (0.55, 0.20, 0.15, 0.10)
PAYMENT_SUCCESS = 0.97
RETRY_DAYS = (2, 5)

# --- Catalogue -----------------------------------------------------------------------------------------------
PRODUCT_CATEGORIES = (
    "POS Hardware & Software",
    "Payments & Finance",
    "Financial Services",
    "Apps & Integrations",
    "Storefront Tools",
    "Marketing & Growth",
    "Logistics & Shipping",
)
CATEGORY_PREFERENCE = {
    Segment.ENTERPRISE: {"POS Hardware & Software": 0.4, "Payments & Finance": 0.3, "Financial Services": 0.2,
                         "Apps & Integrations": 0.1},
    Segment.MID_MARKET: {"Apps & Integrations": 0.4, "Storefront Tools": 0.4, "Marketing & Growth": 0.2},
    Segment.SMB: {"Storefront Tools": 0.5, "Marketing & Growth": 0.3, "Logistics & Shipping": 0.2},
}  # fmt: skip
# 80 products: (name, category). Prices and revenue types are drawn by the generator.
PRODUCT_NAMES = {
    "POS Hardware & Software": (
        "Countertop POS Terminal", "Mobile Card Reader", "Receipt Printer", "Cash Drawer", "Barcode Scanner",
        "POS Register Software", "Kitchen Display System", "Customer-Facing Display", "POS Tablet Stand",
        "Tap to Pay Reader", "Retail POS Pro", "Label Printer",
    ),
    "Payments & Finance": (
        "Hop Payments Gateway", "Multi-Currency Checkout", "Fraud Shield", "Chargeback Protection",
        "Installments at Checkout", "Gift Card Engine", "Tax Calculator", "Invoice Billing", "Recurring Billing",
        "Payout Scheduler", "Currency Converter",
    ),
    "Financial Services": (
        "Hop Capital Advance", "Business Checking", "Expense Cards", "Cash Flow Forecast", "Bookkeeping Sync",
        "Payroll Connect", "Merchant Insurance", "Working Capital Line", "Treasury Dashboard", "Bill Pay",
        "Revenue-Based Financing",
    ),
    "Apps & Integrations": (
        "ERP Connector", "CRM Sync", "Inventory Sync", "Accounting Bridge", "Marketplace Connector",
        "Helpdesk Integration", "Reviews Widget", "Loyalty Program", "Wholesale Portal", "B2B Price Lists",
        "Subscriptions App", "Analytics Export",
    ),
    "Storefront Tools": (
        "Premium Theme", "Page Builder", "Product Bundles", "Size Guide", "Wishlist", "Store Locator",
        "Live Chat Widget", "Multilingual Storefront", "Product Reviews", "Back-in-Stock Alerts",
        "Custom Domain Pack", "Headless Storefront API",
    ),
    "Marketing & Growth": (
        "Email Campaigns", "SMS Marketing", "Social Ads Manager", "SEO Toolkit", "Abandoned Cart Recovery",
        "Referral Program", "Pop-Up Builder", "Influencer Hub", "Marketing Automation", "Audience Segments",
        "Affiliate Manager",
    ),
    "Logistics & Shipping": (
        "Shipping Labels", "Rate Calculator", "Returns Portal", "Order Tracking Page", "Warehouse Manager",
        "Fulfillment Network", "Customs Forms", "Local Delivery", "Packing Slips", "Dropshipping Connector",
        "Carrier Pickup",
    ),
}  # fmt: skip
PRODUCT_PRICE = (20, 500)
REVENUE_TYPES = ("One-Time", "Subscription")
SUBSCRIPTION_REVENUE_SHARE = {
    "POS Hardware & Software": 0.3, "Payments & Finance": 0.7, "Financial Services": 0.6, "Apps & Integrations": 0.9,
    "Storefront Tools": 0.6, "Marketing & Growth": 0.8, "Logistics & Shipping": 0.5,
}  # fmt: skip

# (name, address, city, state/province, postal code, country)
LOCATIONS = (
    ("New York HQ", "85 Broad Street", "New York", "NY", "10004", "United States"),
    ("Toronto", "100 King Street West", "Toronto", "ON", "M5X 1A9", "Canada"),
    ("Sao Paulo", "Avenida Paulista 1842", "Sao Paulo", "SP", "01310-200", "Brazil"),
    ("Berlin", "Friedrichstrasse 68", "Berlin", "BE", "10117", "Germany"),
    ("Singapore", "1 Raffles Place", "Singapore", "SG", "048616", "Singapore"),
)
APP_INSTALLS_PER_LOCATION = (5, 12)

# --- Marketing -----------------------------------------------------------------------------------------------
MONTHLY_BUDGET = {Segment.SMB: (10_000, 25_000), Segment.MID_MARKET: (50_000, 80_000),
                  Segment.ENTERPRISE: (100_000, 150_000)}  # fmt: skip
BUDGET_JITTER = 0.10
WEB_CHANNELS = ("Paid Search", "Social Media", "Organic")
WEB_VISITORS = {"Paid Search": (10_000, 30_000), "Social Media": (10_000, 30_000), "Organic": (50_000, 100_000)}
LEAD_RATE = (0.02, 0.05)
MQL_RATE = (0.20, 0.40)
CAMPAIGN_TRAFFIC_UPLIFT = 1.3


class TargetPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"
    LIFETIME = "lifetime"


# --- Funnel (scale 1.0; hopify/funnel.py) ----------------------------------------------------------------------
# (name, acquisition source, type, first day MM-DD, last day MM-DD (earlier = next year), cost range)
CAMPAIGN_PLANS = (
    ("Summer Sale {year}", "Social", "Seasonal Promotion", "06-01", "08-31", 150_000, 250_000),
    ("Black Friday & Holiday {year}", "Paid Search", "Holiday Sale", "11-01", "01-31", 300_000, 500_000),
    ("Spring Partner Campaign {year}", "Referral", "Partner Campaign", "04-01", "04-30", 100_000, 200_000),
)
WEB_CHANNEL_OF_SOURCE = {"Paid Search": 0, "Social": 1, "Organic": 2, "Referral": 2, "Direct": 2}
# Monthly marketing budget per segment before the season and the +-10% noise.
SEGMENT_BUDGET = {Segment.SMB: 150_000, Segment.MID_MARKET: 170_000, Segment.ENTERPRISE: 180_000}
# January..December: the planning calendar (summer dip, year-end push) for budgets and for demand.
BUDGET_SEASON = (1.00, 0.95, 1.05, 1.00, 1.00, 0.85, 0.80, 0.85, 1.05, 1.10, 1.25, 1.15)
DEMAND_SEASON = (1.05, 1.00, 1.05, 1.00, 1.00, 0.90, 0.85, 0.90, 1.05, 1.05, 1.10, 0.95)
# Share of each segment's budget per web channel (Paid Search, Social Media, Organic content).
CHANNEL_MIX = {Segment.SMB: (0.40, 0.40, 0.20), Segment.MID_MARKET: (0.50, 0.20, 0.30),
               Segment.ENTERPRISE: (0.55, 0.10, 0.35)}  # fmt: skip
COST_PER_VISITOR = (0.55, 0.38, 1.00)  # dollars per paid visitor, per web channel
SEGMENT_VISITOR_COST = {Segment.SMB: 1.0, Segment.MID_MARKET: 2.2, Segment.ENTERPRISE: 4.5}
ORGANIC_VISITORS = {Segment.SMB: 300_000, Segment.MID_MARKET: 90_000, Segment.ENTERPRISE: 20_000}
TRAFFIC_NOISE = 0.06
LEAD_RATE_BY_CHANNEL = (0.035, 0.022, 0.030)
MQL_RATE_BY_SEGMENT = {Segment.SMB: 0.30, Segment.MID_MARKET: 0.36, Segment.ENTERPRISE: 0.42}
SIGNUP_RATE = {Segment.SMB: 0.24, Segment.MID_MARKET: 0.20, Segment.ENTERPRISE: 0.15}
# Share of a month's MQLs that sign up the month after (longer sales cycles for bigger accounts).
SIGNUP_LAG_SHARE = {Segment.SMB: 0.15, Segment.MID_MARKET: 0.40, Segment.ENTERPRISE: 0.65}
MEAN_WORKING_DAYS = 21.0
WORKDAY_ELASTICITY = {Segment.SMB: 0.5, Segment.MID_MARKET: 1.0, Segment.ENTERPRISE: 1.2}

# --- Lifecycle (hopify/lifecycle.py): per customer and month ---------------------------------------------------
PAYMENT_RISK_SIGMA = 0.6  # spread of a customer's own decline risk (log-normal, mean 1)
FRICTION_SIGMA = 0.5  # spread of a customer's own support need (log-normal, mean 1)
SEATS_MEDIAN = {Segment.SMB: 1.0, Segment.MID_MARKET: 2.0, Segment.ENTERPRISE: 5.0}
SEATS_SIGMA = {Segment.SMB: 0.0, Segment.MID_MARKET: 0.5, Segment.ENTERPRISE: 0.6}
UPGRADE_RATE = {Segment.SMB: 0.006, Segment.MID_MARKET: 0.012, Segment.ENTERPRISE: 0.015}
DOWNGRADE_RATE = {Segment.SMB: 0.010, Segment.MID_MARKET: 0.006, Segment.ENTERPRISE: 0.003}
DOWNGRADE_AFTER_FAILURE = 3.0  # a recent failed charge makes a downgrade this much likelier
SEAT_GROWTH_RATE = {Segment.SMB: 0.002, Segment.MID_MARKET: 0.015, Segment.ENTERPRISE: 0.040}
SEAT_GROWTH_SIZE = {Segment.SMB: 0.2, Segment.MID_MARKET: 0.3, Segment.ENTERPRISE: 0.3}  # share of seats added
DECLINE_RATE_BY_METHOD = (0.045, 0.025, 0.035, 0.020)  # first-attempt declines: Card, ACH, PayPal, Hop Pay
DECLINE_SEGMENT_FACTOR = {Segment.SMB: 1.4, Segment.MID_MARKET: 0.8, Segment.ENTERPRISE: 0.5}
DUNNING_DAYS = (3, 7, 14)  # retries after a declined fee; the account closes the day after the last one fails
DUNNING_RECOVERY = {Segment.SMB: 0.45, Segment.MID_MARKET: 0.60, Segment.ENTERPRISE: 0.75}
TICKET_RATE = {Segment.SMB: 0.10, Segment.MID_MARKET: 0.28, Segment.ENTERPRISE: 0.55}  # tickets a month
FIRST_MONTH_TICKET_FACTOR = 1.5
ONBOARDING_TICKET_SHARE = {Segment.SMB: 0.35, Segment.MID_MARKET: 0.60, Segment.ENTERPRISE: 0.85}
ONBOARDING_WINDOW_DAYS = 21
BILLING_TICKET_AFTER_FAILURE = 0.4
# Billing, Technical, Onboarding, Account Access, General Inquiry after the first month (onboarding tickets come
# only in the first weeks).
TICKET_CATEGORY_WEIGHTS_LATER = (0.20, 0.44, 0.0, 0.16, 0.20)
TICKET_PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_WEIGHTS = {Segment.SMB: (0.05, 0.15, 0.55, 0.25), Segment.MID_MARKET: (0.08, 0.22, 0.50, 0.20),
                    Segment.ENTERPRISE: (0.12, 0.28, 0.45, 0.15)}  # fmt: skip
PRIORITY_HOURS_FACTOR = (0.25, 0.5, 1.0, 1.8)
RESOLUTION_MEDIAN_HOURS = {Segment.SMB: 30.0, Segment.MID_MARKET: 16.0, Segment.ENTERPRISE: 7.0}
RESOLUTION_SIGMA = {Segment.SMB: 0.9, Segment.MID_MARKET: 0.85, Segment.ENTERPRISE: 0.8}
TECHNICAL_TICKET_WEIGHT = 1.5  # a technical ticket counts this much toward the churn hazard
# Voluntary churn hazard a month: base x (1 + lift x exp(-tenure / months)) x size^-elasticity x exp(drivers).
CHURN_HAZARD_BASE = {Segment.SMB: 0.0133, Segment.MID_MARKET: 0.0052, Segment.ENTERPRISE: 0.0072}
EARLY_CHURN_LIFT = {Segment.SMB: 0.6, Segment.MID_MARKET: 0.5, Segment.ENTERPRISE: 1.0}
EARLY_CHURN_MONTHS = 3.0
SIZE_CHURN_ELASTICITY = {Segment.SMB: 0.0, Segment.MID_MARKET: 0.15, Segment.ENTERPRISE: 0.45}
HAZARD_PER_TICKET = 0.25  # per ticket of the last three months
HAZARD_PER_SLOW_TICKET = 0.35  # per ticket of the last three months resolved after SLOW_RESOLUTION_HOURS
HAZARD_PER_FAILED_PAYMENT = 0.6  # per failed first attempt of the last three months
HAZARD_DOWNGRADE = 0.6
DOWNGRADE_MEMORY_MONTHS = 6
MIN_TENURE_MONTHS = {Segment.SMB: 1, Segment.MID_MARKET: 1, Segment.ENTERPRISE: 2}
ORDER_RATE = {Segment.SMB: 0.04, Segment.MID_MARKET: 0.06, Segment.ENTERPRISE: 0.08}  # purchases a month
ONBOARDING_ORDER_SHARE = {Segment.SMB: 0.5, Segment.MID_MARKET: 0.7, Segment.ENTERPRISE: 0.9}
QUANTITY_RANGE = {Segment.SMB: (1, 2), Segment.MID_MARKET: (1, 5), Segment.ENTERPRISE: (2, 20)}
ORDER_RETRY_SUCCESS = 0.8
# How organic-channel signups name their source (Organic, Referral, Direct) per segment.
ORGANIC_SOURCE_SPLIT = {Segment.SMB: (0.75, 0.10, 0.15), Segment.MID_MARKET: (0.45, 0.35, 0.20),
                        Segment.ENTERPRISE: (0.30, 0.40, 0.30)}  # fmt: skip
