"""churnlab parameters: plans, regions, the churn hazard, usage, billing and support of the simulated SaaS product.

Plain Python (no Django imports) so the pure generator can use it; models build their choices from it.
"""

from __future__ import annotations

import datetime as dt
import enum

DEFAULT_CUSTOMERS = 100_000
WINDOW_DAYS = 540
# A fixed window end keeps a seed reproducible whatever day it runs.
DEFAULT_END_DATE = dt.date(2024, 12, 31)
DAYS_PER_MONTH = 30.44


class Plan(enum.StrEnum):
    FREE = "Free"
    BASIC = "Basic"
    PRO = "Pro"
    ENTERPRISE = "Enterprise"


class Region(enum.StrEnum):
    NA = "NA"
    EU = "EU"
    APAC = "APAC"
    LATAM = "LATAM"


class PaymentStatus(enum.StrEnum):
    PAID = "paid"
    LATE = "late"
    FAILED = "failed"


class TicketCategory(enum.StrEnum):
    BILLING = "billing"
    TECHNICAL = "technical"
    ONBOARDING = "onboarding"


class TicketPriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


PLANS = tuple(Plan)
REGIONS = tuple(Region)
PLAN_SHARES = (0.40, 0.35, 0.20, 0.05)
REGION_SHARES = (0.35, 0.30, 0.25, 0.10)

# --- Latent churn -------------------------------------------------------------------------------------------------
# Monthly churn hazard per plan (Free churns most, Enterprise least), multiplied by a small regional effect and by
# the customer's engagement (engagement ** -ENGAGEMENT_HAZARD_POWER: disengaged customers leave sooner).
MONTHLY_CHURN_HAZARD = (0.045, 0.028, 0.014, 0.004)
REGION_HAZARD_MULTIPLIER = (0.90, 1.00, 1.10, 1.25)
ENGAGEMENT_HAZARD_POWER = 2.3
# Engagement: lognormal with mean 1, this sigma; scales how often and how intensely a customer uses the product.
ENGAGEMENT_SIGMA = 0.7

# --- Daily usage --------------------------------------------------------------------------------------------------
# Probability that a day of the active span has activity, before engagement, tenure decay and fading.
ACTIVE_DAY_PROBABILITY = (0.22, 0.35, 0.50, 0.70)
MEAN_SESSIONS = (2.0, 8.0, 25.0, 60.0)
MEAN_USAGE_MINUTES = (15.0, 60.0, 180.0, 480.0)
USAGE_MINUTES_CV = 0.30
FEATURE_EVENTS_PER_SESSION = 1.5
# Engagement decays slowly with tenure: the novelty of a new tool wears off to a plateau.
TENURE_DECAY_FLOOR = 0.5
TENURE_DECAY_DAYS = 120.0
# In the weeks before churn, activity and intensity fade: factor 1 - FADE_DEPTH * exp(-days_to_churn / FADE_DAYS).
FADE_DEPTH = 0.85
FADE_DAYS = 14.0
# Monday..Sunday: a work tool is used less at the weekend (mean 1.0).
WEEKDAY_ACTIVITY = (1.10, 1.12, 1.12, 1.08, 1.00, 0.80, 0.78)
# Share of a customer's usage rows lost as missing logs, uniform in this range per customer (tracking quality).
MISSING_LOG_RANGE = (0.12, 0.18)

# --- Billing ------------------------------------------------------------------------------------------------------
PLAN_PRICE = (0.0, 29.0, 99.0, 299.0)
BILL_INTERVAL_DAYS = (11, 15)  # inclusive: 13 +- 2
PAYMENT_STATUS_SHARES = (0.75, 0.15, 0.10)
# Failures become more frequent in the last weeks before churn (card cancelled, budget cut).
PRE_CHURN_BILLING_DAYS = 30
PRE_CHURN_FAILED_SHARE = 0.35
PRE_CHURN_LATE_SHARE = 0.20

