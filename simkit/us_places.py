"""US states (50 and DC) with their populations and a few real cities each, for addresses that hold together.

Faker's `city()` invents names ("Lake Johnmouth") unrelated to the state it draws next; a learner who groups by
state and city then sees nonsense. Here every city belongs to its state, and states are drawn in proportion to
their population (2020 census, millions), so California, Texas and Florida lead as they do in real portfolios.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# state abbreviation: (population in millions, cities largest first)
US_STATES: dict[str, tuple[float, tuple[str, ...]]] = {
    "AL": (5.02, ("Birmingham", "Huntsville", "Montgomery", "Mobile")),
    "AK": (0.73, ("Anchorage", "Fairbanks", "Juneau")),
    "AZ": (7.15, ("Phoenix", "Tucson", "Mesa", "Scottsdale")),
    "AR": (3.01, ("Little Rock", "Fayetteville", "Fort Smith")),
    "CA": (39.54, ("Los Angeles", "San Diego", "San Jose", "San Francisco", "Fresno", "Sacramento")),
    "CO": (5.77, ("Denver", "Colorado Springs", "Aurora", "Boulder")),
    "CT": (3.61, ("Bridgeport", "Stamford", "New Haven", "Hartford")),
    "DE": (0.99, ("Wilmington", "Dover", "Newark")),
    "DC": (0.69, ("Washington",)),
    "FL": (21.54, ("Jacksonville", "Miami", "Tampa", "Orlando")),
    "GA": (10.71, ("Atlanta", "Columbus", "Augusta", "Savannah")),
    "HI": (1.46, ("Honolulu", "Hilo", "Kailua")),
    "ID": (1.84, ("Boise", "Meridian", "Nampa")),
    "IL": (12.81, ("Chicago", "Aurora", "Naperville", "Springfield")),
    "IN": (6.79, ("Indianapolis", "Fort Wayne", "Evansville")),
    "IA": (3.19, ("Des Moines", "Cedar Rapids", "Davenport")),
    "KS": (2.94, ("Wichita", "Overland Park", "Kansas City", "Topeka")),
    "KY": (4.51, ("Louisville", "Lexington", "Bowling Green")),
    "LA": (4.66, ("New Orleans", "Baton Rouge", "Shreveport")),
    "ME": (1.36, ("Portland", "Lewiston", "Bangor")),
    "MD": (6.18, ("Baltimore", "Frederick", "Rockville", "Annapolis")),
    "MA": (7.03, ("Boston", "Worcester", "Springfield", "Cambridge")),
    "MI": (10.08, ("Detroit", "Grand Rapids", "Warren", "Ann Arbor")),
    "MN": (5.71, ("Minneapolis", "Saint Paul", "Rochester", "Duluth")),
    "MS": (2.96, ("Jackson", "Gulfport", "Southaven")),
    "MO": (6.15, ("Kansas City", "St. Louis", "Springfield", "Columbia")),
    "MT": (1.08, ("Billings", "Missoula", "Bozeman", "Helena")),
    "NE": (1.96, ("Omaha", "Lincoln", "Bellevue")),
    "NV": (3.10, ("Las Vegas", "Henderson", "Reno")),
    "NH": (1.38, ("Manchester", "Nashua", "Concord")),
    "NJ": (9.29, ("Newark", "Jersey City", "Paterson", "Trenton")),
    "NM": (2.12, ("Albuquerque", "Las Cruces", "Santa Fe")),
    "NY": (20.20, ("New York", "Buffalo", "Rochester", "Yonkers", "Albany")),
    "NC": (10.44, ("Charlotte", "Raleigh", "Greensboro", "Durham")),
    "ND": (0.78, ("Fargo", "Bismarck", "Grand Forks")),
    "OH": (11.80, ("Columbus", "Cleveland", "Cincinnati", "Toledo")),
    "OK": (3.96, ("Oklahoma City", "Tulsa", "Norman")),
    "OR": (4.24, ("Portland", "Salem", "Eugene")),
    "PA": (13.00, ("Philadelphia", "Pittsburgh", "Allentown", "Erie")),
    "RI": (1.10, ("Providence", "Warwick", "Cranston")),
    "SC": (5.12, ("Charleston", "Columbia", "North Charleston", "Greenville")),
    "SD": (0.89, ("Sioux Falls", "Rapid City", "Aberdeen")),
    "TN": (6.91, ("Nashville", "Memphis", "Knoxville", "Chattanooga")),
    "TX": (29.15, ("Houston", "San Antonio", "Dallas", "Austin", "Fort Worth", "El Paso")),
    "UT": (3.27, ("Salt Lake City", "West Valley City", "Provo", "St. George")),
    "VT": (0.64, ("Burlington", "South Burlington", "Rutland")),
    "VA": (8.63, ("Virginia Beach", "Chesapeake", "Norfolk", "Richmond", "Alexandria")),
    "WA": (7.71, ("Seattle", "Spokane", "Tacoma", "Vancouver")),
    "WV": (1.79, ("Charleston", "Huntington", "Morgantown")),
    "WI": (5.89, ("Milwaukee", "Madison", "Green Bay")),
    "WY": (0.58, ("Cheyenne", "Casper", "Laramie")),
}
STATE_CODES = tuple(US_STATES)


@dataclass(frozen=True)
class PlacePool:
    """Every (state, city) pair as parallel arrays with the probability of drawing it."""

    states: np.ndarray
    cities: np.ndarray
    weights: np.ndarray


def build_place_pool() -> PlacePool:
    """State shares follow population; within a state the n-th largest city gets weight 1/n (Zipf's law)."""
    states, cities, weights = [], [], []
    for code, (population, names) in US_STATES.items():
        rank_weights = 1.0 / np.arange(1, len(names) + 1)
        rank_weights = rank_weights / rank_weights.sum() * population
        states += [code] * len(names)
        cities += list(names)
        weights += rank_weights.tolist()
    p = np.asarray(weights)
    return PlacePool(states=np.array(states), cities=np.array(cities), weights=p / p.sum())


def sample_places(rng: np.random.Generator, size: int, pool: PlacePool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`size` (state, city) pairs drawn by population."""
    pool = pool or build_place_pool()
    index = rng.choice(len(pool.states), size=size, p=pool.weights)
    return pool.states[index], pool.cities[index]
