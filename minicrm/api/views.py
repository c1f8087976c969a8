"""minicrm REST API: read-only customers, products, orders and RFM scores, plus the RFM analytics.

List endpoints are generic views (django-filter FilterSets validate query parameters, so a malformed value is a
400 naming the parameter); each analytics operation is one APIView with its serializers nested, its query in a
selector and its aggregation in SQL. Reads go to the minicrm database through the router.
"""

import django_filters
from django.db import router
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.filters import SearchFilter
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.cache import cached_analytics
from core.api.filters import AmountFilter, DayFilter, FilterBackendsMixin, IntegerFilter, StableOrderingFilter
from minicrm import selectors, services
from minicrm.models import (
    PERSONA_CHOICES,
    SEGMENT_CHOICES,
    STATUS_CHOICES,
    Customer,
    Order,
    RFMScore,
)

from .serializers import (
    CustomerDetailSerializer,
    CustomerListSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    ProductSerializer,
    RFMScoreDetailSerializer,
    RFMScoreSerializer,
    ValueRangeSerializer,
)

TAGS = ["minicrm"]
SCORE_RANGE = {"min_value": 1, "max_value": 5}


# --- RFM scores -------------------------------------------------------------------------------------------------


class RFMScoreFilter(django_filters.FilterSet):
    segment = django_filters.ChoiceFilter(choices=SEGMENT_CHOICES, help_text="RFM segment (exact).")
    persona = django_filters.ChoiceFilter(
        field_name="customer__persona", choices=PERSONA_CHOICES, help_text="Ground-truth persona of the customer."
    )
    recency_score = IntegerFilter(**SCORE_RANGE)
    min_recency_score = IntegerFilter(field_name="recency_score", lookup_expr="gte", **SCORE_RANGE)
    max_recency_score = IntegerFilter(field_name="recency_score", lookup_expr="lte", **SCORE_RANGE)
    frequency_score = IntegerFilter(**SCORE_RANGE)
    min_frequency_score = IntegerFilter(field_name="frequency_score", lookup_expr="gte", **SCORE_RANGE)
    max_frequency_score = IntegerFilter(field_name="frequency_score", lookup_expr="lte", **SCORE_RANGE)
    monetary_score = IntegerFilter(**SCORE_RANGE)
    min_monetary_score = IntegerFilter(field_name="monetary_score", lookup_expr="gte", **SCORE_RANGE)
    max_monetary_score = IntegerFilter(field_name="monetary_score", lookup_expr="lte", **SCORE_RANGE)
    min_recency_days = IntegerFilter(field_name="recency_days", lookup_expr="gte")
    max_recency_days = IntegerFilter(field_name="recency_days", lookup_expr="lte")
    min_frequency = IntegerFilter(field_name="frequency", lookup_expr="gte")
    max_frequency = IntegerFilter(field_name="frequency", lookup_expr="lte")
    min_monetary = AmountFilter(field_name="monetary", lookup_expr="gte")
    max_monetary = AmountFilter(field_name="monetary", lookup_expr="lte")

    class Meta:
        model = RFMScore
        fields = []


@extend_schema(tags=TAGS)
class RFMScoreListApi(FilterBackendsMixin, generics.ListAPIView):
    """RFM scores of every scored customer, filterable by segment, scores, values and persona."""

    serializer_class = RFMScoreSerializer
    filterset_class = RFMScoreFilter
    ordering_fields = [
        "customer_id", "recency_days", "frequency", "monetary", "recency_score", "frequency_score", "monetary_score",
    ]  # fmt: skip

    def get_queryset(self):
        return selectors.rfm_score_list()


@extend_schema(tags=TAGS)
class RFMScoreDetailApi(generics.RetrieveAPIView):
    """One customer's RFM score, with the customer nested."""

    serializer_class = RFMScoreDetailSerializer
    lookup_field = "customer_id"

    def get_queryset(self):
        return selectors.rfm_score_list()


