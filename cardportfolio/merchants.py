"""The merchants dimension: thousands of merchants with a category, a real merchant category code and a real place.

Pure numpy (no Django). US merchants sit in real US cities drawn by population (`simkit.us_places`); a share of
the travel-related merchants (hotels, airlines, travel, dining) are abroad, in real cities of `FOREIGN_COUNTRIES`
(`simkit.geo`), and take that country's currency. Names are invented: a category word and a place or surname.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simkit.geo import cities
from simkit.us_places import build_place_pool

from .constants import (
    CATEGORY_MCCS,
    CATEGORY_MERCHANT_WEIGHTS,
    FOREIGN_COUNTRIES,
    FOREIGN_MERCHANT_SHARE,
    MERCHANTS,
    Category,
)

CATEGORIES = tuple(Category)
ABROAD_CATEGORIES = (Category.HOTELS, Category.AIRLINES, Category.TRAVEL, Category.DINING)
NAME_LENGTH = 40


@dataclass(frozen=True)
class MerchantTable:
    """The merchants as parallel columns; row i is merchant_id i + 1. `bucket_*` index them by (category, place)."""

    merchant_id: np.ndarray
    name: np.ndarray
    category: np.ndarray  # index into CATEGORIES
    mcc: np.ndarray
    city: np.ndarray
    region: np.ndarray
    country: np.ndarray
    currency: np.ndarray
    usd_per_unit: np.ndarray
    abroad: np.ndarray  # bool
    bucket_keys: np.ndarray | None = None  # sorted (category, place) keys
    bucket_order: np.ndarray | None = None  # merchant index of each sorted key
    states: np.ndarray | None = None  # the US states that have merchants, sorted

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "merchant_id": self.merchant_id,
            "merchant_name": self.name,
            "merchant_category": np.array([category.value for category in CATEGORIES])[self.category],
            "mcc": self.mcc,
            "city": self.city,
            "region": self.region,
            "country": self.country,
            "currency": self.currency,
        }

    def pick(self, rng: np.random.Generator, category: np.ndarray, region: np.ndarray, abroad: np.ndarray):
        """One merchant index per row: of `category`, abroad when `abroad`, else in `region` (a US state) when
        the category has merchants there, else anywhere in the US."""
        keys, order, states = self.bucket_keys, self.bucket_order, self.states
        state_code = np.searchsorted(states, region)
        state_code = np.where((state_code < len(states)) & (states[np.minimum(state_code, len(states) - 1)] == region),
                              state_code, len(states))  # fmt: skip
        place = np.where(abroad, len(states) + 1, state_code)
        key = category * (len(states) + 2) + place
        low = np.searchsorted(keys, key, side="left")
        high = np.searchsorted(keys, key, side="right")
        # No merchant of that category in that state: any US merchant of the category.
        national = category * (len(states) + 2)
        national_low = np.searchsorted(keys, national, side="left")
        national_high = np.searchsorted(keys, national + len(states), side="right")
        empty = high <= low
        low = np.where(empty, national_low, low)
        high = np.where(empty, national_high, high)
        picked = low + np.floor(rng.random(len(key)) * (high - low)).astype(np.int64)
        return order[np.minimum(picked, len(order) - 1)]


def _with_buckets(table: MerchantTable) -> MerchantTable:
    states = np.unique(table.region[~table.abroad])
    code = np.searchsorted(states, table.region)
    place = np.where(table.abroad, len(states) + 1, code)
    keys = table.category * (len(states) + 2) + place
    order = np.argsort(keys, kind="stable")
    return replace(table, bucket_keys=keys[order], bucket_order=order, states=states)


def generate_merchants(rng: np.random.Generator, *, count: int) -> MerchantTable:
    """`count` merchants: categories by CATEGORY_MERCHANT_WEIGHTS, MCCs of the category, real places."""
    weights = np.array([CATEGORY_MERCHANT_WEIGHTS[category] for category in CATEGORIES])
    category = rng.choice(len(CATEGORIES), size=count, p=weights / weights.sum())
    category[: len(CATEGORIES)] = np.arange(min(count, len(CATEGORIES)))  # every category has a merchant
    mcc = np.array([CATEGORY_MCCS[CATEGORIES[c]][0] for c in category])
    for index, item in enumerate(CATEGORIES):
        mask = category == index
        codes = np.array(CATEGORY_MCCS[item])
        mcc[mask] = codes[rng.integers(0, len(codes), int(mask.sum()))]

    travel_like = np.isin(category, [CATEGORIES.index(c) for c in ABROAD_CATEGORIES])
    abroad = travel_like & (rng.random(count) < FOREIGN_MERCHANT_SHARE / travel_like.mean())
    abroad[: len(CATEGORIES)] = False  # keep one US merchant per category

    pool = build_place_pool()
    place = rng.choice(len(pool.states), size=count, p=pool.weights)
    city = pool.cities[place].astype(object)
    region = pool.states[place].astype(object)
    country = np.full(count, "US", dtype=object)
    currency = np.full(count, "USD", dtype=object)
    usd = np.ones(count)
    foreign = np.flatnonzero(abroad)
    if len(foreign):
        country_weights = np.array([entry[3] for entry in FOREIGN_COUNTRIES])
        pick = rng.choice(len(FOREIGN_COUNTRIES), size=len(foreign), p=country_weights / country_weights.sum())
        for index, (code, money, rate, _) in enumerate(FOREIGN_COUNTRIES):
            rows = foreign[pick == index]
            if not len(rows):
                continue
            places = cities(country=code, min_population=100_000)
            chosen = rng.choice(len(places), size=len(rows), p=places.population / places.population.sum())
            city[rows] = places.name[chosen]
            region[rows] = places.region[chosen]
            country[rows] = code
            currency[rows] = money
            usd[rows] = rate

    stems = np.array([name for item in CATEGORIES for name in MERCHANTS[item]], dtype=object)
    stem_offsets = np.cumsum([0] + [len(MERCHANTS[item]) for item in CATEGORIES])
    per_category = np.diff(stem_offsets)
    stem = stems[stem_offsets[category] + rng.integers(0, 1 << 30, count) % per_category[category]]
    names = np.strings.add(np.strings.add(stem.astype(str), " "), city.astype(str))
    names = np.strings.slice(names, 0, NAME_LENGTH)
    table = MerchantTable(
        merchant_id=np.arange(1, count + 1),
        name=np.strings.strip(names).astype(str),
        category=category.astype(np.int64),
        mcc=mcc,
        city=np.strings.slice(city.astype(str), 0, 40).astype(str),
        region=region.astype(str),
        country=country.astype(str),
        currency=currency.astype(str),
        usd_per_unit=usd,
        abroad=abroad,
    )
    return _with_buckets(table)
