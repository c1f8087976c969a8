"""The simulation's state between weeks: films, copies, customers, staff, id counters and the clock.

Everything a later run needs to continue where the last one stopped is either here or recomputable from the
database (see `dvdrental.services.simulation_state_load`), which is what makes appending deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NEVER = np.iinfo(np.int64).max // 4  # a time (seconds) or week no event reaches
SECONDS_PER_DAY = 86_400


def _grow(array: np.ndarray, values) -> np.ndarray:
    return np.concatenate([array, np.asarray(values, dtype=array.dtype)])


@dataclass
class Films:
    film_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    genre: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # index into categories
    rental_duration: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rental_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    replacement_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    available_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # days since 1970
    base_title: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U64"))

    def add(self, **columns) -> None:
        for name, values in columns.items():
            current = getattr(self, name)
            setattr(self, name, np.concatenate([current, np.asarray(values).astype(current.dtype)]))

    def __len__(self) -> int:
        return len(self.film_id)


@dataclass
class Copies:
    inventory_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    film: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # index into Films
    store: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # 0-based
    free_at: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # seconds since 1970

    def add(self, **columns) -> None:
        for name, values in columns.items():
            setattr(self, name, _grow(getattr(self, name), values))

    def __len__(self) -> int:
        return len(self.inventory_id)


@dataclass
class Customers:
    customer_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    store: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    activity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cap: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    join_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    join_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # day of create_date
    churn_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    reactivation_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def add(self, **columns) -> None:
        for name, values in columns.items():
            setattr(self, name, _grow(getattr(self, name), values))

    def __len__(self) -> int:
        return len(self.customer_id)

    def active_in(self, week: int) -> np.ndarray:
        return (self.join_week <= week) & ((week < self.churn_week) | (week >= self.reactivation_week))


@dataclass
class SimulationState:
    """Where the simulation stands at the start of week `next_week`."""

    seed: int
    first_day: int  # day (since 1970) week 1 started
    next_week: int
    next_day: int
    baseline: float  # trend volume of the last simulated week (scale x index)
    index: float  # trend index of the last simulated week
    categories: list[str]
    films: Films
    copies: Copies
    customers: Customers
    staff_id: np.ndarray  # all staff, grouped by store
    staff_store: np.ndarray
    counters: dict[str, int]
    # Rentals that may still count against a customer's cap: the customer and the day the hold ends.
    hold_customer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    hold_until: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lost_demand: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per film x store key
    last_restock_week: int = 0
    # Days a customer may not rent (an unpaid fee too large or too old): customer, first day, day paid.
    block_customer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    block_from: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    block_until: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Copies due to be written off (index into Copies, when), and the last day each film was rented.
    write_off_copy: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    write_off_ts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    film_last_rented: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sold_copy: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # copies sold off, and when
    sold_ts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Each staff member's first day and the day after their last (hired/left dates), and their position at the
    # store (0 = manager); empty arrays: everyone works every day.
    staff_from: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    staff_until: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    staff_slot: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self):
        n = len(self.staff_id)
        if len(self.staff_from) != n:
            self.staff_from = np.full(n, -(10**6), np.int64)
            self.staff_until = np.full(n, 10**6, np.int64)
            self.staff_slot = np.zeros(n, np.int64)

    @property
    def stores(self) -> int:
        return int(self.staff_store.max()) + 1

    def take_ids(self, name: str, count: int) -> np.ndarray:
        start = self.counters.get(name, 1)
        self.counters[name] = start + count
        return np.arange(start, start + count, dtype=np.int64)

    def add_holds(self, customers: np.ndarray, until_day: np.ndarray) -> None:
        self.hold_customer = np.concatenate([self.hold_customer, customers])
        self.hold_until = np.concatenate([self.hold_until, until_day])

    def drop_holds_before(self, day: int) -> None:
        keep = self.hold_until > day
        self.hold_customer, self.hold_until = self.hold_customer[keep], self.hold_until[keep]

    def add_blocks(self, customers: np.ndarray, start: np.ndarray, until: np.ndarray) -> None:
        keep = until > start
        self.block_customer = np.concatenate([self.block_customer, customers[keep]])
        self.block_from = np.concatenate([self.block_from, start[keep]])
        self.block_until = np.concatenate([self.block_until, until[keep]])

    def drop_blocks_before(self, day: int) -> None:
        keep = self.block_until > day
        self.block_customer, self.block_from, self.block_until = (
            self.block_customer[keep],
            self.block_from[keep],
            self.block_until[keep],
        )

    def blocked(self, day: int) -> np.ndarray:
        """True for each customer who may not rent on `day` (owes a fee past the block rules)."""
        now = (self.block_from <= day) & (day < self.block_until)
        out = np.zeros(len(self.customers), dtype=bool)
        out[self.block_customer[now]] = True
        return out

    def copies_held(self, day: int) -> np.ndarray:
        """Copies each customer holds on `day` (holds end at the start of their last day)."""
        return np.bincount(self.hold_customer[self.hold_until > day], minlength=len(self.customers))
