"""Base classes for the domain commands: shared options, database targeting, guards, progress and reports."""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.db.utils import Error as DatabaseError

from core.databases import DatabaseTargetError, describe, domain_database, ensure_migrated
from core.loader import DEFAULT_BATCH_SIZE, commit_count, recording_generation
from core.locks import LockHeld, dataset_lock
from core.management.dataset_options import (
    DatasetRunError,
    add_dataset_arguments,
    generation_of,
    prepare_dataset_options,
    refuse_another_seed,
    writes_configured_database,
)
from core.options import MAX_BATCH_SIZE, DatabaseUrl, Integer, OutputFile, Seed, add_ranges_to_help, with_range
from core.progress import ProgressEvent
from core.reports import SeedReport


def positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError
    return number


def iso_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# argparse names the function in its error ("invalid positive_int value: '-1'"); these read well.
positive_int.__name__ = "positive integer"
non_negative_int.__name__ = "non-negative integer"
iso_date.__name__ = "date (YYYY-MM-DD)"


def write_report_json(report: SeedReport, path: str) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n")
    except OSError as exc:
        raise CommandError(f"cannot write report to {path}: {exc.strerror}") from None


# Options that do not change the generated data (or are recorded on their own, like the seed).
NON_SHAPING_OPTIONS = {
    "verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks", "seed", "reset",
    "batch_size", "database_url", "interactive", "report_json", "verbose",
}  # fmt: skip

# The dataset-protocol options (core.management.dataset_options) never change the data either.
NON_SHAPING_OPTIONS |= {"workers", "scheduler", "to"}


class OneLineErrorParser(CommandParser):
    """Bad options end in one line (`seed_minicrm: error: argument --customers: ...`), not a usage dump."""

    def error(self, message):
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {message}\n")
        raise CommandError(f"Error: {message}")


class CommandProgress:
    """Shows ProgressEvents: a tqdm bar per stage on a terminal, plain lines at -v 2 elsewhere, else nothing."""

    def __init__(self, stream, *, verbosity: int):
        self.stream = stream
        self.verbosity = verbosity
        self.is_tty = hasattr(stream, "isatty") and stream.isatty()
        self._bar = None
        self._stage = None

    def __call__(self, event: ProgressEvent) -> None:
        if self.verbosity >= 2 and not self.is_tty:
            self.stream.write(f"{event.stage}: {event.done:,}/{event.total:,} {event.unit}\n")
            self.stream.flush()
            return
        if self.verbosity < 1 or not self.is_tty:
            return
        from tqdm import tqdm

        if event.stage != self._stage:
            self.close()
            self._stage = event.stage
            self._bar = tqdm(
                total=event.total,
                desc=event.stage,
                unit=f" {event.unit}",
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
            )
        self._bar.update(event.done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


INTERRUPTED = 130  # the exit status of a process ended by SIGINT (128 + 2), as shells report it


class DomainCommand(BaseCommand):
    """A command working on one domain's database; `--database-url` points it at another one."""

    domain: str = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineErrorParser
        add_ranges_to_help(parser)
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            type=DatabaseUrl(),
            help=f"Use this database instead of the configured one for {self.domain} "
            "(e.g. postgres://postgres@127.0.0.1:5432/demo); a MySQL/PostgreSQL database is created if missing.",
        )

    def execute(self, *args, **options):
        """Environment errors and Ctrl-C end in one line (Ctrl-C with exit status 130), never a traceback."""
        domain = options.get("domain") or self.domain
        errors = dict(getattr(settings, "DATABASE_URL_ERRORS", {}))
        if options.get("database_url") and errors.pop(f"{domain.upper()}_DATABASE_URL", None):
            options["skip_checks"] = not errors  # the broken variable is not used by this run
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise CommandError(next(iter(errors.values())) + more)
        try:
            with ExitStack() as self._held:  # the dataset lock, taken in target_database(), lives as long as the run
                return super().execute(*args, **options)
        except KeyboardInterrupt:
            raise CommandError(self.interrupted_message(), returncode=INTERRUPTED) from None

    def interrupted_message(self) -> str:
        return "interrupted: nothing was changed"

    # Commands that write the dataset take its lock (core.locks) before migrating; a second one refuses at once.
    locks_dataset = False

    def target_database(self, options) -> str:
        """Resolve, connect, lock (when writing) and migrate the domain database; one-line CommandError on failure."""
        try:
            alias = domain_database(self.domain, database_url=options.get("database_url"))
            if self.locks_dataset and getattr(self, "_held", None) is not None:
                self._held.enter_context(dataset_lock(alias, command=type(self).__module__.rsplit(".", 1)[-1]))
            applied = ensure_migrated(alias, self.domain)
        except (DatabaseTargetError, LockHeld) as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"cannot prepare {describe(alias)}: {str(exc).splitlines()[0]}") from None
        if applied and options["verbosity"] >= 2:
            self.stdout.write(f"Applied {len(applied)} migration(s) to {describe(alias)}")
        return alias

    @contextmanager
    def progress(self, options):
        progress = CommandProgress(self.stdout._out, verbosity=options["verbosity"])
        try:
            yield progress
        finally:
            progress.close()

    def write_lines(self, lines, options) -> None:
        if options["verbosity"] >= 1:
            for line in lines:
                self.stdout.write(line)


