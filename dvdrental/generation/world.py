"""The opening world of a run: places, languages, categories, actors, stores and staff, the film catalogue and its
copies (pure numpy, no Django)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from simkit import geo
from simkit.hashing import hashed_uniform
from simkit.pools import PeoplePools, sample_people

from ..constants import PurchaseReason
from .catalogue import COUNTRIES, LANGUAGES, GenreTemplate, generate_films
from .state import SECONDS_PER_DAY, Copies, Customers, Films, SimulationState

ACTORS = 200


def nullable_ints(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Python ints where `present`, None elsewhere (a float NaN column would reach the database as 3.0)."""
    out = np.asarray(values, dtype=np.int64).astype(object)
    out[~np.asarray(present, dtype=bool)] = None
    return out


def timestamps(seconds: np.ndarray) -> np.ndarray:
    """datetime64[s] column from seconds since 1970."""
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")


def day_dates(day_numbers: np.ndarray) -> np.ndarray:
    return np.asarray(day_numbers, dtype=np.int64).astype("datetime64[D]")


# Where the chain's stores are, in opening order: Sakila's first store was in Lethbridge, Alberta; the others are
# neighbourhood stores in mid-sized metro areas. Beyond this list come the largest US cities not yet used.
STORE_CITIES = (
    ("Lethbridge", "CA", "AB"), ("Dallas", "US", "TX"), ("Sacramento", "US", "CA"), ("Columbus", "US", "OH"),
    ("Denver", "US", "CO"), ("Raleigh", "US", "NC"), ("Portland", "US", "OR"), ("Minneapolis", "US", "MN"),
    ("Tampa", "US", "FL"), ("Pittsburgh", "US", "PA"), ("Kansas City", "US", "MO"), ("Nashville", "US", "TN"),
    ("Salt Lake City", "US", "UT"), ("Calgary", "CA", "AB"), ("Hamilton", "CA", "ON"), ("Albuquerque", "US", "NM"),
)  # fmt: skip
METRO_RADIUS_KM = 50.0
COUNTRY_CODES = ("US", "CA")  # the rows of COUNTRIES, in order


@dataclass(frozen=True)
class StoreGeography:
    """The stores' real cities, the cities of their metro areas (the city table) and their ids."""

    stores: tuple[geo.City, ...]
    city_geonameid: np.ndarray  # city table rows, in city_id order (id = position + 1)
    city_name: np.ndarray
    city_country_id: np.ndarray

    def city_ids(self, geonameid: np.ndarray) -> np.ndarray:
        order = np.argsort(self.city_geonameid, kind="stable")
        return order[np.searchsorted(self.city_geonameid[order], geonameid)] + 1


@functools.cache
def store_geography(stores: int) -> StoreGeography:
    """A pure function of the number of stores (an appending run rebuilds the same city ids)."""
    chosen = [geo.find_city(name, country=country, region=region) for name, country, region in STORE_CITIES]
    if stores > len(chosen):
        us = geo.cities(country="US")
        taken = {c.geonameid for c in chosen}
        for i in np.argsort(-us.population, kind="stable"):
            if len(chosen) >= stores:
                break
            if int(us.geonameid[i]) not in taken:
                chosen.append(geo.find_city(str(us.name[i]), country="US", region=str(us.region[i])))
    chosen = tuple(chosen[:stores])
    ids, names, countries = [], [], []
    for city in chosen:
        metro = geo.metro_area(city, METRO_RADIUS_KM)
        for gid, name, country in zip(metro.geonameid, metro.name, metro.country, strict=True):
            if int(gid) not in ids:
                ids.append(int(gid))
                names.append(str(name))
                countries.append(COUNTRY_CODES.index(str(country)) + 1)
    return StoreGeography(
        stores=chosen,
        city_geonameid=np.array(ids, dtype=np.int64),
        city_name=np.array(names),
        city_country_id=np.array(countries, dtype=np.int64),
    )


