"""Benchmark: seed_hopify at the default scale (about 74,000 customers, 2.7 million rows), then the KPI queries.

    python bench/hopify.py [--scale 1.0] [--seed 42] [--database-url URL]

Writes to a fresh scratch database (a temporary SQLite file unless --database-url names another; a MySQL or
PostgreSQL database is created, and dropped afterwards). Prints rows per table, wall time, rows/s and peak memory.
Target (issue 5): default scale on SQLite in under 20 s, peak memory under 1.5 GB.
"""

import argparse

from _common import scratch_sqlite_url, setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", help="Scratch database URL (default: a temporary SQLite file).")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    setup_django()

    from core.databases import describe, domain_database, drop_database, ensure_migrated
    from hopify import selectors
    from hopify.services import hopify_seed

    alias = domain_database("hopify", database_url=args.database_url or scratch_sqlite_url("hopify"))
    ensure_migrated(alias, "hopify")
    print(f"hopify benchmark on {describe(alias)}: scale {args.scale}, seed {args.seed}")
    rows: list[int] = []
    with timed("seed_hopify (generate + load + closing report)", rows):
        report = hopify_seed(using=alias, seed=args.seed, scale=args.scale, reset=True)
        rows.append(report.total_rows)
    print(f"  load alone: {report.seconds:.2f} s, {report.rows_per_second:,.0f} rows/s")
    for table, count in report.rows.items():
        print(f"  {table:<20} {count:>12,}")
    print(f"  {'total':<20} {report.total_rows:>12,}")
    with timed("KPIs of the last month (all segments)"):
        selectors.kpi_report(using=alias)
    with timed("MRR series (36 months x 3 segments)"):
        selectors.mrr_series(using=alias)
    with timed("cohort retention (36 cohorts)"):
        selectors.cohort_retention(using=alias)
    if args.database_url:
        drop_database(alias)


if __name__ == "__main__":
    main()
