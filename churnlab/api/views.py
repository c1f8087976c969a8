"""churnlab REST API: the churn features, a churn summary, signup-cohort retention and the data-quality checks.

The list endpoints are generic views (django-filter validates query parameters: a bad value is a 400 naming the
parameter); each analytics operation is one APIView with its serializers nested and its query in a selector.
Reads go to the churnlab database through the router. Everything here is filled by `run_churn_pipeline`.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from churnlab import selectors
from churnlab.models import PLAN_CHOICES, REGION_CHOICES, ChurnFeature
from core.api.cache import CachedAnalyticsListMixin, cached_analytics
from core.api.filters import StableOrderingFilter, validated_filters

from .serializers import (
    ChurnFeatureSerializer,
    DataQualityCheckSerializer,
    LabelCountsSerializer,
    PlanLabelCountsSerializer,
    RegionLabelCountsSerializer,
)

TAGS = ["churnlab"]
LABEL_CHOICES = [("1", "churned"), ("0", "retained"), ("null", "at risk or without usage")]


class ChurnFeatureFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(choices=PLAN_CHOICES, help_text="Subscription plan.")
    region = django_filters.ChoiceFilter(choices=REGION_CHOICES, help_text="Sales region.")
    churn_label = django_filters.ChoiceFilter(
        choices=LABEL_CHOICES,
        method="filter_churn_label",
        help_text="1 = churned, 0 = retained, null = at risk or without usage.",
    )

    class Meta:
        model = ChurnFeature
        fields = []

    def filter_churn_label(self, queryset, name, value: str):
        if value == "null":
            return queryset.filter(churn_label__isnull=True)
        return queryset.filter(churn_label=int(value))


@extend_schema(tags=TAGS)
class ChurnFeatureListApi(generics.ListAPIView):
    """One row of features per customer, filterable by plan, region and churn label."""

    serializer_class = ChurnFeatureSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ChurnFeatureFilter
    ordering_fields = [
        "customer_id",
        "signup_date",
        "tenure_days",
        "recency_days",
        "avg_usage_minutes",
        "usage_trend_30d",
    ]

    def get_queryset(self):
        return selectors.feature_list()


class ChurnSummaryApi(APIView):
    class OutputSerializer(LabelCountsSerializer):
        observation_date = serializers.DateField(allow_null=True, help_text="The latest usage date.")
        by_plan = PlanLabelCountsSerializer(many=True, help_text="Label counts per plan.")
        by_region = RegionLabelCountsSerializer(many=True, help_text="Label counts per region.")

    @extend_schema(
        tags=TAGS,
        summary="Label counts (including at risk) and churn rate, overall, by plan and by region",
        responses=OutputSerializer,
    )
    @cached_analytics
    def get(self, request):
        return Response(self.OutputSerializer(selectors.churn_summary()).data)


class ForwardSummaryApi(APIView):
    class PlanSerializer(serializers.Serializer):
        plan = serializers.ChoiceField(choices=PLAN_CHOICES)
        customers = serializers.IntegerField(help_text="Customers still there on the cutoff date.")
        too_new = serializers.IntegerField(help_text="Of those, signed up fewer than 30 days before it.")
        trained = serializers.IntegerField(help_text="The others: the rows a model trains on.")
        churned = serializers.IntegerField(help_text="Of the trained rows, churned within the horizon (the truth).")
        churn_rate = serializers.FloatField(allow_null=True, help_text="churned / trained.")

    class OutputSerializer(PlanSerializer):
        plan = None
        cutoff_date = serializers.DateField(allow_null=True, help_text="First day of the label window.")
        horizon_days = serializers.IntegerField(allow_null=True, help_text="Length of the label window in days.")
        by_plan = serializers.ListField(help_text="The same counts per plan.")

    @extend_schema(
        tags=TAGS,
        summary="The forward churn target: churn in the days after a cutoff, overall and by plan",
        responses=OutputSerializer,
    )
    @cached_analytics
    def get(self, request):
        summary = selectors.forward_summary()
        data = self.OutputSerializer(summary).data
        data["by_plan"] = self.PlanSerializer(summary["by_plan"], many=True).data
        return Response(data)


class RetentionApi(APIView):
    class FilterSerializer(serializers.Serializer):
        plan = serializers.ChoiceField(choices=PLAN_CHOICES, required=False, help_text="Only this plan.")

    class OutputSerializer(serializers.Serializer):
        plan = serializers.ChoiceField(choices=PLAN_CHOICES)
        cohort = serializers.DateField(help_text="First day of the signup month.")
        customers = serializers.IntegerField(help_text="Customers who signed up that month on that plan.")
        retention = serializers.ListField(
            child=serializers.FloatField(),
            help_text="Share still active in month k after the signup month, k = 0, 1, ... up to the cohort's age.",
        )

    @extend_schema(
        tags=TAGS,
        summary="Monthly signup cohorts x months since signup, by plan",
        description="One row per (plan, signup month). Not paginated: at most 4 plans x 18 months.",
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        rows = selectors.retention_cohorts(**filters)
        return Response(self.OutputSerializer(rows, many=True).data)


@extend_schema(tags=TAGS)
class DataQualityListApi(CachedAnalyticsListMixin, generics.ListAPIView):
    """The data-quality checks of the last pipeline run over the raw tables."""

    serializer_class = DataQualityCheckSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.data_quality_checks()
