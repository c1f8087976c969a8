"""`/api/`: the API's front page, listing every domain's endpoints and where their documentation is."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

# minicrm's original paths, kept for the original tool's users; new clients use /api/minicrm/.
ORIGINAL_MINICRM_PATHS = ("/api/rfm/", "/api/customers/", "/api/products/", "/api/orders/")


def _endpoints(resolver: URLResolver, prefix: str) -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _endpoints(pattern, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def domain_endpoints() -> dict[str, list[str]]:
    """Every domain's API routes under `/api/<domain>/`, in the order its urls module lists them."""
    endpoints = {}
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in settings.DOMAIN_APPS:
            route = "/" + str(pattern.pattern)
            if route == f"/api/{pattern.namespace}/":
                endpoints[pattern.namespace] = _endpoints(pattern, route)
    return {domain: endpoints.get(domain, []) for domain in settings.DOMAIN_APPS}


class ApiRootApi(APIView):
    """The domains of the API, each with its endpoints, its part of the interactive docs and its dictionary (paths)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="api_root",
        tags=["api"],
        responses=inline_serializer(
            "ApiRoot",
            {
                "docs": serializers.DictField(child=serializers.CharField()),
                "domains": serializers.ListField(child=serializers.DictField()),
                "date_ranges": serializers.CharField(),
            },
        ),
    )
    def get(self, request):
        domains = [
            {
                "domain": domain,
                "root": f"/api/{domain}/",
                "endpoints": routes,
                "docs": f"/api/docs/#/{domain}",
                "dictionary": f"/dictionary/{domain}/",
                **({"original_paths": list(ORIGINAL_MINICRM_PATHS)} if domain == "minicrm" else {}),
            }
            for domain, routes in domain_endpoints().items()
        ]
        return Response(
            {
                "docs": {
                    "swagger": "/api/docs/",
                    "redoc": "/api/redoc/",
                    "schema": "/api/schema/",
                },
                "domains": domains,
                "date_ranges": "Date filters are <field>_from and <field>_to, both inclusive of the day.",
            }
        )
