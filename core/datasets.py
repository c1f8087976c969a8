"""The dataset protocol: what every domain declares about its dataset, and the registry of them.

A domain's `<domain>/dataset.py` defines `DATASET = DatasetSpec(...)`; its AppConfig.ready() calls
`register("<domain>.dataset", domain="<domain>")`. The runner (`core.runner.run`) then generates any registered
dataset into any sink:

    spec = datasets.get("minicrm")
    plan = spec.plan(seed=42, scale=1.0, options={})
    run(spec, plan, [DatabaseSink(using="minicrm")])

`plan(*, seed, scale, options)` returns a Plan: any frozen, picklable object with an int attribute `shards`.
`generate_shard(plan, k)` yields the `simkit.tables.TableBatch`es of shard k (0 <= k < plan.shards); it must be a
pure function of (plan, k), importable by module path (so a process pool or a Dask worker can run it) and its
module must not import Django.

This module imports no models at module level: generators' processes import it cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from simkit.tables import TableBatch


class Plan(Protocol):
    """What `DatasetSpec.plan` returns: frozen, picklable, with the number of shards."""

    shards: int


class DatasetSpecError(ValueError):
    """A dataset option (scale, a count) is out of range; the message is one line naming it."""


@dataclass(frozen=True)
class DatasetSpec:
    """A domain's dataset: its tables, what --scale means, how to plan it and how to generate one shard."""

    domain: str
    seed_command: str
    tables: tuple[str, ...] | Callable[[], tuple]  # db_table names in foreign-key order, or a callable giving models
    scale_help: str
    tiny_scale: float
    plan: Callable[..., Plan]
    generate_shard: Callable[[Any, int], Iterator[TableBatch]]
    follow_ups: tuple[str, ...] = ()
    # Tables whose primary keys each shard numbers from 1: the runner adds the rows of the earlier shards to the key
    # and to every foreign key pointing at it, in shard order, so ids stay consecutive whatever ran the shard.
    renumbered: tuple[str, ...] = ()
    # Tables the seed writes that the generator does not make (e.g. hopify's benchmark targets); digests skip them.
    extra_tables: tuple[str, ...] = ()
    # What the domain's seed service can use beyond its own options: "to", "workers", "scheduler".
    supports: tuple[str, ...] = ()
    # The seed command's options that --scale sets when the user leaves them out, from the plan's options of the
    # same name ("customers"), or of another name ("count=customers": --count from the plan's customers).
    scaled_options: tuple[str, ...] = ()
    min_scale: float = 0.001
    max_scale: float = 1000.0
    notes: tuple[str, ...] = field(default=())

    def models(self) -> tuple:
        """The models of the generated tables, in foreign-key order."""
        from django.apps import apps

        if callable(self.tables):
            return tuple(self.tables())
        by_table = {model._meta.db_table: model for model in apps.get_app_config(self.domain).get_models()}
        return tuple(by_table[table] for table in self.tables)

    def table_names(self) -> tuple[str, ...]:
        return tuple(model._meta.db_table for model in self.models())

    def contract(self):
        from core.contract import dataset_contract

        return dataset_contract(self.models())

    def check_scale(self, scale: float) -> float:
        scale = float(scale)
        if not (scale == scale) or scale <= 0:
            raise DatasetSpecError(f"--scale must be greater than 0, got {scale:g}")
        if not self.min_scale <= scale <= self.max_scale:
            raise DatasetSpecError(
                f"--scale for {self.domain} must be between {self.min_scale:g} and {self.max_scale:g}, got {scale:g}"
            )
        return scale


_REGISTRY: dict[str, DatasetSpec | str] = {}


def register(spec: DatasetSpec | str, *, domain: str | None = None) -> None:
    """Register a domain's dataset: a spec, or the module path holding `DATASET` (imported on first use).

    AppConfig.ready() registers the path (`register("minicrm.dataset", domain="minicrm")`): starting Django then
    never imports a generator, so a domain's generator cannot stop the web site or another domain's command.
    """
    if isinstance(spec, str):
        if not domain:
            raise ValueError("register a module path with its domain")
        _REGISTRY[domain] = spec
    else:
        _REGISTRY[spec.domain] = spec


def get(domain: str) -> DatasetSpec:
    try:
        entry = _REGISTRY[domain]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise LookupError(f"no dataset registered for {domain!r} (registered: {known})") from None
    if isinstance(entry, str):
        from importlib import import_module

        entry = _REGISTRY[domain] = import_module(entry).DATASET
    return entry


def registered() -> list[str]:
    """The domains with a registered dataset (without importing their generators)."""
    return sorted(_REGISTRY)


def all_specs() -> list[DatasetSpec]:
    return [get(name) for name in sorted(_REGISTRY)]


# --- The generation record inside each database ----------------------------------------------------------------------

GENERATION_TABLE = "synthbiz_generation"


def generation_info(*, using: str) -> dict | None:
    """The latest generation recorded inside database `using` (domain, seed, scale, options, version, digests),
    or None when the database holds no record (seeded before the protocol, or never)."""
    from core.sinks.database import read_generation

    return read_generation(using=using)
