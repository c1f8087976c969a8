"""churnlab writes: seeding the raw data (Parquet and database) and running the DuckDB pipeline into the database."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.databases import describe
from core.loader import DEFAULT_BATCH_SIZE, bulk_load, commit_count
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport

from .constants import DEFAULT_END_DATE, PLANS
from .generation import TABLES, generate_churnlab
from .models import (
    Billing,
    ChurnFeature,
    ChurnTraining,
    ChurnTruth,
    Customer,
    DataQualityCheck,
    SupportTicket,
    UsageDaily,
)
from .parquet import RawParquetWriter, truth_dir_for
from .pipeline import DEFAULT_HORIZON_DAYS, PipelineError, PipelineResult, run_pipeline

MODEL_BY_TABLE = {
    "customers": Customer,
    "churn_truth": ChurnTruth,
    "usage_daily": UsageDaily,
    "billing": Billing,
    "support": SupportTicket,
}
# Parquet column names that differ from the model attnames (the surrogate keys).
RENAMED = {
    "customers": {"customer_id": "id"},
    "usage_daily": {"usage_id": "id"},
    "billing": {"bill_id": "id"},
    "support": {"ticket_id": "id"},
    "data_quality_summary": {"check_id": "id"},
}
assert set(MODEL_BY_TABLE) == set(TABLES)


def model_columns(table: str, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rename Parquet columns to the model's attnames for `core.loader`."""
    renames = RENAMED.get(table, {})
    return {renames.get(name, name): values for name, values in columns.items()}


def churnlab_seed(
    *,
    using: str | None,
    out_dir: Path,
    seed: int = 42,
    customers: int = 100_000,
    end_date: dt.date = DEFAULT_END_DATE,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback = no_progress,
) -> SeedReport:
    """Generate the churnlab dataset, write it as Parquet under `out_dir` (truth beside it in `../truth`) and, unless
    `using` is None, load it into that database in one transaction (wiping it first with `reset`).

    The Parquet files are renamed into place only once everything succeeded, so a failure leaves both the
    database and the files as they were.
    """
    if customers < 1:
        raise ValueError("customers must be positive")
    started = time.perf_counter()
    writer = RawParquetWriter(out_dir)
    rows: dict[str, int] = {}
    usage_stats = {"active_rows": 0, "dropped_rows": 0}
    batches = generate_churnlab(seed=seed, customers=customers, end_date=end_date)

    def consume(loader) -> None:
        for batch in batches:
            writer.write(batch.table, batch.columns)
            count = len(next(iter(batch.columns.values())))
            rows[batch.table] = rows.get(batch.table, 0) + count
            if loader is not None:
                loader.write(MODEL_BY_TABLE[batch.table], model_columns(batch.table, batch.columns))
            for key, value in batch.stats.items():
                usage_stats[key] += value
            if batch.customers_done:
                progress(ProgressEvent("customers", batch.customers_done, customers, "customers"))

    committed_before = commit_count(using) if using else 0
    try:
        if using is None:
            consume(None)
        else:
            with bulk_load(using=using, batch_size=batch_size) as loader:
                if reset:
                    loader.wipe("churnlab")
                consume(loader)
        writer.commit()
    except BaseException:
        if using is not None and commit_count(using) > committed_before:
            writer.commit()  # Ctrl-C after the database commit: the files follow the database (core.files)
        else:
            writer.abort()
        raise
    seconds = time.perf_counter() - started
    dropped = usage_stats["dropped_rows"] / max(usage_stats["active_rows"], 1)
    details = [
        f"  Parquet: {Path(out_dir)}/{{customers,usage_daily,billing,support}}.parquet, "
        f"truth: {truth_dir_for(out_dir)}/churn_truth.parquet",
        f"  missing logs: {usage_stats['dropped_rows']:,} of {usage_stats['active_rows']:,} usage rows dropped "
        f"({dropped:.1%})",
    ]
    if using is not None:
        details.append("  " + plan_churn_line(using=using))
    return SeedReport(
        domain="churnlab",
        database=describe(using) if using is not None else "Parquet only (--no-db)",
        seed=seed,
        rows=rows,
        seconds=seconds,
        details=details,
    )


