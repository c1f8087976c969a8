"""The customer generator's Python API, as the earlier tool documented it (pandas; no Django).

    from cardportfolio.customer_generator import generate_customers, validate_customer_data, save_to_csv

    df = generate_customers(n=50000, seed=42)
    result = validate_customer_data(df)   # {"is_valid", "errors", "warnings", "statistics"}
    if result["is_valid"]:
        save_to_csv(df, "data/customers.csv")

Validation is vectorised (pandas string and comparison operations), so a million rows take about a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from simkit.us_places import US_STATES

from .constants import (
    CREDIT_LIMIT_STEP,
    CUSTOMER_ID_DIGITS,
    CUSTOMER_ID_PREFIX,
    DEFAULT_AS_OF,
    DEFAULT_CUSTOMERS,
    MAX_AGE,
    MAX_CREDIT_LIMIT,
    MIN_AGE,
    MIN_CREDIT_LIMIT,
    SEGMENT_SHARE_TOLERANCE,
    SEGMENT_SHARES,
    CardType,
    DeclineType,
    EmploymentStatus,
    Segment,
)
from .generation import CUSTOMER_COLUMNS, generate_customer_columns

REQUIRED_COLUMNS = tuple(column for column in CUSTOMER_COLUMNS if column != "decline_type")
INTEGER_COLUMNS = ("age", "credit_limit")
ID_PATTERN = rf"^{CUSTOMER_ID_PREFIX}\d{{{CUSTOMER_ID_DIGITS}}}$"
# name@domain.tld: no spaces, one @, a dot in the domain and a top-level domain of letters.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
CITY_STATE_PAIRS = [f"{city}, {state}" for state, (_, cities) in US_STATES.items() for city in cities]
EXAMPLES = 3  # values quoted in an error message


def date_objects(values) -> np.ndarray:
    """Days as `datetime.date` objects: the earlier tool's column held dates, which compare with `datetime.date`
    (a pandas datetime64 column does not)."""
    return np.asarray(values).astype("datetime64[D]").astype(object)


def customers_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame of the 13 customer columns in order (missing decline_type as None, account_open_date as
    `datetime.date` values), with the dtypes `read_customers_csv` gives back."""
    frame = pd.DataFrame({name: columns[name] for name in CUSTOMER_COLUMNS if name != "account_open_date"})
    frame.insert(
        CUSTOMER_COLUMNS.index("account_open_date"), "account_open_date", date_objects(columns["account_open_date"])
    )
    return frame


def generate_customers(n: int = DEFAULT_CUSTOMERS, seed: int = 42, *, as_of: dt.date = DEFAULT_AS_OF) -> pd.DataFrame:
    """`n` customers as a DataFrame (13 columns); the same `n`, `seed` and `as_of` give identical data."""
    return customers_frame(generate_customer_columns(seed=seed, customers=n, as_of=as_of))


