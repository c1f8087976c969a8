"""Serializers of the churnlab models. Analytics endpoints keep their output serializers nested in the view."""

from rest_framework import serializers

from churnlab.models import PLAN_CHOICES, REGION_CHOICES, ChurnFeature, DataQualityCheck


class ChurnFeatureSerializer(serializers.ModelSerializer):
    """One customer's churn features and label, as of the observation date."""

    customer_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChurnFeature
        fields = [
            "customer_id", "signup_date", "signup_cohort", "plan", "region", "observation_date", "tenure_days",
            "last_active_date", "months_active", "active_days", "avg_sessions", "avg_usage_minutes",
            "avg_usage_last_30d", "avg_usage_prev_30d", "usage_trend_30d", "avg_sessions_last_30d",
            "sessions_trend_30d", "total_bills", "total_payment_issues", "failed_payments_30d", "total_tickets",
            "high_priority_tickets", "recency_days", "churn_label",
        ]  # fmt: skip


class DataQualityCheckSerializer(serializers.ModelSerializer):
    """One data-quality check of the last pipeline run."""

    check_id = serializers.IntegerField(source="id", read_only=True)

    class Meta:
        model = DataQualityCheck
        fields = ["check_id", "check_name", "table_name", "description", "failing_rows", "total_rows", "failing_share"]


class LabelCountsSerializer(serializers.Serializer):
    """Customers by label, and the churn rate among labelled customers."""

    customers = serializers.IntegerField()
    churned = serializers.IntegerField(help_text="churn_label = 1: inactive for more than 45 days.")
    retained = serializers.IntegerField(help_text="churn_label = 0: active within the last 30 days.")
    at_risk = serializers.IntegerField(help_text="churn_label NULL with usage: last active 30 to 45 days ago.")
    no_usage = serializers.IntegerField(help_text="churn_label NULL, never active.")
    churn_rate = serializers.FloatField(allow_null=True, help_text="churned / (churned + retained); null if none.")


class PlanLabelCountsSerializer(LabelCountsSerializer):
    """Label counts of one plan."""

    plan = serializers.ChoiceField(choices=PLAN_CHOICES)


class RegionLabelCountsSerializer(LabelCountsSerializer):
    """Label counts of one region."""

    region = serializers.ChoiceField(choices=REGION_CHOICES)