def place_columns(stores: int, *, at: int) -> tuple[dict, dict]:
    """country and city tables: the countries of the chain, the cities of its stores' metro areas."""
    stamp = timestamps(np.array([at]))[0]
    countries = {
        "id": np.arange(1, len(COUNTRIES) + 1),
        "country": np.array(COUNTRIES),
        "last_update": np.full(len(COUNTRIES), stamp),
    }
    places = store_geography(stores)
    n = len(places.city_name)
    cities = {
        "id": np.arange(1, n + 1),
        "city": places.city_name,
        "country_id": places.city_country_id,
        "last_update": np.full(n, stamp),
    }
    return countries, cities


def address_columns(
    rng: np.random.Generator,
    *,
    ids: np.ndarray,
    people: dict,
    store: np.ndarray,
    stores: int,
    at: np.ndarray,
    at_store: bool = False,
) -> dict:
    """Addresses of people living near their store (street from `sample_people`; city, district, postal code and
    phone from `simkit.geo.sample_residents` around the store's city, so they agree). `at_store`: the store itself."""
    n = len(ids)
    places = store_geography(stores)
    district = np.empty(n, dtype=object)
    city_id = np.zeros(n, dtype=np.int64)
    postal = np.empty(n, dtype=object)
    phone = np.empty(n, dtype=object)
    for s in np.unique(store):
        rows = np.flatnonzero(store == s)
        city = places.stores[int(s)]
        residents = geo.sample_residents(
            rng, len(rows), around=city, radius_km=METRO_RADIUS_KM, home_share=1.0 if at_store else None
        )
        district[rows] = city.region_name
        city_id[rows] = places.city_ids(residents["geonameid"])
        postal[rows] = residents["postal_code"]
        phone[rows] = residents["phone"]
    return {
        "id": ids,
        "address": np.strings.slice(people["address"], 0, 50),
        "address2": np.full(n, None, dtype=object),
        "district": district.astype(str),
        "city_id": city_id,
        "postal_code": postal.astype(str),
        "phone": phone.astype(str),
        "last_update": timestamps(at),
    }


