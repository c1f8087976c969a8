"""Admin defaults for tables with millions of rows."""

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

# Above this many rows a changelist stops counting exactly: COUNT(*) over millions of rows on every page costs seconds.
EXACT_COUNT_LIMIT = 10_000
# How many related rows (customers) a search may match before the changelist filters by their ids.
RELATED_SEARCH_LIMIT = 1_000

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


def approximate(count: int) -> str:
    """13_912_345 -> "about 13.9 million"; 84_210 -> "about 84,000"."""
    if count >= 1_000_000:
        return f"about {count / 1_000_000:.1f} million"
    return f"about {round(count, -3) if count >= 10_000 else count:,}"


def _table_size_estimate(queryset: QuerySet) -> int | None:
    """Rows in the queryset's whole table, from the key's range or the database's own statistics (no scan)."""
    from django.db import connections

    model = queryset.model
    pk = model._meta.pk
    if pk.get_internal_type() in ("AutoField", "BigAutoField"):
        bounds = queryset.order_by().aggregate(first=Min(pk.attname), last=Max(pk.attname))
        return bounds["last"] - bounds["first"] + 1 if bounds["first"] is not None else None
    connection = connections[queryset.db]
    table = model._meta.db_table
    sql = {
        # Every ordinary SQLite table has a rowid; the largest is found from the b-tree's last page.
        "sqlite": (f"SELECT MAX(rowid) FROM {connection.ops.quote_name(table)}", []),
        "postgresql": ("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]),
        "mysql": (
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
            [table],
        ),
    }.get(connection.vendor)
    if sql is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*sql)
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else None


class LargeTablePaginator(Paginator):
    """Exact counts up to EXACT_COUNT_LIMIT, clearly approximate ones above it, at the cost of a small query.

    `SELECT COUNT(*) FROM (... LIMIT 10001)` tells whether the list is small; a small list gets its exact count. A
    bigger unfiltered table is estimated without a scan (MIN and MAX of an integer key, else the database's
    statistics) and labelled "about"; a bigger filtered list says "more than 10,000".
    `count_label` is what the changelist shows.
    """

    exact_count_limit = EXACT_COUNT_LIMIT

    @cached_property
    def _counted(self) -> tuple[int, str]:
        limit = self.exact_count_limit
        capped = self.object_list[: limit + 1].count()
        if capped <= limit:
            return capped, f"{capped:,}"
        query = getattr(self.object_list, "query", None)
        estimate = _table_size_estimate(self.object_list) if query is not None and not query.where else None
        if estimate:
            estimate = max(estimate, capped)
            return estimate, approximate(estimate)
        return capped, f"more than {limit:,}"

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_label(self) -> str:
        return self._counted[1]


class LargeTableAdmin(admin.ModelAdmin):
    """ModelAdmin tuned for big synthetic tables.

    Django's defaults are the trap here: a `<select>` over every customer for each foreign key, a second COUNT(*)
    on every changelist ("show full result count") and 100 rows a page. Subclasses list their foreign keys in
    `raw_id_fields` and the related objects they display in `list_select_related`.
    """

    show_full_result_count = False
    paginator = LargeTablePaginator
    # Search through a small related table first: {"customer": ["first_name", "last_name", "email"]} finds the
    # matching customers (at most RELATED_SEARCH_LIMIT) and then the rows with those customer ids, by the foreign
    # key's index, instead of a LIKE over a join of millions of rows.
    related_search_fields: dict[str, list[str]] = {}
    # Facets (Django 5.0) add one COUNT per filter choice over the whole table when `?_facets` is requested.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    list_max_show_all = 500

    def get_queryset(self, request):
        # The date hierarchy's navigation from MIN/MAX instead of a DISTINCT over every row (RangePeriodsQuerySet).
        queryset = super().get_queryset(request)
        queryset.__class__ = _with_range_periods(type(queryset))
        return queryset

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        # Django shows the search box only when there are search fields; related ones count.
        return fields or (["pk"] if self.related_search_fields else fields)

    def get_search_results(self, request, queryset, search_term):
        if not self.related_search_fields or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        own_fields = list(super().get_search_fields(request))
        results, duplicates = queryset.none(), False
        if own_fields:
            results, duplicates = admin.ModelAdmin.get_search_results(self, request, queryset, search_term)
        from django.db.models import Q

        matched = Q(pk__in=[])
        for relation, fields in self.related_search_fields.items():
            related = self.model._meta.get_field(relation).related_model
            condition = Q()
            for word in search_term.split():
                condition &= functools.reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": word}) for f in fields))
            ids = list(
                related._default_manager.using(queryset.db)
                .filter(condition)
                .values_list("pk", flat=True)[:RELATED_SEARCH_LIMIT]
            )
            matched |= Q(**{f"{relation}__in": ids})
        found = queryset.filter(matched)
        return (results | found) if own_fields else found, duplicates

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
