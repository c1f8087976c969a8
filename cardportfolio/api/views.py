"""cardportfolio REST API: read-only customers and transactions, and the segment analytics.

List endpoints are generic views filtered by django-filter FilterSets (a bad value is a 400 naming the
parameter); each analytics operation is one APIView with nested serializers and its query in a selector.
Transactions page by cursor (no COUNT(*) over 13 million rows; stable under `transaction_id` order).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from cardportfolio import selectors
from cardportfolio.models import (
    CARD_TYPE_CHOICES,
    CATEGORY_CHOICES,
    CHANNEL_CHOICES,
    DECLINE_TYPE_CHOICES,
    EMPLOYMENT_CHOICES,
    SEGMENT_CHOICES,
    STATUS_CHOICES,
    Customer,
    Transaction,
)
from core.api.cache import cached_analytics
from core.api.filters import DayFilter, StableOrderingFilter, validated_filters
from core.api.pagination import StrictCursorPagination

from .serializers import CustomerSerializer, ObservedSegmentRowSerializer, TransactionSerializer, choice_field

TAGS = ["cardportfolio"]


class CustomerFilter(django_filters.FilterSet):
    segment = django_filters.ChoiceFilter(
        field_name="customer_segment", choices=SEGMENT_CHOICES, help_text="Assigned segment."
    )
    state = django_filters.CharFilter(method="filter_state", help_text="US state abbreviation, any case.")
    card_type = django_filters.ChoiceFilter(choices=CARD_TYPE_CHOICES)
    decline_type = django_filters.ChoiceFilter(choices=DECLINE_TYPE_CHOICES, help_text="gradual or sudden.")
    employment_status = django_filters.ChoiceFilter(choices=EMPLOYMENT_CHOICES)

    class Meta:
        model = Customer
        fields = []

    def filter_state(self, queryset, name, value: str):
        return queryset.filter(state=value.upper())


@extend_schema(tags=TAGS)
class CustomerListApi(generics.ListAPIView):
    """Customers, filterable by segment, state, card type, decline type and employment status; `search` matches
    first name, last name and e-mail."""

    serializer_class = CustomerSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = CustomerFilter
    search_fields = ["first_name", "last_name", "email"]
    ordering_fields = ["customer_id", "age", "credit_limit", "account_open_date", "last_name"]

    def get_queryset(self):
        return selectors.customer_list()


@extend_schema(tags=TAGS)
class CustomerDetailApi(generics.RetrieveAPIView):
    """One customer by id (CUST00000001)."""

    serializer_class = CustomerSerializer

    def get_queryset(self):
        return selectors.customer_list()


class TransactionFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customer_id", help_text="Customer id (CUST00000001).")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES)
    merchant_category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES)
    channel = django_filters.ChoiceFilter(choices=CHANNEL_CHOICES)
    transaction_date_from = DayFilter(
        field_name="transaction_date", bound="first", help_text="On or after this day (UTC)."
    )
    transaction_date_to = DayFilter(
        field_name="transaction_date", bound="last", help_text="On or before this day (UTC)."
    )
    min_date = DayFilter(
        field_name="transaction_date", bound="first", help_text="Deprecated: use transaction_date_from."
    )
    max_date = DayFilter(field_name="transaction_date", bound="last", help_text="Deprecated: use transaction_date_to.")

    class Meta:
        model = Transaction
        fields = []


class TransactionCursorPagination(StrictCursorPagination):
    ordering = "transaction_id"


@extend_schema(tags=TAGS)
class TransactionListApi(generics.ListAPIView):
    """Transactions in id (= date) order, filterable by customer, status, category, channel and date; paged by
    cursor (`next`/`previous` links), so every page costs the same on 13 million rows."""

    serializer_class = TransactionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TransactionFilter
    pagination_class = TransactionCursorPagination

    def get_queryset(self):
        return selectors.transaction_list()


class SegmentSummaryApi(APIView):
    class OutputSerializer(serializers.Serializer):
        segment = choice_field(SEGMENT_CHOICES, help_text="Assigned segment.")
        customers = serializers.IntegerField()
        share = serializers.FloatField(help_text="Share of all customers, 0-1.")
        target_share = serializers.FloatField(help_text="The segment's configured share, 0-1.")
        mean_credit_limit = serializers.FloatField(allow_null=True)
        approved_transactions = serializers.IntegerField()
        mean_monthly_spend = serializers.FloatField(
            allow_null=True, help_text="Approved spend per customer per month of the transaction window, dollars."
        )

    @extend_schema(
        tags=TAGS,
        summary="Customers, shares vs target, mean credit limit and monthly spend per segment",
        description="One row per assigned segment, in the configured order. Not paginated: five rows.",
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        return Response(self.OutputSerializer(selectors.segment_summary(), many=True).data)


class MonthlySpendApi(APIView):
    class FilterSerializer(serializers.Serializer):
        segment = choice_field(SEGMENT_CHOICES, required=False, help_text="Only this segment.")

    class OutputSerializer(serializers.Serializer):
        month = serializers.DateField(help_text="First day of the calendar month.")
        segment = choice_field(SEGMENT_CHOICES, help_text="Assigned segment.")
        transactions = serializers.IntegerField(help_text="All transactions, approved or declined.")
        approved_transactions = serializers.IntegerField()
        spend = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Approved spend, dollars.")
        active_customers = serializers.IntegerField(help_text="Customers with an approved transaction.")
        mean_spend_per_active_customer = serializers.FloatField(allow_null=True)

    @extend_schema(
        tags=TAGS,
        summary="Monthly spend series per segment",
        description="One row per month and segment (oldest first), computed by the database in one scan. "
        "Declining customers fall in the last months, New & Growing rise.",
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        rows = selectors.monthly_spend(segment=filters.get("segment"))
        return Response(self.OutputSerializer(rows, many=True).data)


class ObservedSegmentsApi(APIView):
    class FilterSerializer(serializers.Serializer):
        as_of = serializers.DateField(
            required=False,
            help_text="The windows are the three whole months before this date's month and the three before them; "
            "default: the first day after the last transaction month.",
        )

    class OutputSerializer(serializers.Serializer):
        as_of = serializers.DateField(allow_null=True, help_text="Null when there are no transactions.")
        window_months = serializers.IntegerField(help_text="Months in each of the two windows compared.")
        customers = serializers.IntegerField()
        recovery_rate = serializers.FloatField(allow_null=True, help_text="Share of all customers recovered.")
        segments = ObservedSegmentRowSerializer(many=True)

    @extend_schema(
        tags=TAGS,
        summary="Behaviour-derived segments vs assigned segments",
        description="Each customer is re-segmented from approved spend in the last three months and the three before "
        "(the earlier tool's 90-day windows; High-Value "
        "Travelers, Declining, New & Growing, Budget-Conscious, else Stable Mid-Spenders; first match wins). "
        "Returns the confusion table (assigned x observed) and the recovery rate per assigned segment.",
        parameters=[FilterSerializer],
        responses=OutputSerializer,
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        return Response(self.OutputSerializer(selectors.observed_segments(as_of=filters.get("as_of"))).data)