def opening_world(
    rng: np.random.Generator,
    *,
    config: dict,
    seed: int,
    pools: PeoplePools,
    templates: list[GenreTemplate],
    first_day: int,
    last_day: int | None = None,
) -> tuple[SimulationState, list[tuple[str, dict]]]:
    """Reference data, stores, staff, films and copies of a new database; returns the state and the batches.

    `last_day` is the run's last day: clerks are hired and leave up to it (see `staff_roster`)."""
    sim, gen = config["simulation"], config["generation"]
    stores = sim["stores"]
    opening_ts = (first_day - 365) * SECONDS_PER_DAY + 9 * 3600  # the chain opened a year before week 1
    batches: list[tuple[str, dict]] = []
    countries, cities = place_columns(stores, at=opening_ts)
    batches += [("country", countries), ("city", cities)]
    languages = {
        "id": np.arange(1, len(LANGUAGES) + 1),
        "name": np.array(LANGUAGES),
        "last_update": timestamps(np.full(len(LANGUAGES), opening_ts)),
    }
    categories = sorted(dict.fromkeys(t.category for t in templates))
    category_columns = {
        "id": np.arange(1, len(categories) + 1),
        "name": np.array(categories),
        "last_update": timestamps(np.full(len(categories), opening_ts)),
    }
    batches += [("language", languages), ("category", category_columns)]
    actor_people = sample_people(rng, pools, ids=np.arange(1, ACTORS + 1))
    batches.append(
        (
            "actor",
            {
                "id": np.arange(1, ACTORS + 1),
                "first_name": np.strings.upper(actor_people["first_name"]),
                "last_name": np.strings.upper(actor_people["last_name"]),
                "last_update": timestamps(np.full(ACTORS, opening_ts)),
            },
        )
    )
    counters = {"address": 1, "customer": 1, "film": 1, "inventory": 1, "rental": 1, "payment": 1}
    # Stores and their staff: a manager and clerks per store, store s's staff listed together.
    roster = staff_roster(
        seed=seed, stores=stores, clerks=sim["clerks_per_store"], first_day=first_day - 365,
        last_day=last_day if last_day is not None else first_day,
    )  # fmt: skip
    n_staff = len(roster["store"])
    state = SimulationState(
        seed=seed,
        first_day=first_day,
        next_week=1,
        next_day=first_day,
        baseline=0.0,
        index=1.0,
        categories=categories,
        films=Films(),
        copies=None,  # set below
        customers=None,
        staff_id=np.arange(1, n_staff + 1),
        staff_store=roster["store"],
        counters=counters,
        staff_from=roster["hired"],
        staff_until=roster["left"],
        staff_slot=roster["slot"],
    )
    state.copies = Copies()
    state.customers = Customers()
    address_ids = state.take_ids("address", stores + n_staff)
    people = sample_people(rng, pools, ids=address_ids)
    batches.append(
        (
            "address",
            address_columns(
                rng,
                ids=address_ids,
                people=people,
                store=np.r_[np.arange(stores), state.staff_store],
                stores=stores,
                at=np.full(len(address_ids), opening_ts),
                at_store=False,
            ),
        )
    )
    batches.append(
        (
            "store",
            {
                "id": np.arange(1, stores + 1),
                "address_id": address_ids[:stores],
                "last_update": timestamps(np.full(stores, opening_ts)),
            },
        )
    )
    first = people["first_name"][stores:]
    last = people["last_name"][stores:]
    username = np.strings.add(np.strings.lower(first), np.strings.slice(np.strings.lower(last), 0, 1))
    username = np.strings.slice(np.strings.add(username, state.staff_id.astype(str)), 0, 16)
    batches.append(
        (
            "staff",
            {
                "id": state.staff_id,
                "first_name": first,
                "last_name": last,
                "address_id": address_ids[stores:],
                "email": np.strings.add(np.strings.add(np.strings.add(first, "."), last), "@dvdrental.example.com"),
                "store_id": state.staff_store + 1,
                "active": roster["left"] >= NEVER_DAY,
                "username": username,
                "password": np.full(n_staff, None, dtype=object),
                "hired_date": day_dates(roster["hired"]),
                "left_date": np.where(
                    roster["left"] < NEVER_DAY,
                    day_dates(np.minimum(roster["left"], NEVER_DAY - 1)),
                    np.datetime64("NaT", "D"),
                ),
                "last_update": timestamps(
                    np.where(roster["left"] < NEVER_DAY, roster["left"], roster["hired"]) * SECONDS_PER_DAY + 9 * 3600
                ),
            },
        )
    )
    managers = state.staff_id[roster["slot"] == 0]
    batches.append(("store_manager", {"id": np.arange(1, stores + 1), "manager_staff_id": managers}))
    # The opening catalogue: films released over the years before week 1, genres uniformly.
    count = gen["films_count"]
    genre = rng.integers(0, len(templates), count)
    start_year = int(day_dates(np.array([first_day]))[0].astype("datetime64[Y]").astype(int) + 1970)
    film_ids = np.arange(state.counters["film"], state.counters["film"] + count)
    age_days = base_film_age_days(seed, film_ids)
    release_year = start_year - age_days // 365
    batches += add_films(
        rng,
        state,
        templates=templates,
        genre=genre,
        release_year=release_year,
        available_day=first_day - age_days,
        stamp=opening_ts,
    )
    low, high = gen["copies_per_film_per_store"]
    per_store = rng.integers(low, high + 1, (count, stores))
    per_store[per_store.sum(axis=1) == 0, 0] = 1  # every film is on some shelf
    film_index = np.arange(count)
    batches += buy_copies(
        rng,
        state,
        film=np.repeat(film_index, stores),
        store=np.tile(np.arange(stores), count),
        quantity=per_store.ravel(),
        day=first_day - 1,
        reason=PurchaseReason.INITIAL,
        strategy=config["inventory_purchasing"]["strategy"],
        phase="base",
        status_log=gen["advanced_features"]["enable_inventory_status_tracking"],
    )
    return state, batches


def base_film_age_days(seed: int, film_id: np.ndarray) -> np.ndarray:
    """Age in days, at week 1, of a film of the opening catalogue (hashed: an appending run recomputes it)."""
    return 60 + (hashed_uniform(seed, "film_age", film_id) * (6 * 365 - 60)).astype(np.int64)


