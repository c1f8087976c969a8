"""Admin defaults for tables with millions of rows."""

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

# Levels of the admin's date hierarchy that RangePeriodsQuerySet answers from MIN and MAX.
RANGE_PERIOD_KINDS = ("year", "month", "day")


def _periods_between(first: dt.date, last: dt.date, kind: str) -> list[dt.date]:
    """The first day of every year, month or day from `first` to `last`, both included."""
    if kind == "year":
        return [dt.date(year, 1, 1) for year in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [dt.date(index // 12, index % 12 + 1, 1) for index in months]
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


class RangePeriodsQuerySet(QuerySet):
    """`dates()` and `datetimes()` by year, month or day from MIN and MAX of the field instead of a scan.

    Django's date hierarchy asks for the distinct years (then months, days) of the changelist's rows:
    `SELECT DISTINCT django_datetime_trunc(...)`, which on SQLite calls a Python function per row (about a second
    per million rows, on every changelist page). Two aggregates give the range instead, and every period in it is
    offered; a period without rows, possible only in a gap of the data, opens an empty list.
    """

    def dates(self, field_name, kind, order="ASC"):
        if kind not in RANGE_PERIOD_KINDS:
            return super().dates(field_name, kind, order)
        bounds = self._bounds(field_name, None)
        periods = _periods_between(*bounds, kind) if bounds else []
        return periods[::-1] if order == "DESC" else periods

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in RANGE_PERIOD_KINDS:
            return super().datetimes(field_name, kind, order, tzinfo)
        tzinfo = (tzinfo or timezone.get_current_timezone()) if settings.USE_TZ else None
        bounds = self._bounds(field_name, tzinfo)
        periods = [
            dt.datetime.combine(day, dt.time.min, tzinfo=tzinfo) for day in _periods_between(*bounds, kind)
        ] if bounds else []  # fmt: skip
        return periods[::-1] if order == "DESC" else periods

    def _bounds(self, field_name: str, tzinfo) -> tuple[dt.date, dt.date] | None:
        found = self.aggregate(first=Min(field_name), last=Max(field_name))
        if found["first"] is None:
            return None
        days = []
        for value in (found["first"], found["last"]):
            if isinstance(value, dt.datetime):
                value = (value.astimezone(tzinfo) if tzinfo and timezone.is_aware(value) else value).date()
            days.append(value)
        return days[0], days[1]


@functools.cache
def _with_range_periods(queryset_class: type[QuerySet]) -> type[QuerySet]:
    if issubclass(queryset_class, RangePeriodsQuerySet):
        return queryset_class
    return type(f"RangePeriods{queryset_class.__name__}", (RangePeriodsQuerySet, queryset_class), {})


class LargeTableAdmin(admin.ModelAdmin):
    """ModelAdmin tuned for big synthetic tables.

    Django's defaults are the trap here: a `<select>` over every customer for each foreign key, a second COUNT(*)
    on every changelist ("show full result count") and 100 rows a page. Subclasses list their foreign keys in
    `raw_id_fields` and the related objects they display in `list_select_related`.
    """

    show_full_result_count = False
    # Facets (Django 5.0) add one COUNT per filter choice over the whole table when `?_facets` is requested.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    list_max_show_all = 500

    def get_queryset(self, request):
        # The date hierarchy's navigation from MIN/MAX instead of a DISTINCT over every row (RangePeriodsQuerySet).
        queryset = super().get_queryset(request)
        queryset.__class__ = _with_range_periods(type(queryset))
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Django turns an unparseable id into "does not exist", but an integer past 64 bits reaches SQLite, which
        # raises OverflowError for a key that is a foreign key (minicrm's rfm_score is keyed by customer_id).
        try:
            return super().get_object(request, object_id, from_field)
        except OverflowError:
            return None


def value_list_filter(field_name: str, values: Iterable, *, title: str | None = None) -> type[admin.SimpleListFilter]:
    """A changelist filter offering a fixed set of `values` for `field_name`.

    A plain `list_filter = ["score"]` on a field without choices runs `SELECT DISTINCT score` over the whole table
    on every changelist (AllValuesFieldListFilter); when the possible values are known, this filter runs no query.
    A value outside the set is ignored rather than passed to the database.
    """
    allowed = [str(value) for value in values]

    class ValueListFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            return [(value, value) for value in allowed]

        def queryset(self, request, queryset):
            if self.value() in allowed:
                return queryset.filter(**{field_name: self.value()})
            return queryset

    ValueListFilter.title = title or field_name.replace("_", " ")
    ValueListFilter.__name__ = f"{field_name.title().replace('_', '')}ListFilter"
    return ValueListFilter
