from django.conf import settings
from django.core.management.base import CommandError

from churnlab.constants import DEFAULT_CUSTOMERS, DEFAULT_END_DATE
from churnlab.services import churnlab_seed
from core.locks import LockHeld, folder_lock
from core.management.base import INTERRUPTED, SeedCommand
from core.options import Date, Integer, OptionError, OutputFolder, window_start, with_range

# 100,000 customers are ~4 million usage rows: 2,000,000 customers are ~80 million, about half an hour.
CUSTOMERS = Integer(1, 2_000_000, why="about 40 usage rows per customer")
END_DATE = Date()
WINDOW_DAYS = 540


class Command(SeedCommand):
    help = (
        "Generate the churnlab SaaS dataset (customers, daily usage, billing, support; latent churn) as Parquet "
        "and load it into the churnlab database."
    )
    domain = "churnlab"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--customers",
            type=CUSTOMERS,
            default=DEFAULT_CUSTOMERS,
            help=with_range(
                f"Number of customers (default {DEFAULT_CUSTOMERS:,}; about 40 usage rows each).", CUSTOMERS
            ),
        )
        parser.add_argument(
            "--end-date",
            type=END_DATE,
            default=DEFAULT_END_DATE,
            help=f"Last day of the 540-day window, YYYY-MM-DD (default {DEFAULT_END_DATE}); never the wall clock.",
        )
        parser.add_argument(
            "--out",
            type=OutputFolder(),
            default=settings.DATA_DIR / "raw",
            help="Folder for the raw Parquet files (default data/raw); the ground truth goes beside it (data/truth).",
        )
        parser.add_argument("--no-db", action="store_true", help="Write the Parquet files only, not the database.")

    def handle(self, *args, **options):
        try:
            window_start(END_DATE(options["end_date"]), days=WINDOW_DAYS, label="540-day window")
        except OptionError as exc:
            raise CommandError(str(exc)) from None
        if not options["no_db"]:
            super().handle(*args, **options)
            return
        # Files only: the folder is the dataset, so its lock file keeps a second run out (core.locks).
        try:
            lock = folder_lock(options["out"], command="seed_churnlab")
            lock.__enter__()
        except LockHeld as exc:
            raise CommandError(str(exc)) from None
        try:
            with self.progress(options) as progress:
                try:
                    report = self.seed(using=None, options=options, progress=progress)
                except KeyboardInterrupt:
                    raise CommandError("interrupted: no Parquet file was replaced", returncode=INTERRUPTED) from None
        finally:
            lock.__exit__(None, None, None)
        self.write_lines(report.lines(), options)

    def seed(self, *, using, options, progress):
        try:
            return self.run_seed(using=using, options=options, progress=progress)
        except OSError as exc:
            raise CommandError(f"cannot write Parquet files to {options['out']}: {exc.strerror or exc}") from None

    def run_seed(self, *, using, options, progress):
        return churnlab_seed(
            using=using,
            out_dir=options["out"],
            seed=options["seed"],
            customers=options["customers"],
            end_date=options["end_date"],
            reset=options["reset"],
            batch_size=options["batch_size"],
            progress=progress,
        )
