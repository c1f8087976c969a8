"""hopify REST API: SaaS KPIs against benchmarks, MRR series, cohort retention, the web funnel, and read-only lists.

Analytics views are list views over rows a selector computes in SQL (their FilterSerializer validates the query,
so a bad `month` or `segment` is a 400 naming the parameter); every response is paginated. Reads go to the hopify
database through the router.
"""

import datetime as dt

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from core.api.cache import CachedAnalyticsListMixin
from core.api.filters import DayFilter, IntegerFilter, StableOrderingFilter, validated_filters
from hopify import selectors
from hopify.models import (
    CHANGE_TYPE_CHOICES,
    CHURN_REASON_CHOICES,
    ORDER_TYPE_CHOICES,
    PLAN_CHOICES,
    SEGMENT_CHOICES,
    SOURCE_CHOICES,
    STATUS_CHOICES,
    TICKET_CATEGORY_CHOICES,
    WEB_CHANNEL_CHOICES,
    ChurnEvent,
    Customer,
    Order,
    Subscription,
    SupportTicket,
    WebTraffic,
)

from .serializers import (
    ChurnEventSerializer,
    CustomerSerializer,
    MarketingCampaignSerializer,
    OrderSerializer,
    SubscriptionSerializer,
    SupportTicketSerializer,
)

TAGS = ["hopify"]
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class SegmentFilterSerializer(serializers.Serializer):
    segment = serializers.ChoiceField(choices=SEGMENT_CHOICES, required=False, help_text="One segment (default: all).")


class RowListApi(CachedAnalyticsListMixin, generics.ListAPIView):
    """A paginated list of rows computed by a selector; subclasses define `rows(filters)`."""

    filter_backends = []
    FilterSerializer = SegmentFilterSerializer

    def get_queryset(self):
        return self.rows(validated_filters(self.FilterSerializer, self.request.query_params))

    def rows(self, filters: dict) -> list:
        raise NotImplementedError


# --- Analytics ---------------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
class KpiListApi(RowListApi):
    """SaaS KPIs of one month per segment, each beside its benchmark target and whether it meets it.

    New, active and churned customers, churn rate (percent of customers active at the month's start), MRR, ARR,
    ARPU, GRR and NRR (12 months back), CAC, LTV (ARPU / churn rate), MQL conversion (percent of leads) and mean
    resolution hours. Definitions and SQL: docs/hopify.md.
    """

    class FilterSerializer(serializers.Serializer):
        segment = serializers.ChoiceField(choices=SEGMENT_CHOICES, required=False, help_text="Default: all.")
        month = serializers.DateField(
            input_formats=MONTH_FORMATS, required=False, help_text="YYYY-MM (default: the window's last month)."
        )

    class OutputSerializer(serializers.Serializer):
        month = serializers.DateField(help_text="First day of the month.")
        customer_segment = serializers.ChoiceField(choices=SEGMENT_CHOICES, source="segment")
        metric_name = serializers.CharField()
        value = serializers.FloatField(allow_null=True, help_text="Null when undefined (e.g. no customers yet).")
        unit = serializers.CharField(help_text="customers, percent, dollars or hours.")
        target_value = serializers.FloatField(allow_null=True, help_text="Benchmark target; null without one.")
        target_period = serializers.CharField(allow_null=True, help_text="monthly, annual or lifetime.")
        meets_target = serializers.BooleanField(allow_null=True, help_text="Null without a target or a value.")

    serializer_class = OutputSerializer

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, filters: dict) -> list:
        month = filters.get("month")
        return selectors.kpi_report(
            month=month.replace(day=1) if isinstance(month, dt.date) else None, segment=filters.get("segment")
        )


@extend_schema(tags=TAGS, parameters=[SegmentFilterSerializer])
class MrrSeriesApi(RowListApi):
    """Monthly series by segment: active customers, MRR and ARR at each month's end."""

    class OutputSerializer(serializers.Serializer):
        month = serializers.DateField(help_text="First day of the month (measured at its last day).")
        customer_segment = serializers.ChoiceField(choices=SEGMENT_CHOICES, source="segment")
        active_customers = serializers.IntegerField()
        mrr = serializers.FloatField(help_text="Sum of the monthly prices of the subscriptions running, dollars.")
        arr = serializers.FloatField(help_text="MRR x 12.")

    serializer_class = OutputSerializer

    def rows(self, filters: dict) -> list:
        return selectors.mrr_series(segment=filters.get("segment"))


