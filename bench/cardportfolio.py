"""Benchmark: seed_cardportfolio's two workloads of issue 6.

    python bench/cardportfolio.py [--workload customers|transactions|both] [--database-url URL]

customers: 1,000,000 customers without transactions (generate, validate, CSV, load); target under 15 s.
transactions: the default 50,000 customers with ~14 million transactions over 18 months (database and Parquet);
target under 90 s on SQLite with peak memory under 3 GB.

Each workload runs in its own process (so peak memory is its own) against a fresh scratch database: a temporary
SQLite file unless --database-url names another (a MySQL or PostgreSQL database is created, and dropped
afterwards). Files go to a temporary folder. Prints rows per table, wall time, rows/s and peak memory.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import scratch_sqlite_url, setup_django, timed

WORKLOADS = {"customers": (1_000_000, False), "transactions": (50_000, True)}


def run_workload(name: str, database_url: str | None, seed: int) -> None:
    setup_django()
    from cardportfolio.services import cardportfolio_seed
    from core.databases import describe, domain_database, drop_database, ensure_migrated

    customers, transactions = WORKLOADS[name]
    alias = domain_database("cardportfolio", database_url=database_url or scratch_sqlite_url("cardportfolio"))
    ensure_migrated(alias, "cardportfolio")
    folder = Path(tempfile.mkdtemp(prefix="bench-cardportfolio-"))
    print(f"cardportfolio {name} on {describe(alias)}: {customers:,} customers, seed {seed}", flush=True)
    rows: list[int] = []
    with timed(f"seed_cardportfolio ({name})", rows):
        report = cardportfolio_seed(
            using=alias,
            seed=seed,
            customers=customers,
            transactions=transactions,
            csv_path=folder / "customers.csv",
            parquet_path=folder / "transactions.parquet" if transactions else None,
            reset=True,
        )
        rows.append(report.total_rows)
    for table, count in report.rows.items():
        print(f"  {table:<12} {count:>12,}")
    for path in sorted(folder.iterdir()):
        print(f"  {path.name:<24} {path.stat().st_size / 2**20:>8,.0f} MiB")
    if database_url:
        drop_database(alias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=[*WORKLOADS, "both"], default="both")
    parser.add_argument("--database-url", help="Scratch database URL (default: a temporary SQLite file).")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.workload != "both":
        run_workload(args.workload, args.database_url, args.seed)
        return
    for name in WORKLOADS:
        command = [sys.executable, __file__, "--workload", name, "--seed", str(args.seed)]
        if args.database_url:
            command += ["--database-url", args.database_url]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
