from django.core.management.base import CommandError

from core.management.base import SeedCommand, iso_date
from hopify.benchmarks import DEFAULT_BENCHMARKS, BenchmarkFileError, read_benchmarks
from hopify.constants import DEFAULT_END_DATE, DEFAULT_SCALE, MAX_SCALE
from hopify.services import hopify_seed

# The earliest end date whose 36-month window starts after 1900 (dates before that confuse some backends).
EARLIEST_END_DATE = "1903-01-01"


def scale_value(value: str) -> float:
    number = float(value)
    if not 0 < number <= MAX_SCALE:  # also rejects nan
        raise ValueError
    return number


def end_date_value(value: str):
    day = iso_date(value)
    if day.isoformat() < EARLIEST_END_DATE:
        raise ValueError
    return day


# argparse names the function in its one-line error ("invalid scale value: '0'").
scale_value.__name__ = f"scale (a number above 0, at most {MAX_SCALE:g})"
end_date_value.__name__ = f"date (YYYY-MM-DD, from {EARLIEST_END_DATE})"


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
            help=f"Multiplier of customer volume (default {DEFAULT_SCALE:g}: about 74,000 customers).",
        )
        parser.add_argument(
            "--end-date",
            type=end_date_value,
            default=DEFAULT_END_DATE,
            help=f"Last day of the 36-month window, YYYY-MM-DD (default {DEFAULT_END_DATE}); never the wall "
            "clock, so a seed reproduces exactly.",
        )
        parser.add_argument(
            "--benchmarks",
            metavar="FILE",
            default=str(DEFAULT_BENCHMARKS),
            help="CSV of KPI targets to load (default: the file shipped in hopify/data/).",
        )

    def handle(self, *args, **options):
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
            benchmarks=options["benchmarks"],
            reset=options["reset"],
            batch_size=options["batch_size"],
            progress=progress,
        )
