"""dvdrental as a dataset of the protocol (`core.datasets`): plan and shard functions over `dvdrental.generation`.

A fresh run of level 1, 3 or 4 (level 2 appends to a database and stays with the seed service). `--scale` multiplies
the level's weekly rental volume (`generation.base_weekly_transactions`, and the initial customers where the preset
fixes them), so scale 1 is the level preset as shipped. For now the whole run is one shard: the engine simulates
week after week over one shared world, so workers give no speed-up until the world splits into independent stores.
Columns the engine knows only at the end (the store's manager, a film's final price, a copy's final status) are
merged into their rows, which are held back and written once (see HELD). No Django imports here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from core.datasets import DatasetSpec, DatasetSpecError
from simkit.tables import TableBatch

from .constants import GENRES_DIR
from .generation.catalogue import load_templates
from .generation.config import ConfigError, build_config, level_preset
from .generation.run import fresh_run

FRESH_LEVELS = (1, 3, 4)
TABLES = (
    "country", "city", "address", "language", "category", "actor", "staff", "store", "film", "film_price_history",
    "film_category",
    "film_actor", "inventory", "inventory_purchases", "film_releases", "customer", "customer_lifecycle", "rental",
    "payment", "inventory_status", "late_fees", "customer_ar", "rental_status_tracking", "seasonality_log",
)  # fmt: skip


@dataclass(frozen=True)
class DvdrentalPlan:
    seed: int
    scale: float
    level: int
    weeks: int | None
    season: float | None
    config_json: str  # the merged configuration, as JSON (a plan is frozen and picklable)
    shards: int = 1

    @property
    def config(self) -> dict:
        return json.loads(self.config_json)

    @property
    def options(self) -> dict:
        return {"level": self.level, "weeks": self.weeks, "season": self.season}


def scaled_config(level: int, scale: float, user: dict | None) -> dict:
    """The level's configuration with the user's keys merged in and the weekly volume times `scale`."""
    config = build_config(level, user)
    if scale != 1.0:
        gen = config["generation"]
        preset = level_preset(level)["generation"]
        volume = gen["base_weekly_transactions"] * scale
        gen["base_weekly_transactions"] = (
            max(1, round(volume)) if isinstance(preset["base_weekly_transactions"], int) else volume
        )
        if gen.get("initial_customers", 0) > 0:
            gen["initial_customers"] = max(1, round(gen["initial_customers"] * scale))
    return config


def plan(*, seed: int, scale: float = 1.0, options: dict | None = None) -> DvdrentalPlan:
    options = options or {}
    level = int(options.get("level") or 1)
    if level not in FRESH_LEVELS:
        raise DatasetSpecError(f"level {level} appends to a database: the dataset protocol runs levels 1, 3 and 4")
    weeks = options.get("weeks")
    if weeks is not None and int(weeks) < 1:
        raise DatasetSpecError(f"--weeks must be positive, got {weeks}")
    try:
        config = scaled_config(level, float(scale), options.get("config"))
    except ConfigError as exc:
        raise DatasetSpecError(str(exc)) from None
    season = options.get("season")
    return DvdrentalPlan(
        int(seed), float(scale), level, int(weeks) if weeks else None, season, json.dumps(config, sort_keys=True)
    )


def generate_shard(plan: DvdrentalPlan, k: int):
    """The one shard: the opening world, the customers, every simulated week and the closing tables."""
    items = fresh_run(
        config=plan.config,
        seed=plan.seed,
        templates=load_templates(GENRES_DIR),
        level=plan.level,
        weeks=plan.weeks,
        season_override=plan.season,
    )
    held: dict[str, list[dict]] = {}  # tables whose last columns come at the end of the run (see FINALS)
    for item in items:
        if not isinstance(item, tuple):
            continue  # week summaries and the final engine
        table, columns = item
        if table in HELD:
            held.setdefault(table, []).append(dict(columns))
        elif table in FINALS:
            target, names, only_changed = FINALS[table]
            rows = _concatenated(held.pop(target, []))
            yield TableBatch(target, _patched(rows, columns, names, only_changed=only_changed))
        else:
            yield TableBatch(table, columns)
    for table, parts in held.items():  # a final that never came: the rows as first generated
        yield TableBatch(table, _concatenated(parts))


# The engine writes some columns only when the run is over, as updates of rows written earlier (the store's manager
# once the staff exist, a copy's status and a film's price at the end). A stream of inserts holds those tables back
# and writes them once, complete; their children come first, which the sinks allow (foreign keys are checked at
# the end of a load, and added after the data in a dump).
HELD = ("store", "film", "inventory")
FINALS = {
    "store_manager": ("store", ("manager_staff_id",), None),
    "film_final": ("film", ("rental_rate", "replacement_cost", "last_update"), None),
    "inventory_final": ("inventory", ("status", "last_update"), ("status", "available")),
}


def _concatenated(parts: list[dict]) -> dict:
    if not parts:
        return {}
    return {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in parts[0]}


def _patched(rows: dict, final: dict, names: tuple, *, only_changed) -> dict:
    """`rows` with `names` taken from `final` for the ids it lists (only where `final[column] != value` when
    `only_changed` is (column, value), as the seed service updates just the copies whose status changed)."""
    ids = np.asarray(final["id"])
    keep = np.ones(len(ids), dtype=bool)
    if only_changed:
        column, value = only_changed
        keep = np.asarray(final[column]) != value
    order = np.argsort(rows["id"], kind="stable")
    position = order[np.searchsorted(rows["id"][order], ids[keep])]
    out = dict(rows)
    for name in names:
        values = np.asarray(final[name])[keep]
        column = out.get(name)
        if column is None:
            column = np.full(len(rows["id"]), None, dtype=object)
        else:
            column = column.astype(np.result_type(column.dtype, values.dtype)) if column.dtype != object else column
            column = column.copy()
        column[position] = values
        out[name] = column
    return out


DATASET = DatasetSpec(
    domain="dvdrental",
    seed_command="seed_dvdrental",
    tables=TABLES,
    scale_help="scale 1 = the level's preset (level 4: 520 weeks, about 200,000 rentals); scales the weekly volume",
    tiny_scale=0.05,
    plan=plan,
    generate_shard=generate_shard,
    min_scale=0.01,
    max_scale=100.0,
)
