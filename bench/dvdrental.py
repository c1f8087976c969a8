"""Benchmark: seed_dvdrental --level 4 (the main job), then level 1 plus 52 appended level 2 weeks.

    python bench/dvdrental.py [--database-url URL] [--seed 42] [--skip-level2]

Writes to fresh scratch databases (temporary SQLite files unless --database-url names another server database; a
MySQL or PostgreSQL database is created, and dropped afterwards). Prints rows per table, wall time, rows/s and peak
memory. The level 4 time includes the end-of-run report computed from the database.
"""

import argparse

from _common import scratch_sqlite_url, setup_django, timed


def scratch(args, suffix: str):
    from core.databases import domain_database, ensure_migrated

    url = args.database_url or scratch_sqlite_url(f"dvdrental-{suffix}")
    if args.database_url:
        url = f"{args.database_url.rstrip('/')}_{suffix}"
    alias = domain_database("dvdrental", database_url=url)
    ensure_migrated(alias, "dvdrental")
    return alias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="Scratch database URL (default: a temporary SQLite file).")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-level2", action="store_true", help="Only time level 4.")
    args = parser.parse_args()
    setup_django()

    from core.databases import describe, drop_database
    from dvdrental.services import dvdrental_seed

    alias = scratch(args, "level4")
    print(f"dvdrental benchmark on {describe(alias)}, seed {args.seed}")
    rows: list[int] = []
    with timed("seed_dvdrental --level 4 (520 weeks)", rows):
        report = dvdrental_seed(using=alias, level=4, seed=args.seed, reset=True)
        rows.append(report.total_rows)
    for table, count in report.rows.items():
        print(f"  {table:<24} {count:>10,}")
    rate = f"{report.rows_per_second:,.0f} rows/s"
    print(f"  {'total':<24} {report.total_rows:>10,}  (in the load transaction: {report.seconds:.2f} s, {rate})")
    if args.database_url:
        drop_database(alias)
    if args.skip_level2:
        return
    alias = scratch(args, "level2")
    rows = []
    with timed("seed_dvdrental --level 1, then --level 2 --weeks 52", rows):
        first = dvdrental_seed(using=alias, level=1, seed=args.seed, reset=True)
        appended = dvdrental_seed(using=alias, level=2, weeks=52, seed=args.seed)
        rows.append(first.total_rows + appended.total_rows)
    print(f"  rentals after 54 weeks: {appended.rows.get('rental', 0) + first.rows['rental']:,}")
    if args.database_url:
        drop_database(alias)


if __name__ == "__main__":
    main()
