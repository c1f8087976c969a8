"""schemathesis against /api/schema/: generated requests to every endpoint never get a server error, and every
response body matches the schema. Bounded: a fixed number of examples per operation, no deadline."""

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]')")
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from config.wsgi_app import application  # noqa: E402

EXAMPLES_PER_OPERATION = 12


@pytest.fixture(autouse=True)
def connections_kept_open_across_requests():
    """schemathesis calls the WSGI app directly; Django would then close the database connections after each
    request, inside the test's transaction (on MariaDB and PostgreSQL). Django's test client switches that off the
    same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.mark.django_db(databases="__all__")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, seeded_datasets):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
