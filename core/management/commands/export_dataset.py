from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.export import EXPORT_FORMATS, dataset_export
from core.management.base import DomainCommand


class Command(DomainCommand):
    help = "Export every table of a domain to CSV or Parquet files, streamed in chunks."

    def add_arguments(self, parser):
        parser.add_argument("domain", choices=settings.DOMAIN_APPS, help="The domain to export.")
        super().add_arguments(parser)
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv", help="File format (default csv).")
        parser.add_argument("--out", required=True, help="Folder to write <table>.<format> files into.")

    def handle(self, *args, **options):
        self.domain = options["domain"]
        using = self.target_database(options)
        with self.progress(options) as progress:
            try:
                exported = dataset_export(
                    domain=self.domain,
                    using=using,
                    fmt=options["format"],
                    out_dir=Path(options["out"]),
                    progress=progress,
                )
            except OSError as exc:
                raise CommandError(f"cannot write to {options['out']}: {exc.strerror}") from None
        self.write_lines([f"{item.rows:>12,}  {item.path}" for item in exported], options)
