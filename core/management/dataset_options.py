"""The dataset-protocol options every seed command takes: `--scale`, `--workers`, `--scheduler` and `--to`.

`SeedCommand` adds them after the command's own options (a command with its own `--scale`, like seed_hopify, keeps
it) and checks them before anything runs. What a domain's seed service can do with them is declared by its dataset
spec (`core.datasets.DatasetSpec.supports`): an option the service cannot use yet ends the command with one line
naming it, never a traceback and never a silent accept.
"""

from __future__ import annotations

import argparse
import math
import os

from django.core.management.base import CommandError

from core.datasets import DatasetSpecError
from core.runner import RunnerError
from core.sinks import SinkError

SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
MAX_WORKERS = 256


def scale_factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number (a scale factor above 0, e.g. 0.01 or 10)"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range: a scale factor must be above 0 (e.g. 0.01 or 10)")
    return value


def worker_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of worker processes") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{value} is out of range: workers must be from 1 to {MAX_WORKERS}")
    return value


scale_factor.__name__ = "scale factor"
worker_count.__name__ = "worker count"


def add_dataset_arguments(parser, *, domain: str) -> None:
    """Add the protocol options the command does not define itself."""
    known = parser._option_string_actions
    if "--scale" not in known:
        parser.add_argument(
            "--scale",
            type=scale_factor,
            default=1.0,
            metavar="SF",
            help="Scale factor: 1 is the default size, 0.01 a classroom sample, 10 ten times the rows "
            "(the domain's own counts, e.g. --customers, win over it).",
        )
    parser.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help="Generate shards in N worker processes while one writer loads them; the data never changes.",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=f"Generate shards on a Dask cluster (e.g. tcp://10.0.0.5:8786; default ${SCHEDULER_VARIABLE}).",
    )
    parser.add_argument(
        "--to",
        action="append",
        metavar="TARGET",
        default=None,
        help=f"Where to write (repeatable; default the {domain} database): a database URL, db: (the configured "
        "database), parquet:DIR, csv:DIR, duckdb:FILE or sql:FILE?dialect=sqlite|mysql|postgres.",
    )


def _explicit(command, options: dict, name: str) -> bool:
    """Whether the user gave option `name` (it differs from the parser's default)."""
    return options.get(name) != command._dataset_defaults.get(name)


def prepare_dataset_options(command, options: dict) -> None:
    """Check the protocol options against what the domain's service supports; map --scale onto its counts.

    Leaves `options["to"]` as a list of target strings (or None), `options["scheduler"]` as an address or None.
    """
    from core import datasets
    from core.sinks import parse_target

    try:
        spec = datasets.get(command.domain)
    except (LookupError, ImportError) as exc:
        spec = None
        reason = str(exc).splitlines()[0]
    supports = set(spec.supports) if spec is not None else set()
    name = command.command_name()
    if options.get("scheduler") is None and os.environ.get(SCHEDULER_VARIABLE) and "scheduler" in supports:
        options["scheduler"] = os.environ[SCHEDULER_VARIABLE]

    def refuse(option: str, what: str) -> None:
        why = f" ({reason})" if spec is None else ""
        raise CommandError(f"{name}: {option} is not supported by the {command.domain} seed yet: {what}{why}")

    if options.get("workers", 1) != 1 and "workers" not in supports:
        refuse("--workers", "it generates in this process only (leave --workers out)")
    if options.get("scheduler") and "scheduler" not in supports:
        refuse("--scheduler", "it cannot generate on a Dask cluster yet (leave --scheduler out)")
    if options.get("to"):
        for target in options["to"]:
            try:
                parse_target(target, domain=command.domain).precheck()
            except SinkError as exc:
                raise CommandError(f"--to: {exc}") from None
        if "to" not in supports:
            refuse("--to", "it writes only its database (use --database-url, or export_dataset afterwards)")
    if options.get("scheduler"):
        from core.runner import dask_client

        try:
            dask_client(options["scheduler"]).close()
        except RunnerError as exc:
            raise CommandError(str(exc)) from None
    scale = options.get("scale", 1.0)
    if "scale" in command._own_options or scale == 1.0:
        return
    scaled = spec.scaled_options if spec is not None else ()
    if not scaled:
        refuse("--scale", "size it with the command's own options")
    try:
        spec.check_scale(scale)
        planned = spec.plan(seed=options.get("seed", 42), scale=scale, options={})
    except ValueError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    for entry in scaled:
        option, planned_as = entry.split("=") if "=" in entry else (entry, entry)
        if option in options and not _explicit(command, options, option):
            options[option] = planned.options[planned_as]


def writes_configured_database(options: dict) -> bool:
    """Whether the run writes the database the command resolved (no --to, or a --to naming it)."""
    targets = options.get("to")
    if not targets:
        return True
    for target in targets:
        if target.strip().lower() == "db:":
            return True
        if options.get("database_url") and target.strip() == options["database_url"]:
            return True
    return False


# What a seed command turns into one line when it escapes a run: a target or executor failing mid-run.
DatasetRunError = (SinkError, RunnerError, DatasetSpecError, OSError)


def generation_of(domain: str, options: dict, non_shaping: set[str]) -> dict:
    """What a seed records about itself in the domain's database (`core.datasets.generation_info` reads it)."""
    import datetime as dt

    shaping = {
        name: (value.isoformat() if isinstance(value, dt.date) else value)
        for name, value in options.items()
        if name not in non_shaping and isinstance(value, str | int | float | bool | dt.date | None)
    }
    return {"domain": domain, "seed": options["seed"], "scale": options.get("scale", 1.0), "options": shaping}


def refuse_another_seed(command, alias: str, options: dict) -> None:
    """An append (data kept, no --reset) must continue under the seed the data was made with: one line otherwise."""
    from core.databases import describe
    from core.datasets import generation_info

    recorded = generation_info(using=alias)
    if recorded is None or recorded["domain"] != command.domain or recorded["seed"] == options["seed"]:
        return
    raise CommandError(
        f"{describe(alias)} holds {command.domain} data made with --seed {recorded['seed']}; an append continues "
        f"under that seed: run with --seed {recorded['seed']}, or --reset to start again with --seed "
        f"{options['seed']} (nothing was changed)"
    )
