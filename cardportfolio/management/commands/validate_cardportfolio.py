from django.core.management.base import CommandError

from cardportfolio.customer_generator import read_customers_csv, validate_customer_data, validation_lines
from cardportfolio.selectors import customers_dataframe
from core.databases import describe
from core.management.base import DomainCommand
from core.options import InputFile


class Command(DomainCommand):
    help = (
        "Validate the customers in the cardportfolio database, or in a CSV file, and print statistics, warnings "
        "and errors; exits non-zero when there are errors."
    )
    domain = "cardportfolio"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--file",
            metavar="CSV",
            type=InputFile("CSV file"),
            help="Validate this customers CSV instead of the database.",
        )

    def handle(self, *args, **options):
        if options["file"]:
            try:
                frame = read_customers_csv(options["file"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            source = options["file"]
            if frame.empty:
                raise CommandError(f"{source} holds no customers (a header only): nothing to validate")
        else:
            using = self.target_database(options)
            frame = customers_dataframe(using=using)
            source = describe(using)
            if frame.empty:
                raise CommandError(f"{source} holds no customers: run seed_cardportfolio first")
        result = validate_customer_data(frame)
        self.write_lines([f"Validating {len(frame):,} customers from {source}", "", *validation_lines(result)], options)
        if not result["is_valid"]:
            raise CommandError(f"validation failed with {len(result['errors'])} error(s)")
        self.write_lines(["", "Validation passed."], options)
