from django.core.management.base import CommandError

from core.management.base import DomainCommand
from core.options import InputFile
from hopify.benchmarks import BenchmarkFileError, read_benchmarks
from hopify.services import benchmarks_load


class Command(DomainCommand):
    help = "Replace the hopify KPI benchmark targets with those of a CSV file (other tables are left alone)."
    domain = "hopify"
    locks_dataset = True  # it writes the dataset (core.locks)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "file",
            metavar="FILE",
            type=InputFile("CSV file"),
            help="CSV with columns benchmark_id,metric_category,segment,metric_name,target_value,description,"
            "target_period (see hopify/data/benchmarks.csv).",
        )

    def handle(self, *args, **options):
        # Validate first: a bad file is a one-line error and the database is not opened.
        try:
            read_benchmarks(options["file"])
        except BenchmarkFileError as exc:
            raise CommandError(str(exc)) from None
        using = self.target_database(options)
        try:
            count = benchmarks_load(using=using, path=options["file"])
        except BenchmarkFileError as exc:
            raise CommandError(str(exc)) from None
        self.write_lines([f"Loaded {count} benchmarks from {options['file']}"], options)
