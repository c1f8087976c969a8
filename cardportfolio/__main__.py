"""The earlier tool's command line, without a database: `python -m cardportfolio generate-customers`.

    python -m cardportfolio generate-customers --count 10000 --output data/customers.csv --seed 42

Generates the customers, validates them, prints the statistics and writes the CSV (only when validation passes).
Imports nothing from Django, so it runs without settings or a database. Bad options are a one-line error and exit
status 2; failed validation exits 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from .constants import DEFAULT_AS_OF, DEFAULT_CSV, DEFAULT_CUSTOMERS


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cardportfolio", description="Credit-card customer generator.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    generate = commands.add_parser(
        "generate-customers", help="Generate, validate and save customers as CSV (no database needed)."
    )
    generate.add_argument(
        "--count", type=_positive_int, default=DEFAULT_CUSTOMERS, help=f"Customers (default {DEFAULT_CUSTOMERS:,})."
    )
    generate.add_argument("--output", default=DEFAULT_CSV, help=f"CSV file to write (default {DEFAULT_CSV}).")
    generate.add_argument("--seed", type=int, default=42, help="Random seed; the same seed gives the same file.")
    generate.add_argument(
        "--as-of",
        type=_iso_date,
        default=DEFAULT_AS_OF,
        help=f"Reference date, YYYY-MM-DD (default {DEFAULT_AS_OF}); never the wall clock.",
    )
    return parser


def generate_customers_command(*, count: int, output: str, seed: int, as_of: dt.date, out=None) -> int:
    """Generate, validate and save; print the earlier tool's messages. Returns the exit status."""
    from .customer_generator import generate_customers, save_to_csv, validate_customer_data, validation_lines

    out = out or sys.stdout
    print(f"Generating {count:,} customers (seed {seed})...", file=out)
    frame = generate_customers(n=count, seed=seed, as_of=as_of)
    print(f"Generated {len(frame):,} customers", file=out)
    print("Validating data...", file=out)
    result = validate_customer_data(frame)
    print("\n".join(validation_lines(result)), file=out)
    if not result["is_valid"]:
        print(f"Validation failed with {len(result['errors'])} error(s); nothing was written", file=out)
        return 1
    print("Validation passed", file=out)
    try:
        path = save_to_csv(frame, output)
    except OSError as exc:
        print(f"error: cannot write {exc.filename or output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Successfully saved {len(frame):,} customers to {path}", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    return generate_customers_command(
        count=options.count, output=options.output, seed=options.seed, as_of=options.as_of
    )


if __name__ == "__main__":
    sys.exit(main())
