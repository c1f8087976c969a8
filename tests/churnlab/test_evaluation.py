"""The churn baseline and the label-vs-truth agreement."""

import datetime as dt

import pandas as pd
import pytest

from churnlab.evaluation import EvaluationError, evaluate_churn_model, label_agreement


def test_baseline_learns_churn_from_behaviour(pipeline_run):
    root, _, _ = pipeline_run
    evaluation = evaluate_churn_model(
        features_path=root / "analytics" / "churn_features.parquet", truth_path=root / "truth" / "churn_truth.parquet"
    )
    assert evaluation.auc >= 0.80
    confusion = evaluation.confusion
    assert sum(confusion.values()) == evaluation.test_customers
    # Balanced class weights: the default threshold finds most churners.
    assert confusion["tp"] > confusion["fn"]
    assert "recency_days" not in evaluation.coefficients  # the label's own definition is not a feature
    agreement = evaluation.agreement
    assert agreement.accuracy > 0.9 and agreement.precision > 0.9 and agreement.recall > 0.85
    assert "AUC" in "\n".join(evaluation.lines())


def test_same_split_seed_same_result(pipeline_run):
    root, _, _ = pipeline_run
    path = root / "analytics" / "churn_features.parquet"
    assert evaluate_churn_model(features_path=path, seed=3).auc == evaluate_churn_model(features_path=path, seed=3).auc


def test_label_agreement_counts():
    observation = dt.date(2024, 12, 31)
    features = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "churn_label": [1.0, 1.0, 0.0, None, None],
            "observation_date": [observation] * 5,
            "active_days": [10, 10, 10, 10, 0],
        }
    )
    truth = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "churned": [True, False, False, True, False],
            "churn_date": [dt.date(2024, 10, 1), None, None, dt.date(2024, 12, 1), None],
        }
    )
    agreement = label_agreement(features, truth)
    assert (agreement.labelled, agreement.churned_label, agreement.churned_label_truly_churned) == (3, 2, 1)
    assert (agreement.retained_label, agreement.retained_label_truly_active) == (1, 1)
    assert (agreement.true_churners, agreement.at_risk, agreement.at_risk_truly_churned) == (1, 1, 1)
    assert agreement.accuracy == pytest.approx(2 / 3)


def test_missing_features_and_too_few_labels_are_errors(tmp_path):
    with pytest.raises(EvaluationError, match="does not exist: run run_churn_pipeline first"):
        evaluate_churn_model(features_path=tmp_path / "none.parquet")
    path = tmp_path / "tiny.parquet"
    pd.DataFrame({"customer_id": [1, 2], "churn_label": [1.0, 0.0]}).to_parquet(path)
    with pytest.raises(EvaluationError, match="too few churned or retained customers"):
        evaluate_churn_model(features_path=path)
