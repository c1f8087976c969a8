"""Scoring a student's predictions against the simulation's hidden truth; the truth itself is never returned.

Two kinds of question per domain (docs/teaching.md lists them):
- churn: a CSV `customer_id,score`, a higher score meaning more likely to churn; scored by AUC.
- class: a CSV `customer_id,label` naming the class the customer was generated from; accuracy and confusion matrix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps

# domain -> task -> (model label, id field, truth field, what the truth is)
TRUTHS = {
    "dvdrental": {
        "churn": (
            "dvdrental.CustomerLifecycle",
            "customer_id",
            "churn_week",
            "churned at some point (customer_lifecycle)",
        ),
        "class": ("dvdrental.CustomerLifecycle", "customer_id", "segment", "segment drawn on joining"),
    },
    "minicrm": {"class": ("minicrm.Customer", "pk", "persona", "persona the customer was generated from")},
    "cardportfolio": {"class": ("cardportfolio.Customer", "pk", "customer_segment", "generated segment")},
    "churnlab": {"churn": ("churnlab.ChurnTruth", "customer_id", "churned", "churned within the window")},
    "hopify": {"churn": ("hopify.Customer", "pk", "churn_events", "has a churn event")},
}
HEADERS = {("customer_id", "score"): "churn", ("customer_id", "label"): "class"}


class PredictionFileError(Exception):
    """A predictions file that cannot be scored; the message is one line."""


@dataclass
class PredictionScore:
    task: str
    truth: str
    scored: int
    population: int
    auc: float | None = None
    positives: int = 0
    accuracy: float | None = None
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)  # rows: truth, columns: predicted

    def lines(self) -> list[str]:
        head = f"{self.scored:,} of {self.population:,} customers scored against the truth: {self.truth}"
        if self.task == "churn":
            return [head, f"AUC {self.auc:.4f} ({self.positives:,} churned among the scored customers)"]
        width = max(len(label) for label in [*self.labels, "truth \\ predicted"])
        rows = ["truth \\ predicted".ljust(width) + "".join(f"{label[:14]:>16}" for label in self.labels)]
        for label, counts in zip(self.labels, self.confusion, strict=False):
            rows.append(label.ljust(width) + "".join(f"{count:>16,}" for count in counts))
        return [head, f"accuracy {self.accuracy:.4f}", *rows]


def auc_score(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    labels = labels.astype(bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("AUC needs both churned and retained customers")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    average_rank = ends - (counts - 1) / 2.0  # 1-based average rank of each distinct score
    ranks = average_rank[inverse]
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _truth(domain: str, task: str, using: str) -> tuple[np.ndarray, np.ndarray]:
    label, id_field, truth_field, _ = TRUTHS[domain][task]
    model = apps.get_model(label)
    if domain == "hopify":
        from hopify.models import ChurnEvent

        ids = np.array(list(model.objects.using(using).values_list("pk", flat=True)))
        churned = set(ChurnEvent.objects.using(using).values_list("customer_id", flat=True).distinct())
        return ids, np.isin(ids, np.array(sorted(churned), dtype=ids.dtype))
    pairs = list(model.objects.using(using).values_list(id_field, truth_field))
    ids = np.array([pair[0] for pair in pairs])
    values = [pair[1] for pair in pairs]
    if task == "churn":
        return ids, np.array([value is not None and value is not False for value in values])
    return ids, np.array(values, dtype=object)


def _read(text: str, source: str) -> tuple[str, list[str], list[str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple(cell.strip().lower() for cell in next(reader, []))
    if header not in HEADERS:
        raise PredictionFileError(
            f"{source}: the header must be customer_id,score (churn) or customer_id,label (class), "
            f"found {','.join(header) or 'nothing'}"
        )
    ids, values = [], []
    for number, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise PredictionFileError(f"{source} line {number}: expected 2 values, found {len(row)}")
        ids.append(row[0].strip())
        values.append(row[1].strip())
    if not ids:
        raise PredictionFileError(f"{source}: no predictions after the header")
    return HEADERS[header], ids, values


def predictions_score(*, domain: str, using: str, text: str, source: str = "the file") -> PredictionScore:
    """Score the CSV `text` against the domain's truth; PredictionFileError (one line) for a file that cannot be."""
    task, raw_ids, values = _read(text, source)
    tasks = TRUTHS.get(domain, {})
    if task not in tasks:
        other = ", ".join(f"customer_id,{'score' if name == 'churn' else 'label'}" for name in tasks) or "none"
        raise PredictionFileError(f"{domain} has no {task} truth to score against (questions here: {other})")
    truth_ids, truth = _truth(domain, task, using)
    if len(truth_ids) == 0:
        raise PredictionFileError(f"{domain} holds no truth yet: seed it first (python manage.py seed_{domain})")
    if truth_ids.dtype.kind in "iu":
        try:
            ids = np.array([int(value) for value in raw_ids], dtype=np.int64)
        except ValueError:
            bad = next(value for value in raw_ids if not value.lstrip("-").isdigit())
            raise PredictionFileError(f"{source}: customer_id {bad!r} is not an integer") from None
    else:
        ids = np.array(raw_ids, dtype=truth_ids.dtype if truth_ids.dtype.kind == "U" else object)
    unique, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        raise PredictionFileError(f"{source}: customer_id {unique[counts > 1][0]} appears more than once")
    order = np.argsort(truth_ids)
    position = np.searchsorted(truth_ids[order], ids)
    position = np.clip(position, 0, len(truth_ids) - 1)
    found = truth_ids[order][position] == ids
    if not found.all():
        unknown = ids[~found]
        raise PredictionFileError(f"{source}: {len(unknown):,} customer_id(s) not in {domain}, e.g. {unknown[0]}")
    truth_of_rows = truth[order][position]
    description = TRUTHS[domain][task][3]
    score = PredictionScore(task=task, truth=description, scored=len(ids), population=len(truth_ids))
    if task == "churn":
        try:
            scores = np.array([float(value) for value in values])
        except ValueError:
            bad = next(value for value in values if not _is_float(value))
            raise PredictionFileError(f"{source}: score {bad!r} is not a number") from None
        if not np.isfinite(scores).all():
            raise PredictionFileError(f"{source}: scores must be finite numbers")
        try:
            score.auc = auc_score(truth_of_rows.astype(bool), scores)
        except ValueError as exc:
            raise PredictionFileError(f"{source}: {exc} among the scored ones") from None
        score.positives = int(truth_of_rows.astype(bool).sum())
        return score
    predicted = np.array(values, dtype=object)
    labels = sorted({str(value) for value in truth} | set(values))
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(matrix, ([index[str(v)] for v in truth_of_rows], [index[v] for v in predicted]), 1)
    score.accuracy = float(np.mean(truth_of_rows.astype(str) == predicted.astype(str)))
    score.labels, score.confusion = labels, matrix.tolist()
    return score


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
