"""US states (50 and DC) with their populations and their real cities, for addresses that hold together.

Faker's `city()` invents names ("Lake Johnmouth") unrelated to the state it draws next; a learner who groups by
state and city then sees nonsense. Here every city is a real GeoNames city of its state (`simkit.geo`), states are
drawn in proportion to their population (2020 census, millions), so California, Texas and Florida lead as they do
in real portfolios, and within a state cities are drawn in proportion to their own population.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

# State abbreviation: population in millions (2020 census). Territories (PR, GU, FM, MH, PW...) are not states.
STATE_POPULATION: dict[str, float] = {
    "AL": 5.02, "AK": 0.73, "AZ": 7.15, "AR": 3.01, "CA": 39.54, "CO": 5.77, "CT": 3.61, "DE": 0.99, "DC": 0.69,
    "FL": 21.54, "GA": 10.71, "HI": 1.46, "ID": 1.84, "IL": 12.81, "IN": 6.79, "IA": 3.19, "KS": 2.94, "KY": 4.51,
    "LA": 4.66, "ME": 1.36, "MD": 6.18, "MA": 7.03, "MI": 10.08, "MN": 5.71, "MS": 2.96, "MO": 6.15, "MT": 1.08,
    "NE": 1.96, "NV": 3.10, "NH": 1.38, "NJ": 9.29, "NM": 2.12, "NY": 20.20, "NC": 10.44, "ND": 0.78, "OH": 11.80,
    "OK": 3.96, "OR": 4.24, "PA": 13.00, "RI": 1.10, "SC": 5.12, "SD": 0.89, "TN": 6.91, "TX": 29.15, "UT": 3.27,
    "VT": 0.64, "VA": 8.63, "WA": 7.71, "WV": 1.79, "WI": 5.89, "WY": 0.58,
}  # fmt: skip
STATE_CODES = tuple(STATE_POPULATION)


@cache
def _state_cities() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per state: (city names, populations, GeoNames ids), largest city first."""
    from .geo import cities

    us = cities(country="US")
    out = {}
    for code in STATE_CODES:
        rows = np.flatnonzero(us.region == code)
        rows = rows[np.argsort(-us.population[rows], kind="stable")]
        out[code] = (us.name[rows], us.population[rows], us.geonameid[rows])
    return out


class _States(Mapping):
    """`US_STATES[code] == (population in millions, city names largest first)`, read from GeoNames when first used
    (so importing this module stays cheap)."""

    def __getitem__(self, code: str) -> tuple[float, tuple[str, ...]]:
        return STATE_POPULATION[code], tuple(str(name) for name in _state_cities()[code][0])

    def __iter__(self) -> Iterator[str]:
        return iter(STATE_CODES)

    def __len__(self) -> int:
        return len(STATE_CODES)


US_STATES: Mapping[str, tuple[float, tuple[str, ...]]] = _States()


@dataclass(frozen=True)
class PlacePool:
    """Every (state, city) pair as parallel arrays with the probability of drawing it."""

    states: np.ndarray
    cities: np.ndarray
    weights: np.ndarray
    geonameid: np.ndarray | None = None


@cache
def build_place_pool() -> PlacePool:
    """State shares follow the state's population; within a state, each city's share follows its population."""
    states, names, weights, ids = [], [], [], []
    for code, population in STATE_POPULATION.items():
        city_names, city_population, city_ids = _state_cities()[code]
        states.append(np.full(len(city_names), code))
        names.append(city_names)
        weights.append(city_population / city_population.sum() * population)
        ids.append(city_ids)
    p = np.concatenate(weights)
    return PlacePool(
        states=np.concatenate(states),
        cities=np.concatenate(names),
        weights=p / p.sum(),
        geonameid=np.concatenate(ids),
    )


def sample_places(rng: np.random.Generator, size: int, pool: PlacePool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`size` (state, city) pairs drawn by population."""
    pool = pool or build_place_pool()
    index = rng.choice(len(pool.states), size=size, p=pool.weights)
    return pool.states[index], pool.cities[index]
