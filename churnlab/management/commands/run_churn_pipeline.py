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
        if using is not None:
            mismatch = raw_files_mismatch(options["raw"], using)
            if mismatch:
                raise CommandError(mismatch)
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


def raw_files_mismatch(raw_dir: Path, using: str) -> str | None:
    """Why the raw files are not the generation loaded into `using` (another seed, size or end date), or None.

    The customers file and the customers table must hold the same rows: features from another generation's usage
    would be loaded beside this database's customers and plans.
    """
    import numpy as np
    import pyarrow.parquet as pq

    from churnlab.models import Customer
    from churnlab.parquet import table_path

    path = table_path(raw_dir, "customers")
    try:
        table = pq.read_table(path, columns=["customer_id", "signup_date", "plan"])
    except Exception as exc:  # pyarrow's own errors for a file that is not Parquet or lacks the columns
        first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        return f"{path} is not a readable customers Parquet file: {first}"
    rows = Customer.objects.using(using).order_by("id").values_list("id", "signup_date", "plan")
    database = list(zip(*rows, strict=True)) or [(), (), ()]
    if table.num_rows != len(database[0]):
        return None  # churn_pipeline_run names the two counts
    order = np.argsort(table.column("customer_id").to_numpy())
    files = [table.column(column).to_numpy(zero_copy_only=False)[order] for column in ("customer_id", "signup_date")]
    plans = np.asarray(table.column("plan").to_pylist(), dtype=object)[order]
    same = (
        np.array_equal(files[0], np.asarray(database[0]))
        and np.array_equal(files[1].astype("datetime64[D]"), np.asarray(database[1], dtype="datetime64[D]"))
        and np.array_equal(plans, np.asarray(database[2], dtype=object))
    )
    if not same:
        return (
            f"the customers in {path} differ from those in {describe(using)} (ids, signup dates or plans): the raw "
            "files are from another seed_churnlab run; seed again or point --raw at the files of this database's run"
        )
    return None
