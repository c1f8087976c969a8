"""Pools of realistic values (names, streets from a seeded Faker; real cities from `simkit.geo`), sampled with numpy.

Calling Faker per row costs ~20 us a value; sampling from a pool of a few thousand values costs nanoseconds and
keeps the variety a reader notices. Pools depend only on the seed, Faker's locale data and GeoNames' data (pinned in
pyproject.toml), so they are identical on every run. Places are real US cities drawn by population with a ZIP of
their state and a phone area code of their state, so city, state, postal code and phone agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Reserved example domains (RFC 2606): synthetic addresses can never reach a real mailbox.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com", "shop.example.net")
EMAIL_DOMAIN_WEIGHTS = (0.40, 0.25, 0.20, 0.10, 0.05)


@dataclass(frozen=True)
class PeoplePools:
    first_names: np.ndarray
    last_names: np.ndarray
    streets: np.ndarray
    cities: np.ndarray  # city, state abbreviation, postal code and area code share an index
    states: np.ndarray
    postal_codes: np.ndarray
    area_codes: np.ndarray | None = None  # phone area code of each place (None: any North American one)


def _distinct(values) -> np.ndarray:
    return np.array(list(dict.fromkeys(values)), dtype=str)


def build_people_pools(*, seed: int, size: int = 2000, locale: str = "en_US") -> PeoplePools:
    """Build name and street pools from Faker seeded with `seed`, and `size // 4` real US places by population."""
    from faker import Faker  # imported here: Faker's import is slow and only seeding needs it

    from .geo import phone_numbers, postal_codes, world_cities
    from .us_places import build_place_pool

    fake = Faker(locale)
    fake.seed_instance(seed)
    first = _distinct(fake.first_name() for _ in range(size))
    last = _distinct(fake.last_name() for _ in range(size))
    streets = _distinct(fake.street_name() for _ in range(size))
    rng = np.random.default_rng(seed)
    pool = build_place_pool()
    # Drawn with repeats: a big city appears as often as its population says.
    chosen = np.sort(rng.choice(len(pool.states), size=max(size // 4, 1), p=pool.weights))
    world = world_cities()
    places = world.take(np.searchsorted(world.geonameid, pool.geonameid[chosen]))
    phones = phone_numbers(rng, places)
    return PeoplePools(
        first_names=first,
        last_names=last,
        streets=streets,
        cities=places.name.astype(str),
        states=places.region.astype(str),
        postal_codes=postal_codes(rng, places),
        area_codes=np.strings.slice(phones, 1, 4).astype(np.int64),
    )


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal strings of non-negative integers, vectorised."""
    return np.strings.zfill(np.asarray(values, dtype=np.int64).astype(str), width)


def email_local_part(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """'jane.o.brien'-style local parts: lower case, letters only, dot-separated."""
    parts = []
    for column in (first, last):
        text = np.strings.lower(column.astype(str))
        for char in ("'", " ", "-"):
            text = np.strings.replace(text, char, "")
        parts.append(text)
    return np.strings.add(np.strings.add(parts[0], "."), parts[1])


def sample_people(rng: np.random.Generator, pools: PeoplePools, *, ids: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of people, one per id: names, unique email, phone, street address, city, state, postal code.

    Emails are unique by construction: the local part ends with the person's id.
    """
    n = len(ids)
    first = pools.first_names[rng.integers(0, len(pools.first_names), n)]
    last = pools.last_names[rng.integers(0, len(pools.last_names), n)]
    domain_index = rng.choice(len(EMAIL_DOMAINS), size=n, p=np.asarray(EMAIL_DOMAIN_WEIGHTS))
    domains = np.array(EMAIL_DOMAINS, dtype=str)[domain_index]
    local = np.strings.add(email_local_part(first, last), np.asarray(ids, dtype=np.int64).astype(str))
    email = np.strings.add(np.strings.add(local, "@"), domains)
    # North American numbering: area and exchange codes never start with 0 or 1.
    area = rng.integers(201, 990, n)
    exchange = rng.integers(200, 1000, n)
    line = rng.integers(0, 10_000, n)
    house = rng.integers(1, 9_900, n)
    street = pools.streets[rng.integers(0, len(pools.streets), n)]
    place = rng.integers(0, len(pools.cities), n)
    if pools.area_codes is not None:
        area = pools.area_codes[place]  # the phone's area code belongs to the person's state
    phone = np.strings.add(
        np.strings.add(np.strings.add(np.strings.add("(", area.astype(str)), ") "), exchange.astype(str)),
        np.strings.add("-", digits(line, 4)),
    )
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "address": np.strings.add(np.strings.add(house.astype(str), " "), street),
        "city": pools.cities[place],
        "state": pools.states[place],
        "postal_code": pools.postal_codes[place],
    }