def add_films(
    rng: np.random.Generator,
    state: SimulationState,
    *,
    templates: list[GenreTemplate],
    genre: np.ndarray,
    release_year: np.ndarray,
    available_day: np.ndarray,
    stamp: int,
) -> list[tuple[str, dict]]:
    """New films of the given genres: film, film_category and film_actor rows; the films join the state."""
    count = len(genre)
    ids = state.take_ids("film", count)
    columns = generate_films(
        rng, templates=templates, genre_index=genre, existing_titles=state.films.base_title, release_year=release_year
    )
    category_of = np.array([state.categories.index(t.category) for t in templates])
    category = category_of[genre]
    state.films.add(
        film_id=ids,
        genre=category,
        rental_duration=columns["rental_duration"],
        rental_rate=columns["rental_rate"],
        replacement_cost=columns["replacement_cost"],
        available_day=available_day,
        base_title=columns.pop("base_title"),
    )
    n_languages = len(LANGUAGES)
    dubbed = rng.random(count) < 0.05
    stamps = timestamps(np.full(count, stamp))
    film = {
        "id": ids,
        **columns,
        "language_id": np.ones(count, dtype=np.int64),
        "original_language_id": nullable_ints(rng.integers(2, n_languages + 1, count), dubbed),
        "last_update": stamps,
    }
    film_category = {
        "id": state.take_ids("film_category", count),
        "film_id": ids,
        "category_id": category + 1,
        "last_update": stamps,
    }
    cast_size = rng.integers(3, 9, count)
    candidates = np.argsort(rng.random((count, ACTORS)), axis=1)[:, :8] + 1
    keep = np.arange(8)[None, :] < cast_size[:, None]
    film_actor = {
        "id": state.take_ids("film_actor", int(keep.sum())),
        "actor_id": candidates[keep],
        "film_id": np.repeat(ids, cast_size),
        "last_update": timestamps(np.full(int(keep.sum()), stamp)),
    }
    return [("film", film), ("film_category", film_category), ("film_actor", film_actor)]


def buy_copies(
    rng: np.random.Generator,
    state: SimulationState,
    *,
    film: np.ndarray,
    store: np.ndarray,
    quantity: np.ndarray,
    day: int,
    reason: str,
    strategy: str,
    phase: str,
    status_log: bool,
) -> list[tuple[str, dict]]:
    """Buy `quantity[i]` copies of film index `film[i]` for store `store[i]` on `day`: purchase and inventory rows."""
    keep = quantity > 0
    film, store, quantity = film[keep], store[keep], quantity[keep]
    n = len(film)
    if n == 0:
        return []
    unit_cost = np.round(state.films.replacement_cost[film] * 0.55, 2)
    purchases = {
        "id": state.take_ids("purchase", n),
        "film_id": state.films.film_id[film],
        "store_id": store + 1,
        "purchase_date": day_dates(np.full(n, day)),
        "quantity": quantity,
        "unit_cost": unit_cost,
        "total_cost": np.round(unit_cost * quantity, 2),
        "reason": np.full(n, str(reason)),
        "strategy": np.full(n, strategy),
        "business_phase": np.full(n, phase),
    }
    copies = int(quantity.sum())
    copy_film = np.repeat(film, quantity)
    copy_store = np.repeat(store, quantity)
    ids = state.take_ids("inventory", copies)
    purchase_ts = day * SECONDS_PER_DAY + 9 * 3600
    # Copies go on the shelf the day after purchase.
    state.copies.add(inventory_id=ids, film=copy_film, store=copy_store, free_at=np.full(copies, purchase_ts))
    inventory = {
        "id": ids,
        "film_id": state.films.film_id[copy_film],
        "store_id": copy_store + 1,
        "date_purchased": day_dates(np.full(copies, day)),
        "status": np.full(copies, "available"),
        "last_update": timestamps(np.full(copies, purchase_ts)),
    }
    batches = [("inventory", inventory), ("inventory_purchases", purchases)]
    if status_log:
        staff = store_staff(state, copy_store, rng.random(copies), day=np.full(copies, day))
        batches.append(
            (
                "inventory_status",
                {
                    "id": state.take_ids("inventory_status", copies),
                    "inventory_id": ids,
                    "status": np.full(copies, "available"),
                    "status_date": timestamps(np.full(copies, purchase_ts)),
                    "rental_id": np.full(copies, None, dtype=object),
                    "staff_id": staff,
                    "notes": np.full(copies, f"purchased ({reason})"),
                },
            )
        )
    return batches


