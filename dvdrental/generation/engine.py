"""The weekly simulation engine (pure numpy, no Django).

Each simulated week: the target volume from trend, season and noise; quarterly film releases and phase
restocking; customers joining so the active pool can carry the volume; then seven days of demand. Each day's
demand is drawn at once (times in opening hours, customers by activity, films by popularity) and matched to copies
in one vectorised pass per try: a copy is available when it came back before the day began, each copy serves at most
one rental a day, a customer never holds more copies than the segment's cap, and a customer whose film is out picks
another title (two more tries) before the demand counts as lost.

What happens to a rental after it leaves the store (returned on time, late, never; the copy damaged or sent to
maintenance; the late fee paid or not) is a pure function of the seed and the rental id (`simkit.hashing`), so a
later run appending weeks recomputes the fate of copies still out instead of storing it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simkit import calendar
from simkit.hashing import hashed_uniform
from simkit.pools import PeoplePools
from simkit.rng import Streams

from ..constants import CLOSING_HOUR, OPENING_HOUR, BusinessPhase, PurchaseReason
from .catalogue import GenreTemplate
from .ledger import ar_status, plan_fees
from .prices import price_history, price_in_force
from .state import NEVER, SECONDS_PER_DAY, SimulationState
from .world import add_films, buy_copies, day_dates, new_customer_columns, store_geography, store_staff, timestamps

# Share of rentals in each opening hour, 10:00 to 21:00: evenings are busiest.
HOUR_WEIGHTS = np.array([0.45, 0.55, 0.65, 0.7, 0.7, 0.8, 0.95, 1.25, 1.55, 1.7, 1.45, 0.9])
HOUR_CDF = np.cumsum(HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
SUBSTITUTION_TRIES = 3
HOLD_LIMIT_DAYS = 30  # a copy never returned stops counting against the customer's cap this long after its due day
SEASON_OF_MONTH = ("winter", "none", "spring", "spring", "spring", "summer", "summer", "summer", "fall", "fall",
                   "winter", "winter")  # fmt: skip
# Copies sold off per new-release copy bought, by phase (see Engine._sell_off).
SELL_OFF_SHARE = {"plateau": 0.6, "decline": 1.0}
QUARTER_GENRES = {
    1: ("Drama", "Romance", "Comedy"),
    2: ("Action", "Sci-Fi", "Adventure"),
    3: ("Horror", "Thriller", "Action"),
    4: ("Family", "Animation", "Comedy"),
}
RELEASE_COPIES = {"aggressive": (12, 18), "stable": (9, 14), "seasonal": (7, 12)}  # new titles rent most: stock for it
CONDITION_NOTES = ("returned", "damaged on return", "missing after return", "routine maintenance")


@dataclass(frozen=True)
class ReturnPlan:
    """The fate of rentals, recomputable from (seed, rental_id): see `plan_returns`."""

    return_ts: np.ndarray  # NEVER when the copy is never returned
    lost: np.ndarray
    condition: np.ndarray  # 0 fine, 1 damaged, 2 missing, 3 maintenance
    shelf_ts: np.ndarray  # when the copy can be rented again (NEVER if written off, or missing past the run)
    hold_day: np.ndarray  # day the rental stops counting against the customer's cap
    missing_ts: np.ndarray  # when the copy is reported missing (NEVER if it is not)
    found_ts: np.ndarray  # when a missing copy turns up again (NEVER if it does not)
    write_off_ts: np.ndarray  # when a missing copy is written off (NEVER if it is not)


class HashedUniforms:
    """`hashed_uniform` for consecutive ids, computed a block at a time (the engine asks for ~60 ids a day)."""

    BLOCK = 16_384

    def __init__(self, seed: int):
        self.seed = seed
        self.blocks: dict[tuple[str, int], np.ndarray] = {}

    def __call__(self, seed: int, stream: str, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if seed != self.seed or len(ids) == 0 or ids[-1] - ids[0] != len(ids) - 1:
            return hashed_uniform(seed, stream, ids)
        first, last = int(ids[0]) // self.BLOCK, int(ids[-1]) // self.BLOCK
        parts = []
        for block in range(first, last + 1):
            values = self.blocks.get((stream, block))
            if values is None:
                values = hashed_uniform(seed, stream, np.arange(block * self.BLOCK, (block + 1) * self.BLOCK))
                self.blocks = {k: v for k, v in self.blocks.items() if k[1] >= block - 1}
                self.blocks[(stream, block)] = values
            low = max(int(ids[0]), block * self.BLOCK) - block * self.BLOCK
            high = min(int(ids[-1]) + 1, (block + 1) * self.BLOCK) - block * self.BLOCK
            parts.append(values[low:high])
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def plan_returns(
    *,
    seed: int,
    rental_id: np.ndarray,
    rental_day: np.ndarray,
    duration: np.ndarray,
    config: dict,
    status_tracking: bool,
    uniforms=hashed_uniform,
) -> ReturnPlan:
    """On time (1..duration days), late or never, from hashed uniforms of the rental id.

    Lateness decays: a late copy is back one day late with probability `late_return_decay`, two days late with
    that times (1 - it), and so on (geometric, capped at 60), so most are a day or two late with a thin tail.
    A copy missing after its return, or never returned (reported missing 30 days after its due day), turns up
    again within `write_off_after_days` with probability `found_probability` (in-store losses only) or is
    written off then.
    """
    gen = config["generation"]
    p_lost = gen["lost_rental_probability"]
    p_late = gen["advanced_features"]["customer_behavior"]["overdue_rental_probability"]
    outcome = uniforms(seed, "return_outcome", rental_id)
    u_days = uniforms(seed, "return_days", rental_id)
    u_time = uniforms(seed, "return_time", rental_id)
    lost = outcome < p_lost
    late = ~lost & (outcome < p_lost + p_late)
    on_time_days = 1 + (u_days * duration).astype(np.int64)
    decay = gen["advanced_features"]["customer_behavior"]["late_return_decay"]
    days_late = 1 + np.floor(np.log1p(-np.minimum(u_days, 1 - 1e-12)) / math.log1p(-decay)).astype(np.int64)
    late_days = duration + np.minimum(days_late, 60)
    days_out = np.where(late, late_days, on_time_days)
    tod = OPENING_HOUR * 3600 + (u_time * (CLOSING_HOUR - OPENING_HOUR) * 3600).astype(np.int64)
    return_day = rental_day + days_out
    return_ts = np.where(lost, NEVER, return_day * SECONDS_PER_DAY + tod)
    condition = np.zeros(len(rental_id), dtype=np.int64)
    shelf_ts = return_ts.copy()
    missing_ts = np.full(len(rental_id), NEVER)
    found_ts = missing_ts.copy()
    write_off_ts = missing_ts.copy()
    if status_tracking:
        status = config["generation"]["advanced_features"]["inventory_status"]
        u_cond = uniforms(seed, "copy_condition", rental_id)
        u_down = uniforms(seed, "copy_downtime", rental_id)
        damage, loss, maintenance = (
            status["damage_probability"],
            status["loss_probability"],
            status["maintenance_frequency"],
        )
        condition = np.where(
            u_cond < damage,
            1,
            np.where(u_cond < damage + loss, 2, np.where(u_cond < damage + loss + maintenance, 3, 0)),
        )
        condition[lost] = 0
        repair = status["repair_days"][0] + (u_down * (status["repair_days"][1] - status["repair_days"][0] + 1))
        service = status["maintenance_days"][0] + (
            u_down * (status["maintenance_days"][1] - status["maintenance_days"][0] + 1)
        )
        downtime = np.where(condition == 1, repair, np.where(condition == 3, service, 0)).astype(np.int64)
        shelf_ts = np.where(condition == 2, NEVER, np.where(lost, NEVER, return_ts + downtime * SECONDS_PER_DAY))
        grace = status["write_off_after_days"]
        declared_lost = (rental_day + duration + HOLD_LIMIT_DAYS) * SECONDS_PER_DAY + 9 * 3600
        missing_ts = np.where(lost, declared_lost, np.where(condition == 2, return_ts, NEVER))
        u_found = uniforms(seed, "copy_found", rental_id)
        found = (condition == 2) & (u_found < status["found_probability"])
        found_after = 1 + (uniforms(seed, "copy_found_days", rental_id) * max(grace - 1, 1)).astype(np.int64)
        found_ts = np.where(found, missing_ts + found_after * SECONDS_PER_DAY, NEVER)
        write_off_ts = np.where((missing_ts < NEVER) & ~found, missing_ts + grace * SECONDS_PER_DAY, NEVER)
        shelf_ts = np.where(found, found_ts, shelf_ts)
    # The cap is freed the day after the return, so a copy returned in the evening never overlaps a new rental.
    hold_day = np.where(lost, rental_day + duration + HOLD_LIMIT_DAYS, return_day + 1)
    return ReturnPlan(
        return_ts=return_ts,
        lost=lost,
        condition=condition,
        shelf_ts=shelf_ts,
        hold_day=hold_day,
        missing_ts=missing_ts,
        found_ts=found_ts,
        write_off_ts=write_off_ts,
    )


def phase_lengths(config: dict) -> list[tuple[str, int]]:
    life = config["generation"]["business_lifecycle"]
    return [
        (BusinessPhase.GROWTH, life["growth_phase_weeks"]),
        (BusinessPhase.PLATEAU, life["plateau_phase_weeks"]),
        (BusinessPhase.DECLINE, life["decline_phase_weeks"]),
        (BusinessPhase.REACTIVATION, life["reactivation_phase_weeks"]),
    ]


def phase_of_weeks(config: dict, weeks: np.ndarray) -> np.ndarray:
    """Business phase of each (1-based) week; past the configured phases the last one continues."""
    names, lengths = zip(*phase_lengths(config), strict=True)
    bounds = np.cumsum(lengths)
    index = np.minimum(np.searchsorted(bounds, weeks - 1, side="right"), len(names) - 1)
    return np.array([str(name) for name in names])[index]


def lifecycle_index(config: dict, weeks: np.ndarray) -> np.ndarray:
    """index(w) = 1 + the phase factors of all earlier weeks (points of the opening volume)."""
    modifiers = config["generation"]["volume_modifiers"]
    factor = {
        "growth": modifiers["growth_factor"],
        "plateau": modifiers["plateau_factor"],
        "decline": modifiers["decline_factor"],
        "reactivation": modifiers["reactivation_factor"],
    }
    last = int(weeks.max())
    all_weeks = np.arange(1, last + 1)
    per_week = np.array([factor[p] for p in phase_of_weeks(config, all_weeks)])
    index = 1 + np.r_[0.0, np.cumsum(per_week)[:-1]]
    return np.maximum(index[weeks - 1], 0.05)


def season_expected(config: dict, months: np.ndarray, override: float | None) -> np.ndarray:
    """Seasonal multiplier of each month (1-12) before volatility."""
    gen = config["generation"]
    if override is not None:
        return np.full(len(months), 1 + override / 100)
    model = gen["seasonality_model"]
    if not gen["advanced_features"]["enable_seasonality"] or model in ("none", "flat"):
        return np.ones(len(months))
    if model == "monthly":
        return 1 + np.asarray(gen["monthly_seasonality"], dtype=float)[months - 1] / 100
    seasons = gen["advanced_features"]["seasonality"]
    table = {
        "winter": seasons["winter_multiplier"],
        "spring": seasons["spring_multiplier"],
        "summer": seasons["summer_multiplier"],
        "fall": seasons["fall_multiplier"],
        "none": 1.0,
    }
    return np.array([table[SEASON_OF_MONTH[m - 1]] for m in months])


def mid_week_month(day: int) -> int:
    return int((np.int64(day + 3).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)) % 12 + 1)


def special_days(first_day: int, end_day: int, *, stores: int) -> np.ndarray:
    """Demand multiplier of each day from `first_day` (holidays, the week before Christmas, Black Friday, New
    Year's Day; `simkit.calendar.SPECIAL_DAY_EFFECTS["video_rental"]`), averaged over the stores' countries and
    divided by its mean over the calendar month, so special days move demand within a month while the configured
    monthly and seasonal multipliers keep their meaning."""
    first = np.datetime64(int(first_day) - 40, "D").astype("datetime64[M]")
    last = np.datetime64(int(end_day) + 40, "D").astype("datetime64[M]")
    days = np.arange(first.astype("datetime64[D]"), (last + 1).astype("datetime64[D]"), dtype="datetime64[D]")
    places = store_geography(stores).stores
    effect = np.zeros(len(days))
    for city in places:
        effect += calendar.special_day_multipliers(days, city.country, "video_rental", subdiv=city.region)
    effect /= len(places)
    month = days.astype("datetime64[M]").astype(np.int64)
    month = month - month.min()
    means = np.bincount(month, weights=effect) / np.bincount(month)
    effect = effect / means[month]
    offset = int(first_day) - int(days[0].astype(np.int64))
    return effect[offset:]


@dataclass
class WeekSummary:
    """What one simulated week did (the seasonality_log row), for progress and reports."""

    week_number: int
    rentals: int


class Engine:
    """Runs weeks on a `SimulationState`, yielding `(table, columns)` batches in foreign-key order per week."""

    def __init__(
        self,
        *,
        config: dict,
        state: SimulationState,
        templates: list[GenreTemplate],
        pools: PeoplePools,
        weeks: int,
        phase_label: str,
        season_override: float | None = None,
        fresh: bool,
    ):
        self.config = config
        self.gen = config["generation"]
        self.features = self.gen["advanced_features"]
        self.state = state
        self.templates = templates
        self.pools = pools
        self.streams = Streams(state.seed)
        self.first_week = state.next_week
        self.last_week = state.next_week + weeks - 1
        self.end_day = state.next_day + 7 * weeks  # the day after the run
        self.end_ts = self.end_day * SECONDS_PER_DAY
        self.phase_label = phase_label
        self.season_override = season_override
        self.fresh = fresh
        self.lifecycle = self.gen["business_lifecycle"]["enabled"]
        self.status_tracking = self.features["enable_inventory_status_tracking"]
        if self.lifecycle:
            self.index_curve = lifecycle_index(self.config, np.arange(1, self.last_week + 1))
            self.phase_curve = phase_of_weeks(self.config, np.arange(1, self.last_week + 1))
        self.scale = self._scale(weeks) if fresh else None
        weekday = np.asarray(self.gen["weekday_weights"], dtype=float)
        self.weekday_share = weekday / weekday.sum()
        p, m = self.gen["spike_day_probability"], self.gen["spike_day_multiplier"]
        self.spike_mean = 1 + p * (m - 1)
        self.uniforms = HashedUniforms(state.seed)
        self.calendar_effect = special_days(state.first_day, self.end_day + 7, stores=state.stores)
        self.pending_fees: list[tuple] = []
        self.ledger: list[dict[str, np.ndarray]] = []  # compact per-rental facts for the closing tables
        self._ensure_lost_demand()

    # --- volume ----------------------------------------------------------------------------------------------

    def _scale(self, weeks: int) -> float:
        """Scale making the run's mean target (before noise) equal base_weekly_transactions."""
        week_numbers = np.arange(1, weeks + 1)
        days = self.state.first_day + 7 * (week_numbers - 1)
        months = np.array([mid_week_month(int(d)) for d in days])
        index = lifecycle_index(self.config, week_numbers) if self.lifecycle else np.ones(weeks)
        growth = (1 + self.gen["weekly_growth"]) ** (week_numbers - 1)
        mean = float(np.mean(index * growth * season_expected(self.config, months, self.season_override)))
        return self.gen["base_weekly_transactions"] / mean

    def _trend(self, week: int) -> tuple[float, float]:
        """(index, baseline) of the week."""
        growth = 1 + self.gen["weekly_growth"]
        if self.lifecycle:
            index = float(self.index_curve[week - 1])
            return index, self.scale * index if self.scale is not None else self.state.baseline
        if self.fresh and week == self.first_week:
            return 1.0, self.scale
        return self.state.index * growth, self.state.baseline * growth

    def _season(self, rng: np.random.Generator, day: int) -> float:
        month = mid_week_month(day)
        expected = float(season_expected(self.config, np.array([month]), self.season_override)[0])
        model = self.gen["seasonality_model"]
        if self.season_override is None and model == "seasons" and self.features["enable_seasonality"]:
            volatility = self.features["seasonality"]["volatility"]
            expected *= 1 + rng.uniform(-volatility, volatility)
        return expected

    def phase(self, week: int) -> str:
        if self.lifecycle:
            return str(self.phase_curve[week - 1])
        return self.phase_label

    # --- the run -----------------------------------------------------------------------------------------------

    def run(self) -> Iterator[tuple[str, dict] | WeekSummary]:
        for week in range(self.first_week, self.last_week + 1):
            yield from self.simulate_week(week)

    def simulate_week(self, week: int) -> Iterator[tuple[str, dict] | WeekSummary]:
        state = self.state
        rng = self.streams.generator("week", week)
        week_start = state.next_day
        state.drop_holds_before(week_start)
        state.drop_blocks_before(week_start)
        index, baseline = self._trend(week)
        season = self._season(rng, week_start)
        noise = max(0.2, 1 + rng.normal(0, self.gen["weekly_noise"]))
        target = baseline * season * noise
        phase = self.phase(week)
        yield from self._releases(rng, week, week_start, phase)
        yield from self._restock(rng, week, week_start, phase)
        yield from self._grow_inventory(rng, week_start, phase)
        yield from self._replace_written_off(week_start, phase)
        joined = self._acquire(rng, week, week_start, baseline * season)
        yield from joined
        new_customers = len(joined[1][1]["id"]) if joined else 0
        customers = state.customers
        churned = int(np.sum(customers.churn_week == week))
        reactivated = int(np.sum(customers.reactivation_week == week))
        active = customers.active_in(week) & ~state.blocked(week_start)
        weights = np.where(active, customers.activity, 0.0)
        customer_cdf = np.cumsum(weights)
        film_cdf = np.cumsum(self._film_weights(week_start))
        spikes = rng.random(7) < self.gen["spike_day_probability"]
        spike_factor = np.where(spikes, self.gen["spike_day_multiplier"], 1.0) / self.spike_mean
        weekday0 = int((week_start + 3) % 7)
        lam = target * self.weekday_share[(weekday0 + np.arange(7)) % 7] * spike_factor
        lam = lam * self.calendar_effect[week_start - state.first_day + np.arange(7)]
        days = []
        lost = 0
        for offset in range(7):
            day = week_start + offset
            columns, day_lost = self._simulate_day(rng, day, lam[offset], customer_cdf, film_cdf)
            lost += day_lost
            if columns is not None:
                days.append(columns)
        rentals = {k: np.concatenate([d[k] for d in days]) for k in days[0]} if days else None
        actual = 0
        if rentals is not None:
            actual = len(rentals["rental_id"])
            yield from self._rental_batches(rng, rentals)
        state.next_week = week + 1
        state.next_day = week_start + 7
        state.index, state.baseline = index, baseline
        yield (
            "seasonality_log",
            {
                "id": np.array([week]),
                "week_number": np.array([week]),
                "week_start": day_dates(np.array([week_start])),
                "business_phase": np.array([phase]),
                "volume_modifier": np.array([index]),
                "baseline_rentals": np.array([baseline]),
                "seasonal_multiplier": np.array([season]),
                "target_rentals": np.array([int(round(float(lam.sum())))]),
                "actual_rentals": np.array([actual]),
                "lost_rentals": np.array([lost]),
                "spike_days": np.array([int(spikes.sum())]),
                "new_customers": np.array([new_customers]),
                "churned_customers": np.array([churned]),
                "reactivated_customers": np.array([reactivated]),
            },
        )
        self._block_for_fees()
        yield WeekSummary(week_number=week, rentals=actual)

    def _film_weights(self, day: int) -> np.ndarray:
        """Popularity: a power law over a hashed rank, a new-release boost decaying exponentially, slow aging."""
        films = self.state.films
        demand = self.gen["film_demand"]
        u = hashed_uniform(self.state.seed, "film_popularity", films.film_id)
        base = (1 + u * demand["popularity_spread"]) ** (-demand["power_law_alpha"])
        age = np.maximum(day - films.available_day, 0)
        boost_days = demand["boost_days"]
        # Peaks on release and decays with time constant boost_days: busy first weeks, a long thin tail.
        boost = 1 + (demand["new_release_boost"] - 1) * np.exp(-age / max(boost_days, 1))
        aging = np.exp(-demand["aging_per_year"] * age / 365.0)
        released = films.available_day <= day
        return base * boost * aging * released

    def _ensure_lost_demand(self) -> None:
        size = len(self.state.films) * self.state.stores
        if len(self.state.lost_demand) < size:
            self.state.lost_demand = np.r_[
                self.state.lost_demand, np.zeros(size - len(self.state.lost_demand), np.int64)
            ]

    def _acquire(self, rng: np.random.Generator, week: int, week_start: int, expected: float) -> list:
        """New customers so that the active pool's capacity covers the week's expected volume."""
        customers = self.state.customers
        segments = self.gen["customer_segments"]
        share = np.array([s["percentage"] for s in segments.values()], dtype=float)
        mean_activity = float(np.dot(share / share.sum(), [s["activity"] for s in segments.values()]))
        per_customer = self.gen["rentals_per_customer_week"]
        active = customers.active_in(week) & ~self.state.blocked(week_start)
        capacity = per_customer * float(customers.activity[active].sum())
        deficit = max(0.0, expected - capacity)
        count = math.ceil(deficit / (per_customer * mean_activity)) if deficit > 0 else 0
        count += int(rng.poisson(0.002 * active.sum()))
        return new_customer_columns(
            rng,
            self.state,
            self.pools,
            config=self.config,
            count=count,
            join_week=week,
            join_day_range=(week_start, week_start + 7),
            last_week=self.last_week,
        )

    def _simulate_day(self, rng, day, lam, customer_cdf, film_cdf):
        state = self.state
        customers, copies = state.customers, state.copies
        n = int(rng.poisson(lam))
        if n == 0 or customer_cdf[-1] <= 0 or film_cdf[-1] <= 0:
            return None, n
        hours = np.minimum(np.searchsorted(HOUR_CDF, rng.random(n), side="right"), len(HOUR_CDF) - 1) + OPENING_HOUR
        ts = np.sort(day * SECONDS_PER_DAY + hours * 3600 + rng.integers(0, 3600, n))
        who = np.searchsorted(customer_cdf, rng.random(n) * customer_cdf[-1], side="right")
        who = np.minimum(who, len(customer_cdf) - 1)
        # Cap: the k-th request of the day by a customer needs (copies held) + k < cap.
        order = np.argsort(who, kind="stable")
        sorted_who = who[order]
        first = np.ones(n, dtype=bool)
        first[1:] = sorted_who[1:] != sorted_who[:-1]
        group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - group_start
        # A customer who joins during the week rents from the day after joining (never before create_date).
        allowed = (state.copies_held(day)[who] + rank < customers.cap[who]) & (customers.join_day[who] < day)
        # Owing a fee too large or too old: no rental until it is paid (the visit is lost demand).
        allowed &= ~state.blocked(day)[who]
        stores = state.stores
        home = rng.random(n) < self.gen["home_store_probability"]
        store = np.where(home, customers.store[who], rng.integers(0, stores, n))
        # Copies on the shelf this morning, grouped by (film, store).
        shelf = np.flatnonzero(copies.free_at < day * SECONDS_PER_DAY)
        shelf_keys = copies.film[shelf] * stores + copies.store[shelf]
        by_key = np.argsort(shelf_keys, kind="stable")
        shelf = shelf[by_key]
        shelf_keys = shelf_keys[by_key]
        taken = np.zeros(len(state.films) * stores, dtype=np.int64)
        pending = np.flatnonzero(allowed)
        matched_demand, matched_copy = [], []
        for attempt in range(SUBSTITUTION_TRIES):
            if len(pending) == 0:
                break
            film = np.searchsorted(film_cdf, rng.random(len(pending)) * film_cdf[-1], side="right")
            film = np.minimum(film, len(film_cdf) - 1)
            key = film * stores + store[pending]
            by = np.argsort(key, kind="stable")
            skey = key[by]
            new_group = np.ones(len(skey), dtype=bool)
            new_group[1:] = skey[1:] != skey[:-1]
            gstart = np.maximum.accumulate(np.where(new_group, np.arange(len(skey)), 0))
            krank = np.empty(len(skey), dtype=np.int64)
            krank[by] = np.arange(len(skey)) - gstart
            left = np.searchsorted(shelf_keys, key, side="left")
            available = np.searchsorted(shelf_keys, key, side="right") - left
            position = taken[key] + krank
            hit = position < available
            if attempt == 0:
                np.add.at(state.lost_demand, key[~hit], 1)
            matched_demand.append(pending[hit])
            matched_copy.append(shelf[left[hit] + position[hit]])
            np.add.at(taken, key[hit], 1)
            pending = pending[~hit]
        demand = np.concatenate(matched_demand)
        copy = np.concatenate(matched_copy)
        lost = n - len(demand)
        if len(demand) == 0:
            return None, lost
        order = np.argsort(demand, kind="stable")  # demands are in time order
        demand, copy = demand[order], copy[order]
        customer = who[demand]
        rental_ts = ts[demand]
        count = len(demand)
        rental_id = state.take_ids("rental", count)
        film = copies.film[copy]
        duration = state.films.rental_duration[film]
        plan = plan_returns(
            seed=state.seed,
            rental_id=rental_id,
            rental_day=np.full(count, day),
            duration=duration,
            config=self.config,
            status_tracking=self.status_tracking,
            uniforms=self.uniforms,
        )
        copies.free_at[copy] = plan.shelf_ts
        state.add_holds(customer, plan.hold_day)
        if len(state.film_last_rented) < len(state.films):
            grow = len(state.films) - len(state.film_last_rented)
            state.film_last_rented = np.r_[state.film_last_rented, np.full(grow, -1, np.int64)]
        state.film_last_rented[copies.film[copy]] = day
        doomed = plan.write_off_ts < NEVER
        state.write_off_copy = np.r_[state.write_off_copy, copy[doomed]]
        state.write_off_ts = np.r_[state.write_off_ts, plan.write_off_ts[doomed]]
        if self.features["enable_late_fees"]:
            # Fees are charged at the return, at least four days on (and block later still): planned once a week.
            late = (plan.return_ts >= (day + duration + 1) * SECONDS_PER_DAY) | plan.lost
            self.pending_fees.append(
                (rental_id[late], customer[late], np.full(int(late.sum()), day), duration[late],
                 plan.return_ts[late], plan.lost[late])
            )  # fmt: skip
        copy_store = copies.store[copy]
        staff = store_staff(state, copy_store, rng.random(count), day=np.full(count, day))
        return {
            "rental_id": rental_id,
            "rental_ts": rental_ts,
            "rental_day": np.full(count, day),
            "copy": copy,
            "customer": customer,
            "staff": staff,
            "store": copy_store,
            "duration": duration,
            "rate": price_in_force(
                state.films.rental_rate[film], state.films.replacement_cost[film], state.films.available_day[film], day
            )[0],
            "return_ts": plan.return_ts,
            "lost": plan.lost,
            "condition": plan.condition,
            "shelf_ts": plan.shelf_ts,
            "missing_ts": plan.missing_ts,
            "found_ts": plan.found_ts,
            "write_off_ts": plan.write_off_ts,
        }, lost

    def customer_days(self, customer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(churn day, comeback day) of customer positions; NEVER when it does not happen."""
        c = self.state.customers
        first = self.state.first_day

        def day_of(week):
            return np.where(week < NEVER, first + 7 * (week - 1), NEVER)

        return day_of(c.churn_week[customer]), day_of(c.reactivation_week[customer])

    def fee_facts(self, rental_day, duration, return_ts, lost, last_day=None):
        """(is a fee, fee day, days charged) of rentals; with `last_day`, fees not yet due are accrued to it."""
        config = self.features["late_fees"]
        returned_day = np.where(return_ts < NEVER, return_ts // SECONDS_PER_DAY, NEVER)
        declared = rental_day + duration + HOLD_LIMIT_DAYS
        fee_day = np.where(lost, declared, returned_day)
        if last_day is not None:
            fee_day = np.minimum(fee_day, last_day)
        overdue = np.where(lost & (fee_day == declared), HOLD_LIMIT_DAYS, fee_day - rental_day - duration)
        late = overdue > config["overdue_threshold_days"]
        return late, fee_day, np.minimum(np.maximum(overdue, 0), config["max_days_charged"])

    def _block_for_fees(self) -> None:
        """Block windows of the week's late rentals (none can start within the week: see `plan_fees`)."""
        if not self.pending_fees:
            return
        rental_id, customer, day, duration, return_ts, lost = (
            np.concatenate(c) for c in zip(*self.pending_fees, strict=True)
        )
        self.pending_fees = []
        late, fee_day, days = self.fee_facts(day, duration, return_ts, lost)
        if not late.any():
            return
        churn, back = self.customer_days(customer[late])
        fees = plan_fees(
            seed=self.state.seed,
            rental_id=rental_id[late],
            fee_day=fee_day[late],
            total=np.round(days[late] * self.features["late_fees"]["daily_rate"], 2),
            churn_day=churn,
            back_day=back,
            config=self.config,
        )
        self.state.add_blocks(customer[late], fees.block_from, fees.block_until)

    def _rental_batches(self, rng, r: dict) -> Iterator[tuple[str, dict]]:
        state = self.state
        count = len(r["rental_id"])
        inventory_id = state.copies.inventory_id[r["copy"]]
        customer_id = state.customers.customer_id[r["customer"]]
        returned = r["return_ts"] < self.end_ts
        return_ts = np.where(returned, r["return_ts"], 0).astype("datetime64[s]")
        return_ts[~returned] = np.datetime64("NaT", "s")
        rental_stamp = timestamps(r["rental_ts"])
        yield (
            "rental",
            {
                "id": r["rental_id"],
                "rental_date": rental_stamp,
                "inventory_id": inventory_id,
                "customer_id": customer_id,
                "return_date": return_ts,
                "staff_id": r["staff"],
                "last_update": timestamps(np.where(returned, r["return_ts"], r["rental_ts"])),
            },
        )
        yield (
            "payment",
            {
                "id": state.take_ids("payment", count),
                "customer_id": customer_id,
                "staff_id": r["staff"],
                "rental_id": r["rental_id"],
                "amount": r["rate"],
                "payment_date": rental_stamp,
                "last_update": rental_stamp,
            },
        )
        if self.status_tracking:
            yield ("inventory_status", self._status_rows(r, inventory_id))
        self.ledger.append(
            {
                "rental_id": r["rental_id"],
                "rental_day": r["rental_day"],
                "customer_id": customer_id,
                "inventory_id": inventory_id,
                "store": r["store"],
                "duration": r["duration"],
                "return_ts": r["return_ts"],
                "lost": r["lost"],
                "customer": r["customer"],
                "rental_ts": r["rental_ts"],
                "condition": r["condition"],
                "shelf_ts": r["shelf_ts"],
                "missing_ts": r["missing_ts"],
                "write_off_ts": r["write_off_ts"],
            }
        )

    def _status_rows(self, r: dict, inventory_id: np.ndarray) -> dict:
        """rented -> (available | damaged | missing | maintenance) -> available, each change up to the run's end."""
        end = self.end_ts
        n = len(r["rental_id"])
        returned = r["return_ts"] < end
        lost_seen = r["lost"] & ((r["rental_day"] + r["duration"] + HOLD_LIMIT_DAYS) * SECONDS_PER_DAY < end)
        back = returned & np.isin(r["condition"], (1, 3)) & (r["shelf_ts"] < end)
        statuses = np.array(["available", "damaged", "missing", "maintenance"])
        parts = [
            (np.ones(n, bool), np.full(n, "rented"), r["rental_ts"], np.full(n, "rented out")),
            (returned, statuses[r["condition"]], r["return_ts"], np.array(CONDITION_NOTES)[r["condition"]]),
            (back, np.full(n, "available"), r["shelf_ts"], np.full(n, "back on the shelf")),
            (
                lost_seen,
                np.full(n, "missing"),
                (r["rental_day"] + r["duration"] + HOLD_LIMIT_DAYS) * SECONDS_PER_DAY + 9 * 3600,
                np.full(n, "never returned"),
            ),
            (r["found_ts"] < end, np.full(n, "available"), r["found_ts"], np.full(n, "found again")),
            (
                r["write_off_ts"] < end,
                np.full(n, "written_off"),
                r["write_off_ts"],
                np.where(r["lost"], "written off: never returned", "written off: missing"),
            ),
        ]
        masks = [p[0] for p in parts]
        total = int(sum(m.sum() for m in masks))
        return {
            "id": self.state.take_ids("inventory_status", total),
            "inventory_id": np.concatenate([inventory_id[m] for m in masks]),
            "status": np.concatenate([p[1][p[0]] for p in parts]),
            "status_date": timestamps(np.concatenate([p[2][p[0]] for p in parts])),
            "rental_id": np.concatenate([r["rental_id"][m] for m in masks]),
            "staff_id": np.concatenate([r["staff"][m] for m in masks]),
            "notes": np.concatenate([p[3][p[0]] for p in parts]),
        }

    # --- catalogue events --------------------------------------------------------------------------------------

    def _releases(self, rng, week: int, week_start: int, phase: str) -> Iterator[tuple[str, dict]]:
        releases = self.gen["film_releases"]
        if not releases["enabled"] or week == 1:
            return
        quarter = _quarter(week_start)
        if quarter == _quarter(week_start - 7):
            return
        # The number of titles varies by quarter and follows the business: busier phases bring more releases.
        mean = releases["films_per_quarter"]
        if self.lifecycle:
            mean *= float(self.index_curve[week - 1] / self.index_curve.mean())
        count = int(self.streams.generator("release_count", week).poisson(mean))
        if count == 0:
            return
        strategy = self.config["inventory_purchasing"]["strategy"]
        weights = np.ones(len(self.templates))
        if strategy == "seasonal":
            q = int(str(quarter)[-1])
            weights = np.array([3.0 if t.genre in QUARTER_GENRES[q] else 1.0 for t in self.templates])
        genre = rng.choice(len(self.templates), count, p=weights / weights.sum())
        year = int(np.int64(week_start).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
        state = self.state
        missing = [t.category for t in self.templates if t.category not in state.categories]
        if missing:
            # A template added since the database was created: its category appears with its first release.
            ids = np.arange(len(state.categories) + 1, len(state.categories) + len(missing) + 1)
            state.categories.extend(missing)
            yield (
                "category",
                {
                    "id": ids,
                    "name": np.array(missing),
                    "last_update": timestamps(np.full(len(ids), week_start * 86400)),
                },
            )
        first_film = len(state.films)
        yield from add_films(
            rng,
            state,
            templates=self.templates,
            genre=genre,
            release_year=np.full(count, year),
            available_day=np.full(count, week_start),
            stamp=week_start * SECONDS_PER_DAY + 8 * 3600,
        )
        self._ensure_lost_demand()
        low, high = RELEASE_COPIES[strategy]
        total = rng.integers(low, high + 1, count)
        if phase == BusinessPhase.DECLINE:
            total = np.maximum(1, total // 2)  # a shrinking chain buys fewer copies of each new title
        stores = state.stores
        split = np.array([rng.multinomial(t, np.full(stores, 1 / stores)) for t in total])
        film_index = np.arange(first_film, first_film + count)
        yield from buy_copies(
            rng,
            state,
            film=np.repeat(film_index, stores),
            store=np.tile(np.arange(stores), count),
            quantity=split.ravel(),
            day=week_start - 1,
            reason=PurchaseReason.RELEASE,
            strategy=strategy,
            phase=phase,
            status_log=self.status_tracking,
        )
        yield (
            "film_releases",
            {
                "id": state.take_ids("film_release", count),
                "film_id": state.films.film_id[film_index],
                "category_id": state.films.genre[film_index] + 1,
                "release_date": day_dates(np.full(count, week_start)),
                "release_quarter": np.full(count, quarter),
                "strategy": np.full(count, strategy),
                "copies": total,
            },
        )
        if self.status_tracking and phase in SELL_OFF_SHARE:
            yield from self._sell_off(int(SELL_OFF_SHARE[phase] * total.sum()), week_start)

    def _sell_off(self, count: int, week_start: int) -> Iterator[tuple[str, dict]]:
        """A chain that no longer grows sells copies of its least wanted titles (over a year old) as new releases
        come in: stock holds on the plateau and shrinks in the decline."""
        state = self.state
        copies = state.copies
        on_shelf = np.flatnonzero(copies.free_at < week_start * SECONDS_PER_DAY)
        weight = self._film_weights(week_start)[copies.film[on_shelf]]
        old = state.films.available_day[copies.film[on_shelf]] < week_start - 365
        on_shelf, weight = on_shelf[old], weight[old]
        chosen = on_shelf[np.argsort(weight, kind="stable")[:count]]  # the least wanted titles go first
        if not len(chosen):
            return
        ts = week_start * SECONDS_PER_DAY + 9 * 3600  # before opening: after any return of the day before
        copies.free_at[chosen] = NEVER
        state.sold_copy = np.r_[state.sold_copy, chosen]
        state.sold_ts = np.r_[state.sold_ts, np.full(len(chosen), ts)]
        n = len(chosen)
        yield (
            "inventory_status",
            {
                "id": state.take_ids("inventory_status", n),
                "inventory_id": copies.inventory_id[chosen],
                "status": np.full(n, "written_off"),
                "status_date": timestamps(np.full(n, ts)),
                "rental_id": np.full(n, None, dtype=object),
                "staff_id": store_staff(
                    state, copies.store[chosen], hashed_uniform(state.seed, "sell_off", copies.inventory_id[chosen]),
                    day=np.full(n, week_start),
                ),
                "notes": np.full(n, "sold off: no longer rents"),
            },
        )  # fmt: skip

    def _restock(self, rng, week: int, week_start: int, phase: str) -> Iterator[tuple[str, dict]]:
        purchasing = self.config["inventory_purchasing"]
        if not purchasing["enable_restocking"] or phase not in purchasing["restock_by_phase"]:
            return
        rule = purchasing["restock_by_phase"][phase]
        state = self.state
        if week - state.last_restock_week < rule["every_weeks"]:
            return
        state.last_restock_week = week
        wanted = np.flatnonzero(state.lost_demand > 0)
        if len(wanted) == 0 or rule["copies"] <= 0:
            return
        ranked = wanted[np.argsort(-state.lost_demand[wanted], kind="stable")]
        keys = ranked[np.arange(rule["copies"]) % len(ranked)]
        unique, quantity = np.unique(keys, return_counts=True)
        state.lost_demand[:] = 0
        yield from buy_copies(
            rng,
            state,
            film=unique // state.stores,
            store=unique % state.stores,
            quantity=quantity,
            day=week_start - 1,
            reason=PurchaseReason.RESTOCK,
            strategy=purchasing["strategy"],
            phase=phase,
            status_log=self.status_tracking,
        )

    def _replace_written_off(self, week_start: int, phase: str) -> Iterator[tuple[str, dict]]:
        """Copies written off last week are replaced while their title still rents (rented in the last 90 days),
        at the phase's replacement share (`inventory_purchasing.replace_by_phase`): a shrinking chain replaces few."""
        state = self.state
        due = state.write_off_ts < week_start * SECONDS_PER_DAY
        if not due.any():
            return
        copy = state.write_off_copy[due]
        state.write_off_copy, state.write_off_ts = state.write_off_copy[~due], state.write_off_ts[~due]
        purchasing = self.config["inventory_purchasing"]
        share = purchasing["replace_by_phase"].get(phase, 1.0)
        film = state.copies.film[copy]
        still_rents = state.film_last_rented[film] >= week_start - 90
        chosen = hashed_uniform(state.seed, "replace_copy", state.copies.inventory_id[copy]) < share
        buy = still_rents & chosen
        if not buy.any():
            return
        keys, quantity = np.unique(film[buy] * state.stores + state.copies.store[copy[buy]], return_counts=True)
        yield from buy_copies(
            self.streams.generator("replacements", week_start),
            state,
            film=keys // state.stores,
            store=keys % state.stores,
            quantity=quantity,
            day=week_start - 1,
            reason=PurchaseReason.REPLACEMENT,
            strategy=purchasing["strategy"],
            phase=phase,
            status_log=self.status_tracking,
        )

    def _grow_inventory(self, rng, week_start: int, phase: str) -> Iterator[tuple[str, dict]]:
        """Level 2: stores add copies as fast as volume grows, to the films customers ask for most."""
        purchasing = self.config["inventory_purchasing"]
        growth = self.gen["weekly_growth"]
        if not purchasing["grow_with_volume"] or growth <= 0:
            return
        state = self.state
        count = math.ceil(len(state.copies) * growth)
        weights = self._film_weights(week_start)
        film = rng.choice(len(weights), count, p=weights / weights.sum())
        store = rng.integers(0, state.stores, count)
        keys, quantity = np.unique(film * state.stores + store, return_counts=True)
        yield from buy_copies(
            rng,
            state,
            film=keys // state.stores,
            store=keys % state.stores,
            quantity=quantity,
            day=week_start - 1,
            reason=PurchaseReason.RESTOCK,
            strategy=purchasing["strategy"],
            phase=phase,
            status_log=self.status_tracking,
        )

    # --- closing tables ----------------------------------------------------------------------------------------

    def closing_batches(self) -> Iterator[tuple[str, dict]]:
        """Late fees (and their payments), AR and rental status as of the run's last day."""
        if not self.ledger:
            return
        ledger = {k: np.concatenate([part[k] for part in self.ledger]) for k in self.ledger[0]}
        last_day = self.end_day - 1
        returned = ledger["return_ts"] < self.end_ts
        return_day = np.where(returned, ledger["return_ts"] // SECONDS_PER_DAY, last_day)
        overdue = return_day - ledger["rental_day"] - ledger["duration"]
        if self.features["enable_late_fees"]:
            yield from self._late_fees(ledger, returned, return_day, overdue, last_day)
        if self.status_tracking:
            yield ("inventory_final", self._final_inventory(ledger))
        yield from self._prices(last_day)
        if self.features["enable_rental_status_tracking"]:
            lost_seen = ledger["lost"] & (last_day > ledger["rental_day"] + ledger["duration"] + HOLD_LIMIT_DAYS)
            status = np.select([returned, lost_seen, overdue > 0], ["completed", "lost", "overdue"], "active")
            yield (
                "rental_status_tracking",
                {
                    "id": np.arange(1, len(status) + 1),
                    "rental_id": ledger["rental_id"],
                    "status": status,
                    "expected_return_date": timestamps(
                        (ledger["rental_day"] + ledger["duration"]) * SECONDS_PER_DAY + CLOSING_HOUR * 3600
                    ),
                    "overdue_days": np.maximum(overdue, 0),
                },
            )

    def _late_fees(self, ledger, returned, return_day, overdue, last_day) -> Iterator[tuple[str, dict]]:
        config = self.features["late_fees"]
        late, fee_day, days = self.fee_facts(
            ledger["rental_day"], ledger["duration"], ledger["return_ts"], ledger["lost"], last_day=last_day
        )
        rid = ledger["rental_id"][late]
        n = len(rid)
        if n == 0:
            return
        rate = config["daily_rate"]
        # Fees stop accruing when the copy is declared lost (max_days_charged after its due day).
        days = days[late]
        fee_day = fee_day[late]
        total = np.round(days * rate, 2)
        churn, back = self.customer_days(ledger["customer"][late])
        plan = plan_fees(
            seed=self.state.seed, rental_id=rid, fee_day=fee_day, total=total, churn_day=churn, back_day=back,
            config=self.config,
        )  # fmt: skip
        # A fee still accruing at the run's end (copy out, not yet declared lost) is not due yet: nobody pays it.
        due = returned[late] | (ledger["lost"][late] & (fee_day < last_day))
        first = due & (plan.first_day <= last_day)
        second = due & (plan.second_day <= last_day)
        paid_amount = np.round(np.where(first, plan.first_amount, 0) + np.where(second, plan.second_amount, 0), 2)
        paid = paid_amount >= total - 0.004
        paid_day = np.where(second, plan.second_day, plan.first_day)
        customer_id = ledger["customer_id"][late]
        store = ledger["store"][late]
        yield (
            "late_fees",
            {
                "id": np.arange(1, n + 1),
                "rental_id": rid,
                "customer_id": customer_id,
                "inventory_id": ledger["inventory_id"][late],
                "days_overdue": days,
                "daily_rate": np.full(n, rate),
                "total_fee": total,
                "fee_date": day_dates(fee_day),
                "paid": paid,
                "paid_date": np.where(first, day_dates(np.where(first, paid_day, 0)), np.datetime64("NaT", "D")),
                "paid_amount": paid_amount,
            },
        )
        seed = self.state.seed
        parts = []
        for mask, day, amount, stream in (
            (first, plan.first_day, plan.first_amount, "fee_staff"),
            (second, plan.second_day, plan.second_amount, "fee_staff_rest"),
        ):
            u = hashed_uniform(seed, stream + "_time", rid[mask])
            ts = day[mask] * SECONDS_PER_DAY + OPENING_HOUR * 3600 + (u * 36_000).astype(np.int64)
            staff = store_staff(self.state, store[mask], hashed_uniform(seed, stream, rid[mask]), day=day[mask])
            parts.append((customer_id[mask], staff, rid[mask], amount[mask], ts))
        columns = [np.concatenate([p[i] for p in parts]) for i in range(5)]
        order = np.argsort(columns[4], kind="stable")
        yield (
            "payment",
            {
                "id": self.state.take_ids("payment", len(order)),
                "customer_id": columns[0][order],
                "staff_id": columns[1][order],
                "rental_id": columns[2][order],
                "amount": columns[3][order],
                "payment_date": timestamps(columns[4][order]),
                "last_update": timestamps(columns[4][order]),
            },
        )
        if self.features["enable_ar_tracking"]:
            visits = (ledger["customer_id"], ledger["rental_day"])
            payments = (columns[0], columns[4] // SECONDS_PER_DAY)
            yield ("customer_ar", self._ar(customer_id, total, paid_amount, fee_day, paid_day, first, visits, payments))

    def _ar(self, customer_id, total, paid_amount, fee_day, pay_day, pays, visits, payments) -> dict:
        last_day = self.end_day - 1
        customers, group = np.unique(customer_id, return_inverse=True)
        k = len(customers)
        owed = np.round(np.bincount(group, weights=total, minlength=k), 2)
        paid = np.round(np.bincount(group, weights=paid_amount, minlength=k), 2)
        balance = np.round(owed - paid, 2)
        unpaid = (total - paid_amount) > 0.004
        oldest = np.full(k, NEVER)
        np.minimum.at(oldest, group[unpaid], fee_day[unpaid])
        last_payment = np.full(k, -1)
        np.maximum.at(last_payment, group[pays], pay_day[pays])
        # The last visit: a rental or a payment, whichever came later.
        last_visit = last_payment.copy()
        for who, day in (visits, payments):
            position = np.searchsorted(customers, who)
            known = (position < k) & (customers[np.minimum(position, k - 1)] == who)
            np.maximum.at(last_visit, position[known], day[known])
        status, days_past_due = ar_status(
            balance=balance, oldest_unpaid=oldest, last_visit=last_visit, last_day=last_day, config=self.config
        )
        return {
            "customer_id": customers,
            "total_owed": owed,
            "total_paid": paid,
            "ar_balance": balance,
            "last_payment_date": np.where(last_payment >= 0, day_dates(last_payment), np.datetime64("NaT", "D")),
            "days_past_due": days_past_due,
            "ar_status": status,
            "as_of_date": day_dates(np.full(k, last_day)),
        }

    def _prices(self, last_day: int) -> Iterator[tuple[str, dict]]:
        """Every film's price history, and the price in force at the end as film.rental_rate/replacement_cost."""
        films = self.state.films
        history = price_history(
            film_id=films.film_id, tier=films.rental_rate, base_cost=films.replacement_cost,
            available_day=np.minimum(films.available_day, last_day), last_day=last_day,
        )  # fmt: skip
        yield ("film_price_history", {"id": np.arange(1, len(history["film_id"]) + 1), **history})
        rate, cost = price_in_force(films.rental_rate, films.replacement_cost, films.available_day, last_day)
        open_row = np.isnat(history["valid_from"]) | np.isnat(history["valid_to"])
        changed = np.zeros(len(films), dtype=np.int64)
        position = np.searchsorted(films.film_id, history["film_id"][open_row])
        changed[position] = history["valid_from"][open_row].astype(np.int64)
        yield (
            "film_final",
            {
                "id": films.film_id,
                "rental_rate": rate,
                "replacement_cost": cost,
                "last_update": timestamps(changed * SECONDS_PER_DAY + 8 * 3600),
            },
        )

    def _final_inventory(self, ledger) -> dict:
        """Each rented copy's status at the run's end, from its last rental (copies never rented stay available)."""
        end = self.end_ts
        order = np.argsort(ledger["inventory_id"], kind="stable")  # rental ids grow with time within a copy
        inventory = ledger["inventory_id"][order]
        last = np.r_[inventory[1:] != inventory[:-1], True]
        pick = order[last]
        rental_ts = ledger["rental_ts"][pick]
        return_ts, shelf_ts = ledger["return_ts"][pick], ledger["shelf_ts"][pick]
        missing_ts, write_off_ts = ledger["missing_ts"][pick], ledger["write_off_ts"][pick]
        condition = ledger["condition"][pick]
        status = np.select(
            [
                write_off_ts < end,
                (missing_ts < end) & (shelf_ts >= end),
                return_ts >= end,
                (shelf_ts >= end) & (condition == 1),
                (shelf_ts >= end) & (condition == 3),
            ],
            ["written_off", "missing", "rented", "damaged", "maintenance"],
            "available",
        )
        changed = np.select(
            [write_off_ts < end, missing_ts < end, return_ts >= end, shelf_ts < end],
            [write_off_ts, missing_ts, rental_ts, shelf_ts],
            return_ts,
        )
        changed = np.minimum(changed, end - 1)
        inventory_id = ledger["inventory_id"][pick]
        # Copies sold off (on the shelf then, so after their last rental): written off on that day.
        sold = self.state.copies.inventory_id[self.state.sold_copy]
        keep = ~np.isin(inventory_id, sold)
        return {
            "id": np.r_[inventory_id[keep], sold],
            "status": np.r_[status[keep], np.full(len(sold), "written_off")],
            "last_update": timestamps(np.r_[changed[keep], self.state.sold_ts]),
        }


def _quarter(day: int) -> str:
    date = np.int64(day).astype("datetime64[D]")
    year = int(date.astype("datetime64[Y]").astype(int) + 1970)
    month = int(date.astype("datetime64[M]").astype(int) % 12 + 1)
    return f"{year}-Q{(month - 1) // 3 + 1}"
