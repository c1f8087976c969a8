"""dvdrental writes: seeding a level, appending weeks (level 2) and the state an append continues from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from django.db import connections

from core.databases import describe
from core.fidelity import fidelity_summary
from core.loader import DEFAULT_BATCH_SIZE, BulkLoad, bulk_load
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport
from simkit.defects import DefectSpec, apply_defects, validate_level
from simkit.rng import Streams, stream_key

from . import selectors
from .constants import GENRES_DIR
from .fidelity import dvdrental_checks
from .generation.catalogue import load_templates
from .generation.config import build_config
from .generation.engine import Engine, WeekSummary, plan_returns
from .generation.prices import tier_from_price
from .generation.run import append_run, fresh_run, people_pools
from .generation.state import NEVER, SECONDS_PER_DAY, Copies, Customers, Films, SimulationState
from .generation.world import base_film_age_days
from .models import (
    Actor,
    Address,
    Category,
    City,
    Country,
    Customer,
    CustomerAR,
    CustomerLifecycle,
    DataDefect,
    Film,
    FilmActor,
    FilmCategory,
    FilmPrice,
    FilmRelease,
    Inventory,
    InventoryPurchase,
    InventoryStatus,
    Language,
    LateFee,
    Payment,
    Rental,
    RentalStatusTracking,
    SeasonalityLog,
    Staff,
    Store,
)
from .sakila import sakila_objects_install

# Parents before children: MySQL checks foreign keys row by row.
WRITE_ORDER = (
    Country, City, Address, Language, Category, Actor, Store, Staff, "store_manager", Film, FilmPrice, FilmCategory,
    FilmActor,
    Inventory, InventoryPurchase, FilmRelease, Customer, CustomerLifecycle, Rental, Payment, InventoryStatus, LateFee,
    CustomerAR, RentalStatusTracking, SeasonalityLog, "inventory_final", "film_final", DataDefect,
)  # fmt: skip
# What `--defects light|heavy` may damage, per table (rates in simkit.defects). Ids of duplicated customers start
# far above any real customer id.
DEFECT_SPECS = {
    "customer": DefectSpec(
        table="customer", names=("first_name", "last_name"), dates=("create_date",), late=("last_update",),
        duplicates=True, unique=("email",),
    ),
    "address": DefectSpec(table="address", empty=("postal_code", "phone")),
    "film": DefectSpec(table="film", names=("title",), nullable=("description",)),
    "payment": DefectSpec(table="payment", ranges={"amount": (0.0, 11.99)}),
}  # fmt: skip
DUPLICATE_ID_BASE = 900_000_000
MODEL_BY_TABLE = {model._meta.db_table: model for model in WRITE_ORDER if not isinstance(model, str)}
FLUSH_ROWS = 150_000


class BatchWriter:
    """Buffers the engine's batches and writes them in foreign-key order every FLUSH_ROWS rows."""

    def __init__(self, loader: BulkLoad, *, defects: str = "none", seed: int = 0):
        self.loader = loader
        self.buffer: dict[str, list[dict]] = {}
        self.buffered = 0
        self.defects = validate_level(defects)
        self.streams = Streams(seed)
        self.batches = 0
        self.duplicates = 0
        self.defect_rows = 0

    def add(self, table: str, columns: dict) -> None:
        if self.defects != "none" and table in DEFECT_SPECS:
            columns = self._damage(table, columns)
        self.buffer.setdefault(table, []).append(columns)
        self.buffered += len(next(iter(columns.values())))
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for entry in WRITE_ORDER:
            table = entry if isinstance(entry, str) else entry._meta.db_table
            parts = self.buffer.pop(table, None)
            if not parts:
                continue
            columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
            if table == "store_manager":
                self._set_managers(columns)
            elif table == "inventory_final":
                self._set_inventory_status(columns)
            elif table == "film_final":
                self._set_film_prices(columns)
            elif table == "data_defects":
                columns["id"] = np.arange(self.defect_rows + 1, self.defect_rows + len(columns["row_id"]) + 1)
                self.defect_rows += len(columns["row_id"])
                self.loader.write(DataDefect, columns)
            else:
                self.loader.write(MODEL_BY_TABLE[table], columns)
        self.buffered = 0

    def _set_film_prices(self, columns: dict) -> None:
        # film.rental_rate is the price at the end of the data (as in Sakila); film_price_history has the rest.
        stamps = np.strings.replace(np.datetime_as_string(columns["last_update"], unit="s"), "T", " ")
        quote = self.loader.connection.ops.quote_name
        rows = zip(
            np.round(columns["rental_rate"], 2).tolist(), np.round(columns["replacement_cost"], 2).tolist(),
            stamps.tolist(), columns["id"].tolist(), strict=True,
        )  # fmt: skip
        with self.loader.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote('film')} SET {quote('rental_rate')} = %s, {quote('replacement_cost')} = %s, "
                f"{quote('last_update')} = %s WHERE {quote('film_id')} = %s",
                [(f"{a:.2f}", f"{b:.2f}", c, d) for a, b, c, d in rows],
            )

    def _damage(self, table: str, columns: dict) -> dict:
        """Damage one batch at the level's rates; the manifest rows go to data_defects."""
        self.batches += 1
        rng = self.streams.generator("defects", stream_key(table), self.batches)
        next_id = DUPLICATE_ID_BASE + self.duplicates
        damaged, manifest = apply_defects(rng, columns, spec=DEFECT_SPECS[table], level=self.defects, next_id=next_id)
        self.duplicates += len(damaged["id"]) - len(columns["id"])
        if len(manifest["row_id"]):
            self.buffer.setdefault("data_defects", []).append(manifest)
            self.buffered += len(manifest["row_id"])
        return damaged

    def _set_inventory_status(self, columns: dict) -> None:
        # A copy's status at the end is known only once the run is over; the few that are not available change.
        changed = columns["status"] != "available"
        stamps = np.strings.replace(np.datetime_as_string(columns["last_update"][changed], unit="s"), "T", " ")
        quote = self.loader.connection.ops.quote_name
        with self.loader.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote('inventory')} SET {quote('status')} = %s, {quote('last_update')} = %s "
                f"WHERE {quote('inventory_id')} = %s",
                list(zip(columns["status"][changed].tolist(), stamps.tolist(), columns["id"][changed].tolist(),
                         strict=True)),
            )  # fmt: skip

    def _set_managers(self, columns: dict) -> None:
        # store.manager_staff_id and staff.store_id point at each other (as in Sakila): stores are written first
        # without a manager, then staff, then this.
        quote = self.loader.connection.ops.quote_name
        with self.loader.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote('store')} SET {quote('manager_staff_id')} = %s WHERE {quote('store_id')} = %s",
                list(zip(columns["manager_staff_id"].tolist(), columns["id"].tolist(), strict=True)),
            )


