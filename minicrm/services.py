"""minicrm writes: seeding the dataset and (re)calculating RFM scores."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from core.databases import describe
from core.loader import DEFAULT_BATCH_SIZE, bulk_load
from core.progress import ProgressCallback, ProgressEvent, no_progress
from core.reports import SeedReport
from core.validation import ParameterCheck, recovery_report

from . import selectors
from .constants import (
    DEFAULT_DAYS,
    DEFAULT_END_DATE,
    DEFAULT_PRODUCTS,
    PERSONA_LABELS,
    PERSONAS,
    SEGMENT_GRID,
    Persona,
)
from .generation import generate_minicrm
from .models import Customer, Order, OrderItem, Product, RFMScore

MODEL_BY_TABLE = {model._meta.db_table: model for model in (Customer, Product, Order, OrderItem)}


def minicrm_seed(
    *,
    using: str,
    seed: int = 42,
    customers: int = 500,
    days: int = DEFAULT_DAYS,
    end_date: dt.date = DEFAULT_END_DATE,
    products: int = DEFAULT_PRODUCTS,
    reset: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback = no_progress,
    check_parameters: bool = False,
) -> SeedReport:
    """Generate the minicrm dataset and load it into `using` in one transaction (wiping it first with `reset`).

    With `check_parameters`, the report also compares each persona's realised orders/year, value/year and recency
    with Table 4.1 (a parameter-recovery report, 10% tolerance).
    """
    if customers < 1 or days < 1 or products < 1:
        raise ValueError("customers, days and products must be positive")
    with bulk_load(using=using, batch_size=batch_size) as loader:
        if reset:
            loader.wipe("minicrm")
        for batch in generate_minicrm(seed=seed, customers=customers, days=days, end_date=end_date, products=products):
            loader.write(MODEL_BY_TABLE[batch.table], batch.columns)
            progress(ProgressEvent("customers", batch.customers_done, customers, "customers"))
    personas = selectors.customer_persona_counts(using=using)
    details = [
        "  customers per persona: "
        + ", ".join(f"{PERSONA_LABELS[Persona(code)]} {count:,}" for code, count in personas.items())
    ]
    if check_parameters:
        details += ["", "parameter recovery (Table 4.1 vs generated data):"]
        details += [
            "  " + line for line in recovery_report(persona_parameter_checks(using=using, end_date=end_date, days=days))
        ]
    return SeedReport(
        domain="minicrm",
        database=describe(using),
        seed=seed,
        rows=loader.stats.rows,
        seconds=loader.stats.seconds,
        details=details,
    )


def persona_parameter_checks(*, using: str, end_date: dt.date, days: int, tolerance: float = 0.10):
    """Table 4.1's persona means against what the orders in `using` show.

    The tolerance is 10%, widened to three standard errors of the mean where a persona has too few customers for
    10% to be meaningful (100 Champions measure recency 15 +- 10 days only to within +-1 day).
    """
    behaviour = selectors.persona_behaviour(using=using, end_date=end_date, days=days)
    checks = []
    for profile in PERSONAS:
        measured = behaviour.get(profile.persona.value)
        if not measured:
            continue
        label = PERSONA_LABELS[profile.persona]
        for name, attribute in (
            ("orders/year", "orders_per_year"),
            ("value/year", "value_per_year"),
            ("recency days", "recency_days"),
        ):
            mean = getattr(profile, f"{attribute}_mean")
            standard_error = getattr(profile, f"{attribute}_std") / math.sqrt(measured["customers"])
            allowed = max(tolerance, 3 * standard_error / mean)
            checks.append(ParameterCheck(f"{label} {name}", mean, measured[attribute], allowed))
    return checks


def segment_for_scores(recency_score: np.ndarray, fm_score: np.ndarray) -> np.ndarray:
    """Look up SEGMENT_GRID for arrays of R scores and FM scores (both 1-5)."""
    grid = np.array([[segment.value for segment in row] for row in SEGMENT_GRID], dtype=object)
    return grid[np.asarray(recency_score) - 1, np.asarray(fm_score) - 1]


def fm_score(frequency_score: np.ndarray, monetary_score: np.ndarray) -> np.ndarray:
    """Mean of the F and M scores, rounded half up (4 and 5 give 5; 3 and 4 give 4)."""
    return (np.asarray(frequency_score) + np.asarray(monetary_score) + 1) // 2


@dataclass
class RFMResult:
    """What a calculation produced: the as-of date, rows written (or that would be) and the distributions."""

    as_of: dt.date | None
    customers_scored: int
    written: bool
    seconds: float


def rfm_calculate(*, using: str, as_of: dt.date | None = None, dry_run: bool = False) -> RFMResult:
    """Score every customer with at least one non-cancelled order before `as_of` and store the scores.

    Values and quintile scores come from one SQL query (`selectors.rfm_values`); the segment is a lookup in
    SEGMENT_GRID. Rows are replaced in one transaction, so a recalculation refreshes `calculated_at` and drops
    scores of customers who no longer qualify. With `dry_run` nothing is written.
    """
    started = timezone.now()
    as_of = as_of or selectors.rfm_default_as_of(using=using)
    if as_of is None:
        return RFMResult(as_of=None, customers_scored=0, written=False, seconds=0.0)
    values = selectors.rfm_values(using=using, as_of=as_of)
    count = len(values["customer_id"])
    if not dry_run:
        fm = fm_score(values["frequency_score"], values["monetary_score"])
        segment = segment_for_scores(values["recency_score"], fm)
        code = np.strings.add(
            np.strings.add(values["recency_score"].astype(str), values["frequency_score"].astype(str)),
            values["monetary_score"].astype(str),
        )
        columns = {
            **values,
            "rfm_code": code,
            "segment": segment.astype(str),
            "as_of": np.full(count, np.datetime64(as_of, "D")),
            "calculated_at": np.full(count, np.datetime64(started.replace(tzinfo=None), "s")),
        }
        with bulk_load(using=using) as loader:
            loader.delete_all(RFMScore)
            loader.write(RFMScore, columns)
    seconds = (timezone.now() - started).total_seconds()
    return RFMResult(as_of=as_of, customers_scored=count, written=not dry_run, seconds=seconds)
