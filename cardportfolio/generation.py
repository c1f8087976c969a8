"""Pure numpy generator of the cardportfolio dataset. Imports nothing from Django (nor pandas).

Customers: exact segment counts shuffled over sequential ids, attributes drawn per segment (constants.PROFILES),
names from seeded pools, real cities of population-weighted states, unique e-mails.

Transactions: one shard per calendar month of the window, each from its own random stream. Per customer and month
the count is uniform in the segment's range (pro rata in the month a New & Growing account opens), the amount
uniform in the segment's range times the segment's trend factor for that month; rows are sorted by time so that
`TXN` ids follow date order across the whole table. Memory is one month of transactions whatever `--months`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simkit import calendar
from simkit.pools import EMAIL_DOMAIN_WEIGHTS, EMAIL_DOMAINS, build_people_pools, digits, email_local_part
from simkit.rng import Streams
from simkit.tables import Columns
from simkit.us_places import sample_places

from .constants import (
    ACCOUNT_GROWTH_PER_YEAR,
    CARD_HOUR_WEIGHTS,
    CARD_MONTH,
    CATEGORY_AMOUNTS,
    CATEGORY_MIX,
    CHANNEL_SHARES,
    CLOSURE_SHARES,
    CREDIT_LIMIT_STEP,
    CUSTOMER_ID_DIGITS,
    CUSTOMER_ID_PREFIX,
    DECLINE_BASE,
    DECLINE_CREDIT_FROM_UTILISATION,
    DECLINE_FLOOR,
    DECLINE_FRAUD_ABROAD,
    DECLINE_FRAUD_LARGE,
    DECLINE_FRAUD_NIGHT,
    DECLINE_TYPE_SHARES,
    DEFAULT_MERCHANTS,
    DEFAULT_MONTHS,
    EMPLOYMENT_SHARES_60_PLUS,
    EMPLOYMENT_SHARES_UNDER_60,
    ESTABLISHED_OPEN_YEARS,
    GRADUAL_DECLINE_PER_MONTH,
    GRADUAL_DECLINE_START_BEFORE_END,
    MINIMUM_DUE_FLOOR,
    MINIMUM_DUE_SHARE,
    NECESSITY_CATEGORIES,
    NEW_GROWTH_PER_TENURE_MONTH,
    NEW_OPEN_DAYS,
    OTHERS_ABROAD_SHARE,
    PREMIUM_SHARE_OF_TRAVELERS,
    PROFILES,
    RETIREMENT_MIN_AGE,
    SEGMENT_MONTHLY_SPEND,
    SEGMENT_ORDER,
    SEGMENT_SHARES,
    SPEND_LIMIT_WEIGHT,
    SPEND_POSITION_EXPONENT,
    STRUGGLER_SHARE,
    SUDDEN_DROP_MONTHS_BEFORE_END,
    TRANSACTION_ID_DIGITS,
    TRANSACTION_ID_PREFIX,
    TRANSACTOR_SHARE,
    TRAVEL_CATEGORIES,
    TRAVELER_ABROAD_SHARE,
    TRAVELER_AWAY_SHARE,
    CardType,
    Category,
    Channel,
    DeclineType,
    EmploymentStatus,
    Segment,
    Status,
)
from .merchants import MerchantTable, generate_merchants

CUSTOMER_COLUMNS = (
    "customer_id", "first_name", "last_name", "email", "age", "state", "city", "employment_status", "card_type",
    "credit_limit", "account_open_date", "customer_segment", "decline_type",
)  # fmt: skip
SEGMENT_INDEX = {segment: index for index, segment in enumerate(SEGMENT_ORDER)}
CATEGORIES = tuple(Category)
DAYS_PER_MONTH = 365.25 / 12
NO_DECLINE, GRADUAL, SUDDEN = 0, 1, 2


def segment_counts(customers: int) -> np.ndarray:
    """`int(n * share)` customers per segment in SEGMENT_ORDER order; the last segment takes the remainder."""
    counts = np.array([int(customers * share) for share in SEGMENT_SHARES.values()], dtype=np.int64)
    counts[-1] = customers - counts[:-1].sum()
    return counts


def assign_segments(rng: np.random.Generator, *, customers: int) -> np.ndarray:
    """Segment index (into SEGMENT_ORDER) per customer: exact counts, shuffled."""
    return rng.permutation(np.repeat(np.arange(len(SEGMENT_ORDER)), segment_counts(customers)))


def customer_ids(numbers: np.ndarray) -> np.ndarray:
    """CUST + 8 digits for customer numbers 1, 2, ..."""
    return np.strings.add(CUSTOMER_ID_PREFIX, digits(numbers, CUSTOMER_ID_DIGITS))


def _uniform_integers(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One integer per element, uniform in [low, high] inclusive (ranges may differ per element)."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def _per_segment(segments: np.ndarray, attribute: str, position: int) -> np.ndarray:
    table = np.array([getattr(PROFILES[segment], attribute)[position] for segment in SEGMENT_ORDER])
    return table[segments]


def _employment(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    statuses = np.array([status.value for status in EmploymentStatus])
    young = np.cumsum([EMPLOYMENT_SHARES_UNDER_60[status] for status in EmploymentStatus])
    older = np.cumsum([EMPLOYMENT_SHARES_60_PLUS[status] for status in EmploymentStatus])
    cumulative = np.where((age >= 60)[:, None], older / older[-1], young / young[-1])
    index = (rng.random(len(age))[:, None] > cumulative).sum(axis=1)
    status = statuses[np.minimum(index, len(statuses) - 1)]
    # Nobody retires before RETIREMENT_MIN_AGE: they are employed instead.
    early = (status == EmploymentStatus.RETIRED.value) & (age < RETIREMENT_MIN_AGE)
    return np.where(early, EmploymentStatus.EMPLOYED.value, status)


def generate_customer_columns(*, seed: int, customers: int, as_of: dt.date, months: int = DEFAULT_MONTHS) -> Columns:
    """The customers table as numpy columns (CUSTOMER_COLUMNS order, then account_status and closed_date),
    `customers` rows, reproducible by `seed`.

    `decline_type` is an object column holding None outside the Declining segment; `closed_date` None for open
    accounts. Accounts close during the `months`-month window at CLOSURE_SHARES (Declining ones after their decline
    began).
    """
    if customers < 1:
        raise ValueError(f"customers must be positive, got {customers}")
    streams = Streams(seed)
    segments = assign_segments(streams.generator("segments"), customers=customers)
    rng = streams.generator("customers")
    n = customers
    pools = build_people_pools(seed=streams.python_seed("people-pools"))
    first_index = rng.integers(0, len(pools.first_names), n)
    last_index = rng.integers(0, len(pools.last_names), n)
    first, last = pools.first_names[first_index], pools.last_names[last_index]
    numbers = np.arange(1, n + 1)
    domain = np.array(EMAIL_DOMAINS)[rng.choice(len(EMAIL_DOMAINS), size=n, p=np.asarray(EMAIL_DOMAIN_WEIGHTS))]
    # Local parts are cleaned once per pool name, not per customer; the customer number makes each address unique.
    size = max(len(pools.first_names), len(pools.last_names))
    local = email_local_part(np.resize(pools.first_names, size), np.resize(pools.last_names, size))
    first_part = np.strings.partition(local, ".")[0][: len(pools.first_names)]
    last_part = np.strings.partition(local, ".")[2][: len(pools.last_names)]
    local = np.strings.add(np.strings.add(first_part[first_index], "."), last_part[last_index])
    email = np.strings.add(np.strings.add(local, numbers.astype(str)), "@")
    email = np.strings.add(email, domain)
    age = _uniform_integers(rng, _per_segment(segments, "age_range", 0), _per_segment(segments, "age_range", 1))
    state, city = sample_places(rng, n)
    credit_limit = CREDIT_LIMIT_STEP * _uniform_integers(
        rng, _per_segment(segments, "credit_limit_range", 0), _per_segment(segments, "credit_limit_range", 1)
    )
    is_traveler = segments == SEGMENT_INDEX[Segment.HIGH_VALUE_TRAVELERS]
    premium = is_traveler & (rng.random(n) < PREMIUM_SHARE_OF_TRAVELERS)
    card_type = np.where(premium, CardType.PREMIUM.value, CardType.STANDARD.value)
    is_new = segments == SEGMENT_INDEX[Segment.NEW_AND_GROWING]
    # Established accounts opened 1-8 years ago, more of them recently (the issuer grows); inverse CDF of a density
    # growing ACCOUNT_GROWTH_PER_YEAR a year.
    low_years, high_years = ESTABLISHED_OPEN_YEARS
    g = np.log1p(ACCOUNT_GROWTH_PER_YEAR)
    u = rng.random(n)
    years_ago = high_years - np.log(1 + u * (np.exp(g * (high_years - low_years)) - 1)) / g
    days_before = np.where(
        is_new,
        _uniform_integers(rng, np.full(n, NEW_OPEN_DAYS[0]), np.full(n, NEW_OPEN_DAYS[1])),
        np.rint(years_ago * 365.25).astype(np.int64),
    )
    open_date = calendar.to_day(as_of) - calendar.days(days_before)
    is_declining = segments == SEGMENT_INDEX[Segment.DECLINING]
    decline_counts = [int(is_declining.sum() * share) for share in DECLINE_TYPE_SHARES.values()]
    decline_counts[-1] = int(is_declining.sum()) - sum(decline_counts[:-1])
    decline_values = np.repeat(np.array([value.value for value in DECLINE_TYPE_SHARES], dtype=object), decline_counts)
    decline_type = np.full(n, None, dtype=object)
    decline_type[is_declining] = rng.permutation(decline_values)
    closed_date = _closures(Streams(seed).generator("closures"), segments, decline_type, open_date, as_of, months)
    return {
        "customer_id": customer_ids(numbers),
        "first_name": first,
        "last_name": last,
        "email": email,
        "age": age,
        "state": state,
        "city": city,
        "employment_status": _employment(rng, age),
        "card_type": card_type,
        "credit_limit": credit_limit,
        "account_open_date": open_date,
        "customer_segment": np.array([segment.value for segment in SEGMENT_ORDER])[segments],
        "decline_type": decline_type,
        "account_status": np.where(closed_date == None, "Open", "Closed"),  # noqa: E711 (an object column)
        "closed_date": closed_date,
    }


def _closures(rng, segments, decline_type, open_date, as_of: dt.date, months: int) -> np.ndarray:
    """Closing day (None: still open) per account. Declining accounts close in the window's last three months
    (sudden ones after their drop, two months before the end), the others anywhere in the window after opening."""
    n = len(segments)
    bounds = month_bounds(as_of=as_of, months=months)
    window_start, window_end = bounds[0], bounds[-1]
    share = np.array([CLOSURE_SHARES[name] for name in SEGMENT_ORDER])[segments]
    closes = rng.random(n) < share
    start = np.maximum(open_date, window_start) + np.timedelta64(30, "D")
    # Declining cardholders close in the window's last three months, once their decline has shown.
    decline_from = np.where(
        decline_type == DeclineType.SUDDEN.value,
        bounds[max(months - SUDDEN_DROP_MONTHS_BEFORE_END, 0)],
        bounds[max(months - 3, 0)],
    )
    start = np.where(decline_type != None, np.maximum(start, decline_from + np.timedelta64(20, "D")), start)  # noqa: E711
    span = (window_end - start).astype(np.int64)
    closes &= span > 0
    day = start + calendar.days(np.floor(rng.random(n) * np.maximum(span, 1)))
    out = np.full(n, None, dtype=object)
    out[closes] = day[closes].astype(object)
    return out


# --- Transactions ------------------------------------------------------------------------------------------------


def month_bounds(*, as_of: dt.date, months: int) -> np.ndarray:
    """First days of the `months` whole calendar months before the as-of month, plus the day that ends the last."""
    if months < 1:
        raise ValueError(f"months must be positive, got {months}")
    last = np.datetime64(as_of, "M") - np.timedelta64(1, "M")
    starts = np.arange(last - np.timedelta64(months - 1, "M"), last + np.timedelta64(2, "M"), dtype="datetime64[M]")
    return starts.astype("datetime64[D]")


def trend_factor(segments: np.ndarray, decline: np.ndarray, *, month: int, months: int) -> np.ndarray:
    """Spend multiplier per customer in month `month` (1-based) of a `months`-month window: the Declining patterns
    (New & Growing rise with their own tenure, `growth_factor`)."""
    factor = np.ones(len(segments))
    gradual_start = months - GRADUAL_DECLINE_START_BEFORE_END
    gradual = min(1.0, max(DECLINE_FLOOR, 1.0 - GRADUAL_DECLINE_PER_MONTH * (month - gradual_start)))
    sudden = 1.0 if month < months - SUDDEN_DROP_MONTHS_BEFORE_END else DECLINE_FLOOR
    factor[decline == GRADUAL] = gradual
    factor[decline == SUDDEN] = sudden
    return factor


def growth_factor(open_day: np.ndarray, month_start: np.datetime64) -> np.ndarray:
    """New & Growing: 1 + 0.05 per whole month since the account opened, capped at x1.6 (within the range)."""
    tenure = np.maximum((month_start - open_day).astype(np.int64) / 30.44, 0)
    return np.minimum(1.0 + NEW_GROWTH_PER_TENURE_MONTH * tenure, 1.6)


@dataclass(frozen=True)
class CardholderFacts:
    """What the transaction generator needs to know about each customer, as arrays."""

    customer_id: np.ndarray
    segment: np.ndarray  # index into SEGMENT_ORDER
    decline: np.ndarray  # NO_DECLINE, GRADUAL or SUDDEN
    open_day: np.ndarray  # datetime64[D]
    state: np.ndarray
    credit_limit: np.ndarray
    closed_day: np.ndarray  # datetime64[D]; NaT for open accounts
    monthly_spend: np.ndarray  # dollars a month at full activity (before trends)
    payment_style: np.ndarray  # 0 transactor, 1 revolver, 2 struggler

    @classmethod
    def from_columns(cls, columns: Columns, *, seed: int = 0) -> CardholderFacts:
        segment_names = np.asarray(columns["customer_segment"]).astype(str)
        segment = np.full(len(segment_names), -1)
        for index, name in enumerate(SEGMENT_ORDER):
            segment[segment_names == name.value] = index
        decline_names = np.asarray(columns["decline_type"], dtype=object)
        decline = np.where(decline_names == DeclineType.GRADUAL.value, GRADUAL, NO_DECLINE)
        decline = np.where(decline_names == DeclineType.SUDDEN.value, SUDDEN, decline)
        n = len(segment)
        limit = np.asarray(columns["credit_limit"], dtype=float)
        closed = columns.get("closed_date")
        closed_day = (
            np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
            if closed is None
            else np.array(
                [np.datetime64(value, "D") if value is not None else np.datetime64("NaT", "D") for value in closed]
            )
        )
        rng = Streams(seed).generator("cardholder-behaviour")
        return cls(
            customer_id=np.asarray(columns["customer_id"]).astype(str),
            segment=segment,
            decline=decline,
            open_day=np.asarray(columns["account_open_date"]).astype("datetime64[D]"),
            state=np.asarray(columns["state"]).astype(str),
            credit_limit=limit,
            closed_day=closed_day,
            monthly_spend=_monthly_spend_levels(rng, segment, limit),
            payment_style=_payment_styles(rng, segment),
        )


def _monthly_spend_levels(rng: np.random.Generator, segment: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Each customer's monthly spend in their segment's range: placed by credit-limit rank within the segment
    (SPEND_LIMIT_WEIGHT) and a personal draw, so limit and spend correlate within every segment."""
    level = np.empty(len(segment))
    for index, name in enumerate(SEGMENT_ORDER):
        mask = np.flatnonzero(segment == index)
        if not len(mask):
            continue
        low, high = SEGMENT_MONTHLY_SPEND[name]
        rank = (np.argsort(np.argsort(limit[mask] + rng.random(len(mask)))) + 0.5) / len(mask)
        position = SPEND_LIMIT_WEIGHT * rank + (1 - SPEND_LIMIT_WEIGHT) * rng.random(len(mask))
        level[mask] = low + (high - low) * position ** SPEND_POSITION_EXPONENT.get(name, 1.0)
    return level


