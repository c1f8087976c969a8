"""The churn model baseline: logistic regression on the labelled features, scored on held-out customers. No Django.

Features that define the label (recency, last active date) or are measured after a churned customer left (the
30-day windows, which are zero for everyone who went quiet) are left out: with them the model would only re-learn
the labelling rule. What remains describes how a customer used, paid and asked for help over their life.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Counts of active days (or their share of tenure) are left out too: next to tenure they restate recency.
NUMERIC_FEATURES = (
    "tenure_days",
    "avg_sessions",
    "avg_usage_minutes",
    "total_payment_issues",
    "payment_issue_share",
    "total_tickets",
    "high_priority_tickets",
)
CATEGORICAL_FEATURES = ("plan", "region")
DEFAULT_THRESHOLD = 0.5
DEFAULT_TEST_SIZE = 0.25


class EvaluationError(Exception):
    """The evaluation cannot run (missing files, no labelled customers, scikit-learn not installed)."""


@dataclass
class LabelAgreement:
    """How the recency label matches the simulation's ground truth (churned within the window or not)."""

    labelled: int
    churned_label_truly_churned: int
    churned_label: int
    retained_label_truly_active: int
    retained_label: int
    true_churners: int
    true_churners_labelled_churned: int
    at_risk: int
    at_risk_truly_churned: int

    @property
    def accuracy(self) -> float:
        correct = self.churned_label_truly_churned + self.retained_label_truly_active
        return correct / self.labelled if self.labelled else 0.0

    @property
    def precision(self) -> float:
        return self.churned_label_truly_churned / self.churned_label if self.churned_label else 0.0

    @property
    def recall(self) -> float:
        return self.true_churners_labelled_churned / self.true_churners if self.true_churners else 0.0


@dataclass
class ChurnEvaluation:
    """Held-out performance of the baseline and the label-vs-truth agreement."""

    train_customers: int
    test_customers: int
    churn_rate: float
    auc: float
    threshold: float
    confusion: dict[str, int]  # tn, fp, fn, tp on the test set
    agreement: LabelAgreement | None
    coefficients: dict[str, float]

    def lines(self) -> list[str]:
        c = self.confusion
        lines = [
            f"Logistic regression on {self.train_customers:,} labelled customers, "
            f"tested on {self.test_customers:,} held-out ones (churn rate {self.churn_rate:.1%})",
            f"  AUC {self.auc:.3f}",
            f"  confusion at threshold {self.threshold:.2f}:  predicted retained  predicted churned",
            f"    actually retained                 {c['tn']:>10,}  {c['fp']:>16,}",
            f"    actually churned                  {c['fn']:>10,}  {c['tp']:>16,}",
        ]
        top = sorted(self.coefficients.items(), key=lambda item: -abs(item[1]))[:5]
        lines.append("  strongest coefficients (standardised): " + ", ".join(f"{k} {v:+.2f}" for k, v in top))
        a = self.agreement
        if a is not None:
            lines += [
                "Label vs ground truth (churned within the window):",
                f"  {a.accuracy:.1%} of {a.labelled:,} labelled customers agree with the truth",
                f"  churn_label = 1: {a.churned_label:,}, of which {a.precision:.1%} truly churned",
                f"  churn_label = 0: {a.retained_label:,}, of which "
                f"{a.retained_label_truly_active / max(a.retained_label, 1):.1%} truly still customers",
                f"  true churners: {a.true_churners:,}, {a.recall:.1%} of them labelled 1",
                f"  at risk (label NULL): {a.at_risk:,}, of which {a.at_risk_truly_churned:,} truly churned",
            ]
        return lines


def model_frame(features):
    """The features as the model sees them: the payment-issue ratio added, usage averages on a log scale."""
    frame = features.copy()
    # NULL counts mean "never billed" or "no tickets": for the model, none.
    counts = ["total_bills", "total_payment_issues", "total_tickets", "high_priority_tickets"]
    frame[counts] = frame[counts].fillna(0)
    frame["payment_issue_share"] = frame["total_payment_issues"] / frame["total_bills"].clip(lower=1)
    # Usage spans two orders of magnitude between plans (2 to 60 sessions a day): its logarithm is what relates
    # linearly to the churn odds. Customers who never used the product count as zero.
    for column in ("avg_sessions", "avg_usage_minutes"):
        frame[column] = np.log1p(frame[column].fillna(0.0))
    return frame


