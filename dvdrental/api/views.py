"""dvdrental REST API: read-only films, customers, rentals and late fees, and one view per analytics operation.

Lists are generic views with django-filter FilterSets (a malformed value is a 400 naming the parameter); analytics
views validate their query with a nested FilterSerializer, run one selector (aggregation in SQL) and paginate.
"""

import django_filters
from django.db import router
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.cache import CachedAnalyticsListMixin, cached_analytics
from core.api.filters import DayFilter, FilterBackendsMixin, IntegerFilter, validated_filters
from dvdrental import selectors
from dvdrental.models import RATING_CHOICES, Customer, Film, LateFee, Payment, Rental, SeasonalityLog

from .serializers import (
    CustomerSerializer,
    FilmSerializer,
    LateFeeSerializer,
    RentalSerializer,
    WeeklyVolumeSerializer,
)

TAGS = ["dvdrental"]


def alias() -> str:
    return router.db_for_read(Rental)


class PaginatedRowsMixin:
    """Paginate a list of dicts computed by a selector, as the list views paginate querysets."""

    def paginated(self, rows):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


# --- lists ------------------------------------------------------------------------------------------------------


class FilmFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        field_name="film_categories__category__name", lookup_expr="iexact", help_text="Category (genre) name."
    )
    rating = django_filters.ChoiceFilter(choices=RATING_CHOICES, help_text="MPAA rating.")
    release_year = IntegerFilter(help_text="Release year.")
    min_release_year = IntegerFilter(field_name="release_year", lookup_expr="gte")
    max_release_year = IntegerFilter(field_name="release_year", lookup_expr="lte")

    class Meta:
        model = Film
        fields = []


@extend_schema(tags=TAGS)
class FilmListApi(FilterBackendsMixin, generics.ListAPIView):
    """Films with their genre; filter by category, rating and release year."""

    serializer_class = FilmSerializer
    filterset_class = FilmFilter
    ordering_fields = ["id", "title", "release_year", "rental_rate", "length"]

    def get_queryset(self):
        return selectors.film_list()


@extend_schema(tags=TAGS)
class FilmDetailApi(generics.RetrieveAPIView):
    """One film."""

    serializer_class = FilmSerializer

    def get_queryset(self):
        return selectors.film_list()


class CustomerFilter(django_filters.FilterSet):
    store = IntegerFilter(field_name="store_id", help_text="Home store id.")
    active = django_filters.BooleanFilter(help_text="Still a customer (not churned).")
    segment = django_filters.CharFilter(field_name="lifecycle__segment", help_text="Ground-truth segment.")

    class Meta:
        model = Customer
        fields = []