def _payment_styles(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    transactor = np.array([TRANSACTOR_SHARE[name] for name in SEGMENT_ORDER])[segment]
    struggler = np.array([STRUGGLER_SHARE[name] for name in SEGMENT_ORDER])[segment]
    u = rng.random(len(segment))
    return np.where(u < transactor, 0, np.where(u < transactor + struggler, 2, 1)).astype(np.int8)


CATEGORY_NAMES = np.array([category.value for category in CATEGORIES])
CHANNEL_NAMES = np.array([channel.value for channel in CHANNEL_SHARES])
STATUS_NAMES = np.array([Status.APPROVED.value, Status.DECLINED.value])
DECLINE_REASON_NAMES = np.array(["", "insufficient_credit", "suspected_fraud", "other"])
TRAVEL_CODES = np.array([CATEGORIES.index(category) for category in TRAVEL_CATEGORIES])
NECESSITY_CODES = np.array([CATEGORIES.index(category) for category in NECESSITY_CATEGORIES])
ONLINE = list(CHANNEL_SHARES).index(Channel.ONLINE)


def _segment_category_table() -> tuple[np.ndarray, np.ndarray]:
    """(segment x category index) table and (segment x cumulative weight) of each segment's category mix."""
    width = max(len(profile.categories) for profile in PROFILES.values())
    table = np.zeros((len(SEGMENT_ORDER), width), dtype=np.int64)
    cumulative = np.ones((len(SEGMENT_ORDER), width))
    for row, segment in enumerate(SEGMENT_ORDER):
        indexes = [CATEGORIES.index(category) for category in PROFILES[segment].categories]
        weights = np.array(CATEGORY_MIX[segment], dtype=float)
        table[row, : len(indexes)] = indexes
        cumulative[row, : len(indexes)] = np.cumsum(weights / weights.sum())
    return table, cumulative


def _mean_amounts() -> np.ndarray:
    """Expected dollars of one transaction per segment, from its category mix and the lognormal amounts."""
    out = np.zeros(len(SEGMENT_ORDER))
    for row, segment in enumerate(SEGMENT_ORDER):
        weights = np.array(CATEGORY_MIX[segment], dtype=float)
        means = [CATEGORY_AMOUNTS[c][0] * np.exp(CATEGORY_AMOUNTS[c][1] ** 2 / 2) for c in PROFILES[segment].categories]
        out[row] = float(np.dot(weights / weights.sum(), means))
    return out


def card_day_weights(days: np.ndarray) -> np.ndarray:
    """Relative card spend per day: weekday x month (CARD_MONTH, smooth) x special days (card-spend kind)."""
    return (
        calendar.weekday_multiplier(days, calendar.WEEKDAY_PROFILES["card_spend"])
        * calendar.seasonal_curve(days, CARD_MONTH)
        * calendar.special_day_multipliers(days, "US", "card_spend")
    )


@dataclass(frozen=True)
class TransactionMonth:
    """One month of transactions in time order, kept as codes; `columns()` spells them out for the database.

    Codes index CardholderFacts.customer_id (`owner`), the merchant table, CATEGORY_NAMES, CHANNEL_NAMES,
    STATUS_NAMES and DECLINE_REASON_NAMES, so writers that understand dictionaries (Parquet) never build millions of
    Python strings. `statements` is the month's statement of every open account.
    """

    month: int
    months: int
    start: np.datetime64
    numbers: np.ndarray  # transaction numbers (the digits of the id)
    owner: np.ndarray
    when: np.ndarray  # datetime64[s]
    cents: np.ndarray  # US dollars (converted for foreign merchants)
    merchant: np.ndarray  # index into the merchant table
    category: np.ndarray
    channel: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    original_cents: np.ndarray  # in the merchant's currency (equal to cents for US merchants)
    customer_ids: np.ndarray
    merchants: MerchantTable
    statements: Columns

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def approved(self) -> int:
        return int((self.status == 0).sum())

    def monthly_summary(self) -> Columns:
        """Per customer with transactions this month: counts and approved spend (total, travel, necessities)."""
        n = len(self.customer_ids)
        approved = self.status == 0
        count = np.bincount(self.owner, minlength=n)
        active = np.flatnonzero(count)

        def cents_where(mask):
            return np.bincount(self.owner[mask], weights=self.cents[mask], minlength=n)[active]

        return {
            "customer_id": self.customer_ids[active],
            "month": np.full(len(active), self.start, dtype="datetime64[D]"),
            "transactions": count[active],
            "approved_transactions": np.bincount(self.owner[approved], minlength=n)[active],
            "spend": cents_where(approved) / 100.0,
            "travel_spend": cents_where(approved & np.isin(self.category, TRAVEL_CODES)) / 100.0,
            "necessity_spend": cents_where(approved & np.isin(self.category, NECESSITY_CODES)) / 100.0,
        }

    def columns(self) -> Columns:
        """The transactions table's columns (keys are field attnames)."""
        foreign = self.merchants.currency[self.merchant] != "USD"
        reason = DECLINE_REASON_NAMES[self.reason].astype(object)
        reason[self.reason == 0] = None
        original = (self.original_cents / 100.0).astype(object)
        original[~foreign] = None
        return {
            "transaction_id": np.strings.add(TRANSACTION_ID_PREFIX, digits(self.numbers, TRANSACTION_ID_DIGITS)),
            "customer_id": self.customer_ids[self.owner],
            "transaction_date": self.when,
            "amount": self.cents / 100.0,
            "merchant_name": self.merchants.name[self.merchant],
            "merchant_category": CATEGORY_NAMES[self.category],
            "channel": CHANNEL_NAMES[self.channel],
            "status": STATUS_NAMES[self.status],
            "merchant_id": self.merchants.merchant_id[self.merchant],
            "currency": self.merchants.currency[self.merchant],
            "original_amount": original,
            "decline_reason": reason,
        }


@dataclass
class AccountState:
    """Balances carried from one statement to the next (dollars)."""

    balance: np.ndarray
    minimum_due: np.ndarray
    days_past_due: np.ndarray


def generate_transaction_month(
    rng: np.random.Generator,
    facts: CardholderFacts,
    merchants: MerchantTable,
    state: AccountState,
    *,
    month: int,
    months: int,
    month_start: np.datetime64,
    month_end: np.datetime64,
    first_number: int,
) -> TransactionMonth:
    """The transactions of month `month` (1-based) for every customer, sorted by time, numbered from `first_number`,
    and the month's statements (which update `state`)."""
    segment, n = facts.segment, len(facts.segment)
    month_days = calendar.date_range(month_start.astype(dt.date), (month_end - 1).astype(dt.date))
    weights = card_day_weights(month_days)
    cumulative = np.r_[0.0, np.cumsum(weights)]
    # Open for part of the month: from the opening day to the closing day (exclusive).
    first = np.clip((facts.open_day - month_start).astype(np.int64), 0, len(month_days))
    closed_index = np.where(
        np.isnat(facts.closed_day), len(month_days), (facts.closed_day - month_start).astype(np.int64)
    )
    last = np.clip(closed_index, 0, len(month_days))  # exclusive
    # Weighted active days over an average month: a month's volume is proportional to its (weighted) days.
    active_share = np.where(last > first, (cumulative[last] - cumulative[first]) / DAYS_PER_MONTH, 0.0)

    # Expected spend this month -> expected transaction count at the segment's mean amount.
    trend = trend_factor(segment, facts.decline, month=month, months=months)
    is_new = segment == SEGMENT_INDEX[Segment.NEW_AND_GROWING]
    trend = np.where(is_new, growth_factor(facts.open_day, month_start), trend)
    mean_amount = _mean_amounts()[segment]
    planned_mid = (
        _per_segment(segment, "transactions_per_month", 0) + _per_segment(segment, "transactions_per_month", 1)
    ) / 2
    # A card near its limit is used less (the holder knows it will be declined): attempts fall from 75% utilisation.
    attempts = np.clip((1.0 - state.balance / facts.credit_limit) / 0.25, 0.15, 1.0)
    expected_count = planned_mid * active_share * np.sqrt(trend) * attempts
    count = rng.poisson(expected_count)
    owner = np.repeat(np.arange(n), count)
    total = len(owner)
    # Per-transaction scale: the customer's monthly level spread over their expected transactions.
    scale = facts.monthly_spend * trend / np.maximum(planned_mid * np.sqrt(trend), 1e-9) / mean_amount

    table, mix = _segment_category_table()
    row_segment = segment[owner]
    pick = (rng.random(total)[:, None] > mix[row_segment]).sum(axis=1)
    category = table[row_segment, np.minimum(pick, table.shape[1] - 1)]
    median = np.array([CATEGORY_AMOUNTS[c][0] for c in CATEGORIES])[category]
    sigma = np.array([CATEGORY_AMOUNTS[c][1] for c in CATEGORIES])[category]
    dollars = median * np.exp(sigma * rng.standard_normal(total)) * scale[owner]
    cents = np.maximum(100, np.rint(dollars * 100)).astype(np.int64)

    day = _days_from_weights(rng, first[owner], np.maximum(last[owner] - 1, first[owner]), cumulative)
    when = calendar.at_time(month_start + calendar.days(day), calendar.seconds_of_day(rng, total, CARD_HOUR_WEIGHTS))

    # Where: travel categories of High-Value Travelers away from home (another state) or abroad; a few others'
    # travel abroad; everything else at merchants of the home state.
    travel = np.isin(category, TRAVEL_CODES) | (category == CATEGORIES.index(Category.DINING))
    traveler = row_segment == SEGMENT_INDEX[Segment.HIGH_VALUE_TRAVELERS]
    u = rng.random(total)
    abroad = travel & np.where(
        traveler, u < TRAVELER_ABROAD_SHARE, u < OTHERS_ABROAD_SHARE * np.isin(category, TRAVEL_CODES)
    )
    away = travel & traveler & ~abroad & (rng.random(total) < TRAVELER_AWAY_SHARE)
    home = facts.state[owner]
    elsewhere = merchants.states[rng.integers(0, len(merchants.states), total)]
    region = np.where(away, elsewhere, home)
    merchant = merchants.pick(rng, category, region, abroad)
    rate = merchants.usd_per_unit[merchant]
    original_cents = np.rint(cents / rate).astype(np.int64)

    channel_p = np.array(list(CHANNEL_SHARES.values()))
    channel = rng.choice(len(CHANNEL_NAMES), size=total, p=channel_p / channel_p.sum())

    # Declines: fraud suspicion (abroad, unusually large for the customer, at night, online) and insufficient
    # credit when the balance carried into the month plus this month's spend so far nears the limit.
    order = np.lexsort((owner, when))
    owner, when, cents, category, channel = owner[order], when[order], cents[order], category[order], channel[order]
    merchant, original_cents, abroad = merchant[order], original_cents[order], abroad[order]
    by_customer = np.lexsort((when, owner))
    running = np.empty(total)
    sorted_cents = cents[by_customer] / 100.0
    sorted_owner = owner[by_customer]
    running_sorted = np.cumsum(sorted_cents)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_owner)) + 1] if total else np.array([], dtype=np.int64)
    group_start_total = np.zeros(n)
    if total:
        firsts = sorted_owner[starts]
        group_start_total[firsts] = running_sorted[starts] - sorted_cents[starts]
    running[by_customer] = running_sorted - group_start_total[sorted_owner]
    utilisation = (state.balance[owner] + running) / facts.credit_limit[owner]
    typical = median.mean() if total else 1.0
    large = cents / 100.0 > 4 * scale[owner] * typical
    hour = (when - when.astype("datetime64[D]")).astype(np.int64) // 3600
    fraud_p = (
        DECLINE_FRAUD_ABROAD * abroad
        + DECLINE_FRAUD_LARGE * large
        + DECLINE_FRAUD_NIGHT * (hour < 6)
        + 0.004 * (channel == ONLINE)
    )
    credit_p = np.clip((utilisation - DECLINE_CREDIT_FROM_UTILISATION) / (1 - DECLINE_CREDIT_FROM_UTILISATION), 0, 1)
    u = rng.random(total)
    reason = np.where(
        u < credit_p, 1, np.where(u < credit_p + fraud_p, 2, np.where(u < credit_p + fraud_p + DECLINE_BASE, 3, 0))
    ).astype(np.int8)
    status = (reason > 0).astype(np.int8)

    statements = _statements(
        facts, state, owner, cents, status, month_start=month_start, month_end=month_end, open_now=last > first
    )
    return TransactionMonth(
        month=month,
        months=months,
        start=month_start,
        numbers=first_number + np.arange(total, dtype=np.int64),
        owner=owner,
        when=when,
        cents=cents,
        merchant=merchant,
        category=category,
        channel=channel,
        status=status,
        reason=reason,
        original_cents=original_cents,
        customer_ids=facts.customer_id,
        merchants=merchants,
        statements=statements,
    )


