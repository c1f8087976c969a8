"""Access rules: admin needs staff, API reads are open unless one setting says otherwise, writes are staff-only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(databases="__all__")
ROOT = Path(__file__).resolve().parents[2]


def schema_operations(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method


def test_admin_requires_staff_login(client, django_user_model):
    assert client.get("/admin/").status_code == 302
    django_user_model.objects.create_user("reader", password="pw-123456")
    client.login(username="reader", password="pw-123456")
    assert client.get("/admin/").status_code == 302


def test_every_write_endpoint_is_staff_only(client, django_user_model):
    writes = [(path, method) for path, method in schema_operations(client) if method != "get"]
    assert writes, "the API has no write endpoint to check"
    django_user_model.objects.create_user("reader", password="pw-123456")
    for authenticated in (False, True):
        if authenticated:
            client.login(username="reader", password="pw-123456")
        for path, method in writes:
            url = path.replace("{", "").replace("}", "")  # placeholder text never matches a real object
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code in (401, 403, 404, 405), (method, path, response.status_code)


def test_api_reads_are_open_by_default_and_closed_by_one_setting(client):
    assert client.get(reverse("minicrm:rfm-statistics")).status_code == 200
    # DRF reads the permission default when views are defined, so the switch is checked in a fresh process.
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/api/rfm/statistics/').status_code)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "API_REQUIRE_AUTH": "True"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() in ("401", "403"), result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "/api/dvdrental/customers/?store=-2.1658248522255345e%2B249",
        "/api/dvdrental/rentals/?customer=99999999999999999999999",
        "/api/rfm/?min_monetary=1e249",
        "/api/rfm/?recency_score=4.5",
        "/api/orders/?customer=abc",
    ],
)
def test_malformed_numbers_are_400_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert response.json()  # names the parameter


HUGE_ID = "145631281770356457603072"  # past 64 bits: SQLite raised OverflowError on it


def test_an_id_past_64_bits_is_404_on_every_api_detail_route(client):
    details = [path for path, method in schema_operations(client) if method == "get" and "{" in path]
    assert len(details) >= 6
    for path in details:
        url = path.split("{")[0] + HUGE_ID + "/"
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("domain", ["minicrm", "dvdrental", "hopify", "cardportfolio", "churnlab"])
def test_an_id_past_64_bits_is_not_found_on_every_admin_change_page(admin_client, domain):
    from django.apps import apps

    for model in apps.get_app_config(domain).get_models():
        url = reverse(f"admin:{domain}_{model._meta.model_name}_change", args=[HUGE_ID])
        response = admin_client.get(url)
        # The admin redirects to the changelist with "... doesn't exist" (or 404 for an unregistered model).
        assert response.status_code in (302, 404), (url, response.status_code)


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k3Y-9q!vT2#zL8@pW5^mR1&hN6*cF4(jB0)xD7+sGa1b2c3d4e5",
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def date_parameters(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            if parameter.get("in") == "query" and parameter.get("schema", {}).get("format") == "date":
                yield path, parameter["name"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_at_the_calendars_edges_are_never_a_server_error(client, day):
    client.raise_request_exception = False
    probes = list(date_parameters(client))
    assert len(probes) >= 6
    failures = []
    for path, name in probes:
        response = client.get(path, {name: day})
        if response.status_code >= 500:
            failures.append(f"{path}?{name}={day}: {response.status_code}")
    assert not failures, failures


def test_an_unknown_query_parameter_is_a_400_naming_it(client):
    url = reverse("minicrm:rfm-statistics")
    response = client.get(url, {"cachebuster": "123"})
    assert response.status_code == 400
    body = response.json()
    assert body["unknown"] == ["cachebuster"] and "format" in body["allowed"]
    assert client.get(url).status_code == 200


def test_declared_parameters_still_pass_on_lists(client):
    response = client.get(reverse("minicrm-original:order-list"), {"page_size": 5, "ordering": "-order_date"})
    assert response.status_code == 200, response.content


def test_every_response_has_a_content_security_policy(client):
    for url in ("/", reverse("minicrm:rfm-statistics"), "/admin/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_http_basic_authentication_is_not_accepted(client, django_user_model):
    import base64

    django_user_model.objects.create_superuser("boss", password="pw-123456")
    token = base64.b64encode(b"boss:pw-123456").decode()
    writes = [(path, method) for path, method in schema_operations(client) if method != "get"]
    path, method = writes[0]
    response = getattr(client, method)(
        path.replace("{", "").replace("}", ""), {}, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {token}"
    )
    assert response.status_code in (401, 403), response.status_code


def test_session_writes_need_the_csrf_token(django_user_model):
    from django.test import Client

    django_user_model.objects.create_superuser("boss", password="pw-123456")
    client = Client(enforce_csrf_checks=True)
    client.login(username="boss", password="pw-123456")
    writes = [(path, method) for path, method in schema_operations(client) if method == "post"]
    path, _ = writes[0]
    response = client.post(path.replace("{", "").replace("}", ""), {}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_login_for_a_while(client, django_user_model, settings):
    django_user_model.objects.create_user("reader", password="pw-123456")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert not client.login(username="reader", password="wrong")
    # Even the right password is refused until the window has passed.
    assert not client.login(username="reader", password="pw-123456")
    from django.core.cache import cache

    cache.clear()
    assert client.login(username="reader", password="pw-123456")


def test_error_pages_mask_database_urls_and_passwords(rf, settings):
    from django.views.debug import ExceptionReporter

    # Built at run time: the page also shows this test's source lines, which must not hold the secrets themselves.
    password, other_password = "".join(reversed("2retnuh")), "".join(reversed("wp-3rc3s"))
    settings.DEBUG = True
    settings.MINICRM_SECRET_URL_SETTING = f"postgres://app:{password}@db.internal:5432/minicrm"
    request = rf.get("/", HTTP_X_UPSTREAM=f"mysql://root:{other_password}@10.0.0.5/db")
    connection = f"postgres://app:{password}@db.internal:5432/minicrm"  # a local variable shown on the page
    try:
        raise RuntimeError(f"boom at {len(connection)}")
    except RuntimeError:
        import sys as _sys

        html = ExceptionReporter(request, *_sys.exc_info()).get_traceback_html()
    assert password not in html and other_password not in html
    assert "boom at" in html and "postgres://app:********@db.internal" in html


def settings_probe(env: dict, expression: str) -> str:
    probe = f"import django; django.setup(); from django.conf import settings; print({expression})"
    full_env = {**os.environ, **env}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3Y-9q!vT2#zL8@pW5^mR1&hN6*cF4(jB0)xD7+sGa1b2c3d4e5",
    "DJANGO_ALLOWED_HOSTS": "example.org",
}


def test_the_proxy_ssl_header_is_trusted_only_when_configured():
    expression = "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"
    assert settings_probe(PRODUCTION, expression) == "None"
    assert "HTTP_X_FORWARDED_PROTO" in settings_probe({**PRODUCTION, "DJANGO_BEHIND_PROXY": "True"}, expression)


def test_a_forged_host_header_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example.com").status_code == 400


def test_api_require_auth_covers_downloads_workbench_and_pages():
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "import json; print(json.dumps([c.get(u).status_code for u in ('/downloads/minicrm-csv.zip', "
        "'/downloads/minicrm.sqlite3', '/workbench/minicrm/', '/dashboards/minicrm/', "
        "'/api/minicrm/rfm/statistics/', '/health/')]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "API_REQUIRE_AUTH": "True"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes[:4] == [302, 302, 302, 302] and codes[4] == 401 and codes[5] != 401, (codes, result.stderr)


def test_reordered_query_parameters_share_one_cache_entry(rf):
    from core.api.cache import response_cache_key

    first = rf.get("/api/minicrm/orders/?page=2&page_size=10")
    second = rf.get("/api/minicrm/orders/?page_size=10&page=2")
    other = rf.get("/api/minicrm/orders/?page_size=10&page=3")
    assert response_cache_key("minicrm", first) == response_cache_key("minicrm", second)
    assert response_cache_key("minicrm", first) != response_cache_key("minicrm", other)


@pytest.mark.parametrize("query", ["page_size=0", "page_size=501", "page_size=x", "page_size=5&page_size=6"])
def test_a_page_size_outside_the_schema_is_a_400(client, query):
    response = client.get(f"/api/minicrm/orders/?{query}")
    assert response.status_code == 400 and "page_size" in response.json(), response.content


def test_unmatched_api_paths_answer_json_404(client):
    response = client.get("/api/minicrm/customers/-1/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_trace_is_405_naming_the_allowed_methods(client):
    response = client.generic("TRACE", reverse("minicrm:rfm-statistics"))
    assert response.status_code == 405 and "GET" in response["Allow"]


def test_a_method_django_does_not_route_is_405(client):
    response = client.generic("QUERY", reverse("minicrm:rfm-statistics"))
    assert response.status_code == 405 and "GET" in response["Allow"] and "QUERY" not in response["Allow"]
