from core.management.base import SeedCommand, iso_date, positive_int
from minicrm.constants import DEFAULT_CUSTOMERS, DEFAULT_DAYS, DEFAULT_END_DATE, DEFAULT_PRODUCTS
from minicrm.services import minicrm_seed


class Command(SeedCommand):
    help = "Generate minicrm customers (five personas of Table 4.1), products, orders and order items."
    domain = "minicrm"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--customers",
            type=positive_int,
            default=DEFAULT_CUSTOMERS,
            help=f"Number of customers, split across personas exactly (default {DEFAULT_CUSTOMERS}).",
        )
        parser.add_argument(
            "--days",
            type=positive_int,
            default=DEFAULT_DAYS,
            help=f"Length of the order window in days (default {DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--end-date",
            type=iso_date,
            default=DEFAULT_END_DATE,
            help=f"Last day of the window, YYYY-MM-DD (default {DEFAULT_END_DATE}); "
            "never the wall clock, so a seed reproduces exactly.",
        )
        parser.add_argument(
            "--products",
            type=positive_int,
            default=DEFAULT_PRODUCTS,
            help=f"Number of products in the catalogue (default {DEFAULT_PRODUCTS}).",
        )
        parser.add_argument(
            "--verbose", action="store_true", help="Same as -v 2: progress lines and a parameter-recovery report."
        )

    def handle(self, *args, **options):
        if options["verbose"]:
            options["verbosity"] = max(options["verbosity"], 2)
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
        )
