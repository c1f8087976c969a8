from django.core.management.base import CommandError

from core.management.base import SeedCommand
from core.options import Date, Integer, OptionError, window_start, with_range
from minicrm.constants import DEFAULT_CUSTOMERS, DEFAULT_DAYS, DEFAULT_END_DATE, DEFAULT_PRODUCTS
from minicrm.services import minicrm_seed

# Bounds from time and memory: 100,000 customers are ~4 million rows in ~15 s.
CUSTOMERS = Integer(1, 2_000_000, why="about 40 rows per customer: 2,000,000 is ~80 million rows, ~10 minutes")
DAYS = Integer(1, 36_500, why="a century of orders")
PRODUCTS = Integer(1, 100_000, why="a small shop's catalogue")
END_DATE = Date()


class Command(SeedCommand):
    help = "Generate minicrm customers (five personas of Table 4.1), products, orders and order items."
    domain = "minicrm"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--customers",
            type=CUSTOMERS,
            default=DEFAULT_CUSTOMERS,
            help=with_range(
                f"Number of customers, split across personas exactly (default {DEFAULT_CUSTOMERS}).", CUSTOMERS
            ),
        )
        parser.add_argument(
            "--days",
            type=DAYS,
            default=DEFAULT_DAYS,
            help=with_range(f"Length of the order window in days (default {DEFAULT_DAYS}).", DAYS),
        )
        parser.add_argument(
            "--end-date",
            type=END_DATE,
            default=DEFAULT_END_DATE,
            help=with_range(
                f"Last day of the window, YYYY-MM-DD (default {DEFAULT_END_DATE}); "
                "never the wall clock, so a seed reproduces exactly.",
                END_DATE,
            ),
        )
        parser.add_argument(
            "--products",
            type=PRODUCTS,
            default=DEFAULT_PRODUCTS,
            help=with_range(f"Number of products in the catalogue (default {DEFAULT_PRODUCTS}).", PRODUCTS),
        )
        parser.add_argument(
            "--verbose", action="store_true", help="Same as -v 2: progress lines and a parameter-recovery report."
        )

    def handle(self, *args, **options):
        if options["verbose"]:
            options["verbosity"] = max(options["verbosity"], 2)
        try:
            window_start(END_DATE(options["end_date"]), days=options["days"], label="order window")
        except OptionError as exc:
            raise CommandError(str(exc)) from None
        super().handle(*args, **options)

    def seed(self, *, using, options, progress):
        return minicrm_seed(
            using=using,
            seed=options["seed"],
            customers=options["customers"],
            days=options["days"],
            end_date=options["end_date"],
            products=options["products"],
            reset=options["reset"],
            batch_size=options["batch_size"],
            progress=progress,
            check_parameters=options["verbosity"] >= 2,
            targets=options["to"],
            workers=options["workers"],
            scheduler=options["scheduler"],
        )
