"""churnlab reads and analytics. Aggregation happens in SQL; results are querysets or `values()` rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Q, QuerySet

from .models import ChurnFeature, ChurnTraining, ChurnTruth, Customer, DataQualityCheck

CHURNED = Q(churn_label=1)
RETAINED = Q(churn_label=0)
AT_RISK = Q(churn_label__isnull=True, last_active_date__isnull=False)
NO_USAGE = Q(last_active_date__isnull=True)


def truth_churn_by_plan(*, using: str | None = None) -> list[dict]:
    """Per plan: customers and how many truly churned within the window (ground truth)."""
    return list(
        ChurnTruth.objects.using(using)
        .values(plan=F("customer__plan"))
        .annotate(customers=Count("customer_id"), churned=Count("customer_id", filter=Q(churned=True)))
        .order_by("plan")
    )


def feature_list(*, using: str | None = None) -> QuerySet:
    """The churn feature rows (plan and region are stored on them, so no join is needed)."""
    return ChurnFeature.objects.using(using).all()


def _label_counts() -> dict:
    return {
        "customers": Count("customer_id"),
        "churned": Count("customer_id", filter=CHURNED),
        "retained": Count("customer_id", filter=RETAINED),
        "at_risk": Count("customer_id", filter=AT_RISK),
        "no_usage": Count("customer_id", filter=NO_USAGE),
    }


def _with_rate(row: dict) -> dict:
    labelled = row["churned"] + row["retained"]
    return {**row, "churn_rate": row["churned"] / labelled if labelled else None}


def churn_summary(*, using: str | None = None) -> dict:
    """Label counts overall and the churn rate (churned / labelled) by plan and by region, three GROUP BY queries."""
    features = ChurnFeature.objects.using(using)
    overall = features.aggregate(**_label_counts(), observation_date=Max("observation_date"))
    by_plan = features.values("plan").annotate(**_label_counts()).order_by("plan")
    by_region = features.values("region").annotate(**_label_counts()).order_by("region")
    return {
        **_with_rate(overall),
        "by_plan": [_with_rate(row) for row in by_plan],
        "by_region": [_with_rate(row) for row in by_region],
    }


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def retention_cohorts(*, using: str | None = None, plan: str | None = None) -> list[dict]:
    """Monthly signup cohorts x months since signup: the share of each cohort still active in month k.

    A customer counts as retained in month k when their last active day is k or more calendar months after the
    signup month (`months_active >= k`). The database counts customers per (plan, cohort, months_active); the
    cumulative shares over at most a few thousand groups are summed here. Month k is reported only when the cohort
    is old enough to have reached it by the observation date.
    """
    features = ChurnFeature.objects.using(using)
    if plan:
        features = features.filter(plan=plan)
    observation = features.aggregate(day=Max("observation_date"))["day"]
    if observation is None:
        return []
    groups = (
        features.values("plan", "signup_cohort", "months_active")
        .annotate(customers=Count("customer_id"))
        .order_by("plan", "signup_cohort", "months_active")
    )
    cohorts: dict[tuple[str, dt.date], dict[int | None, int]] = {}
    for row in groups:
        cohorts.setdefault((row["plan"], row["signup_cohort"]), {})[row["months_active"]] = row["customers"]
    out = []
    for (plan_name, cohort), counts in cohorts.items():
        size = sum(counts.values())
        age = _month_index(observation) - _month_index(cohort)
        retained = []
        for month in range(age + 1):
            active = sum(count for months, count in counts.items() if months is not None and months >= month)
            retained.append(round(active / size, 4))
        out.append({"plan": plan_name, "cohort": cohort, "customers": size, "retention": retained})
    return out


def forward_summary(*, using: str | None = None) -> dict:
    """The forward target: cutoff, horizon, customers at the cutoff, how many are too new, and the share of the
    others who churned in the horizon, overall and by plan (two GROUP BY queries)."""
    rows = ChurnTraining.objects.using(using)
    trained = Q(too_new=False)
    counts = {
        "customers": Count("customer_id"),
        "new_count": Count("customer_id", filter=Q(too_new=True)),  # not "too_new": that is the column's name
        "trained": Count("customer_id", filter=trained),
        "churned": Count("customer_id", filter=trained & Q(churned_next=1)),
    }
    overall = rows.aggregate(**counts, cutoff=Max("cutoff_date"), horizon=Max("horizon_days"))
    overall["cutoff_date"], overall["horizon_days"] = overall.pop("cutoff"), overall.pop("horizon")
    by_plan = rows.values("plan").annotate(**counts).order_by("plan")

    def rate(row):
        row = {**row, "too_new": row.pop("new_count")}
        return {**row, "churn_rate": row["churned"] / row["trained"] if row["trained"] else None}

    return {**rate(overall), "by_plan": [rate(row) for row in by_plan]}


def data_quality_checks(*, using: str | None = None) -> QuerySet:
    """The data-quality summary of the last pipeline run."""
    return DataQualityCheck.objects.using(using).all()


def customer_plan_counts(*, using: str | None = None) -> dict[str, int]:
    rows = Customer.objects.using(using).values("plan").annotate(count=Count("id")).order_by("plan")
    return {row["plan"]: row["count"] for row in rows}
