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
    NEW = "new"
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
CHURN_REASONS = ("Too expensive", "Switched provider", "Lack of features", "Poor support", "Other")
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
