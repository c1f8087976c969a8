"""minicrm REST API: read-only customers, products, orders and RFM scores, plus the RFM analytics.

List endpoints are generic views (django-filter FilterSets validate query parameters, so a malformed value is a
400 naming the parameter); each analytics operation is one APIView with its serializers nested, its query in a
selector and its aggregation in SQL. Reads go to the minicrm database through the router.
"""

import django_filters
from django.db import DatabaseError, connections, router
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.filters import SearchFilter
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAdminUser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.api.cache import cached_analytics
from core.api.filters import AmountFilter, DayFilter, FilterBackendsMixin, IntegerFilter, StableOrderingFilter
from minicrm import selectors, services
from minicrm.constants import segment_named
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
    CustomerWriteSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    OrderWriteSerializer,
    ProductSerializer,
    RFMScoreDetailSerializer,
    RFMScoreSerializer,
    ValueRangeSerializer,
)

TAGS = ["minicrm"]
SCORE_RANGE = {"min_value": 1, "max_value": 5}


class StaffCanWrite(BasePermission):
    """Reads as the project's default permission allows; creating, changing and deleting for staff only."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)


READ_OR_STAFF_WRITE = [*api_settings.DEFAULT_PERMISSION_CLASSES, StaffCanWrite]


class SegmentField(django_filters.fields.ChoiceField):
    """A segment name in any case, or an alias the earlier CRM used, cleaned to the canonical name."""

    def to_python(self, value):
        segment = segment_named(value) if isinstance(value, str) and value else None
        return segment.value if segment else super().to_python(value)


class SegmentFilter(django_filters.ChoiceFilter):
    """An RFM segment by its name, in any case, or by an alias ("Cannot Lose Them" for "Can't Lose Them")."""

    field_class = SegmentField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", SEGMENT_CHOICES)
        kwargs.setdefault("help_text", "RFM segment: its name in any case, or an alias such as 'Cannot Lose Them'.")
        super().__init__(*args, **kwargs)


# --- RFM scores -------------------------------------------------------------------------------------------------


class RFMScoreFilter(django_filters.FilterSet):
    segment = SegmentFilter()
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
    class SegmentSerializer(serializers.Serializer):
        segment = serializers.ChoiceField(choices=SEGMENT_CHOICES)
        count = serializers.IntegerField(source="customers", help_text="Customers (the earlier CRM's name).")
        customers = serializers.IntegerField()
        mean_recency_days = serializers.FloatField()
        mean_frequency = serializers.FloatField()
        mean_monetary = serializers.DecimalField(max_digits=14, decimal_places=2)
        revenue = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Sum of monetary values.")
        revenue_share = serializers.FloatField(help_text="Share of the revenue of all scored customers, 0-1.")
        percentage = serializers.FloatField(help_text="Share of the scored customers, in percent.")

    class OutputSerializer(serializers.Serializer):
        segments = serializers.ListField(child=serializers.DictField(), help_text="One row per segment.")
        total_customers = serializers.IntegerField(help_text="Scored customers.")

    @extend_schema(
        tags=TAGS,
        summary="Customers and mean RFM values per segment",
        description="`segments` holds one row per segment that has customers, by revenue descending (at most "
        "eleven, not paginated); `total_customers` is the number of scored customers.",
        responses=OutputSerializer,
    )
    @cached_analytics
    def get(self, request):
        rows = selectors.rfm_segment_summary()
        total = sum(row["customers"] for row in rows)
        rows = [{**row, "percentage": round(100.0 * row["customers"] / total, 2)} for row in rows]
        segments = self.SegmentSerializer(rows, many=True).data
        return Response({"segments": segments, "total_customers": total})


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
        total_customers = serializers.IntegerField(help_text="Scored customers (the earlier CRM's flat keys follow).")
        avg_recency = serializers.FloatField(allow_null=True)
        avg_frequency = serializers.FloatField(allow_null=True)
        avg_monetary = serializers.FloatField(allow_null=True)
        min_recency = serializers.IntegerField(allow_null=True)
        max_recency = serializers.IntegerField(allow_null=True)
        min_frequency = serializers.IntegerField(allow_null=True)
        max_frequency = serializers.IntegerField(allow_null=True)
        min_monetary = serializers.FloatField(allow_null=True)
        max_monetary = serializers.FloatField(allow_null=True)
        avg_recency_days = serializers.FloatField(allow_null=True)
        min_recency_days = serializers.IntegerField(allow_null=True)
        max_recency_days = serializers.IntegerField(allow_null=True)

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
            "total_customers": stats["customers"],
        }
        for name, flat in (("recency_days", "recency"), ("frequency", "frequency"), ("monetary", "monetary")):
            for part, prefix in (("mean", "avg"), ("min", "min"), ("max", "max")):
                data[f"{prefix}_{flat}"] = stats[f"{name}_{part}"]
                if flat != name:
                    data[f"{prefix}_{name}"] = stats[f"{name}_{part}"]
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
        message = serializers.CharField(help_text="One-line summary (the earlier CRM's answer).")
        total_customers = serializers.IntegerField(source="customers_scored", help_text="Customers scored.")
        created = serializers.IntegerField(help_text="Customers scored for the first time.")
        updated = serializers.IntegerField(help_text="Customers whose earlier score was replaced.")
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
    segment = SegmentFilter(field_name="rfm_score__segment")

    class Meta:
        model = Customer
        fields = []

    def filter_state(self, queryset, name, value: str):
        return queryset.filter(state=value.upper())


@extend_schema(tags=TAGS)
class CustomerListApi(generics.ListCreateAPIView):
    """Customers with their RFM segment; `search` matches first name, last name and e-mail (every word must match).
    Staff may create customers (POST)."""

    permission_classes = READ_OR_STAFF_WRITE
    serializer_class = CustomerListSerializer

    def get_serializer_class(self):
        return CustomerWriteSerializer if self.request.method == "POST" else CustomerListSerializer

    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = CustomerFilter
    search_fields = ["first_name", "last_name", "email"]
    ordering_fields = ["id", "created_at", "last_name", "email"]

    def get_queryset(self):
        return selectors.customer_list()


@extend_schema(tags=TAGS)
class CustomerDetailApi(generics.RetrieveUpdateDestroyAPIView):
    """One customer with its RFM score (null when unscored). Staff may update (PUT, PATCH) and delete, which
    deletes the customer's orders and score too."""

    permission_classes = READ_OR_STAFF_WRITE
    serializer_class = CustomerDetailSerializer

    def get_serializer_class(self):
        return CustomerDetailSerializer if self.request.method in SAFE_METHODS else CustomerWriteSerializer

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
    order_date_from = DayFilter(field_name="order_date", bound="first", help_text="Placed on or after this day (UTC).")
    order_date_to = DayFilter(field_name="order_date", bound="last", help_text="Placed on or before this day (UTC).")
    min_order_date = DayFilter(field_name="order_date", bound="first", help_text="Deprecated: use order_date_from.")
    max_order_date = DayFilter(field_name="order_date", bound="last", help_text="Deprecated: use order_date_to.")

    class Meta:
        model = Order
        fields = []


