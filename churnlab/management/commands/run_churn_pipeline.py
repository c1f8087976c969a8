from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db.utils import Error as DatabaseError

from churnlab.pipeline import DEFAULT_HORIZON_DAYS, PipelineError
from churnlab.services import churn_pipeline_run
from core.databases import describe
from core.management.base import DomainCommand
from core.options import OutputFolder


class Command(DomainCommand):
    help = (
        "Run the DuckDB SQL pipeline (churnlab/sql: staging, data quality, churn features, the forward training "
        "table) over the raw Parquet files; write data/staging and data/analytics, and load the features, the "
        "training table and the quality summary into the database."
    )
    domain = "churnlab"
    locks_dataset = True  # it writes the dataset (core.locks)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--raw",
            type=Path,
            default=settings.DATA_DIR / "raw",
            help="Folder of the raw Parquet files (default data/raw).",
        )
        parser.add_argument(
            "--out",
            type=OutputFolder(),
            default=settings.DATA_DIR,
            help="Folder that receives staging/ and analytics/ (default data).",
        )
        parser.add_argument("--no-db", action="store_true", help="Write the Parquet files only, not the database.")
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=DEFAULT_HORIZON_DAYS,
            help=f"Days after the cutoff in which churn is the forward target churned_next (default "
            f"{DEFAULT_HORIZON_DAYS}, 1 to 365).",
        )

    def handle(self, *args, **options):
        if not options["raw"].is_dir():
            raise CommandError(f"raw folder {options['raw']} does not exist: run seed_churnlab first")
        using = None if options["no_db"] else self.target_database(options)
        try:
            report = churn_pipeline_run(
                raw_dir=options["raw"], out_dir=options["out"], using=using, horizon_days=options["horizon_days"]
            )
        except PipelineError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError("interrupted: the database is as it was") from None
        except DatabaseError as exc:
            raise CommandError(
                f"loading {describe(using)} failed and was rolled back: {str(exc).splitlines()[0]}"
            ) from None
        self.write_lines(report.lines(), options)
