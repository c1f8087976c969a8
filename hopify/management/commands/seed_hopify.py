import datetime as dt

from django.core.management.base import CommandError

from core.management.base import SeedCommand
from core.options import LATEST_DATE, Date, InputFile, Number, with_range
from hopify.benchmarks import DEFAULT_BENCHMARKS, BenchmarkFileError, read_benchmarks
from hopify.constants import DEFAULT_END_DATE, DEFAULT_SCALE, MAX_SCALE
from hopify.services import hopify_seed

# The earliest end date whose 36-month window starts after 1900 (dates before that confuse some backends).
EARLIEST_END_DATE = "1903-01-01"


# Scale 1 is ~74,000 customers; below 0.001 (~74 customers) the company is too small to show its segments, and
# MAX_SCALE bounds the run's memory and time.
scale_value = Number(0.001, MAX_SCALE, why="1 is about 74,000 customers")
end_date_value = Date(dt.date.fromisoformat(EARLIEST_END_DATE), LATEST_DATE)
BENCHMARKS_FILE = InputFile("CSV file")


class Command(SeedCommand):
    help = (
        "Generate the hopify B2B SaaS company: 36 months of customers, subscriptions, orders, payments, support "
        "tickets, churn and reactivations, campaigns, marketing spend, web traffic and KPI benchmarks."
    )
    domain = "hopify"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--scale",
            type=scale_value,
            default=DEFAULT_SCALE,
            help=with_range(
                f"Multiplier of customer volume (default {DEFAULT_SCALE:g}: about 74,000 customers).", scale_value
            ),
        )
        parser.add_argument(
            "--end-date",
            type=end_date_value,
            default=DEFAULT_END_DATE,
            help=f"Last day of the 36-month window, YYYY-MM-DD (default {DEFAULT_END_DATE}); never the wall "
            f"clock, so a seed reproduces exactly. Allowed: {end_date_value.help_range()}.",
        )
        parser.add_argument(
            "--start-date",
            type=end_date_value,
            default=None,
            help="First day of the window (its month is the first month); default: 36 months before the end. With "
            "the same start, a later --end-date keeps every row dated before the earlier end date.",
        )
        parser.add_argument(
            "--benchmarks",
            metavar="FILE",
            type=BENCHMARKS_FILE,
            default=str(DEFAULT_BENCHMARKS),
            help="CSV of KPI targets to load (default: the file shipped in hopify/data/).",
        )

    def handle(self, *args, **options):
        start = options.get("start_date")
        if start is not None and start > options["end_date"]:
            raise CommandError(f"--start-date {start} is after --end-date {options['end_date']}")
        # Validate the benchmark file before the database is even opened: a bad file changes nothing.
        try:
            read_benchmarks(options["benchmarks"])
        except BenchmarkFileError as exc:
            raise CommandError(str(exc)) from None
        super().handle(*args, **options)

    def seed(self, *, using, options, progress):
        return hopify_seed(
            using=using,
            seed=options["seed"],
            scale=options["scale"],
            end_date=options["end_date"],
            start_date=options.get("start_date"),
            benchmarks=options["benchmarks"],
            reset=options["reset"],
            batch_size=options["batch_size"],
            progress=progress,
        )
