"""Entry points of the simulation: a fresh run of a level, or weeks appended to a saved state."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np

from simkit.pools import PeoplePools, build_people_pools
from simkit.rng import Streams

from .catalogue import GenreTemplate
from .engine import Engine, WeekSummary, lifecycle_index, mid_week_month, season_expected
from .state import SimulationState
from .world import new_customer_columns, opening_world

Batch = tuple[str, dict]
PHASE_LABELS = {1: "base", 2: "incremental", 3: "steady", 4: "growth"}


def people_pools(seed: int) -> PeoplePools:
    return build_people_pools(seed=Streams(seed).python_seed("people"), size=800)


def fresh_run(
    *,
    config: dict,
    seed: int,
    templates: list[GenreTemplate],
    level: int,
    weeks: int | None = None,
    season_override: float | None = None,
    pools: PeoplePools | None = None,
) -> Iterator[Batch | WeekSummary]:
    """A new database: the opening world, the initial customers, `weeks` simulated weeks and the closing tables.

    The last item yielded is the `Engine` (its state lets a caller continue in memory).
    """
    weeks = weeks or config["simulation"]["initial_weeks"]
    pools = pools or people_pools(seed)
    streams = Streams(seed)
    rng = streams.generator("world")
    first_day = int(np.datetime64(dt.date.fromisoformat(config["simulation"]["start_date"]), "D").astype(np.int64))
    last_day = first_day + 7 * weeks - 1
    state, batches = opening_world(
        rng, config=config, seed=seed, pools=pools, templates=templates, first_day=first_day, last_day=last_day
    )
    yield from batches
    engine = Engine(
        config=config,
        state=state,
        templates=templates,
        pools=pools,
        weeks=weeks,
        phase_label=PHASE_LABELS[level],
        season_override=season_override,
        fresh=True,
    )
    gen = config["generation"]
    count = gen["initial_customers"]
    if count <= 0:
        segments = gen["customer_segments"].values()
        share = np.array([s["percentage"] for s in segments])
        mean_activity = float(np.dot(share / share.sum(), [s["activity"] for s in segments]))
        index = float(lifecycle_index(config, np.array([1]))[0]) if gen["business_lifecycle"]["enabled"] else 1.0
        season = float(season_expected(config, np.array([mid_week_month(first_day)]), season_override)[0])
        count = math.ceil(engine.scale * index * season / (gen["rentals_per_customer_week"] * mean_activity))
    yield from new_customer_columns(
        streams.generator("initial_customers"),
        state,
        pools,
        config=config,
        count=count,
        join_week=0,
        join_day_range=(first_day - 120, first_day),
        last_week=engine.last_week,
    )
    yield from engine.run()
    yield from engine.closing_batches()
    yield engine


def append_run(
    *,
    config: dict,
    state: SimulationState,
    templates: list[GenreTemplate],
    weeks: int,
    season_override: float | None = None,
    pools: PeoplePools | None = None,
) -> Iterator[Batch | WeekSummary]:
    """`weeks` more weeks on a state loaded from the database (level 2). The last item yielded is the `Engine`."""
    engine = Engine(
        config=config,
        state=state,
        templates=templates,
        pools=pools or people_pools(state.seed),
        weeks=weeks,
        phase_label=PHASE_LABELS[2],
        season_override=season_override,
        fresh=False,
    )
    yield from engine.run()
    yield from engine.closing_batches()
    yield engine
