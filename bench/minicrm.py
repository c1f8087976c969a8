"""Benchmark: seed_minicrm with 100,000 customers, then calculate_rfm.

    python bench/minicrm.py [--customers 100000] [--database-url URL]

Writes to a fresh scratch database (a temporary SQLite file unless --database-url names another; a MySQL or
PostgreSQL database is created, and dropped afterwards). Prints rows per table, wall time, rows/s and peak memory.
"""

import argparse

from _common import scratch_sqlite_url, setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", help="Scratch database URL (default: a temporary SQLite file).")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    setup_django()

    from core.databases import describe, domain_database, drop_database, ensure_migrated
    from minicrm.services import minicrm_seed, rfm_calculate

    alias = domain_database("minicrm", database_url=args.database_url or scratch_sqlite_url("minicrm"))
    ensure_migrated(alias, "minicrm")
    print(f"minicrm benchmark on {describe(alias)}: {args.customers:,} customers, seed {args.seed}")
    rows: list[int] = []
    with timed("seed_minicrm", rows):
        report = minicrm_seed(using=alias, seed=args.seed, customers=args.customers, reset=True)
        rows.append(report.total_rows)
    for table, count in report.rows.items():
        print(f"  {table:<12} {count:>12,}")
    with timed(f"calculate_rfm over {report.rows['orders']:,} orders"):
        result = rfm_calculate(using=alias)
    print(f"  scored {result.customers_scored:,} customers")
    if args.database_url:
        drop_database(alias)


if __name__ == "__main__":
    main()
