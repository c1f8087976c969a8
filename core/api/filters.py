"""Helpers shared by the domain APIs."""

import datetime as dt

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import OrderingFilter

from core.options import DATE_RANGE

# Dates a query may name: the range every generated dataset lies in (core.options.DATE_RANGE). Checked before any
# date arithmetic, so 9999-12-31 or 0001-01-01 is a 400 naming the parameter, never an OverflowError (a 500).
EARLIEST_DATE, LATEST_DATE = DATE_RANGE
DATE_RANGE_MESSAGE = f"Enter a date from {EARLIEST_DATE} to {LATEST_DATE}."


def check_date_range(name: str, value) -> None:
    """A 400 naming `name` when the date `value` lies outside DATE_RANGE."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise serializers.ValidationError({name: [DATE_RANGE_MESSAGE]})


def validated_filters(serializer_class: type[serializers.Serializer], query_params) -> dict:
    """Validate query parameters with a FilterSerializer; a bad value raises a 400 naming the parameter."""
    serializer = serializer_class(data=query_params)
    serializer.is_valid(raise_exception=True)
    for name, value in serializer.validated_data.items():
        check_date_range(name, value)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}


class BoundedDateFormField(forms.DateField):
    """A date inside DATE_RANGE (else a 400), for django-filter date filters."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="out_of_range")


class BoundedDateFilter(django_filters.DateFilter):
    """`django_filters.DateFilter` limited to DATE_RANGE."""

    field_class = BoundedDateFormField


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key appended as a tie-breaker.

    Ordering by a column with many equal values (a score, a status) leaves the order of ties to the database, so
    page boundaries may repeat or skip rows; the primary key makes every page deterministic.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if not any(term.lstrip("-") == "pk" for term in ordering):
            ordering.append("pk")
        return ordering


class BoundedIntegerField(forms.IntegerField):
    """An integer that fits a 64-bit column: anything bigger is a 400, not an overflow (a 500) in the driver."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A NumberFilter for integer columns: fractions ("4.5") and out-of-range values are a 400."""

    field_class = BoundedIntegerField


class AmountFilter(django_filters.NumberFilter):
    """A NumberFilter for money and other decimals: at most 16 digits, 4 after the point (else a 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(*args, **kwargs)


class FilterBackendsMixin:
    """django-filter FilterSets plus `?ordering=` with a deterministic tie-breaker."""

    filter_backends = [DjangoFilterBackend, StableOrderingFilter]


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight UTC of `day`: date filters compare indexed timestamps with it (a `__date` lookup defeats the index)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


class DayFilter(BoundedDateFilter):
    """A whole UTC day bound on a timestamp column: `first` keeps rows on or after the day, `last` on or before it.

    Compared as a half-open range on the timestamp itself, so the column's index serves it (a `__date` lookup would
    wrap the column in a function and scan).
    """

    def __init__(self, *args, bound: str, **kwargs):
        if bound not in ("first", "last"):
            raise ValueError("bound must be 'first' or 'last'")
        self.bound = bound
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.bound == "first":
            return qs.filter(**{f"{self.field_name}__gte": start_of_day(value)})
        return qs.filter(**{f"{self.field_name}__lt": start_of_day(value + dt.timedelta(days=1))})
