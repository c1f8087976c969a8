"""The forward target (churn_training): features from before the cutoff only, the label from the truth after it,
models that learn causes rather than a restated rule, and a leak check that catches a feature knowing the answer."""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from churnlab.evaluation import (
    LEAK_AUC,
    evaluate_forward_model,
    leaking_features,
    single_feature_aucs,
    training_frame,
)
from churnlab.pipeline import run_pipeline
from churnlab.services import churnlab_seed

END = dt.date(2024, 12, 31)
FEATURES = [
    "tenure_days", "active_days_30d", "avg_usage_last_30d", "avg_usage_prev_30d", "usage_trend_30d",
    "avg_sessions_last_30d", "recency_days", "bills_90d", "late_payments_90d", "failed_payments_90d", "tickets_90d",
    "technical_tickets_90d", "high_priority_tickets_90d",
]  # fmt: skip


@pytest.fixture(scope="module")
def forward(tmp_path_factory):
    """30,000 customers (enough churners at the cutoff for stable AUCs), Parquet only, through the pipeline."""
    root = tmp_path_factory.mktemp("forward")
    churnlab_seed(using=None, out_dir=root / "raw", seed=11, customers=30_000, end_date=END)
    run_pipeline(raw_dir=root / "raw", out_dir=root)
    return root, pd.read_parquet(root / "analytics" / "churn_training.parquet")


def test_models_learn_causes_not_a_restated_label(forward):
    root, training = forward
    result = evaluate_forward_model(training_path=root / "analytics" / "churn_training.parquet", seed=3)
    assert result.best_single_feature[1] < LEAK_AUC and result.leaks == []
    assert 0.72 <= result.logistic_auc <= 0.88, result.lines()
    assert result.boosting_auc > result.logistic_auc, result.lines()
    X, y = training_frame(training)
    assert max(single_feature_aucs(X, y).values()) < LEAK_AUC


def test_the_leak_check_fails_a_feature_that_knows_the_future(forward):
    root, training = forward
    X, y = training_frame(training)
    assert leaking_features(X, y) == []
    # churn_features' recency is measured at the window's end, after the cutoff: joined to the forward target it
    # sees the churn it should predict.
    whole_window = pd.read_parquet(root / "analytics" / "churn_features.parquet").set_index("customer_id")
    ids = training.loc[~training["too_new"].astype(bool), "customer_id"]
    leaky = X.assign(recency_at_window_end=whole_window["recency_days"].reindex(ids).fillna(999).to_numpy())
    assert leaking_features(leaky, y) == ["recency_at_window_end"]


def test_label_comes_from_the_truth_after_the_cutoff_and_new_customers_are_flagged(forward):
    root, training = forward
    truth = pd.read_parquet(root / "truth" / "churn_truth.parquet").set_index("customer_id")
    cutoff = pd.Timestamp(training["cutoff_date"].iloc[0])
    churn = pd.to_datetime(truth.loc[training["customer_id"], "churn_date"]).to_numpy()
    horizon = pd.Timedelta(days=int(training["horizon_days"].iloc[0]))
    expected = ~pd.isna(churn) & (churn < np.datetime64(cutoff + horizon))
    assert (training["churned_next"].to_numpy() == expected).all()
    assert not (~pd.isna(churn) & (churn < np.datetime64(cutoff))).any()  # only customers still there at the cutoff
    assert (training["too_new"] == (training["tenure_days"] < 30)).all() and training["too_new"].any()
    assert (training["recency_days"].dropna() >= 1).all()  # the last active day is before the cutoff


def test_rows_after_the_cutoff_do_not_change_a_single_feature(forward, tmp_path):
    root, training = forward
    cutoff = pd.Timestamp(training["cutoff_date"].iloc[0])
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "churn_truth.parquet").write_bytes((root / "truth" / "churn_truth.parquet").read_bytes())
    for table, column in (("customers", None), ("usage_daily", "date"), ("billing", "bill_date"),
                          ("support", "ticket_date")):  # fmt: skip
        frame = pq.read_table(root / "raw" / f"{table}.parquet")
        if column is not None:
            dates = pd.to_datetime(frame.column(column).to_pandas())
            last = dates.max()
            # Drop what happened after the cutoff (keep the last usage day: it fixes the observation date).
            keep = (dates < cutoff) | ((dates == last) if table == "usage_daily" else False)
            frame = frame.filter(np.asarray(keep))
        pq.write_table(frame, raw / f"{table}.parquet")
    run_pipeline(raw_dir=raw, out_dir=tmp_path)
    pruned = pd.read_parquet(tmp_path / "analytics" / "churn_training.parquet")
    assert pruned["cutoff_date"].iloc[0] == training["cutoff_date"].iloc[0]
    pd.testing.assert_frame_equal(pruned[["customer_id", *FEATURES]], training[["customer_id", *FEATURES]])