def label_agreement(features, truth) -> LabelAgreement:
    """Compare churn_label with the truth, counting a customer as truly churned if the churn date is on or before
    the observation date."""
    merged = features[["customer_id", "churn_label", "observation_date", "active_days"]].merge(
        truth, on="customer_id", how="left"
    )
    truly = merged["churned"].fillna(False).astype(bool) & (merged["churn_date"] <= merged["observation_date"])
    label = merged["churn_label"]
    labelled = label.notna()
    at_risk = label.isna() & (merged["active_days"] > 0)
    return LabelAgreement(
        labelled=int(labelled.sum()),
        churned_label_truly_churned=int(((label == 1) & truly).sum()),
        churned_label=int((label == 1).sum()),
        retained_label_truly_active=int(((label == 0) & ~truly).sum()),
        retained_label=int((label == 0).sum()),
        true_churners=int((truly & labelled).sum()),
        true_churners_labelled_churned=int(((label == 1) & truly).sum()),
        at_risk=int(at_risk.sum()),
        at_risk_truly_churned=int((at_risk & truly).sum()),
    )


def evaluate_churn_model(
    *,
    features_path: Path,
    truth_path: Path | None = None,
    seed: int = 42,
    test_size: float = DEFAULT_TEST_SIZE,
    threshold: float = DEFAULT_THRESHOLD,
) -> ChurnEvaluation:
    """Train the baseline on a stratified split of the labelled customers and score the held-out part."""
    features_path = Path(features_path)
    if not features_path.is_file():
        raise EvaluationError(f"{features_path} does not exist: run run_churn_pipeline first")
    try:
        from sklearn.compose import ColumnTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import confusion_matrix, roc_auc_score
        from sklearn.model_selection import train_test_split
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler
    except ImportError:
        raise EvaluationError("scikit-learn is not installed: pip install -e '.[ml]'") from None
    import pandas as pd

    try:
        features = pd.read_parquet(features_path)
    except Exception as exc:  # pyarrow raises its own errors (ArrowInvalid, OSError) for files that are not Parquet
        first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        raise EvaluationError(f"{features_path} is not a readable Parquet file: {first}") from None
    if "churn_label" not in features.columns:
        raise EvaluationError(f"{features_path} has no churn_label column: is it churn_features.parquet?")
    labelled = features[features["churn_label"].notna()]
    target = labelled["churn_label"].astype(int).to_numpy()
    if len(np.unique(target)) < 2 or min(np.bincount(target)) < 4:
        raise EvaluationError("too few churned or retained customers to train on: seed more customers")
    derived = {"payment_issue_share"}  # model_frame computes it
    needed = ["total_bills", *NUMERIC_FEATURES, *CATEGORICAL_FEATURES]
    missing = [column for column in needed if column not in features.columns and column not in derived]
    if missing:
        raise EvaluationError(
            f"{features_path} lacks the column(s) {', '.join(missing)}: is it churn_features.parquet from "
            "run_churn_pipeline?"
        )
    labelled = model_frame(labelled)
    columns = [*NUMERIC_FEATURES, *CATEGORICAL_FEATURES]
    train, test, y_train, y_test = train_test_split(
        labelled[columns], target, test_size=test_size, random_state=seed, stratify=target
    )
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(NUMERIC_FEATURES)),
            ("categorical", OneHotEncoder(drop="first", handle_unknown="ignore"), list(CATEGORICAL_FEATURES)),
        ]
    )
    # Balanced class weights: churners are the minority, and the default threshold should still find them.
    model = make_pipeline(preprocess, LogisticRegression(max_iter=1000, class_weight="balanced"))
    model.fit(train, y_train)
    probability = model.predict_proba(test)[:, 1]
    tn, fp, fn, tp = confusion_matrix(y_test, probability >= threshold, labels=[0, 1]).ravel()
    names = model[0].get_feature_names_out()
    coefficients = {name.split("__", 1)[1]: float(value) for name, value in zip(names, model[-1].coef_[0], strict=True)}
    agreement = None
    if truth_path is not None and Path(truth_path).is_file():
        agreement = label_agreement(features, pd.read_parquet(truth_path))
    return ChurnEvaluation(
        train_customers=len(train),
        test_customers=len(test),
        churn_rate=float(target.mean()),
        auc=float(roc_auc_score(y_test, probability)),
        threshold=threshold,
        confusion={"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
        agreement=agreement,
        coefficients=coefficients,
    )


# --- The forward target (churn_training) ----------------------------------------------------------------------------

# The documented features of churn_training: everything measured before the cutoff. The label is churned_next.
TRAINING_NUMERIC_FEATURES = (
    "tenure_days",
    "active_days_30d",
    "avg_usage_last_30d",
    "avg_usage_prev_30d",
    "usage_trend_30d",
    "avg_sessions_last_30d",
    "recency_days",
    "bills_90d",
    "late_payments_90d",
    "failed_payments_90d",
    "tickets_90d",
    "technical_tickets_90d",
    "high_priority_tickets_90d",
)
TRAINING_LABEL = "churned_next"
# A feature that alone ranks churners this well restates the label rather than predicting it.
LEAK_AUC = 0.90


def training_frame(training):
    """The model's view of churn_training: customers with enough history, NULLs filled (no usage in a window: 0
    minutes; never active: recency = tenure), plan and region one-hot. Returns (X, y)."""
    import pandas as pd

    frame = training[~training["too_new"].astype(bool)]
    numeric = frame[list(TRAINING_NUMERIC_FEATURES)].astype(float)
    numeric = numeric.assign(recency_days=numeric["recency_days"].fillna(numeric["tenure_days"])).fillna(0.0)
    categorical = pd.get_dummies(frame[list(CATEGORICAL_FEATURES)], drop_first=True).astype(float)
    return pd.concat([numeric, categorical], axis=1), frame[TRAINING_LABEL].astype(int).to_numpy()


def single_feature_aucs(X, y) -> dict[str, float]:
    """Each column's AUC on its own (direction-free: max(AUC, 1 - AUC))."""
    from sklearn.metrics import roc_auc_score

    out = {}
    for column in X.columns:
        values = X[column].to_numpy()
        if np.unique(values).size > 1:
            auc = roc_auc_score(y, values)
            out[column] = max(auc, 1 - auc)
    return out


def leaking_features(X, y, *, limit: float = LEAK_AUC) -> list[str]:
    """Columns that alone reach `limit`: they know the answer."""
    return sorted(name for name, auc in single_feature_aucs(X, y).items() if auc >= limit)


@dataclass
class ForwardEvaluation:
    """Held-out AUC of logistic regression and gradient boosting on the forward target, and the leak check."""

    train_customers: int
    test_customers: int
    too_new: int
    churn_rate: float
    horizon_days: int
    cutoff_date: str
    logistic_auc: float
    boosting_auc: float
    best_single_feature: tuple[str, float]
    leaks: list[str]

    def lines(self) -> list[str]:
        name, auc = self.best_single_feature
        return [
            f"Forward target: churn in the {self.horizon_days} days after {self.cutoff_date}, features from before it",
            f"  {self.train_customers:,} customers to train on, {self.test_customers:,} held out "
            f"(churn rate {self.churn_rate:.1%}); {self.too_new:,} too new at the cutoff, left out",
            f"  logistic regression AUC {self.logistic_auc:.3f}",
            f"  gradient boosting AUC   {self.boosting_auc:.3f}",
            f"  best single feature: {name} (AUC {auc:.3f})",
            "  leak check: "
            + (("LEAKING " + ", ".join(self.leaks)) if self.leaks else f"no feature reaches {LEAK_AUC}"),
        ]


def evaluate_forward_model(*, training_path: Path, seed: int = 42, test_size: float = DEFAULT_TEST_SIZE):
    """Train logistic regression and gradient boosting on churn_training.parquet and score both held out."""
    training_path = Path(training_path)
    if not training_path.is_file():
        raise EvaluationError(
            f"{training_path} does not exist: run run_churn_pipeline (with the truth beside the raw folder) first"
        )
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import train_test_split
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        raise EvaluationError("scikit-learn is not installed: pip install -e '.[ml]'") from None
    import pandas as pd

    try:
        training = pd.read_parquet(training_path)
    except Exception as exc:  # pyarrow raises its own errors for files that are not Parquet
        first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        raise EvaluationError(f"{training_path} is not a readable Parquet file: {first}") from None
    missing = [name for name in (*TRAINING_NUMERIC_FEATURES, TRAINING_LABEL, "too_new") if name not in training]
    if missing:
        raise EvaluationError(f"{training_path} lacks {', '.join(missing)}: is it churn_training.parquet?")
    X, y = training_frame(training)
    if len(np.unique(y)) < 2 or min(np.bincount(y)) < 10:
        raise EvaluationError("too few churned or retained customers at the cutoff to train on: seed more customers")
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    logistic.fit(X_train, y_train)
    boosting = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.04, max_depth=3, min_samples_leaf=60, l2_regularization=1.0, random_state=seed
    )
    boosting.fit(X_train, y_train)
    aucs = single_feature_aucs(X_train, y_train)
    best = max(aucs.items(), key=lambda item: item[1])
    return ForwardEvaluation(
        train_customers=len(X_train),
        test_customers=len(X_test),
        too_new=int(training["too_new"].astype(bool).sum()),
        churn_rate=float(y.mean()),
        horizon_days=int(training["horizon_days"].iloc[0]),
        cutoff_date=str(pd.Timestamp(training["cutoff_date"].iloc[0]).date()),
        logistic_auc=float(roc_auc_score(y_test, logistic.predict_proba(X_test)[:, 1])),
        boosting_auc=float(roc_auc_score(y_test, boosting.predict_proba(X_test)[:, 1])),
        best_single_feature=(best[0], float(best[1])),
        leaks=leaking_features(X_train, y_train),
    )