NEVER_DAY = 10**6  # a day after any run (staff still employed)
CLERK_TENURE_DAYS = 900  # mean time a clerk stays (exponential, at least 120 days)


def staff_roster(*, seed: int, stores: int, clerks: int, first_day: int, last_day: int) -> dict[str, np.ndarray]:
    """Who works where and when: per store a manager for the whole run (slot 0) and `clerks` clerk positions, each
    filled by a sequence of clerks who stay ~2.5 years; when one leaves the next is hired the same day.

    A pure function of its arguments (hashed per store, slot and turn), rows grouped by store."""
    store, slot, hired, left = [], [], [], []
    for s in range(stores):
        store.append(s), slot.append(0), hired.append(first_day), left.append(NEVER_DAY)
        for c in range(1, clerks + 1):
            day, turn = first_day, 0
            while day <= last_day:
                u = float(hashed_uniform(seed, "staff_tenure", np.array([(s * 1000 + c) * 1000 + turn]))[0])
                stay = max(120, int(-CLERK_TENURE_DAYS * np.log1p(-u)))
                end = day + stay if day + stay <= last_day else NEVER_DAY
                store.append(s), slot.append(c), hired.append(day), left.append(end)
                day, turn = day + stay, turn + 1
    return {
        "store": np.array(store, dtype=np.int64),
        "slot": np.array(slot, dtype=np.int64),
        "hired": np.array(hired, dtype=np.int64),
        "left": np.array(left, dtype=np.int64),
    }


def store_staff(state: SimulationState, store: np.ndarray, u: np.ndarray, day=None) -> np.ndarray:
    """A staff id of each row's store, chosen by the uniform `u` among the staff on shift that `day`.

    On shift: employed that day and not on a day off (the manager works Monday to Friday, clerk k is off on two
    consecutive weekdays starting at 2k, so weekends are covered by clerks); nobody on shift: anyone employed."""
    store = np.asarray(store, dtype=np.int64)
    u = np.asarray(u, dtype=float)
    if day is None:
        day = np.full(len(store), state.next_day)
    day = np.broadcast_to(np.asarray(day, dtype=np.int64), store.shape)
    employed = (state.staff_store[None, :] == store[:, None]) & (state.staff_from[None, :] <= day[:, None])
    employed &= day[:, None] < state.staff_until[None, :]
    weekday = ((day + 3) % 7)[:, None]
    slot = state.staff_slot[None, :]
    off = np.where(slot == 0, weekday >= 5, ((weekday - 2 * slot) % 7) < 2)
    on_shift = employed & ~off
    on_shift = np.where(on_shift.any(axis=1)[:, None], on_shift, employed)
    fallback = ~on_shift.any(axis=1)
    on_shift[fallback] = state.staff_store[None, :] == store[fallback][:, None]
    count = on_shift.sum(axis=1)
    k = np.minimum((u * count).astype(np.int64), count - 1)
    rank = np.cumsum(on_shift, axis=1) - 1
    pick = np.argmax(on_shift & (rank == k[:, None]), axis=1)
    return state.staff_id[pick]