class RFMSegmentSummaryApi(APIView):
    class OutputSerializer(serializers.Serializer):
        segment = serializers.ChoiceField(choices=SEGMENT_CHOICES)
        customers = serializers.IntegerField()
        mean_recency_days = serializers.FloatField()
        mean_frequency = serializers.FloatField()
        mean_monetary = serializers.DecimalField(max_digits=14, decimal_places=2)
        revenue = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Sum of monetary values.")
        revenue_share = serializers.FloatField(help_text="Share of the revenue of all scored customers, 0-1.")

    @extend_schema(
        tags=TAGS,
        summary="Customers and mean RFM values per segment",
        description="One row per segment that has customers, by revenue descending. Not paginated: there are at "
        "most eleven segments.",
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        rows = selectors.rfm_segment_summary()
        return Response(self.OutputSerializer(rows, many=True).data)


class RFMPersonaSegmentsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        persona = serializers.ChoiceField(choices=PERSONA_CHOICES, help_text="Ground-truth persona.")
        segment = serializers.ChoiceField(choices=SEGMENT_CHOICES, help_text="RFM segment.")
        customers = serializers.IntegerField()

    @extend_schema(
        tags=TAGS,
        summary="Customers per (ground-truth persona, RFM segment)",
        description="How well RFM segmentation recovers the personas the data was generated from. Not paginated: "
        "at most 5 x 11 rows.",
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        matrix = selectors.persona_segment_matrix()
        rows = [
            {"persona": persona, "segment": segment, "customers": customers}
            for persona, segments in matrix.items()
            for segment, customers in segments.items()
        ]
        return Response(self.OutputSerializer(rows, many=True).data)


class RFMStatisticsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        customers = serializers.IntegerField(help_text="Number of scored customers.")
        recency_days = ValueRangeSerializer(help_text="Days since the last order.")
        frequency = ValueRangeSerializer(help_text="Non-cancelled orders.")
        monetary = ValueRangeSerializer(help_text="Spend on non-cancelled orders, in dollars.")

    @extend_schema(
        tags=TAGS,
        summary="Min, mean and max of recency, frequency and monetary value",
        description="Over all scored customers; the values are null when no customer is scored.",
        responses=OutputSerializer,
    )
    @cached_analytics
    def get(self, request):
        stats = selectors.rfm_statistics()
        data = {
            "customers": stats["customers"],
            **{
                name: {part: stats[f"{name}_{part}"] for part in ("min", "mean", "max")}
                for name in ("recency_days", "frequency", "monetary")
            },
        }
        return Response(self.OutputSerializer(data).data)


class RFMCalculateApi(APIView):
    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        as_of = serializers.DateField(
            required=False,
            allow_null=True,
            help_text="Measure recency against this date; default: the day after the last non-cancelled order.",
        )
        dry_run = serializers.BooleanField(default=False, help_text="Count the customers without writing.")

    class OutputSerializer(serializers.Serializer):
        customers_scored = serializers.IntegerField()
        as_of = serializers.DateField(allow_null=True, help_text="Null when there are no orders to score.")
        written = serializers.BooleanField(help_text="False for a dry run.")
        seconds = serializers.FloatField()

    @extend_schema(
        tags=TAGS,
        summary="Recalculate every customer's RFM score (staff only)",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The service writes in bulk and needs the alias explicitly; the router names it.
        result = services.rfm_calculate(using=router.db_for_write(RFMScore), **serializer.validated_data)
        return Response(self.OutputSerializer(result).data)


# --- Customers, products, orders --------------------------------------------------------------------------------


class CustomerFilter(django_filters.FilterSet):
    persona = django_filters.ChoiceFilter(choices=PERSONA_CHOICES, help_text="Ground-truth persona.")
    state = django_filters.CharFilter(method="filter_state", help_text="US state abbreviation, any case.")
    segment = django_filters.ChoiceFilter(
        field_name="rfm_score__segment", choices=SEGMENT_CHOICES, help_text="RFM segment."
    )

    class Meta:
        model = Customer
        fields = []

    def filter_state(self, queryset, name, value: str):
        return queryset.filter(state=value.upper())


@extend_schema(tags=TAGS)
class CustomerListApi(generics.ListAPIView):
    """Customers with their RFM segment; `search` matches first name, last name and e-mail (every word must match)."""

    serializer_class = CustomerListSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = CustomerFilter
    search_fields = ["first_name", "last_name", "email"]
    ordering_fields = ["id", "created_at", "last_name", "email"]

    def get_queryset(self):
        return selectors.customer_list()


@extend_schema(tags=TAGS)
class CustomerDetailApi(generics.RetrieveAPIView):
    """One customer with its RFM score (null when unscored)."""

    serializer_class = CustomerDetailSerializer

    def get_queryset(self):
        return selectors.customer_detail_queryset()


@extend_schema(tags=TAGS)
class ProductListApi(FilterBackendsMixin, generics.ListAPIView):
    """The product catalogue."""

    serializer_class = ProductSerializer
    filterset_fields = ["category"]
    ordering_fields = ["id", "name", "price", "stock"]

    def get_queryset(self):
        return selectors.product_list()


@extend_schema(tags=TAGS)
class ProductDetailApi(generics.RetrieveAPIView):
    serializer_class = ProductSerializer

    def get_queryset(self):
        return selectors.product_list()


class OrderFilter(django_filters.FilterSet):
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES)
    min_order_date = DayFilter(field_name="order_date", bound="first", help_text="Placed on or after (UTC).")
    max_order_date = DayFilter(field_name="order_date", bound="last", help_text="Placed on or before (UTC).")

    class Meta:
        model = Order
        fields = []


@extend_schema(tags=TAGS)
class OrderListApi(FilterBackendsMixin, generics.ListAPIView):
    """Orders with their customer's name, filterable by customer, status and order date."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["id", "order_date", "total_price"]

    def get_queryset(self):
        return selectors.order_list()


@extend_schema(tags=TAGS)
class OrderDetailApi(generics.RetrieveAPIView):
    """One order with its customer and its lines (two queries whatever the number of lines)."""

    serializer_class = OrderDetailSerializer

    def get_queryset(self):
        return selectors.order_detail_queryset()
