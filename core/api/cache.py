"""Cached analytics responses, dropped the moment a domain's data changes.

An analytics endpoint aggregates whole tables (hopify's cohort matrix takes about a second at the default scale),
yet its answer only changes when the dataset does. A response is cached under the domain's dataset version
(`core.cache`: one per database, so two databases of a domain never share answers) and the request's URL, so any
write to the domain makes it unreachable at once. Entries live
`ANALYTICS_CACHE_SECONDS` (default an hour; 0 switches caching off).

Caching happens inside the view method, after DRF's authentication, permission and throttling checks, and stores
the serialized data, not rendered bytes: a cached answer still obeys `API_REQUIRE_AUTH` and every renderer.
"""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from rest_framework.response import Response

from core.cache import dataset_version

RESPONSE_KEY = "synthbiz:analytics:{domain}:{version}:{digest}"


def response_cache_key(domain: str, request) -> str:
    # The absolute URI: pagination links in the data name the host and scheme the request used. Its query is taken
    # in sorted order, so reordering parameters cannot make a new cold entry (unknown parameters are already a 400:
    # core.security.StrictQueryParametersMiddleware).
    query = urlencode(sorted((key, value) for key in request.GET for value in request.GET.getlist(key)))
    uri = request.build_absolute_uri(request.path) + (f"?{query}" if query else "")
    digest = hashlib.sha256(uri.encode()).hexdigest()[:32]
    return RESPONSE_KEY.format(domain=domain, version=dataset_version(domain), digest=digest)


def cached_analytics(method):
    """Decorate an analytics view's `get` to serve its 200 responses from the cache until the data changes.

    The domain is the view's app (the first part of its module path). Put it below `@extend_schema`.
    """

    @functools.wraps(method)
    def get(view, request, *args, **kwargs):
        timeout = settings.ANALYTICS_CACHE_SECONDS
        if not timeout:
            return method(view, request, *args, **kwargs)
        key = response_cache_key(type(view).__module__.split(".", 1)[0], request)
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = method(view, request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, timeout)
        return response

    return get


class CachedAnalyticsListMixin:
    """For an analytics view built on a DRF generic list view: its `get` goes through `cached_analytics`."""

    @cached_analytics
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
