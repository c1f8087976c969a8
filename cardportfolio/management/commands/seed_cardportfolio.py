from django.core.management.base import CommandError

from cardportfolio.constants import DEFAULT_AS_OF, DEFAULT_CSV, DEFAULT_CUSTOMERS, DEFAULT_MONTHS, DEFAULT_PARQUET
from cardportfolio.customer_generator import validation_lines
from cardportfolio.services import CustomerValidationError, cardportfolio_seed
from core.management.base import SeedCommand
from core.options import (
    Date,
    Integer,
    OptionError,
    OutputFile,
    check_distinct_paths,
    database_config,
    window_start,
    with_range,
)

# 50,000 customers are ~14 million transactions in ~90 s: a million customers is ~30 minutes and the limit.
COUNT = Integer(1, 1_000_000, why="~280 transactions per customer over 18 months")
MONTHS = Integer(1, 240, why="20 years of monthly transactions")
AS_OF = Date()
# Accounts open up to five years before the reference date.
ACCOUNT_HISTORY_MONTHS = 60


class Command(SeedCommand):
    help = (
        "Generate credit-card customers in five segments (validated, saved as CSV) and their monthly transactions "
        "(database and Parquet)."
    )
    domain = "cardportfolio"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--count",
            type=COUNT,
            default=DEFAULT_CUSTOMERS,
            help=with_range(
                f"Number of customers, split across the segments exactly (default {DEFAULT_CUSTOMERS:,}).", COUNT
            ),
        )
        parser.add_argument(
            "--output",
            type=OutputFile("CSV file"),
            default=DEFAULT_CSV,
            help=f"Customers CSV file; parent folders are created (default {DEFAULT_CSV}).",
        )
        parser.add_argument(
            "--parquet",
            type=OutputFile("Parquet file"),
            default=DEFAULT_PARQUET,
            help=f"Transactions Parquet file; parent folders are created (default {DEFAULT_PARQUET}).",
        )
        parser.add_argument(
            "--as-of",
            type=AS_OF,
            default=DEFAULT_AS_OF,
            help=f"Reference date, YYYY-MM-DD (default {DEFAULT_AS_OF}): accounts open 2-5 years before it and "
            "transactions fill the whole months before its month; never the wall clock.",
        )
        parser.add_argument(
            "--months",
            type=MONTHS,
            default=DEFAULT_MONTHS,
            help=with_range(f"Months of transactions (default {DEFAULT_MONTHS}).", MONTHS),
        )
        parser.add_argument("--no-transactions", action="store_true", help="Generate and load the customers only.")

    def handle(self, *args, **options):
        from django.db import connections

        try:
            window_start(AS_OF(options["as_of"]), months=options["months"] + ACCOUNT_HISTORY_MONTHS, label="history")
            url = options["database_url"]
            config = database_config(url) if url else connections.settings[self.domain]
            database = config["NAME"] if config["ENGINE"].endswith("sqlite3") else None
            check_distinct_paths(**{"--output": options["output"], "--parquet": options["parquet"]})
            if database and str(database) != ":memory:":
                check_distinct_paths(**{"the database": database, "--output": options["output"]})
                check_distinct_paths(**{"the database": database, "--parquet": options["parquet"]})
        except OptionError as exc:
            raise CommandError(str(exc)) from None
        super().handle(*args, **options)

    def seed(self, *, using, options, progress):
        try:
            return cardportfolio_seed(
                using=using,
                seed=options["seed"],
                customers=options["count"],
                as_of=options["as_of"],
                months=options["months"],
                transactions=not options["no_transactions"],
                csv_path=options["output"],
                parquet_path=options["parquet"],
                reset=options["reset"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except CustomerValidationError as exc:
            self.stderr.write("\n".join(validation_lines(exc.result)))
            raise CommandError(f"{exc}; nothing was written") from None
        except OSError as exc:
            raise CommandError(f"cannot write {exc.filename}: {exc.strerror}") from None
