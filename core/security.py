"""Server-side guards: strict query parameters, a Content-Security-Policy, one login switch for every read, and
slowed-down password guessing.

- `StrictQueryParametersMiddleware`: an API request naming a query parameter its view does not declare is a 400
  listing the allowed ones. Unknown parameters can then neither bypass the analytics cache (each new URL was a
  cold, whole-table aggregation) nor be silently ignored.
- `ContentSecurityPolicyMiddleware`: the `Content-Security-Policy` header on every response (Django 6.0 has its
  own; this one works on 5.2 too). Scripts, styles and images come from this site only; no plugins, no framing,
  no foreign form targets. Inline scripts and styles stay allowed: the dashboards and Swagger UI embed them.
- `RequireLoginMiddleware`: with `API_REQUIRE_AUTH=True`, the downloads, the workbench and the API answer 401 (API)
  or redirect to the login (pages) for anonymous users, like the API's own permission default.
- `ThrottledModelBackend`: after `LOGIN_FAILURE_LIMIT` wrong passwords for one user name from one address within
  `LOGIN_FAILURE_WINDOW` seconds, further attempts are refused until the window has passed.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse

PAGINATION_PARAMETERS = (
    "page_query_param",
    "page_size_query_param",
    "limit_query_param",
    "offset_query_param",
    "cursor_query_param",
)
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def _view_class(view_func):
    return getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)


def allowed_query_parameters(view_class, action: str | None = None) -> set[str] | None:
    """The query parameters a DRF view declares (None when it cannot be told, which leaves the view alone)."""
    from rest_framework.views import APIView

    if view_class is None or not issubclass(view_class, APIView):
        return None
    if view_class.__module__.split(".", 1)[0] not in (*settings.DOMAIN_APPS, "core"):
        return None  # drf-spectacular's schema and docs views take their own parameters
    names = {"format"}
    declared = False
    filter_serializer = getattr(view_class, "FilterSerializer", None)
    if filter_serializer is not None:
        names |= set(filter_serializer().fields)
        declared = True
    filterset = getattr(view_class, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
        declared = True
    elif getattr(view_class, "filterset_fields", None):
        return None  # generated names with lookups: let django-filter judge them
    for backend in getattr(view_class, "filter_backends", ()) or ():
        for attribute in ("ordering_param", "search_param"):
            if hasattr(backend, attribute) and (attribute != "search_param" or getattr(view_class, "search_fields", 0)):
                names.add(getattr(backend, attribute))
    pagination = getattr(view_class, "pagination_class", None)
    if pagination is not None and action in (None, "list"):
        for attribute in PAGINATION_PARAMETERS:
            value = getattr(pagination, attribute, None)
            if value:
                names.add(value)
        declared = True
    if not declared and getattr(view_class, "queryset", None) is None and filter_serializer is None:
        # A plain APIView that reads no parameters: anything given is unknown.
        return names
    return names


class StrictQueryParametersMiddleware:
    """A 400 for query parameters an API view does not declare (GET and HEAD)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        actions = getattr(view_func, "actions", None) or {}
        view_class = _view_class(view_func)
        method = request.method.lower()
        if view_class is not None and (method in ("trace", "connect") or method not in view_class.http_method_names):
            # A 405 naming the allowed methods (DRF would check the CSRF token first and answer 403).
            names = actions or [name for name in view_class.http_method_names if hasattr(view_class, name)]
            allowed = ", ".join(sorted({name.upper() for name in names if name not in ("trace", "connect")}))
            detail = {"detail": f'Method "{request.method}" not allowed.'}
            return JsonResponse(detail, status=405, headers={"Allow": allowed})
        if request.method not in ("GET", "HEAD") or not request.GET:
            return None
        action = actions.get(request.method.lower())
        if actions and action is None:
            return None
        allowed = allowed_query_parameters(_view_class(view_func), action if actions else None)
        if allowed is None:
            return None
        unknown = sorted(set(request.GET) - allowed)
        if not unknown:
            return None
        return JsonResponse(
            {
                "detail": f"Unknown query parameter(s): {', '.join(unknown)}.",
                "unknown": unknown,
                "allowed": sorted(allowed),
            },
            status=400,
        )


class ContentSecurityPolicyMiddleware:
    """Adds `Content-Security-Policy` (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


PROTECTED_PREFIXES = ("/api/", "/downloads/", "/workbench/", "/dashboards/", "/dictionary/")
OPEN_PATHS = ("/health/",)


class RequireLoginMiddleware:
    """With `API_REQUIRE_AUTH=True`, every data read needs a login: downloads, workbench, dashboards, API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            getattr(settings, "API_REQUIRE_AUTH", False)
            and request.path.startswith(PROTECTED_PREFIXES)
            and not request.path.startswith(OPEN_PATHS)
            and not request.user.is_authenticated
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def _failure_key(username: str, request) -> str:
    address = (request.META.get("REMOTE_ADDR") if request is not None else None) or "-"
    digest = hashlib.sha256(f"{username}\0{address}".encode()).hexdigest()[:32]
    return f"synthbiz:login-failures:{digest}"


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, refusing a user name from an address after too many recent wrong passwords."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        key = _failure_key(str(username), request)
        limit = getattr(settings, "LOGIN_FAILURE_LIMIT", 10)
        if cache.get(key, 0) >= limit:
            raise PermissionDenied("too many failed logins; try again later")  # stops every backend
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, getattr(settings, "LOGIN_FAILURE_WINDOW", 300))
        else:
            cache.delete(key)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
