from django.core.management.base import CommandError

from cardportfolio.constants import DEFAULT_AS_OF, DEFAULT_CSV, DEFAULT_CUSTOMERS, DEFAULT_MONTHS, DEFAULT_PARQUET
from cardportfolio.customer_generator import validation_lines
from cardportfolio.services import CustomerValidationError, cardportfolio_seed
from core.management.base import SeedCommand, iso_date, positive_int


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
            type=positive_int,
            default=DEFAULT_CUSTOMERS,
            help=f"Number of customers, split across the segments exactly (default {DEFAULT_CUSTOMERS:,}).",
        )
        parser.add_argument(
            "--output",
            default=DEFAULT_CSV,
            help=f"Customers CSV file; parent folders are created (default {DEFAULT_CSV}).",
        )
        parser.add_argument(
            "--parquet",
            default=DEFAULT_PARQUET,
            help=f"Transactions Parquet file; parent folders are created (default {DEFAULT_PARQUET}).",
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=DEFAULT_AS_OF,
            help=f"Reference date, YYYY-MM-DD (default {DEFAULT_AS_OF}): accounts open 2-5 years before it and "
            "transactions fill the whole months before its month; never the wall clock.",
        )
        parser.add_argument(
            "--months",
            type=positive_int,
            default=DEFAULT_MONTHS,
            help=f"Months of transactions (default {DEFAULT_MONTHS}).",
        )
        parser.add_argument("--no-transactions", action="store_true", help="Generate and load the customers only.")

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
