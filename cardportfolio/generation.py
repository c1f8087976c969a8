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
    APPROVAL_RATE,
    CARD_HOUR_WEIGHTS,
    CHANNEL_SHARES,
    CREDIT_LIMIT_STEP,
    CUSTOMER_ID_DIGITS,
    CUSTOMER_ID_PREFIX,
    DECLINE_FLOOR,
    DECLINE_TYPE_SHARES,
    EMPLOYMENT_SHARES_60_PLUS,
    EMPLOYMENT_SHARES_UNDER_60,
    ESTABLISHED_OPEN_DAYS,
    GRADUAL_DECLINE_PER_MONTH,
    GRADUAL_DECLINE_START_BEFORE_END,
    GROWTH_PER_MONTH,
    MERCHANTS,
    NECESSITY_CATEGORIES,
    NEW_OPEN_DAYS,
    PREMIUM_SHARE_OF_TRAVELERS,
    PROFILES,
    SEGMENT_ORDER,
    SEGMENT_SHARES,
    SUDDEN_DROP_MONTHS_BEFORE_END,
    TRANSACTION_ID_DIGITS,
    TRANSACTION_ID_PREFIX,
    TRAVEL_CATEGORIES,
    CardType,
    Category,
    DeclineType,
    EmploymentStatus,
    Segment,
    Status,
)

CUSTOMER_COLUMNS = (
    "customer_id", "first_name", "last_name", "email", "age", "state", "city", "employment_status", "card_type",
    "credit_limit", "account_open_date", "customer_segment", "decline_type",
)  # fmt: skip
SEGMENT_INDEX = {segment: index for index, segment in enumerate(SEGMENT_ORDER)}
CATEGORIES = tuple(Category)
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
    return statuses[np.minimum(index, len(statuses) - 1)]