def save_to_csv(df: pd.DataFrame, path) -> Path:
    """Write `df` as CSV (header, no index, dates as YYYY-MM-DD), creating parent folders. Returns the path.

    Written by Arrow's CSV writer (about ten times faster than `DataFrame.to_csv` on a million rows). Values are
    quoted only if some text holds a comma, quote or line break, which generated data never does.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(index, field.name, table.column(index).cast(pa.date32()))
    needs_quotes = any(
        pc.any(pc.match_substring_regex(table.column(index), r'[",\r\n]')).as_py()
        for index, field in enumerate(table.schema)
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
    )
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed" if needs_quotes else "none")
    with target.open("wb") as out:
        # Arrow would quote the header names; write them plain, as pandas does.
        out.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, out, options)
    return target


def read_customers_csv(path) -> pd.DataFrame:
    """Read a customers CSV back with the generator's dtypes (dates parsed, empty decline_type as None).

    Raises ValueError with a one-line reason when the file cannot be read or lacks columns.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    missing = [column for column in CUSTOMER_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = frame[list(CUSTOMER_COLUMNS)]
    for name in INTEGER_COLUMNS:
        numbers = pd.to_numeric(frame[name], errors="coerce")
        if numbers.notna().all() and (numbers == numbers.round()).all():
            frame[name] = numbers.astype(np.int64)
    dates = pd.to_datetime(frame["account_open_date"], errors="coerce", format="%Y-%m-%d")
    if dates.notna().all():
        frame["account_open_date"] = date_objects(dates.to_numpy())
    return frame


def _examples(values: pd.Series) -> str:
    shown = [str(value) for value in values.head(EXAMPLES)]
    return ", ".join(shown) + (", ..." if len(values) > EXAMPLES else "")


def _statistics(df: pd.DataFrame) -> dict:
    limits = pd.to_numeric(df["credit_limit"], errors="coerce") if "credit_limit" in df else pd.Series(dtype=float)
    total = len(df)

    def shares(column):
        if column not in df:
            return {}
        counts = df[column].value_counts(dropna=True)
        return {str(key): round(int(value) / total, 4) if total else 0.0 for key, value in counts.items()}

    def counts(column):
        if column not in df:
            return {}
        return {str(key): int(value) for key, value in df[column].value_counts(dropna=True).items()}

    ages = pd.to_numeric(df["age"], errors="coerce").dropna() if "age" in df else pd.Series(dtype=float)
    unique_ids = int(df["customer_id"].nunique()) if "customer_id" in df else 0
    mean_limit = None if limits.dropna().empty else round(float(limits.mean()), 2)
    return {
        "total_customers": total,
        "unique_ids": unique_ids,
        "unique_customer_ids": unique_ids,  # the earlier tool's name
        "credit_limit_min": None if limits.dropna().empty else int(limits.min()),
        "credit_limit_max": None if limits.dropna().empty else int(limits.max()),
        "credit_limit_mean": mean_limit,
        "credit_limit_avg": mean_limit,  # the earlier tool's name
        "age_min": None if ages.empty else int(ages.min()),
        "age_max": None if ages.empty else int(ages.max()),
        "age_avg": None if ages.empty else round(float(ages.mean()), 2),
        "segment_counts": counts("customer_segment"),
        "segment_distribution": shares("customer_segment"),
        "card_type_distribution": counts("card_type"),
        "employment_distribution": counts("employment_status"),
        "decline_type_distribution": counts("decline_type"),
    }


def validate_customer_data(df: pd.DataFrame) -> dict:
    """Check a customers DataFrame; returns `{"is_valid", "errors", "warnings", "statistics"}`.

    Errors (is_valid False): missing columns, nulls in required fields, duplicate ids or e-mails, ids not
    CUST + 8 digits, malformed e-mails, credit limits outside 5,000-50,000 or not multiples of 1,000, ages outside
    22-75, unknown states, segments, card types or employment statuses, a Declining customer without decline_type
    and a decline_type on any other segment. Warnings: a segment share more than 5 points from its target, ids not
    sequential from CUST00000001, Premium cards outside High-Value Travelers, cities not of their state.
    """
    errors: list[str] = []
    warnings: list[str] = []
    missing = [column for column in CUSTOMER_COLUMNS if column not in df.columns]
    if missing:
        errors.append(f"missing column(s): {', '.join(missing)}")
    present = [column for column in REQUIRED_COLUMNS if column in df.columns]
    for column in present:
        nulls = int(df[column].isna().sum())
        if nulls:
            errors.append(f"{nulls:,} null value(s) in required field {column}")

    if "customer_id" in df:
        ids = df["customer_id"].dropna().astype(str)
        duplicated = ids[ids.duplicated()]
        if len(duplicated):
            errors.append(
                f"{len(duplicated):,} duplicate customer_id value(s): {_examples(duplicated.drop_duplicates())}"
            )
        malformed = ids[~ids.str.fullmatch(ID_PATTERN)]
        if len(malformed):
            errors.append(f"{len(malformed):,} customer_id value(s) not CUST + 8 digits: {_examples(malformed)}")
        elif not duplicated.any() and len(ids) == len(df):
            expected = CUSTOMER_ID_PREFIX + pd.Series(np.arange(1, len(ids) + 1).astype(str)).str.zfill(8)
            if not (ids.to_numpy() == expected.to_numpy()).all():
                warnings.append("customer ids are not sequential from CUST00000001")

    if "email" in df:
        emails = df["email"].dropna().astype(str)
        malformed = emails[~emails.str.fullmatch(EMAIL_PATTERN)]
        if len(malformed):
            errors.append(f"{len(malformed):,} malformed email(s) (expected name@domain.tld): {_examples(malformed)}")
        duplicated = emails[emails.str.lower().duplicated()]
        if len(duplicated):
            errors.append(f"{len(duplicated):,} duplicate email(s): {_examples(duplicated.drop_duplicates())}")

    if "credit_limit" in df:
        raw = df["credit_limit"].dropna()
        limits = pd.to_numeric(raw, errors="coerce")
        bad = raw[
            limits.isna()
            | (limits < MIN_CREDIT_LIMIT)
            | (limits > MAX_CREDIT_LIMIT)
            | (limits % CREDIT_LIMIT_STEP != 0)
        ]
        if len(bad):
            errors.append(
                f"{len(bad):,} credit_limit value(s) outside {MIN_CREDIT_LIMIT:,}-{MAX_CREDIT_LIMIT:,} "
                f"or not a multiple of {CREDIT_LIMIT_STEP:,}: {_examples(bad)}"
            )

    if "age" in df:
        raw = df["age"].dropna()
        ages = pd.to_numeric(raw, errors="coerce")
        bad = raw[ages.isna() | (ages < MIN_AGE) | (ages > MAX_AGE) | (ages != ages.round())]
        if len(bad):
            errors.append(f"{len(bad):,} age value(s) outside {MIN_AGE}-{MAX_AGE}: {_examples(bad)}")

    allowed = {
        "state": set(US_STATES),
        "customer_segment": {segment.value for segment in Segment},
        "card_type": {value.value for value in CardType},
        "employment_status": {value.value for value in EmploymentStatus},
        "decline_type": {value.value for value in DeclineType},
    }
    for column, values in allowed.items():
        if column in df:
            column_values = df[column].dropna()
            unknown = column_values[~column_values.isin(values)]
            if len(unknown):
                errors.append(f"{len(unknown):,} unknown {column} value(s): {_examples(unknown.drop_duplicates())}")

    if {"customer_segment", "decline_type"} <= set(df.columns):
        declining = df["customer_segment"] == Segment.DECLINING.value
        has_type = df["decline_type"].notna()
        without = int((declining & ~has_type).sum())
        if without:
            errors.append(f"{without:,} Declining customer(s) without decline_type")
        stray = int((~declining & has_type).sum())
        if stray:
            errors.append(f"{stray:,} customer(s) outside Declining with a decline_type")

    if {"customer_segment", "card_type"} <= set(df.columns):
        premium_elsewhere = int(
            ((df["card_type"] == CardType.PREMIUM.value)
             & (df["customer_segment"] != Segment.HIGH_VALUE_TRAVELERS.value)).sum()
        )  # fmt: skip
        if premium_elsewhere:
            warnings.append(f"{premium_elsewhere:,} Premium card(s) outside High-Value Travelers")

    if {"state", "city"} <= set(df.columns) and len(df):
        pairs = df["city"].astype(str) + ", " + df["state"].astype(str)
        unknown_pairs = pairs[~pairs.isin(CITY_STATE_PAIRS)].drop_duplicates()
        if len(unknown_pairs):
            warnings.append(
                f"{len(unknown_pairs):,} city/state pair(s) not in the place list: {_examples(unknown_pairs)}"
            )

    statistics = _statistics(df)
    if len(df) and "customer_segment" in df:
        for segment, target in SEGMENT_SHARES.items():
            actual = statistics["segment_distribution"].get(segment.value, 0.0)
            if abs(actual - target) > SEGMENT_SHARE_TOLERANCE:
                warnings.append(
                    f"segment {segment.value} is {actual:.1%} of customers, target {target:.0%} "
                    f"(more than {SEGMENT_SHARE_TOLERANCE:.0%} points off)"
                )
    return {"is_valid": not errors, "errors": errors, "warnings": warnings, "statistics": statistics}


def statistics_lines(statistics: dict) -> list[str]:
    """The statistics block as the earlier tool printed it."""
    lines = [
        "Statistics:",
        f"  Total customers: {statistics['total_customers']:,}",
        f"  Unique IDs: {statistics['unique_ids']:,}",
    ]
    if statistics["credit_limit_min"] is not None:
        lines += [
            f"  Credit limit range: ${statistics['credit_limit_min']:,} - ${statistics['credit_limit_max']:,}",
            f"  Average credit limit: ${statistics['credit_limit_mean']:,.2f}",
        ]
    lines += ["", "  Segment Distribution:"]
    order = sorted(statistics["segment_counts"].items(), key=lambda item: -item[1])
    lines += [f"    {name}: {statistics['segment_distribution'][name]:.1%} ({count:,})" for name, count in order]
    for title, key in (("Card Type", "card_type_distribution"), ("Employment", "employment_distribution")):
        lines += ["", f"  {title} Distribution:"]
        total = statistics["total_customers"] or 1
        items = sorted(statistics[key].items(), key=lambda item: -item[1])
        lines += [f"    {name}: {count:,} ({count / total:.1%})" for name, count in items]
    return lines


def validation_lines(result: dict) -> list[str]:
    """Statistics, then warnings and errors, one per line."""
    lines = statistics_lines(result["statistics"])
    if result["warnings"]:
        lines += ["", "Warnings:"] + [f"  - {warning}" for warning in result["warnings"]]
    if result["errors"]:
        lines += ["", "Errors:"] + [f"  - {error}" for error in result["errors"]]
    return lines