@extend_schema(tags=TAGS)
class CustomerListApi(FilterBackendsMixin, generics.ListAPIView):
    """Customers with home store, city and ground-truth segment."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["id", "last_name", "create_date"]

    def get_queryset(self):
        return selectors.customer_list()


@extend_schema(tags=TAGS)
class CustomerDetailApi(generics.RetrieveAPIView):
    """One customer."""

    serializer_class = CustomerSerializer

    def get_queryset(self):
        return selectors.customer_list()


class RentalFilter(django_filters.FilterSet):
    # The date-range rule of every API: <field>_from and <field>_to, both inclusive of the day (UTC).
    rental_date_from = DayFilter(field_name="rental_date", bound="first", help_text="Rented on or after this day.")
    rental_date_to = DayFilter(field_name="rental_date", bound="last", help_text="Rented on or before this day.")
    rented_from = django_filters.IsoDateTimeFilter(
        field_name="rental_date",
        lookup_expr="gte",
        help_text="Deprecated: use rental_date_from. Rented at or after (ISO date or date-time).",
    )
    rented_to = django_filters.IsoDateTimeFilter(
        field_name="rental_date",
        lookup_expr="lt",
        help_text="Deprecated: use rental_date_to (which includes the day). Rented before this instant.",
    )
    store = IntegerFilter(field_name="inventory__store_id", help_text="Store id.")
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    returned = django_filters.BooleanFilter(
        field_name="return_date", lookup_expr="isnull", exclude=True, help_text="true: returned; false: still out."
    )

    class Meta:
        model = Rental
        fields = []


@extend_schema(tags=TAGS)
class RentalListApi(FilterBackendsMixin, generics.ListAPIView):
    """Rentals with film and customer; filter by date range, store, customer and whether returned."""

    serializer_class = RentalSerializer
    filterset_class = RentalFilter
    ordering_fields = ["id", "rental_date", "return_date"]

    def get_queryset(self):
        return selectors.rental_list()


class LateFeeFilter(django_filters.FilterSet):
    paid = django_filters.BooleanFilter(help_text="true: paid in full; false: (partly) unpaid.")
    customer = IntegerFilter(field_name="customer_id", help_text="Customer id.")
    min_days_overdue = IntegerFilter(field_name="days_overdue", lookup_expr="gte")

    class Meta:
        model = LateFee
        fields = []


@extend_schema(tags=TAGS)
class LateFeeListApi(FilterBackendsMixin, generics.ListAPIView):
    """Late fees (level 4): one per overdue rental, filter paid/unpaid."""

    serializer_class = LateFeeSerializer
    filterset_class = LateFeeFilter
    ordering_fields = ["id", "fee_date", "total_fee", "days_overdue"]

    def get_queryset(self):
        return selectors.late_fee_list()


@extend_schema(tags=TAGS)
class WeeklyVolumeApi(CachedAnalyticsListMixin, generics.ListAPIView):
    """Every simulated week: week, target, actual and lost rentals, trend index and seasonal multiplier."""

    serializer_class = WeeklyVolumeSerializer
    filter_backends = []

    def get_queryset(self):
        return SeasonalityLog.objects.order_by("week_number")


# --- analytics --------------------------------------------------------------------------------------------------


class TopFilmsApi(APIView):
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(required=False, min_value=1900, max_value=2100, help_text="Calendar year.")
        limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)

    class OutputSerializer(serializers.Serializer):
        film_id = serializers.IntegerField()
        title = serializers.CharField()
        rentals = serializers.IntegerField()
        revenue = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Rental fees, dollars.")

    @extend_schema(
        tags=TAGS, summary="Most rented films", parameters=[FilterSerializer], responses=OutputSerializer(many=True)
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        rows = selectors.top_films(using=alias(), **filters)
        return Response(self.OutputSerializer(rows, many=True).data)


class StoreRevenueApi(PaginatedRowsMixin, generics.GenericAPIView):
    queryset = Payment.objects.none()  # rows come from the selector; this only names the model for the schema
    filter_backends = []

    class FilterSerializer(serializers.Serializer):
        period = serializers.ChoiceField(choices=["day", "week", "month", "year"], default="month", required=False)

    class OutputSerializer(serializers.Serializer):
        period_start = serializers.DateTimeField()
        store_id = serializers.IntegerField()
        revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
        payments = serializers.IntegerField()

    @extend_schema(
        tags=TAGS,
        summary="Payments per store and period",
        description="Rental and late-fee payments, by the store of the staff member who took them.",
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        return self.paginated(selectors.store_revenue(using=alias(), period=filters.get("period", "month")))


class YearlyPerformanceApi(APIView):
    class OutputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        rentals = serializers.IntegerField()
        customers = serializers.IntegerField(help_text="Distinct renting customers.")
        mean_days = serializers.FloatField(help_text="Mean rental length of returned rentals, days.")
        revenue = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Rental fees, dollars.")

    @extend_schema(tags=TAGS, summary="Rentals per calendar year", responses=OutputSerializer(many=True))
    @cached_analytics
    def get(self, request):
        return Response(self.OutputSerializer(selectors.yearly_performance(using=alias()), many=True).data)


class PhasesApi(APIView):
    class OutputSerializer(serializers.Serializer):
        business_phase = serializers.CharField()
        first_week = serializers.IntegerField()
        last_week = serializers.IntegerField()
        weeks = serializers.IntegerField()
        mean_target = serializers.FloatField()
        mean_actual = serializers.FloatField()
        mean_lost = serializers.FloatField()

    @extend_schema(
        tags=TAGS, summary="Business phases and their actual weekly means", responses=OutputSerializer(many=True)
    )
    @cached_analytics
    def get(self, request):
        return Response(self.OutputSerializer(selectors.phase_summary(using=alias()), many=True).data)


class ARAgingApi(APIView):
    class FilterSerializer(serializers.Serializer):
        as_of = serializers.DateField(required=False, help_text="Age balances as of this day (default: run end).")

    class OutputSerializer(serializers.Serializer):
        bucket = serializers.ChoiceField(choices=list(selectors.AR_BUCKETS))
        customers = serializers.IntegerField()
        balance = serializers.DecimalField(max_digits=14, decimal_places=2)

    @extend_schema(
        tags=TAGS,
        summary="Accounts receivable aging buckets",
        description="Customers with an unpaid late-fee balance, bucketed by the age of their oldest unpaid fee: "
        "current (0-29 days), 30_days, 60_days, 90_days_plus, written_off (365+).",
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    @cached_analytics
    def get(self, request):
        filters = validated_filters(self.FilterSerializer, request.query_params)
        return Response(self.OutputSerializer(selectors.ar_aging(using=alias(), **filters), many=True).data)


class CustomerSegmentsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        segment = serializers.CharField(help_text="Ground-truth segment.")
        tier = serializers.CharField(help_text="Observed usage: Heavy > 50 rentals, Regular > 20, Occasional > 5.")
        customers = serializers.IntegerField()
        churned = serializers.IntegerField(help_text="Churned and not reactivated.")
        mean_rentals = serializers.FloatField()

    @extend_schema(
        tags=TAGS, summary="Ground-truth segment against observed usage tier", responses=OutputSerializer(many=True)
    )
    @cached_analytics
    def get(self, request):
        return Response(self.OutputSerializer(selectors.segment_matrix(using=alias()), many=True).data)


class InventoryStatusCountSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="available, rented, damaged, missing, maintenance (or untracked).")
    copies = serializers.IntegerField()


class InventoryStatusYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    status = serializers.CharField()
    changes = serializers.IntegerField()


class InventoryStatusApi(APIView):
    class OutputSerializer(serializers.Serializer):
        current = InventoryStatusCountSerializer(many=True, help_text="Copies by current status.")
        by_year = InventoryStatusYearSerializer(many=True, help_text="Changes into damaged/missing/maintenance.")

    @extend_schema(tags=TAGS, summary="Copies by status, now and over time", responses=OutputSerializer)
    @cached_analytics
    def get(self, request):
        using = alias()
        data = {
            "current": selectors.inventory_status_counts(using=using),
            "by_year": selectors.inventory_status_by_year(using=using),
        }
        return Response(self.OutputSerializer(data).data)
