from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSizeMixin:
    """`?page_size=` must be a whole number from 1 to `max_page_size` (DRF would quietly fall back to the default
    on anything else); the schema declares the same bounds."""

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        allowed = f"a whole number from 1 to {self.max_page_size}"
        if len(values) > 1:
            raise ValidationError({self.page_size_query_param: [f"give it once ({allowed})"]})
        try:
            size = int(values[0])
        except ValueError:
            raise ValidationError({self.page_size_query_param: [f"{values[0]!r} is not {allowed}"]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"{size} is out of range: {allowed}"]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class StandardPagination(StrictPageSizeMixin, PageNumberPagination):
    """Page-number pagination with a client-chosen page size up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class StrictCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Cursor pagination for lists of millions of rows (every page costs the same), saying so.

    A `?page=` meant for page-number lists would otherwise be ignored silently and the first page returned again;
    it is a 400 naming the cursor parameter instead, and the schema describes how to page.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Recognised only to be refused with a message naming the cursor (core.security lets declared names through).
    page_query_param = "page"

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            raise ValidationError(
                {
                    "page": [
                        f"this list is paged by cursor, not page number: follow the `next` link "
                        f"(its `{self.cursor_query_param}` parameter) instead of ?page="
                    ]
                }
            )
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Paged by cursor: pass the `cursor` of the `next` or `previous` link. There is no page number "
                    "(`?page=` is a 400) and no total count, so every page costs the same on millions of rows."
                )
        return parameters