def _drive(items, writer: BatchWriter, *, total_weeks: int, done_before: int, progress: ProgressCallback):
    engine = None
    for item in items:
        if isinstance(item, tuple):
            writer.add(*item)
        elif isinstance(item, WeekSummary):
            done_before += 1
            progress(ProgressEvent("simulated weeks", done_before, total_weeks, "weeks"))
        elif isinstance(item, Engine):
            engine = item
    writer.flush()
    return engine, done_before


def dvdrental_seed(
    *,
    using: str,
    level: int,
    seed: int = 42,
    weeks: int | None = None,
    season: float | None = None,
    config: dict | None = None,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    templates_dir: Path = GENRES_DIR,
    progress: ProgressCallback = no_progress,
    defects: str = "none",
) -> SeedReport:
    """Run level 1, 3 or 4 into an empty (or, with `reset`, wiped) database, or append level 2 weeks.

    Level 2 appends `weeks` (default 1) to what the database holds, continuing its clock, customers and copies; an
    empty database first gets the level 1 base. `season` is the seasonal override in percent (`--seasonal` or
    `--season`). `config` is the user's configuration, merged over the level's preset. One transaction: on any
    error or interruption nothing is written.
    """
    if level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1, 2, 3 or 4, got {level}")
    if weeks is not None and weeks < 1:
        raise ValueError(f"weeks must be positive, got {weeks}")
    if season is not None and season <= -100:
        raise ValueError(f"the seasonal change must be above -100 percent, got {season}")
    templates = load_templates(templates_dir)
    with bulk_load(using=using, batch_size=batch_size) as loader:
        if reset:
            loader.wipe("dvdrental")
        writer = BatchWriter(loader, defects=defects or "none", seed=seed)
        if level == 2:
            base = not SeasonalityLog.objects.using(using).exists()
            append_weeks = weeks or 1
            total = append_weeks + (2 if base else 0)
            done = 0
            pools = people_pools(seed)
            if base:
                base_config = build_config(1, config)
                items = fresh_run(config=base_config, seed=seed, templates=templates, level=1, pools=pools)
                _, done = _drive(items, writer, total_weeks=total, done_before=0, progress=progress)
            append_config = build_config(2, config)
            state = simulation_state_load(using=using, seed=seed, config=append_config)
            with loader.connection.cursor() as cursor:  # the append writes the whole price history again
                cursor.execute(f"DELETE FROM {loader.connection.ops.quote_name('film_price_history')}")
            items = append_run(
                config=append_config,
                state=state,
                templates=templates,
                weeks=append_weeks,
                season_override=season if season is not None else 0.0,
                pools=pools,
            )
            engine, _ = _drive(items, writer, total_weeks=total, done_before=done, progress=progress)
            rentals_returned_update(using=using, seed=seed, config=append_config, end_ts=engine.end_ts)
        else:
            run_config = build_config(level, config)
            total = weeks or run_config["simulation"]["initial_weeks"]
            items = fresh_run(
                config=run_config, seed=seed, templates=templates, level=level, weeks=weeks, season_override=season
            )
            _drive(items, writer, total_weeks=total, done_before=0, progress=progress)
        loader.restore_indexes()  # before Sakila's views and Pagila's types (dvdrental/sakila.py) meet the tables
        sakila_objects_install(using=using)
    return SeedReport(
        domain="dvdrental",
        database=describe(using),
        seed=seed,
        rows=loader.stats.rows,
        seconds=loader.stats.seconds,
        details=selectors.run_report_lines(using=using),
        fidelity=fidelity_summary(dvdrental_checks(using=using, config=append_config if level == 2 else run_config)),
    )


