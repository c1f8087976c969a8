import numpy as np
import pytest

from simkit import geo
from simkit.pools import build_people_pools, sample_people
from simkit.us_places import STATE_CODES, build_place_pool


def _zip_prefix_ok(state: str, zips) -> bool:
    ranges = geo.US_ZIP_PREFIXES[state]
    return all(any(low <= int(z[:3]) <= high for low, high in ranges) for z in zips)


def test_cities_are_real_with_population_and_coordinates():
    lethbridge = geo.find_city("Lethbridge", country="CA")
    assert lethbridge.region == "AB" and lethbridge.region_name == "Alberta"
    assert lethbridge.population > 50_000 and 49 < lethbridge.latitude < 50.5 and -113.5 < lethbridge.longitude < -112
    assert geo.country_name("US") == "United States"
    with pytest.raises(ValueError, match="no city called 'New Jessica'"):
        geo.find_city("New Jessica", country="US")


def test_metro_area_is_near_and_in_the_same_region():
    dallas = geo.find_city("Dallas", country="US", region="TX")
    metro = geo.metro_area(dallas, 40)
    assert metro.name[0] == "Dallas" and len(metro) > 10  # Irving, Garland, Plano, Mesquite...
    assert set(metro.region) == {"TX"}
    assert geo.distance_km(dallas.latitude, dallas.longitude, metro.latitude, metro.longitude).max() <= 40


def test_residents_city_state_zip_and_phone_agree():
    dallas = geo.find_city("Dallas", country="US", region="TX")
    people = geo.sample_residents(np.random.default_rng(3), 5_000, around=dallas, radius_km=40)
    assert set(people["region"]) == {"TX"} and set(people["country"]) == {"US"}
    assert _zip_prefix_ok("TX", people["postal_code"])
    assert {int(p[1:4]) for p in people["phone"]} <= set(geo.NANP_AREA_CODES["TX"])
    # in proportion to population: Dallas (1.3M) dominates its suburbs, the suburbs still get their share
    share = np.mean(people["city"] == "Dallas")
    metro = geo.metro_area(dallas, 40)
    assert share == pytest.approx(metro.population[0] / metro.population.sum(), abs=0.03)
    # every resident's city is a real city of that state
    texas = set(geo.cities(country="US", region="TX").name)
    assert set(people["city"]) <= texas


def test_canadian_residents_have_their_province_in_postal_code_and_phone():
    city = geo.find_city("Lethbridge", country="CA")
    people = geo.sample_residents(np.random.default_rng(1), 500, around=city, radius_km=60)
    assert set(people["region"]) == {"AB"}
    assert all(p[0] == "T" and len(p) == 7 and p[3] == " " for p in people["postal_code"])
    assert {int(p[1:4]) for p in people["phone"]} <= {403, 587, 780}


def test_people_pools_use_real_places_only():
    pools = build_people_pools(seed=5, size=800)
    assert set(pools.states) <= set(STATE_CODES)
    assert not {"FM", "PW", "MH", "GU", "PR", "VI", "AS", "MP"} & set(pools.states)
    us = geo.cities(country="US")
    real = set(zip(us.name, us.region, strict=True))
    assert all((c, s) in real for c, s in zip(pools.cities, pools.states, strict=True))
    people = sample_people(np.random.default_rng(2), pools, ids=np.arange(1, 2001))
    for state in np.unique(people["state"]):
        rows = people["state"] == state
        assert _zip_prefix_ok(state, people["postal_code"][rows]), state
        assert {int(p[1:4]) for p in people["phone"][rows]} <= set(geo.NANP_AREA_CODES[state]), state


def test_every_state_has_zip_prefixes_area_codes_and_cities():
    pool = build_place_pool()
    for state in STATE_CODES:
        assert geo.US_ZIP_PREFIXES[state] and geo.NANP_AREA_CODES[state]
        assert (pool.states == state).any(), state
