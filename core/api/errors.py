"""API error handling: Django validation errors become 400s with a message, never 500s; secrets never shown."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.views.debug import SafeExceptionReporterFilter
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A ValidationError raised with a list (PostgreSQL's "Null characters are not allowed." from a search
        # term) would answer a bare list; the documented error shape is an object with a `detail` sentence.
        response.data = {"detail": " ".join(str(message) for message in response.data)}
    return response


# Secrets on error pages (DEBUG pages and the error e-mails of production): Django hides settings named like
# API/TOKEN/KEY/SECRET/PASS/SIGNATURE; database URLs (`*_DATABASE_URL`, `CACHE_URL`) carry passwords too, in the
# settings and in the environment that runserver copies into request.META.
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@/\s]*)@", re.I)


def mask_url_passwords(text: str) -> str:
    """`postgres://user:secret@host/db` -> `postgres://user:********@host/db` anywhere in `text`."""
    return _URL_PASSWORD.sub(lambda match: f"{match['scheme']}{match['user']}:********@", text)


class SecretsExceptionReporterFilter(SafeExceptionReporterFilter):
    """Also hides URLs, DSNs and database settings, and masks passwords inside any URL shown on an error page."""

    hidden_settings = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|URL|DSN|DATABASE|HTTP_COOKIE", flags=re.I)

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        return mask_url_passwords(value) if isinstance(value, str) else value

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: mask_url_passwords(value) if isinstance(value, str) else value for key, value in meta.items()}

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if self.hidden_settings.search(name):  # a local named like a secret (password, db_url, token)
                value = self.cleansed_substitute
            elif isinstance(value, str):
                value = mask_url_passwords(value)
            variables.append((name, value))
        return variables


def not_found(request, exception=None):
    """`handler404`: under /api/ a JSON 404 as the schema documents (a path no route matches, such as a negative
    id, used to get Django's HTML page); elsewhere Django's page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