def new_customer_columns(
    rng: np.random.Generator,
    state: SimulationState,
    pools: PeoplePools,
    *,
    config: dict,
    count: int,
    join_week: int,
    join_day_range: tuple[int, int],
    last_week: int,
) -> list[tuple[str, dict]]:
    """`count` customers joining in `join_week` (0 = before the run), with segment, churn and reactivation draws."""
    if count <= 0:
        return []
    gen = config["generation"]
    features = gen["advanced_features"]
    segments = gen["customer_segments"]
    names = list(segments)
    share = np.array([segments[s]["percentage"] for s in names], dtype=float)
    ids = state.take_ids("customer", count)
    # Segments by a golden-ratio sequence over customer ids: shares match the configured percentages within a
    # customer or two at any size, where independent draws would stray by a few points in a small store.
    position = np.modf(ids * 0.6180339887498949)[0]
    segment = np.minimum(np.searchsorted(np.cumsum(share / share.sum()), position, side="right"), len(names) - 1)
    activity = np.array([segments[s]["activity"] for s in names], dtype=float)[segment]
    lifetime = np.array([segments[s]["lifetime_weeks"] for s in names], dtype=np.int64)[segment]
    churn_rate = np.array([segments[s]["churn_rate"] for s in names], dtype=float)[segment]
    caps = features["customer_behavior"]["max_simultaneous_rentals"]
    cap = np.array([caps[s] for s in names], dtype=np.int64)[segment]
    churn_week = np.full(count, np.iinfo(np.int64).max // 4)
    reactivation_week = churn_week.copy()
    draws = rng.random(count)
    if features["enable_customer_churn"]:
        churns = (churn_rate > 0) & (lifetime > 0)
        hazard = np.where(churns, 1 - (1 - churn_rate) ** (1 / np.maximum(lifetime, 1)), 0.5)
        weeks = rng.geometric(hazard)
        churn_week = np.where(churns, join_week + weeks, churn_week)
        churn_week = np.where(churn_week <= last_week, churn_week, np.iinfo(np.int64).max // 4)
        reactivation = gen["reactivation"]
        if reactivation["enable_reactivation"]:
            start = reactivation["reactivation_start_week"]
            stop = start + reactivation["reactivation_duration_weeks"]
            low = np.maximum(start, churn_week + 1)
            span = stop - low
            comes_back = (churn_week <= last_week) & (span > 0) & (draws < reactivation["reactivation_probability"])
            week = low + (rng.random(count) * np.maximum(span, 1)).astype(np.int64)
            reactivation_week = np.where(comes_back & (week <= last_week), week, reactivation_week)
    store = rng.integers(0, state.stores, count)
    address_ids = state.take_ids("address", count)
    people = sample_people(rng, pools, ids=ids)
    day = rng.integers(join_day_range[0], join_day_range[1], count)
    created = day * SECONDS_PER_DAY + rng.integers(10 * 3600, 21 * 3600, count)
    never = np.iinfo(np.int64).max // 4
    churned_for_good = (churn_week <= last_week) & (reactivation_week > last_week)
    state.customers.add(
        customer_id=ids,
        store=store,
        activity=activity,
        cap=cap,
        join_week=np.full(count, join_week),
        join_day=day,
        churn_week=churn_week,
        reactivation_week=reactivation_week,
    )
    email = np.strings.upper(people["email"])
    # The row changes on the day the customer leaves (active false) or comes back: last_update says when.
    reactivated = reactivation_week <= last_week
    change_week = np.where(churned_for_good, churn_week, np.where(reactivated, reactivation_week, -1))
    change_ts = (state.first_day + 7 * (change_week - 1)) * SECONDS_PER_DAY + rng.integers(9 * 3600, 21 * 3600, count)
    updated = np.where(change_week > 0, np.maximum(change_ts, created + 1), created)
    return [
        (
            "address",
            address_columns(rng, ids=address_ids, people=people, store=store, stores=state.stores, at=created),
        ),
        (
            "customer",
            {
                "id": ids,
                "store_id": store + 1,
                "first_name": np.strings.upper(people["first_name"]),
                "last_name": np.strings.upper(people["last_name"]),
                "email": email,
                "address_id": address_ids,
                "active": ~churned_for_good,
                "create_date": timestamps(created),
                "last_update": timestamps(updated),
            },
        ),
        (
            "customer_lifecycle",
            {
                "customer_id": ids,
                "segment": np.array(names)[segment],
                "activity": activity,
                "max_simultaneous_rentals": cap,
                "lifetime_weeks": lifetime,
                "churn_rate": churn_rate,
                "join_week": np.full(count, join_week),
                "churn_week": nullable_ints(churn_week, churn_week < never),
                "reactivation_week": nullable_ints(reactivation_week, reactivation_week < never),
            },
        ),
    ]