def _fetch(using: str, sql: str, params=()) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day_number(value) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def _seconds(value) -> int:
    if getattr(value, "tzinfo", None) is not None:
        value = value.replace(tzinfo=None)
    return int(np.datetime64(value, "s").astype(np.int64))


def _open_rentals(using: str, *, clock_day: int) -> list[tuple]:
    """Rentals that may still hold a copy or a customer's cap at `clock_day`: still out, or recent."""
    since = np.datetime64(clock_day - 45, "D").astype("datetime64[s]").item()
    return _fetch(
        using,
        "SELECT r.rental_id, r.rental_date, r.inventory_id, r.customer_id, f.rental_duration "
        "FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id "
        "WHERE r.return_date IS NULL OR r.rental_date >= %s ORDER BY r.rental_id",
        [since],
    )


def simulation_state_load(*, using: str, seed: int, config: dict) -> SimulationState:
    """Rebuild the simulation's state from the database, exactly as a longer run would hold it at this point.

    The clock and trend come from the last `seasonality_log` week; films, copies, customers and staff from their
    tables; where copies still out come back (and how long they keep a customer's cap) is recomputed from the
    rental ids by `plan_returns`.
    """
    logs = list(SeasonalityLog.objects.using(using).order_by("week_number").values_list(
        "week_number", "week_start", "volume_modifier", "baseline_rentals"))  # fmt: skip
    first_day = _day_number(logs[0][1])
    week, week_start, index, baseline = logs[-1]
    clock_day = _day_number(week_start) + 7
    categories = list(Category.objects.using(using).order_by("id").values_list("name", flat=True))
    category_pos = {
        cid: pos for pos, cid in enumerate(Category.objects.using(using).order_by("id").values_list("id", flat=True))
    }
    film_rows = _fetch(
        using,
        "SELECT f.film_id, MIN(fc.category_id), f.rental_duration, f.rental_rate, f.replacement_cost, "
        "MIN(fr.release_date), f.title FROM film f LEFT JOIN film_category fc ON fc.film_id = f.film_id "
        "LEFT JOIN film_releases fr ON fr.film_id = f.film_id "
        "GROUP BY f.film_id, f.rental_duration, f.rental_rate, f.replacement_cost, f.title ORDER BY f.film_id",
    )
    film_id = np.array([r[0] for r in film_rows], dtype=np.int64)
    released = np.array([_day_number(r[5]) if r[5] is not None else -1 for r in film_rows], dtype=np.int64)
    available = np.where(released >= 0, released, first_day - base_film_age_days(seed, film_id))
    tier_rate, tier_cost = tier_from_price(
        np.array([float(r[3]) for r in film_rows]), np.array([float(r[4]) for r in film_rows]), available, clock_day - 1
    )
    films = Films(
        film_id=film_id,
        genre=np.array([category_pos.get(r[1], 0) for r in film_rows], dtype=np.int64),
        rental_duration=np.array([r[2] for r in film_rows], dtype=np.int64),
        rental_rate=tier_rate,
        replacement_cost=tier_cost,
        available_day=available,
        base_title=np.array([r[6] for r in film_rows], dtype="<U64"),
    )
    film_pos = np.full(int(film_id.max()) + 1, -1, dtype=np.int64)
    film_pos[film_id] = np.arange(len(film_id))
    copy_rows = list(
        Inventory.objects.using(using).order_by("id").values_list("id", "film_id", "store_id", "date_purchased")
    )
    inventory_id = np.array([r[0] for r in copy_rows], dtype=np.int64)
    copies = Copies(
        inventory_id=inventory_id,
        film=film_pos[np.array([r[1] for r in copy_rows], dtype=np.int64)],
        store=np.array([r[2] for r in copy_rows], dtype=np.int64) - 1,
        free_at=np.array([_day_number(r[3]) for r in copy_rows], dtype=np.int64) * SECONDS_PER_DAY + 9 * 3600,
    )
    customer_rows = _fetch(
        using,
        "SELECT c.customer_id, c.store_id, l.activity, l.max_simultaneous_rentals, l.join_week, l.churn_week, "
        "l.reactivation_week, c.create_date FROM customer c JOIN customer_lifecycle l ON l.customer_id = c.customer_id "
        "ORDER BY c.customer_id",
    )
    customer_id = np.array([r[0] for r in customer_rows], dtype=np.int64)
    customers = Customers(
        customer_id=customer_id,
        store=np.array([r[1] for r in customer_rows], dtype=np.int64) - 1,
        activity=np.array([r[2] for r in customer_rows], dtype=float),
        cap=np.array([r[3] for r in customer_rows], dtype=np.int64),
        join_week=np.array([r[4] for r in customer_rows], dtype=np.int64),
        join_day=np.array([_seconds(r[7]) // SECONDS_PER_DAY for r in customer_rows], dtype=np.int64),
        churn_week=np.array([NEVER if r[5] is None else r[5] for r in customer_rows], dtype=np.int64),
        reactivation_week=np.array([NEVER if r[6] is None else r[6] for r in customer_rows], dtype=np.int64),
    )
    staff = list(
        Staff.objects.using(using).order_by("store_id", "id").values_list("id", "store_id", "hired_date", "left_date")
    )
    counters = {
        name: (model.objects.using(using).order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for name, model in (
            ("address", Address), ("customer", Customer), ("film", Film), ("inventory", Inventory),
            ("rental", Rental), ("payment", Payment), ("film_category", FilmCategory), ("film_actor", FilmActor),
            ("purchase", InventoryPurchase), ("inventory_status", InventoryStatus), ("film_release", FilmRelease),
        )
    }  # fmt: skip
    state = SimulationState(
        seed=seed,
        first_day=first_day,
        next_week=week + 1,
        next_day=clock_day,
        baseline=float(baseline),
        index=float(index),
        categories=categories,
        films=films,
        copies=copies,
        customers=customers,
        staff_id=np.array([r[0] for r in staff], dtype=np.int64),
        staff_store=np.array([r[1] for r in staff], dtype=np.int64) - 1,
        counters=counters,
        staff_from=np.array([_day_number(r[2]) if r[2] else -(10**6) for r in staff], dtype=np.int64),
        staff_until=np.array([_day_number(r[3]) if r[3] else 10**6 for r in staff], dtype=np.int64),
        staff_slot=_staff_slots(np.array([r[1] for r in staff], dtype=np.int64)),
    )
    rows = _open_rentals(using, clock_day=clock_day)
    if rows:
        rental_id = np.array([r[0] for r in rows], dtype=np.int64)
        rental_day = np.array([_seconds(r[1]) // SECONDS_PER_DAY for r in rows], dtype=np.int64)
        plan = plan_returns(
            seed=seed,
            rental_id=rental_id,
            rental_day=rental_day,
            duration=np.array([r[4] for r in rows], dtype=np.int64),
            config=config,
            status_tracking=InventoryStatus.objects.using(using).exists(),
        )
        copy_pos = np.full(int(inventory_id.max()) + 1, -1, dtype=np.int64)
        copy_pos[inventory_id] = np.arange(len(inventory_id))
        copy = copy_pos[np.array([r[2] for r in rows], dtype=np.int64)]
        np.maximum.at(copies.free_at, copy, plan.shelf_ts)
        customer_pos = np.full(int(customer_id.max()) + 1, -1, dtype=np.int64)
        customer_pos[customer_id] = np.arange(len(customer_id))
        holder = customer_pos[np.array([r[3] for r in rows], dtype=np.int64)]
        holding = plan.hold_day > clock_day - 1
        state.add_holds(holder[holding], plan.hold_day[holding])
    return state


def _staff_slots(store: np.ndarray) -> np.ndarray:
    """Position of each staff row within its store (0 = the first, the manager), rows grouped by store."""
    first = np.r_[True, store[1:] != store[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(store)), 0))
    return np.arange(len(store)) - start


def rentals_returned_update(*, using: str, seed: int, config: dict, end_ts: int) -> int:
    """Fill `return_date` of rentals written as still out that came back within the appended weeks."""
    rows = _fetch(
        using,
        "SELECT r.rental_id, r.rental_date, f.rental_duration FROM rental r "
        "JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id "
        "WHERE r.return_date IS NULL ORDER BY r.rental_id",
    )
    if not rows:
        return 0
    rental_id = np.array([r[0] for r in rows], dtype=np.int64)
    plan = plan_returns(
        seed=seed,
        rental_id=rental_id,
        rental_day=np.array([_seconds(r[1]) // SECONDS_PER_DAY for r in rows], dtype=np.int64),
        duration=np.array([r[2] for r in rows], dtype=np.int64),
        config=config,
        status_tracking=False,
    )
    back = plan.return_ts < end_ts
    stamps = np.datetime_as_string(plan.return_ts[back].astype("datetime64[s]"), unit="s")
    stamps = np.strings.replace(stamps, "T", " ").tolist()
    quote = connections[using].ops.quote_name
    with connections[using].cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote('rental')} SET {quote('return_date')} = %s, {quote('last_update')} = %s "
            f"WHERE {quote('rental_id')} = %s",
            list(zip(stamps, stamps, rental_id[back].tolist(), strict=True)),
        )
    return int(back.sum())