# --- Support ------------------------------------------------------------------------------------------------------
TICKETS_PER_TENURE_MONTH = 0.36  # regular tickets; with onboarding and billing ones about 0.45, the original 0.42
CATEGORY_SHARES = (0.25, 0.60, 0.15)
PRIORITY_SHARES = (0.55, 0.40, 0.05)
# Churners file extra tickets in their last weeks: Poisson(PRE_CHURN_EXTRA_TICKETS) within PRE_CHURN_TICKET_DAYS.
PRE_CHURN_EXTRA_TICKETS = 0.8
PRE_CHURN_TICKET_DAYS = 30

# --- Labels (the pipeline) ----------------------------------------------------------------------------------------
CHURNED_AFTER_DAYS = 45  # recency above this: churn_label = 1
RETAINED_BELOW_DAYS = 30  # recency below this: churn_label = 0; in between: at risk (NULL)

# --- Causes of churn (the weekly simulation) ----------------------------------------------------------------------
# Weekly hazard = MONTHLY_CHURN_HAZARD[plan] / WEEKS_PER_MONTH x HAZARD_CALIBRATION[plan] x region x
#   engagement ** -ENGAGEMENT_HAZARD_POWER x exp(drivers of the last DRIVER_WEEKS weeks), with the drivers below.
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
HAZARD_CALIBRATION = (0.03, 0.004, 0.0035, 0.005)  # keeps the average hazard near MONTHLY_CHURN_HAZARD
DRIVER_WEEKS = 13
# Per failed bill, by plan: a small team on Basic feels the price; an Enterprise failure is paperwork.
HAZARD_PER_FAILED_BILL = (0.0, 1.0, 0.5, 0.15)
HAZARD_PER_LATE_BILL = 0.25
HAZARD_PER_TECHNICAL_TICKET = 0.35
HAZARD_PER_OTHER_TICKET = 0.12
HAZARD_PER_USAGE_DROP = 2.5  # per unit fall of log engagement over the last four weeks
# Thresholds and interactions a linear model cannot draw: a customer who has gone quiet (engagement below this)
# and one with both a failed bill and a technical ticket in the last weeks are much likelier to leave.
QUIET_ENGAGEMENT = 0.35
HAZARD_QUIET = 2.0
HAZARD_FAILED_AND_TECHNICAL = 1.8
# How much engagement matters differs by plan (a Free user who stops using the product has nothing to cancel).
ENGAGEMENT_POWER_BY_PLAN = (2.8, 2.3, 1.5, 0.8)
# Paid plans renew yearly: the weeks around the first anniversary are a decision point.
RENEWAL_WEEKS = (50, 55)
RENEWAL_HAZARD = (1.0, 3.0, 4.0, 5.0)  # multiplier per plan in those weeks
# Engagement moves week by week: log e += reversion x (log trait - log e) + noise, with occasional sharp drops.
ENGAGEMENT_REVERSION = 0.08
ENGAGEMENT_WEEKLY_SIGMA = 0.08
ENGAGEMENT_DROP_CHANCE = 0.012  # a week in which the champion leaves, the budget is cut, a rival is trialled
ENGAGEMENT_DROP_SIZE = 0.8
# Billing: each paid plan bills on its cycle from signup, with a day or two of jitter.
BILL_CYCLE_DAYS = (0, 14, 14, 30)  # Free never bills; Enterprise bills monthly
BILL_JITTER_SD = 0.8
PAYMENT_RISK_SIGMA = 0.7  # a customer's own late/failed risk (log-normal, mean 1)
# Tickets: a customer's own friction (log-normal, mean 1); onboarding tickets in the first four weeks.
FRICTION_SIGMA = 0.5
ONBOARDING_WEEKS = 4
ONBOARDING_TICKET_RATE = 0.06  # a week, on top of the regular rate
BILLING_TICKET_AFTER_FAILURE = 0.35
TICKET_RATE_AFTER_DROP = 0.8  # regular rate x (1 + this x the usage drop)
# Plan changes a week: upgrades of engaged customers, downgrades after failed payments.
UPGRADE_CHANCE = 0.003
DOWNGRADE_CHANCE = 0.001
DOWNGRADE_AFTER_FAILURE = 0.02
# Regular tickets (billing, technical, onboarding); onboarding tickets of the first weeks come on top.
REGULAR_CATEGORY_SHARES = (0.21, 0.70, 0.09)
