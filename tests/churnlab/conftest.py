"""Fixtures of the churnlab tests: one small generated dataset and one pipeline run, shared by the module tests."""

import datetime as dt

import numpy as np
import pytest

from churnlab.generation import TABLES, generate_churnlab
from churnlab.pipeline import run_pipeline
from churnlab.services import churnlab_seed

CHURNLAB_DATABASES = ["default", "churnlab"]
END = dt.date(2024, 12, 31)
CUSTOMERS = 4000


@pytest.fixture(scope="session")
def generated():
    """The raw tables of 4,000 customers (seed 42) as concatenated numpy columns, plus the usage drop stats."""
    parts = {table: [] for table in TABLES}
    stats = {"active_rows": 0, "dropped_rows": 0}
    for batch in generate_churnlab(seed=42, customers=CUSTOMERS, end_date=END, shard_size=1500):
        parts[batch.table].append(batch.columns)
        for key, value in batch.stats.items():
            stats[key] += value
    tables = {
        table: {name: np.concatenate([part[name] for part in chunks]) for name in chunks[0]}
        for table, chunks in parts.items()
    }
    return tables, stats


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    """4,000 customers written as Parquet (no database) and run through the DuckDB pipeline."""
    root = tmp_path_factory.mktemp("churnlab")
    report = churnlab_seed(using=None, out_dir=root / "raw", seed=42, customers=CUSTOMERS, end_date=END)
    result = run_pipeline(raw_dir=root / "raw", out_dir=root)
    return root, report, result
