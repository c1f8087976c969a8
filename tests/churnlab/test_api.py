"""The churnlab API: features list and filters, churn summary, retention cohorts, data quality, query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from churnlab.services import churn_pipeline_run, churnlab_seed

from .conftest import CHURNLAB_DATABASES, END
from .factories import ChurnFeatureFactory, CustomerFactory, DataQualityCheckFactory

pytestmark = pytest.mark.django_db(databases=CHURNLAB_DATABASES)
PATHS = [
    "/api/churnlab/features/", "/api/churnlab/summary/", "/api/churnlab/forward/", "/api/churnlab/retention/",
    "/api/churnlab/data-quality/",
]  # fmt: skip


def get_json(client, name, expect=200, **params):
    response = client.get(reverse(f"churnlab:{name}"), params)
    assert response.status_code == expect, response.content
    return response.json()


def feature(plan="Pro", region="EU", last_active=dt.date(2024, 12, 20), signup=dt.date(2024, 1, 15)):
    return ChurnFeatureFactory(
        customer=CustomerFactory(plan=plan, region=region, signup_date=signup), last_active_date=last_active
    )


@pytest.fixture
def labelled():
    """Two churned Free customers, a retained Free, a retained Pro, an at-risk Pro and a Pro without usage."""
    return {
        "free_churned_1": feature("Free", "NA", dt.date(2024, 10, 1)),
        "free_churned_2": feature("Free", "EU", dt.date(2024, 9, 1)),
        "free_retained": feature("Free", "NA", dt.date(2024, 12, 30)),
        "pro_retained": feature("Pro", "EU", dt.date(2024, 12, 29)),
        "pro_at_risk": feature("Pro", "EU", dt.date(2024, 11, 20)),
        "pro_no_usage": feature("Pro", "APAC", None),
    }


def test_feature_row_shape(client):
    row = feature("Basic", "LATAM", dt.date(2024, 12, 1))
    data = get_json(client, "feature-list")
    assert data["count"] == 1
    result = data["results"][0]
    assert result["customer_id"] == row.customer_id
    assert result["plan"] == "Basic" and result["region"] == "LATAM"
    assert result["recency_days"] == 30 and result["churn_label"] is None
    assert result["signup_cohort"] == "2024-01-01"
    assert result["avg_usage_minutes"] == 150.0


def test_features_filter_by_plan_region_and_label(client, labelled):
    def ids(**params):
        return {row["customer_id"] for row in get_json(client, "feature-list", **params)["results"]}

    assert ids(plan="Free") == {labelled[k].customer_id for k in ("free_churned_1", "free_churned_2", "free_retained")}
    assert ids(region="EU", churn_label="1") == {labelled["free_churned_2"].customer_id}
    assert ids(churn_label="0") == {labelled["free_retained"].customer_id, labelled["pro_retained"].customer_id}
    assert ids(churn_label="null") == {labelled["pro_at_risk"].customer_id, labelled["pro_no_usage"].customer_id}
    # (Customers without usage have no recency; where they sort differs by database, so they are filtered out.)
    ordered = get_json(client, "feature-list", ordering="-recency_days", churn_label="1")["results"]
    assert [row["customer_id"] for row in ordered] == [
        labelled[k].customer_id for k in ("free_churned_2", "free_churned_1")
    ]


@pytest.mark.parametrize("params", [{"plan": "Gold"}, {"churn_label": "2"}, {"region": "MARS"}])
def test_bad_filter_values_are_400s(client, params):
    data = get_json(client, "feature-list", expect=400, **params)
    assert list(data) == list(params)


def test_summary_counts_labels_and_rates(client, labelled):
    data = get_json(client, "summary")
    assert (data["customers"], data["churned"], data["retained"], data["at_risk"], data["no_usage"]) == (6, 2, 2, 1, 1)
    assert data["churn_rate"] == pytest.approx(0.5)
    assert data["observation_date"] == "2024-12-31"
    plans = {row["plan"]: row for row in data["by_plan"]}
    assert plans["Free"]["churn_rate"] == pytest.approx(2 / 3)
    assert plans["Pro"]["churn_rate"] == 0
    assert (plans["Pro"]["at_risk"], plans["Pro"]["no_usage"]) == (1, 1)
    regions = {row["region"]: row for row in data["by_region"]}
    assert regions["APAC"]["churn_rate"] is None
    assert regions["NA"]["churned"] == 1


def test_summary_of_an_empty_table(client):
    data = get_json(client, "summary")
    assert data["customers"] == 0 and data["churn_rate"] is None and data["by_plan"] == []


def test_retention_cohorts(client):
    # January cohort of three: one active only in January, one until March, one until December.
    feature("Pro", signup=dt.date(2024, 1, 10), last_active=dt.date(2024, 1, 25))
    feature("Pro", signup=dt.date(2024, 1, 20), last_active=dt.date(2024, 3, 2))
    feature("Pro", signup=dt.date(2024, 1, 5), last_active=dt.date(2024, 12, 30))
    feature("Pro", signup=dt.date(2024, 11, 5), last_active=None)
    feature("Free", signup=dt.date(2024, 12, 1), last_active=dt.date(2024, 12, 2))

    rows = get_json(client, "retention", plan="Pro")

    assert [(row["cohort"], row["customers"]) for row in rows] == [("2024-01-01", 3), ("2024-11-01", 1)]
    january = rows[0]["retention"]
    assert len(january) == 12  # months 0..11 up to the observation month, December
    assert january[:4] == [
        1.0,
        pytest.approx(2 / 3, abs=1e-4),
        pytest.approx(2 / 3, abs=1e-4),
        pytest.approx(1 / 3, abs=1e-4),
    ]
    assert january[-1] == pytest.approx(1 / 3, abs=1e-4)
    assert rows[1]["retention"] == [0.0, 0.0]  # never active
    assert {row["plan"] for row in get_json(client, "retention")} == {"Pro", "Free"}
    get_json(client, "retention", expect=400, plan="Gold")


def test_data_quality_lists_checks(client):
    DataQualityCheckFactory(check_name="negative_minutes", failing_rows=0, failing_share=0.0)
    DataQualityCheckFactory(check_name="duplicate_bills", table_name="billing")
    data = get_json(client, "data-quality")
    assert [row["check_name"] for row in data["results"]] == ["negative_minutes", "duplicate_bills"]
    assert data["results"][1]["table_name"] == "billing"


def test_endpoints_on_real_pipeline_output(client, tmp_path):
    churnlab_seed(using="churnlab", out_dir=tmp_path / "raw", seed=42, customers=800, end_date=END)
    churn_pipeline_run(raw_dir=tmp_path / "raw", out_dir=tmp_path, using="churnlab")

    summary = get_json(client, "summary")
    assert summary["customers"] == 800
    assert summary["churned"] + summary["retained"] + summary["at_risk"] + summary["no_usage"] == 800
    rates = {row["plan"]: row["churn_rate"] for row in summary["by_plan"]}
    assert rates["Free"] > rates["Basic"] > rates["Pro"] > rates["Enterprise"]
    cohorts = get_json(client, "retention")
    assert sum(row["customers"] for row in cohorts) == 800
    for row in cohorts:
        assert row["retention"] == sorted(row["retention"], reverse=True)  # retention never rises
    assert len(get_json(client, "data-quality")["results"]) == 8
    assert get_json(client, "feature-list", page_size=500)["count"] == 800
    forward = get_json(client, "forward")
    assert forward["horizon_days"] == 60 and 0 < forward["customers"] < 800
    assert forward["trained"] + forward["too_new"] == forward["customers"]
    assert sum(row["churned"] for row in forward["by_plan"]) == forward["churned"] > 0


def test_forward_summary_of_an_empty_table(client):
    forward = get_json(client, "forward")
    assert forward["customers"] == 0 and forward["churn_rate"] is None and forward["by_plan"] == []


@pytest.mark.parametrize("rows", [3, 12])
def test_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    for index in range(rows):
        feature(("Free", "Basic", "Pro")[index % 3], last_active=dt.date(2024, 12, 1 + index))
        DataQualityCheckFactory()

    with django_assert_num_queries(2, using="churnlab"):
        assert get_json(client, "feature-list")["count"] == rows
    with django_assert_num_queries(3, using="churnlab"):
        get_json(client, "summary")
    with django_assert_num_queries(2, using="churnlab"):
        get_json(client, "retention")
    with django_assert_num_queries(2, using="churnlab"):
        assert get_json(client, "data-quality")["count"] == rows


def test_schema_lists_every_churnlab_path(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(PATHS) <= set(paths)
    parameters = {p["name"] for p in paths["/api/churnlab/features/"]["get"]["parameters"]}
    assert {"plan", "region", "churn_label", "ordering", "page"} <= parameters
    summary = paths["/api/churnlab/summary/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert summary["schema"] == {"$ref": "#/components/schemas/ChurnlabChurnSummary"}