class SeedCommand(DomainCommand):
    """Options and guards every `seed_*` command shares. Subclasses implement `seed()` by calling one service."""

    locks_dataset = True

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --scale (unless the command has its own), --workers, --scheduler, --to: after the command's own options.
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        self._own_options = {action.dest for action in parser._actions}
        add_dataset_arguments(parser, domain=self.domain)
        self._dataset_defaults = {action.dest: action.default for action in parser._actions}
        return parser

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--seed",
            type=Seed(),
            default=42,
            help=with_range("Master random seed: the same seed gives identical data (default 42).", Seed()),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the domain's existing data first (in the same transaction as the new load).",
        )
        batch_size = Integer(1, MAX_BATCH_SIZE, why="bigger batches only cost memory")
        parser.add_argument(
            "--batch-size",
            type=batch_size,
            default=DEFAULT_BATCH_SIZE,
            help=with_range(
                f"Rows per insert batch (default {DEFAULT_BATCH_SIZE:,}); never changes the data.", batch_size
            ),
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation before --reset wipes data.",
        )
        parser.add_argument(
            "--report-json",
            metavar="FILE",
            type=OutputFile("report file"),
            help="Also write the end-of-run report as JSON to FILE (parent folders are created).",
        )
        parser.add_argument(
            "--defects",
            choices=("none", "light", "heavy"),
            default=None,
            help="Damage the data on purpose at documented rates (duplicates, typos, missing values, impossible "
            "dates...) and list every damaged value in the data_defects table (default none: clean data).",
        )

    def seed(self, *, using: str, options: dict, progress) -> SeedReport:
        raise NotImplementedError

    _alias: str | None = None
    _commits_before = 0

    def interrupted_message(self) -> str:
        """What Ctrl-C left behind, from the loader's record of commits on the target (not from where it hit)."""
        if self._alias is None:
            return "interrupted before the seed started: nothing was written"
        name = describe(self._alias)
        if commit_count(self._alias) > self._commits_before:
            return f"interrupted after the commit: the new {self.domain} data is in {name}"
        return f"interrupted: nothing was written, {name} is as it was (the seed was rolled back)"

    def execute(self, *args, **options):
        # Before any subclass's handle(): a command that skips SeedCommand.handle (churnlab --no-db) is checked too.
        prepare_dataset_options(self, options)
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        alias = self.target_database(options)
        if writes_configured_database(options):
            self.guard_existing_data(alias, options)
            if not options["reset"]:  # an append (dvdrental level 2) keeps the recorded seed
                refuse_another_seed(self, alias, options)
        self._alias, self._commits_before = alias, commit_count(alias)
        with self.progress(options) as progress:
            try:
                with recording_generation(generation_of(self.domain, options, NON_SHAPING_OPTIONS)):
                    report = self.seed(using=alias, options=options, progress=progress)
            except DatabaseError as exc:
                raise CommandError(
                    f"seeding {describe(alias)} failed and was rolled back: {str(exc).splitlines()[0]}"
                ) from None
            except DatasetRunError as exc:  # a target or executor failing mid-run (a full disk, a lost scheduler)
                raise CommandError(f"seeding failed and nothing was kept: {str(exc).splitlines()[0]}") from None
        self.write_lines(report.lines(), options)
        if options.get("report_json"):
            write_report_json(report, options["report_json"])
        if not options.get("database_url") and writes_configured_database(options):  # not a files-only --to run
            self.record_run(report, options)

    def record_run(self, report: SeedReport, options) -> None:
        """Remember the run in Django's database for the home page; the seed itself has already committed."""
        from core.models import SeedRun

        shaping = {
            name: (value.isoformat() if isinstance(value, dt.date) else value)
            for name, value in options.items()
            if name not in NON_SHAPING_OPTIONS and isinstance(value, str | int | float | bool | dt.date | None)
        }
        try:
            ensure_migrated(DEFAULT_DB_ALIAS, "core")
            SeedRun.objects.using(DEFAULT_DB_ALIAS).create(
                domain=self.domain,
                command=self.command_name(),
                database=report.database,
                seed=report.seed,
                options=shaping,
                rows=report.rows,
                total_rows=report.total_rows,
                seconds=report.seconds,
            )
        except (DatabaseError, ImproperlyConfigured) as exc:
            if options["verbosity"] >= 1:
                self.stderr.write(f"(run not recorded for the home page: {str(exc).splitlines()[0]})")

    def command_name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]

    def domain_row_counts(self, alias: str) -> dict[str, int]:
        counts = {}
        for model in apps.get_app_config(self.domain).get_models():
            if model.objects.using(alias).exists():
                counts[model._meta.db_table] = model.objects.using(alias).count()
        return counts

    def guard_existing_data(self, alias: str, options) -> None:
        """Refuse to seed over data unless --reset; with DEBUG off, --reset also needs --no-input or a typed yes."""
        counts = self.domain_row_counts(alias)
        if not counts:
            return
        name = describe(alias)
        if not options["reset"]:
            held = ", ".join(f"{table} {count:,}" for table, count in counts.items())
            raise CommandError(
                f"{name} already holds {self.domain} data ({held}); use --reset to replace it (nothing was changed)"
            )
        if settings.DEBUG or not options["interactive"]:
            return
        if not sys.stdin.isatty():
            raise CommandError(f"--reset would wipe {name}; add --no-input to confirm when DEBUG is off")
        answer = input(f"--reset wipes all {self.domain} data in {name}. Type '{self.domain}' to continue: ")
        if answer.strip() != self.domain:
            raise CommandError("reset cancelled; nothing was changed")
