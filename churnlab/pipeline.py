"""The DuckDB pipeline: raw Parquet -> staging tables -> data-quality summary and churn features. No Django.

The SQL lives in `churnlab/sql/` as teaching material; this module only points DuckDB at the files, runs the SQL
in order and writes the results as Parquet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .parquet import RAW_TABLES, TRUTH_TABLE, table_path

SQL_DIR = Path(__file__).resolve().parent / "sql"
SQL_FILES = ("staging.sql", "data_quality.sql", "churn_features.sql")
# Needs the hidden truth (beside the raw folder): the forward target of churn_training.
TRAINING_SQL = "churn_training.sql"
DEFAULT_HORIZON_DAYS = 60
STAGING_TABLES = {
    "stg_customers": "customers",
    "stg_usage_daily": "usage_daily",
    "stg_billing": "billing",
    "stg_support": "support",
}


class PipelineError(Exception):
    """The pipeline cannot run: missing input files or SQL that fails. The message is one line."""


@dataclass
class PipelineResult:
    """What a run produced: rows per written table, files, and the feature and quality tables as numpy columns."""

    rows: dict[str, int]
    files: list[Path]
    features: dict[str, np.ndarray]
    quality: dict[str, np.ndarray]
    seconds: dict[str, float] = field(default_factory=dict)
    training: dict[str, np.ndarray] | None = None  # None when the truth file is not there
    horizon_days: int = DEFAULT_HORIZON_DAYS


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _numpy_columns(relation) -> dict[str, np.ndarray]:
    """DuckDB columns as plain numpy: NULL floats become NaN, NULL dates NaT, integers with NULLs object arrays of
    ints and None; dates are datetime64[D]."""
    out = {}
    for name, values in relation.fetchnumpy().items():
        if np.ma.isMaskedArray(values):
            mask = np.ma.getmaskarray(values)
            data = np.ma.getdata(values)
            if data.dtype.kind in "iu":
                # Python ints and None: a float NaN would turn the integers into "0.0", which COPY rejects.
                data = data.astype(object)
                data[mask] = None
            elif data.dtype.kind == "f":
                data = data.copy()
                data[mask] = np.nan
            elif data.dtype.kind == "M":
                data = data.copy()
                data[mask] = np.datetime64("NaT", "D")
            else:
                data = data.astype(object)
                data[mask] = None
            values = data
        if values.dtype.kind == "M":
            values = values.astype("datetime64[D]")
        elif values.dtype.kind == "O" and all(isinstance(value, str) for value in values[:1]):
            values = values.astype(str)
        out[name] = np.asarray(values)
    return out


def missing_inputs(raw_dir: Path) -> list[str]:
    return [f"{table}.parquet" for table in RAW_TABLES if not (Path(raw_dir) / f"{table}.parquet").is_file()]


def run_pipeline(
    *, raw_dir: Path, out_dir: Path, threads: int | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> PipelineResult:
    """Run the SQL files over `raw_dir`/*.parquet; write `out_dir`/staging/*.parquet and `out_dir`/analytics/.

    With the truth file beside the raw folder, also build churn_training (features before a cutoff, the churn in
    the `horizon_days` after it) and write it as analytics/churn_training.parquet, the label also named
    `churned_next_<N>d`."""
    if not 1 <= int(horizon_days) <= 365:
        raise PipelineError(f"the horizon must be 1 to 365 days, got {horizon_days}")
    import duckdb

    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise PipelineError(f"raw folder {raw_dir} does not exist: run seed_churnlab --out {raw_dir} first")
    missing = missing_inputs(raw_dir)
    if missing:
        raise PipelineError(f"raw folder {raw_dir} lacks {', '.join(missing)}: run seed_churnlab --out {raw_dir} first")
    staging_dir, analytics_dir = out_dir / "staging", out_dir / "analytics"
    try:
        staging_dir.mkdir(parents=True, exist_ok=True)
        analytics_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PipelineError(f"cannot create {exc.filename}: {exc.strerror}") from None
    seconds: dict[str, float] = {}
    connection = duckdb.connect(":memory:")
    try:
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        for table in RAW_TABLES:
            path = _sql_string(raw_dir / f"{table}.parquet")
            connection.execute(f"CREATE VIEW raw_{table} AS SELECT * FROM read_parquet({path})")
        truth = table_path(raw_dir, TRUTH_TABLE)
        with_training = truth.is_file()
        if with_training:
            connection.execute(f"CREATE VIEW raw_churn_truth AS SELECT * FROM read_parquet({_sql_string(truth)})")
            connection.execute(f"CREATE TABLE training_settings AS SELECT {int(horizon_days)} AS horizon_days")
        for name in SQL_FILES + ((TRAINING_SQL,) if with_training else ()):
            started = time.perf_counter()
            try:
                connection.execute((SQL_DIR / name).read_text())
            except duckdb.Error as exc:
                raise PipelineError(f"{name} failed: {str(exc).splitlines()[0]}") from None
            seconds[name] = time.perf_counter() - started
        started = time.perf_counter()
        files, rows = [], {}
        outputs = [(table, staging_dir / f"{raw}.parquet") for table, raw in STAGING_TABLES.items()]
        outputs += [(table, analytics_dir / f"{table}.parquet") for table in ("churn_features", "data_quality_summary")]
        if with_training:
            outputs.append(("churn_training", analytics_dir / "churn_training.parquet"))
        for table, path in outputs:
            query = table
            if table == "churn_training":  # the label also under its descriptive name
                query = f"(SELECT *, churned_next AS churned_next_{int(horizon_days)}d FROM churn_training)"
            try:
                connection.execute(f"COPY {query} TO {_sql_string(path)} (FORMAT parquet)")
            except duckdb.Error as exc:
                raise PipelineError(f"cannot write {path}: {str(exc).splitlines()[0]}") from None
            rows[table] = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            files.append(path)
        seconds["write"] = time.perf_counter() - started
        features = _numpy_columns(connection.execute("SELECT * FROM churn_features ORDER BY customer_id"))
        quality = _numpy_columns(connection.execute("SELECT * FROM data_quality_summary ORDER BY check_id"))
        training = None
        if with_training:
            training = _numpy_columns(connection.execute("SELECT * FROM churn_training ORDER BY customer_id"))
    finally:
        connection.close()
    return PipelineResult(
        rows=rows,
        files=files,
        features=features,
        quality=quality,
        seconds=seconds,
        training=training,
        horizon_days=int(horizon_days),
    )
