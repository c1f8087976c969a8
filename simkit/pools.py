"""Pools of realistic values (names, streets, cities) built once from a seeded Faker, sampled with numpy.

Calling Faker per row costs ~20 us a value; sampling from a pool of a few thousand values costs nanoseconds and
keeps the variety a reader notices. Pools depend only on the seed and Faker's locale data (pinned in
pyproject.toml), so they are identical on every run.
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
    cities: np.ndarray  # city, state abbreviation and postal code share an index
    states: np.ndarray
    postal_codes: np.ndarray


def _distinct(values) -> np.ndarray:
    return np.array(list(dict.fromkeys(values)), dtype=str)


def build_people_pools(*, seed: int, size: int = 2000, locale: str = "en_US") -> PeoplePools:
    """Build name, street and place pools from Faker seeded with `seed`."""
    from faker import Faker  # imported here: Faker's import is slow and only seeding needs it

    fake = Faker(locale)
    fake.seed_instance(seed)
    first = _distinct(fake.first_name() for _ in range(size))
    last = _distinct(fake.last_name() for _ in range(size))
    streets = _distinct(fake.street_name() for _ in range(size))
    places = [(fake.city(), fake.state_abbr(include_territories=False)) for _ in range(size // 4)]
    places = list(dict.fromkeys(places))
    postal = [fake.postcode_in_state(state) for _, state in places]
    return PeoplePools(
        first_names=first,
        last_names=last,
        streets=streets,
        cities=np.array([city for city, _ in places], dtype=str),
        states=np.array([state for _, state in places], dtype=str),
        postal_codes=np.array(postal, dtype=str),
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
    phone = np.strings.add(
        np.strings.add(np.strings.add(np.strings.add("(", area.astype(str)), ") "), exchange.astype(str)),
        np.strings.add("-", digits(line, 4)),
    )
    house = rng.integers(1, 9_900, n)
    street = pools.streets[rng.integers(0, len(pools.streets), n)]
    place = rng.integers(0, len(pools.cities), n)
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