def generate_customer_columns(*, seed: int, customers: int, as_of: dt.date) -> Columns:
    """The customers table as numpy columns (CUSTOMER_COLUMNS order), `customers` rows, reproducible by `seed`.

    `decline_type` is an object column holding None outside the Declining segment.
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
    days_before = np.where(
        is_new,
        _uniform_integers(rng, np.full(n, NEW_OPEN_DAYS[0]), np.full(n, NEW_OPEN_DAYS[1])),
        _uniform_integers(rng, np.full(n, ESTABLISHED_OPEN_DAYS[0]), np.full(n, ESTABLISHED_OPEN_DAYS[1])),
    )
    open_date = calendar.to_day(as_of) - calendar.days(days_before)
    is_declining = segments == SEGMENT_INDEX[Segment.DECLINING]
    decline_counts = [int(is_declining.sum() * share) for share in DECLINE_TYPE_SHARES.values()]
    decline_counts[-1] = int(is_declining.sum()) - sum(decline_counts[:-1])
    decline_values = np.repeat(np.array([value.value for value in DECLINE_TYPE_SHARES], dtype=object), decline_counts)
    decline_type = np.full(n, None, dtype=object)
    decline_type[is_declining] = rng.permutation(decline_values)
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
    }


# --- Transactions ------------------------------------------------------------------------------------------------


def month_bounds(*, as_of: dt.date, months: int) -> np.ndarray:
    """First days of the `months` whole calendar months before the as-of month, plus the day that ends the last."""
    if months < 1:
        raise ValueError(f"months must be positive, got {months}")
    last = np.datetime64(as_of, "M") - np.timedelta64(1, "M")
    starts = np.arange(last - np.timedelta64(months - 1, "M"), last + np.timedelta64(2, "M"), dtype="datetime64[M]")
    return starts.astype("datetime64[D]")


def trend_factor(segments: np.ndarray, decline: np.ndarray, *, month: int, months: int) -> np.ndarray:
    """Amount multiplier per customer in month `month` (1-based) of a `months`-month window."""
    factor = np.ones(len(segments))
    gradual_start = months - GRADUAL_DECLINE_START_BEFORE_END
    gradual = min(1.0, max(DECLINE_FLOOR, 1.0 - GRADUAL_DECLINE_PER_MONTH * (month - gradual_start)))
    sudden = 1.0 if month < months - SUDDEN_DROP_MONTHS_BEFORE_END else DECLINE_FLOOR
    factor[decline == GRADUAL] = gradual
    factor[decline == SUDDEN] = sudden
    factor[segments == SEGMENT_INDEX[Segment.NEW_AND_GROWING]] = 1.0 + GROWTH_PER_MONTH * month
    return factor


@dataclass(frozen=True)
class CardholderFacts:
    """What the transaction generator needs to know about each customer, as arrays."""

    customer_id: np.ndarray
    segment: np.ndarray  # index into SEGMENT_ORDER
    decline: np.ndarray  # NO_DECLINE, GRADUAL or SUDDEN
    open_day: np.ndarray  # datetime64[D]

    @classmethod
    def from_columns(cls, columns: Columns) -> CardholderFacts:
        segment_names = np.asarray(columns["customer_segment"]).astype(str)
        segment = np.full(len(segment_names), -1)
        for index, name in enumerate(SEGMENT_ORDER):
            segment[segment_names == name.value] = index
        decline_names = np.asarray(columns["decline_type"], dtype=object)
        decline = np.where(decline_names == DeclineType.GRADUAL.value, GRADUAL, NO_DECLINE)
        decline = np.where(decline_names == DeclineType.SUDDEN.value, SUDDEN, decline)
        return cls(
            customer_id=np.asarray(columns["customer_id"]).astype(str),
            segment=segment,
            decline=decline,
            open_day=np.asarray(columns["account_open_date"]).astype("datetime64[D]"),
        )


MERCHANT_NAMES = np.array([name for category in CATEGORIES for name in MERCHANTS[category]])
MERCHANT_OFFSETS = np.cumsum([0] + [len(MERCHANTS[category]) for category in CATEGORIES])
CATEGORY_NAMES = np.array([category.value for category in CATEGORIES])
CHANNEL_NAMES = np.array([channel.value for channel in CHANNEL_SHARES])
STATUS_NAMES = np.array([Status.APPROVED.value, Status.DECLINED.value])
TRAVEL_CODES = np.array([CATEGORIES.index(category) for category in TRAVEL_CATEGORIES])
NECESSITY_CODES = np.array([CATEGORIES.index(category) for category in NECESSITY_CATEGORIES])


def _segment_category_table() -> tuple[np.ndarray, np.ndarray]:
    """Padded (segment x category index) table and the number of categories of each segment."""
    width = max(len(profile.categories) for profile in PROFILES.values())
    table = np.zeros((len(SEGMENT_ORDER), width), dtype=np.int64)
    counts = np.zeros(len(SEGMENT_ORDER), dtype=np.int64)
    for row, segment in enumerate(SEGMENT_ORDER):
        indexes = [CATEGORIES.index(category) for category in PROFILES[segment].categories]
        table[row, : len(indexes)] = indexes
        counts[row] = len(indexes)
    return table, counts


@dataclass(frozen=True)
class TransactionMonth:
    """One month of transactions in time order, kept as codes; `columns()` spells them out for the database.

    Codes index CardholderFacts.customer_id (`owner`), MERCHANT_NAMES, CATEGORY_NAMES, CHANNEL_NAMES and
    STATUS_NAMES, so writers that understand dictionaries (Parquet) never build millions of Python strings.
    """

    month: int
    months: int
    start: np.datetime64
    numbers: np.ndarray  # transaction numbers (the digits of the id)
    owner: np.ndarray
    when: np.ndarray  # datetime64[s]
    cents: np.ndarray
    merchant: np.ndarray
    category: np.ndarray
    channel: np.ndarray
    status: np.ndarray
    customer_ids: np.ndarray

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
        return {
            "transaction_id": np.strings.add(TRANSACTION_ID_PREFIX, digits(self.numbers, TRANSACTION_ID_DIGITS)),
            "customer_id": self.customer_ids[self.owner],
            "transaction_date": self.when,
            "amount": self.cents / 100.0,
            "merchant_name": MERCHANT_NAMES[self.merchant],
            "merchant_category": CATEGORY_NAMES[self.category],
            "channel": CHANNEL_NAMES[self.channel],
            "status": STATUS_NAMES[self.status],
        }


def generate_transaction_month(
    rng: np.random.Generator,
    facts: CardholderFacts,
    *,
    month: int,
    months: int,
    month_start: np.datetime64,
    month_end: np.datetime64,
    first_number: int,
) -> TransactionMonth:
    """The transactions of month `month` (1-based) for every customer, sorted by time, numbered from `first_number`."""
    segment, n = facts.segment, len(facts.segment)
    start = np.maximum(month_start, facts.open_day)
    active_days = np.maximum((month_end - start).astype(np.int64), 0)
    month_days = int((month_end - month_start).astype(np.int64))
    planned = _uniform_integers(
        rng, _per_segment(segment, "transactions_per_month", 0), _per_segment(segment, "transactions_per_month", 1)
    )
    # A month the account was open only part of gets that share of the transactions (none before it opened).
    count = rng.binomial(planned, active_days / month_days)
    owner = np.repeat(np.arange(n), count)
    total = len(owner)

    day = start[owner] + calendar.days(np.floor(rng.random(total) * active_days[owner]))
    when = calendar.at_time(day, calendar.seconds_of_day(rng, total, CARD_HOUR_WEIGHTS))
    row_segment = segment[owner]
    low = _per_segment(segment, "amount_range", 0)[owner]
    high = _per_segment(segment, "amount_range", 1)[owner]
    factor = trend_factor(segment, facts.decline, month=month, months=months)[owner]
    cents = np.maximum(1, np.rint((low + rng.random(total) * (high - low)) * factor * 100)).astype(np.int64)

    table, category_counts = _segment_category_table()
    category = table[row_segment, np.floor(rng.random(total) * category_counts[row_segment]).astype(np.int64)]
    per_category = np.diff(MERCHANT_OFFSETS)
    merchant = MERCHANT_OFFSETS[category] + np.floor(rng.random(total) * per_category[category]).astype(np.int64)
    channel_p = np.array(list(CHANNEL_SHARES.values()))
    channel = rng.choice(len(CHANNEL_NAMES), size=total, p=channel_p / channel_p.sum())
    status = (rng.random(total) >= APPROVAL_RATE).astype(np.int8)  # 0 approved, 1 declined

    order = np.lexsort((owner, when))
    return TransactionMonth(
        month=month,
        months=months,
        start=month_start,
        numbers=first_number + np.arange(total, dtype=np.int64),
        owner=owner[order],
        when=when[order],
        cents=cents[order],
        merchant=merchant[order],
        category=category[order],
        channel=channel[order],
        status=status[order],
        customer_ids=facts.customer_id,
    )


def generate_transactions(*, seed: int, customers: Columns, as_of: dt.date, months: int) -> Iterator[TransactionMonth]:
    """Yield the transactions month by month, each month from its own stream ("transactions", month)."""
    streams = Streams(seed)
    facts = CardholderFacts.from_columns(customers)
    bounds = month_bounds(as_of=as_of, months=months)
    next_number = 1
    for month in range(1, months + 1):
        batch = generate_transaction_month(
            streams.generator("transactions", month),
            facts,
            month=month,
            months=months,
            month_start=bounds[month - 1],
            month_end=bounds[month],
            first_number=next_number,
        )
        next_number += len(batch)
        yield batch