@extend_schema(tags=TAGS, parameters=[SegmentFilterSerializer])
class CohortRetentionApi(RowListApi):
    """Monthly signup cohorts x months since signup: customers still subscribed at that month's end."""

    class OutputSerializer(serializers.Serializer):
        cohort = serializers.DateField(help_text="First day of the signup month.")
        months_since_signup = serializers.IntegerField(help_text="0 = the signup month itself.")
        cohort_size = serializers.IntegerField()
        retained = serializers.IntegerField(help_text="Cohort members with a running subscription at month end.")
        retention_rate = serializers.FloatField(allow_null=True, help_text="retained / cohort_size, percent.")

    serializer_class = OutputSerializer

    def rows(self, filters: dict) -> list:
        return selectors.cohort_retention(segment=filters.get("segment"))


class FunnelFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(field_name="source_channel", choices=WEB_CHANNEL_CHOICES)
    traffic_date_from = django_filters.DateFilter(
        field_name="traffic_date", lookup_expr="gte", help_text="YYYY-MM-DD, inclusive."
    )
    traffic_date_to = django_filters.DateFilter(
        field_name="traffic_date", lookup_expr="lte", help_text="YYYY-MM-DD, inclusive."
    )
    # The month-shaped names the first release documented; they stay for the SQL and notebooks written against it.
    month_from = django_filters.DateFilter(
        field_name="traffic_date",
        lookup_expr="gte",
        input_formats=MONTH_FORMATS,
        help_text="YYYY-MM, inclusive (the month's first day on). Deprecated: use traffic_date_from.",
    )
    month_to = django_filters.DateFilter(
        field_name="traffic_date",
        lookup_expr="lte",
        input_formats=MONTH_FORMATS,
        help_text="YYYY-MM, inclusive (up to the month's first day, the day its row is dated). Deprecated: use "
        "traffic_date_to.",
    )

    class Meta:
        model = WebTraffic
        fields = []


@extend_schema(tags=TAGS)
class FunnelListApi(CachedAnalyticsListMixin, generics.ListAPIView):
    """Web traffic to MQLs by channel and month, with the conversion rates of each step (percent, in SQL)."""

    class OutputSerializer(serializers.ModelSerializer):
        lead_rate = serializers.FloatField(help_text="leads / visitors, percent.")
        mql_rate = serializers.FloatField(allow_null=True, help_text="mqls / leads, percent.")
        visitor_to_mql_rate = serializers.FloatField(help_text="mqls / visitors, percent.")

        class Meta:
            model = WebTraffic
            fields = ["id", "traffic_date", "source_channel", "visitors", "leads", "mqls", "lead_rate", "mql_rate",
                      "visitor_to_mql_rate"]  # fmt: skip

    serializer_class = OutputSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = FunnelFilter
    ordering_fields = ["traffic_date", "source_channel", "visitors", "mqls"]
    ordering = ["traffic_date", "source_channel"]

    def get_queryset(self):
        return selectors.funnel_list()


# --- Lists ---------------------------------------------------------------------------------------------------------


class ListBackendsMixin:
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]


class CustomerFilter(django_filters.FilterSet):
    segment = django_filters.ChoiceFilter(field_name="customer_segment", choices=SEGMENT_CHOICES)
    acquisition_source = django_filters.ChoiceFilter(choices=SOURCE_CHOICES)
    signup_date_from = django_filters.DateFilter(field_name="signup_date", lookup_expr="gte", help_text="Inclusive.")
    signup_date_to = django_filters.DateFilter(field_name="signup_date", lookup_expr="lte", help_text="Inclusive.")
    signup_from = django_filters.DateFilter(
        field_name="signup_date", lookup_expr="gte", help_text="Deprecated: use signup_date_from."
    )
    signup_to = django_filters.DateFilter(
        field_name="signup_date", lookup_expr="lte", help_text="Deprecated: use signup_date_to."
    )

    class Meta:
        model = Customer
        fields = []


