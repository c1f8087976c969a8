"""Access rules: admin needs staff, API reads are open unless one setting says otherwise, writes are staff-only."""

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