def plan_churn_line(*, using: str) -> str:
    from . import selectors

    rows = {row["plan"]: row for row in selectors.truth_churn_by_plan(using=using)}
    parts = [
        f"{plan.value} {rows[plan.value]['churned'] / rows[plan.value]['customers']:.1%}"
        for plan in PLANS
        if plan.value in rows
    ]
    return "truly churned within the window: " + ", ".join(parts)


@dataclass
class PipelineReport:
    """The pipeline's rows per table, files written, seconds per step and whether the database was loaded."""

    result: PipelineResult
    database: str | None
    seconds: float

    def lines(self) -> list[str]:
        rows = self.result.rows
        width = max(len(table) for table in rows)
        out = [f"Ran the churnlab pipeline in {self.seconds:.1f} s"]
        out += [f"  {table:<{width}}  {count:>12,}" for table, count in rows.items()]
        out.append("  " + ", ".join(f"{step} {sec:.1f} s" for step, sec in self.result.seconds.items()))
        out.append(f"  wrote {len(self.result.files)} Parquet files under {self.result.files[0].parent.parent}")
        quality = self.result.quality
        out.append("Data quality (raw tables):")
        for name, table, failing, share in zip(
            quality["check_name"], quality["table_name"], quality["failing_rows"], quality["failing_share"], strict=True
        ):
            out.append(f"  {name:<28} {table:<12} {int(failing):>10,} ({share:.2%})")
        labels = np.array([np.nan if v is None else v for v in self.result.features["churn_label"]], dtype=float)
        labelled = ~np.isnan(labels)
        churned = int((labels[labelled] == 1).sum())
        out.append(
            f"Labels: {churned:,} churned, {int((labels[labelled] == 0).sum()):,} retained, "
            f"{int((~labelled).sum()):,} at risk or without usage; churn rate {churned / max(labelled.sum(), 1):.1%}"
        )
        training = self.result.training
        if training is None:
            out.append("Forward target: skipped (no churn_truth.parquet beside the raw folder)")
        else:
            too_new = training["too_new"].astype(bool)
            label = training["churned_next"].astype(int)
            out.append(
                f"Forward target (churn_training): cutoff {training['cutoff_date'][0]}, {len(label):,} customers at "
                f"the cutoff, {int(too_new.sum()):,} too new; {label[~too_new].mean():.1%} churn in the next "
                f"{self.result.horizon_days} days"
            )
        if self.database:
            tables = "churn_features, churn_training" if training is not None else "churn_features"
            out.append(f"Loaded {tables} and data_quality_summary into {self.database}")
        return out


def churn_pipeline_run(
    *,
    raw_dir: Path,
    out_dir: Path,
    using: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
):
    """Run the DuckDB pipeline and, unless `using` is None, replace churn_features, churn_training and
    data_quality_summary there.

    The database must hold the customers of the raw files (seed_churnlab without --no-db): the features point at
    them. Raises PipelineError with a one-line message otherwise.
    """
    started = time.perf_counter()
    result = run_pipeline(raw_dir=raw_dir, out_dir=out_dir, horizon_days=horizon_days)
    if using is not None:
        customers = Customer.objects.using(using).count()
        expected = len(result.features["customer_id"])
        if customers != expected:
            raise PipelineError(
                f"{describe(using)} holds {customers:,} customers but the raw files {expected:,}: "
                "seed the database with the same data (seed_churnlab without --no-db) or pass --no-db"
            )
        with bulk_load(using=using, batch_size=batch_size) as loader:
            loader.delete_all(ChurnTraining)
            loader.delete_all(ChurnFeature)
            loader.delete_all(DataQualityCheck)
            loader.write(ChurnFeature, result.features)
            if result.training is not None:
                loader.write(ChurnTraining, result.training)
            loader.write(DataQualityCheck, model_columns("data_quality_summary", result.quality))
    return PipelineReport(
        result=result,
        database=describe(using) if using is not None else None,
        seconds=time.perf_counter() - started,
    )