@extend_schema(tags=TAGS)
class CustomerListApi(ListBackendsMixin, generics.ListAPIView):
    """Customers, filterable by segment, acquisition source and signup date."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["id", "signup_date", "name"]

    def get_queryset(self):
        return selectors.customer_list()


class SubscriptionFilter(django_filters.FilterSet):
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    segment = django_filters.ChoiceFilter(field_name="customer__customer_segment", choices=SEGMENT_CHOICES)
    plan_type = django_filters.ChoiceFilter(choices=PLAN_CHOICES)
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES)
    change_type = django_filters.ChoiceFilter(choices=CHANGE_TYPE_CHOICES)

    class Meta:
        model = Subscription
        fields = []


@extend_schema(tags=TAGS)
class SubscriptionListApi(ListBackendsMixin, generics.ListAPIView):
    """Subscription history rows (one per plan period), filterable by customer, segment, plan, status, change."""

    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilter
    ordering_fields = ["id", "start_date", "subscription_price"]

    def get_queryset(self):
        return selectors.subscription_list()


class OrderFilter(django_filters.FilterSet):
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    order_type = django_filters.ChoiceFilter(choices=ORDER_TYPE_CHOICES)
    discounted = django_filters.BooleanFilter(
        method="filter_discounted", help_text="Only orders with (or without) a code."
    )
    order_date_from = DayFilter(field_name="order_date", bound="first", help_text="Placed on or after this day (UTC).")
    order_date_to = DayFilter(field_name="order_date", bound="last", help_text="Placed on or before this day (UTC).")
    date_from = DayFilter(field_name="order_date", bound="first", help_text="Deprecated: use order_date_from.")
    date_to = DayFilter(field_name="order_date", bound="last", help_text="Deprecated: use order_date_to.")

    class Meta:
        model = Order
        fields = []

    def filter_discounted(self, queryset, name, value: bool):
        return queryset.filter(order_discount__isnull=not value)


@extend_schema(tags=TAGS)
class OrderListApi(ListBackendsMixin, generics.ListAPIView):
    """Orders with their customer's name and discount code."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["id", "order_date", "total_amount"]

    def get_queryset(self):
        return selectors.order_list()


class ChurnEventFilter(django_filters.FilterSet):
    segment = django_filters.ChoiceFilter(field_name="customer__customer_segment", choices=SEGMENT_CHOICES)
    churn_reason = django_filters.ChoiceFilter(choices=CHURN_REASON_CHOICES)
    churn_date_from = django_filters.DateFilter(field_name="churn_date", lookup_expr="gte", help_text="Inclusive.")
    churn_date_to = django_filters.DateFilter(field_name="churn_date", lookup_expr="lte", help_text="Inclusive.")
    date_from = django_filters.DateFilter(
        field_name="churn_date", lookup_expr="gte", help_text="Deprecated: use churn_date_from."
    )
    date_to = django_filters.DateFilter(
        field_name="churn_date", lookup_expr="lte", help_text="Deprecated: use churn_date_to."
    )

    class Meta:
        model = ChurnEvent
        fields = []


@extend_schema(tags=TAGS)
class ChurnEventListApi(ListBackendsMixin, generics.ListAPIView):
    """Churn events with the customer's segment, filterable by segment, reason and date."""

    serializer_class = ChurnEventSerializer
    filterset_class = ChurnEventFilter
    ordering_fields = ["id", "churn_date"]

    def get_queryset(self):
        return selectors.churn_event_list()


class SupportTicketFilter(django_filters.FilterSet):
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    segment = django_filters.ChoiceFilter(field_name="customer__customer_segment", choices=SEGMENT_CHOICES)
    ticket_category = django_filters.ChoiceFilter(choices=TICKET_CATEGORY_CHOICES)
    open = django_filters.BooleanFilter(field_name="resolved_at", lookup_expr="isnull", help_text="Still unresolved.")

    class Meta:
        model = SupportTicket
        fields = []


@extend_schema(tags=TAGS)
class SupportTicketListApi(ListBackendsMixin, generics.ListAPIView):
    """Support tickets with resolution time, filterable by customer, segment, category and open state."""

    serializer_class = SupportTicketSerializer
    filterset_class = SupportTicketFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return selectors.ticket_list()


@extend_schema(tags=TAGS)
class MarketingCampaignListApi(ListBackendsMixin, generics.ListAPIView):
    """Marketing campaigns (the acquisition plan's spikes and the always-on organic programme)."""

    serializer_class = MarketingCampaignSerializer
    filterset_fields = ["channel"]
    ordering_fields = ["id", "start_date", "total_cost"]

    def get_queryset(self):
        return selectors.campaign_list()