class OrderWriteMixin:
    """Create and update through `services.order_save`: the total comes from the items and the customer's RFM score
    is marked stale; the answer is the order as the detail endpoint shows it."""

    def _saved(self, request, order=None, *, partial=False, created=False):
        serializer = OrderWriteSerializer(order, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = data.get("items")
        saved = services.order_save(
            using=router.db_for_write(Order),
            customer=data.get("customer") or order.customer,
            items=None if items is None else [services.OrderLine(**line) for line in items],
            status=data.get("status"),
            order_date=data.get("order_date"),
            order=order,
        )
        shown = OrderDetailSerializer(selectors.order_detail_queryset().get(pk=saved.pk)).data
        return Response(shown, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=TAGS)
class OrderListApi(OrderWriteMixin, FilterBackendsMixin, generics.ListCreateAPIView):
    """Orders with their customer and lines, filterable by customer, status and order date. Staff may create
    orders (POST `customer`, `items` [{`product`, `quantity`}], optional `status`, `order_date`)."""

    permission_classes = READ_OR_STAFF_WRITE
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["id", "order_date", "total_price"]

    def get_queryset(self):
        return selectors.order_detail_queryset()

    @extend_schema(request=OrderWriteSerializer, responses={201: OrderDetailSerializer})
    def post(self, request, *args, **kwargs):
        return self._saved(request, created=True)


@extend_schema(tags=TAGS)
class OrderDetailApi(OrderWriteMixin, generics.RetrieveUpdateDestroyAPIView):
    """One order with its customer and its lines (two queries whatever the number of lines). Staff may update
    (given `items` replace the lines and the total is recomputed) and delete."""

    permission_classes = READ_OR_STAFF_WRITE
    serializer_class = OrderDetailSerializer

    def get_queryset(self):
        return selectors.order_detail_queryset()

    @extend_schema(request=OrderWriteSerializer, responses=OrderDetailSerializer)
    def put(self, request, *args, **kwargs):
        return self._saved(request, self.get_object())

    @extend_schema(request=OrderWriteSerializer, responses=OrderDetailSerializer)
    def patch(self, request, *args, **kwargs):
        return self._saved(request, self.get_object(), partial=True)

    def perform_destroy(self, instance):
        services.order_delete(using=router.db_for_write(Order), order=instance)


class HealthApi(APIView):
    """`GET /health/`, as the earlier CRM answered it: 200 and `healthy` when the databases answer, else 503."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class OutputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["healthy", "unhealthy"])
        database = serializers.ChoiceField(choices=["ok", "unavailable"], help_text="The minicrm database.")

    @extend_schema(
        tags=TAGS, summary="Liveness and database check", responses={200: OutputSerializer, 503: OutputSerializer}
    )
    def get(self, request):
        try:
            with connections[router.db_for_read(Customer)].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return Response(
                {"status": "unhealthy", "database": "unavailable"}, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return Response({"status": "healthy", "database": "ok"})
