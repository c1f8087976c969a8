from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.export import EXPORT_FORMATS, dataset_export
from core.management.base import DomainCommand
from core.sinks import SinkError, parse_target


class Command(DomainCommand):
    help = "Export every table of a domain to CSV or Parquet files (or any --to target), streamed in chunks."

    def add_arguments(self, parser):
        parser.add_argument("domain", choices=settings.DOMAIN_APPS, help="The domain to export.")
        super().add_arguments(parser)
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv", help="File format (default csv).")
        parser.add_argument("--out", help="Folder to write <table>.<format> files into.")
        parser.add_argument(
            "--to",
            metavar="TARGET",
            help="Instead of --format/--out: parquet:DIR, csv:DIR, duckdb:FILE or "
            "sql:FILE?dialect=sqlite|mysql|postgres.",
        )

    def handle(self, *args, **options):
        self.domain = options["domain"]
        if options["to"] is None and not options["out"]:
            raise CommandError("give --out DIR (with --format) or --to TARGET")
        if options["to"] is not None:
            try:
                parse_target(options["to"], domain=self.domain).precheck()
            except SinkError as exc:
                raise CommandError(f"--to: {exc}") from None
        using = self.target_database(options)
        with self.progress(options) as progress:
            try:
                exported = dataset_export(
                    domain=self.domain,
                    using=using,
                    fmt=options["format"],
                    out_dir=Path(options["out"]) if options["out"] else None,
                    progress=progress,
                    target=options["to"],
                )
            except SinkError as exc:
                raise CommandError(str(exc)) from None
            except OSError as exc:
                raise CommandError(f"cannot write to {options['to'] or options['out']}: {exc.strerror}") from None
        self.write_lines([f"{item.rows:>12,}  {item.path}" for item in exported], options)