def _days_from_weights(rng, lows: np.ndarray, highs: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """One day index per row in [lows, highs], drawn in proportion to the daily weights (running sum `cumulative`)."""
    target = cumulative[lows] + rng.random(len(lows)) * (cumulative[highs + 1] - cumulative[lows])
    return np.clip(np.searchsorted(cumulative, target, side="right") - 1, lows, highs)


def _statements(facts, state: AccountState, owner, cents, status, *, month_start, month_end, open_now) -> Columns:
    """The month's statement per account open at some point of it; previous + purchases - payments = new."""
    n = len(facts.segment)
    purchases = np.round(np.bincount(owner[status == 0], weights=cents[status == 0], minlength=n) / 100.0, 2)
    previous = state.balance
    style = facts.payment_style
    # Transactors pay the previous statement in full; revolvers between the minimum and all of it; strugglers pay
    # the minimum or (one month in three) nothing. A closed account pays off what it owes.
    share = np.where(style == 0, 1.0, np.where(style == 1, 0.3 + 0.5 * _unit(facts, month_start), 0.0))
    payment = np.round(np.maximum(previous * share, np.minimum(state.minimum_due, previous)), 2)
    miss = (style == 2) & (_unit(facts, month_start, salt=7) < 0.33)
    payment = np.where(miss, 0.0, payment)
    closed_before = ~open_now & ~np.isnat(facts.closed_day) & (facts.closed_day <= month_start)
    payment = np.where(closed_before, previous, payment)
    payment = np.minimum(payment, previous)
    new = np.round(previous + purchases - payment, 2)
    minimum = np.round(np.minimum(new, np.maximum(MINIMUM_DUE_FLOOR, MINIMUM_DUE_SHARE * new)), 2)
    late = (state.minimum_due > 0) & (payment + 0.005 < state.minimum_due)
    days_past_due = np.where(late, state.days_past_due + 30, 0)
    keep = open_now | (previous > 0)
    rows = np.flatnonzero(keep & (facts.open_day < month_end))
    state.balance, state.minimum_due, state.days_past_due = new, minimum, days_past_due
    return {
        "customer_id": facts.customer_id[rows],
        "statement_month": np.full(len(rows), month_start, dtype="datetime64[D]"),
        "previous_balance": previous[rows],
        "purchases": purchases[rows],
        "payments": payment[rows],
        "new_balance": new[rows],
        "minimum_due": minimum[rows],
        "utilisation": np.round(new[rows] / facts.credit_limit[rows], 4),
        "days_past_due": days_past_due[rows],
    }


def _unit(facts: CardholderFacts, month_start: np.datetime64, salt: int = 0) -> np.ndarray:
    """A per-(customer, month) number in [0, 1) from a hash: payment choices without another random stream."""
    key = np.arange(len(facts.segment), dtype=np.uint64) * np.uint64(2654435761)
    key ^= np.uint64(int(month_start.astype(np.int64)) * 40503 + salt)
    key = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
    return key.astype(np.float64) / float(1 << 24)


def generate_transactions(
    *, seed: int, customers: Columns, as_of: dt.date, months: int, merchants: MerchantTable | None = None
) -> Iterator[TransactionMonth]:
    """Yield the transactions month by month, each month from its own stream ("transactions", month)."""
    streams = Streams(seed)
    facts = CardholderFacts.from_columns(customers, seed=seed)
    merchants = merchants or generate_merchant_table(seed=seed)
    bounds = month_bounds(as_of=as_of, months=months)
    balance = _opening_balances(streams.generator("opening-balances"), facts)
    balance = np.where(facts.open_day < bounds[0], balance, 0.0)
    minimum = np.round(np.minimum(balance, np.maximum(MINIMUM_DUE_FLOOR, MINIMUM_DUE_SHARE * balance)), 2)
    state = AccountState(balance=balance, minimum_due=minimum, days_past_due=np.zeros(len(balance), dtype=np.int64))
    next_number = 1
    for month in range(1, months + 1):
        batch = generate_transaction_month(
            streams.generator("transactions", month),
            facts,
            merchants,
            state,
            month=month,
            months=months,
            month_start=bounds[month - 1],
            month_end=bounds[month],
            first_number=next_number,
        )
        next_number += len(batch)
        yield batch


def _opening_balances(rng: np.random.Generator, facts: CardholderFacts) -> np.ndarray:
    """Balances owed when the window starts: nothing for transactors and accounts not yet open, about 1.5 months'
    spend for revolvers (their steady state), most of the limit for strugglers."""
    n = len(facts.segment)
    months_owed = np.where(facts.payment_style == 0, 0.0, 1.5)
    balance = facts.monthly_spend * months_owed * rng.uniform(0.5, 1.5, n)
    # Strugglers already owe most of their limit (they have paid little for a while), so their insufficient-credit
    # declines run through the window instead of appearing only once their balance has grown.
    balance = np.where(facts.payment_style == 2, facts.credit_limit * rng.uniform(0.6, 0.95, n), balance)
    return np.round(np.minimum(balance, 0.95 * facts.credit_limit), 2)


def generate_merchant_table(*, seed: int, count: int = DEFAULT_MERCHANTS) -> MerchantTable:
    """The merchants dimension of a seed (its own stream)."""
    return generate_merchants(Streams(seed).generator("merchants"), count=count)
