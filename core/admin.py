"""Admin defaults for tables with millions of rows."""

from collections.abc import Iterable

from django.contrib import admin


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
