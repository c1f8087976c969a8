"""OpenAPI schema generation shared by every domain."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

# Nested serializers of an API view (HackSoft style) are named after the view: RFMStatisticsApi.OutputSerializer
# becomes RFMStatistics, its InputSerializer RFMStatisticsInput, its FilterSerializer RFMStatisticsFilter.
NESTED_SUFFIXES = {"OutputSerializer": "", "InputSerializer": "Input", "FilterSerializer": "Filter"}


class DomainAutoSchema(AutoSchema):
    """Prefix schema component names with the domain app (`MinicrmCustomer`, later `HopifyCustomer`).

    Every domain has a `CustomerSerializer` and views with a nested `OutputSerializer`; without the view name and
    the domain prefix drf-spectacular would report colliding component names.
    """

    def get_serializer_name(self, serializer, direction):
        serializer_class = type(serializer)
        outer, _, inner = serializer_class.__qualname__.rpartition(".")
        if outer and inner in NESTED_SUFFIXES:
            name = outer.removesuffix("Api").removesuffix("View") + NESTED_SUFFIXES[inner]
        else:
            name = super().get_serializer_name(serializer, direction)
        app = serializer_class.__module__.split(".", 1)[0]
        prefix = "".join(part.capitalize() for part in app.split("_"))
        if app in ("rest_framework", "drf_spectacular", "core") or name.startswith(prefix):
            return name
        return prefix + name

    def get_auth(self):
        """No security requirement on reads anyone may make, so Swagger shows no lock on them."""
        if self.method in SAFE_METHODS and self._open_to_anonymous_reads():
            return []
        return super().get_auth()

    def _open_to_anonymous_reads(self) -> bool:
        from django.contrib.auth.models import AnonymousUser
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        request = Request(APIRequestFactory().get("/"))
        request.user = AnonymousUser()
        try:
            return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission needing more of the request than a bare GET: keep its lock
            return False

    def _get_response_bodies(self, direction="response"):
        """Every status an operation can answer, with its body: 400 (invalid or unknown parameters, a field ->
        messages object or `detail`), 401/403 (login or staff required), 404 (no such object, or a dataset not built
        yet: `detail` and the `command` that builds it) and 429 (throttled)."""
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(
                code, {"content": {"application/json": {"schema": ERROR_SCHEMA}}, "description": description}
            )
        return responses


ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` (a sentence), or one list of messages per invalid parameter or field.",
    "properties": {
        "detail": {"type": "string"},
        "unknown": {"type": "array", "items": {"type": "string"}, "description": "Query parameters not declared."},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "command": {"type": "string", "description": "The command that builds a dataset not built yet."},
    },
    "additionalProperties": True,
}
ERROR_RESPONSES = {
    "400": "Invalid or unknown query parameter or field (named in the body).",
    "401": "Authentication required (API_REQUIRE_AUTH=True, or a write without a session).",
    "403": "Not allowed: writes are staff-only; a session write without its CSRF token.",
    "404": "No such object, or the dataset is not built yet (`command` says how to build it).",
    "429": "Too many requests from this address; retry later.",
}
