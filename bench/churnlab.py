"""Benchmark: churnlab at the defaults (100,000 customers, about 4 million usage rows).

    python bench/churnlab.py [--customers 100000] [--database-url URL] [--seed 42]

Four timed steps, each reported with wall time, rows/s and the process' peak memory so far:
  1. seed_churnlab --no-db: generation and Parquet only (target under 15 s);
  2. seed_churnlab: generation, Parquet and the database load (target under 30 s);
  3. run_churn_pipeline --no-db: the DuckDB SQL over the Parquet files (target under 10 s);
  4. run_churn_pipeline: the same, plus loading churn_features and the data-quality summary into the database.
Then evaluate_churn (AUC target >= 0.80). Files go to a temporary folder and the database is a fresh scratch
database (a temporary SQLite file unless --database-url names another; a MySQL or PostgreSQL database is created and
dropped afterwards). Peak memory target: under 2 GB.
"""

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import scratch_sqlite_url, setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", help="Scratch database URL (default: a temporary SQLite file).")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    setup_django()

    from churnlab.evaluation import evaluate_churn_model
    from churnlab.services import churn_pipeline_run, churnlab_seed
    from core.databases import describe, domain_database, drop_database, ensure_migrated

    folder = Path(tempfile.mkdtemp(prefix="bench-churnlab-"))
    alias = domain_database("churnlab", database_url=args.database_url or scratch_sqlite_url("churnlab"))
    ensure_migrated(alias, "churnlab")
    print(f"churnlab benchmark on {describe(alias)}: {args.customers:,} customers, seed {args.seed}, files in {folder}")
    try:
        rows: list[int] = []
        with timed("seed to Parquet only (--no-db)", rows):
            report = churnlab_seed(using=None, out_dir=folder / "raw", seed=args.seed, customers=args.customers)
            rows.append(report.total_rows)
        for table, count in report.rows.items():
            print(f"  {table:<12} {count:>12,}")

        rows = []
        with timed("seed to Parquet and the database", rows):
            report = churnlab_seed(
                using=alias, out_dir=folder / "raw", seed=args.seed, customers=args.customers, reset=True
            )
            rows.append(report.total_rows)

        rows = []
        with timed("pipeline (DuckDB SQL to Parquet)", rows):
            pipeline = churn_pipeline_run(raw_dir=folder / "raw", out_dir=folder, using=None)
            rows.append(sum(pipeline.result.rows.values()))
        print("  " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in pipeline.result.seconds.items()))

        rows = []
        with timed("pipeline and database load of the features", rows):
            pipeline = churn_pipeline_run(raw_dir=folder / "raw", out_dir=folder, using=alias)
            rows.append(sum(pipeline.result.rows.values()))

        with timed("evaluate_churn"):
            evaluation = evaluate_churn_model(
                features_path=folder / "analytics" / "churn_features.parquet",
                truth_path=folder / "truth" / "churn_truth.parquet",
                seed=args.seed,
            )
        print("\n".join(evaluation.lines()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if args.database_url:
            drop_database(alias)


if __name__ == "__main__":
    main()
