"""Home page, data dictionaries, dashboards and the seed-run record."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from core.dictionary import domain_dictionary
from core.models import SeedRun

pytestmark = pytest.mark.django_db(databases="__all__")


def test_home_lists_every_dataset_built_or_not(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for domain in settings.DOMAIN_APPS:
        assert f'id="dataset-{domain}"' in html
    assert "not built" in html


def test_seed_is_recorded_and_shown_with_its_regenerate_command(client):
    call_command("seed_minicrm", "--customers", "40", "--seed", "9", "--days", "365", stdout=StringIO())
    run = SeedRun.objects.get(domain="minicrm")
    assert run.seed == 9 and run.rows["customers"] == 40 and run.total_rows == sum(run.rows.values())
    assert run.options["customers"] == 40 and "batch_size" not in run.options
    assert run.regenerate_command.startswith("python manage.py seed_minicrm --seed 9 --customers 40 --days 365")
    html = client.get(reverse("home")).content.decode()
    section = html.split('id="dataset-minicrm"')[1].split("</section>")[0]
    assert "built" in section and "seed 9" in section and "--customers 40" in section
    # RFM scores come from a second command, which the regenerate instructions name after the seed.
    assert "python manage.py calculate_rfm" in section[section.index("seed_minicrm --seed 9") :]
    assert reverse("dashboard", args=["minicrm"]) in section


def test_dictionary_pages_describe_every_column(client):
    for domain in settings.DOMAIN_APPS:
        response = client.get(reverse("dictionary", args=[domain]))
        assert response.status_code == 200
    html = client.get(reverse("dictionary", args=["minicrm"])).content.decode()
    assert "<code>rfm_scores</code>" in html and "FK &rarr; <code>customers.customer_id</code>" in html
    assert client.get(reverse("dictionary", args=["nosuch"])).status_code == 404


@pytest.mark.parametrize("domain", settings.DOMAIN_APPS)
def test_every_model_and_column_has_a_meaning(domain):
    missing = [
        f"{table.name}.{column.name}"
        for table in domain_dictionary(domain)
        for column in table.columns
        if not column.meaning.strip()
    ]
    assert missing == []
    undocumented = [table.name for table in domain_dictionary(domain) if not table.meaning]
    assert undocumented == []


def test_dashboard_uses_local_plotly_and_data_endpoints(client, seeded_minicrm_db):
    response = client.get(reverse("dashboard", args=["minicrm"]))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/plotly/plotly.min.js" in scripts
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    for name in ("rfm-by-segment", "rfm-persona-segments", "rfm-list"):
        assert reverse(f"minicrm:{name}") in html
    assert client.get("/static/plotly/plotly.min.js").status_code == 200


def test_dashboard_of_an_unbuilt_dataset_says_how_to_build_it(client):
    html = client.get(reverse("dashboard", args=["minicrm"])).content.decode()
    assert "python manage.py seed_minicrm" in html


@pytest.fixture
def seeded_minicrm_db():
    from minicrm.services import minicrm_seed, rfm_calculate

    minicrm_seed(using="minicrm", customers=60)
    rfm_calculate(using="minicrm")


def test_apps_have_a_description_for_their_card():
    for domain in settings.DOMAIN_APPS:
        assert (apps.get_app_config(domain).__doc__ or "").strip()


def test_small_dataset_downloads_as_zip(client, seeded_minicrm_db):
    import io
    import zipfile

    html = client.get(reverse("home")).content.decode()
    assert reverse("download", args=["minicrm", "csv"]) in html
    response = client.get(reverse("download", args=["minicrm", "csv"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        f"minicrm/{t}.csv" for t in ("customers", "products", "orders", "order_items", "rfm_scores")
    )
    customers = archive.read("minicrm/customers.csv").decode().splitlines()
    assert len(customers) == 61  # header + 60 customers


def test_big_dataset_points_to_export_instead(client, seeded_minicrm_db, settings):
    settings.DOWNLOAD_MAX_ROWS = 10
    response = client.get(reverse("download", args=["minicrm", "parquet"]))
    assert response.status_code == 413 and b"export_dataset minicrm" in response.content
    assert client.get(reverse("download", args=["hopify", "csv"])).status_code == 404


@pytest.fixture
def unbuilt_minicrm():
    """minicrm's database without its tables, as on a machine where it was never seeded (rolled back after)."""
    from django.db import connections

    from core.availability import forget_dataset_states

    connection = connections["minicrm"]
    if connection.vendor == "mysql":
        pytest.skip("MariaDB commits DDL at once: renaming the tables could not be rolled back")
    models = list(apps.get_app_config("minicrm").get_models())
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"ALTER TABLE {table} RENAME TO {connection.ops.quote_name('gone_' + model._meta.db_table)}")
    forget_dataset_states()
    yield
    forget_dataset_states()


@pytest.mark.parametrize(
    "url", ["/api/minicrm/customers/", "/api/customers/", "/api/rfm/by-segment/", "/api/minicrm/rfm/by-segment/"]
)
def test_api_of_an_unbuilt_dataset_is_a_404_naming_the_command(client, unbuilt_minicrm, url):
    response = client.get(url)
    assert response.status_code == 404, response.content[:300]
    assert response.json()["command"] == "python manage.py seed_minicrm"
    assert "not built" in response.json()["detail"]


def test_admin_of_an_unbuilt_dataset_says_what_to_run(admin_client, unbuilt_minicrm):
    response = admin_client.get("/admin/minicrm/customer/")
    assert response.status_code == 404
    assert "python manage.py seed_minicrm" in response.content.decode()
    # Datasets that are there are unaffected.
    assert admin_client.get("/admin/hopify/customer/").status_code == 200


def test_an_unbuilt_card_links_only_to_its_dictionary_and_build_command(client):
    html = client.get(reverse("home")).content.decode()
    section = html.split('id="dataset-hopify"')[1].split("</section>")[0]
    assert "python manage.py seed_hopify" in section and "not built" in section
    links = re.findall(r'href="([^"]+)"', section)
    assert links == [reverse("dictionary", args=["hopify"])], links


def test_half_built_minicrm_names_the_follow_up_command(client):
    from minicrm.services import minicrm_seed

    minicrm_seed(using="minicrm", customers=30, seed=5)
    section = client.get(reverse("home")).content.decode().split('id="dataset-minicrm"')[1].split("</section>")[0]
    assert "built, needs <code>calculate_rfm</code>" in section
    dashboard = client.get(reverse("dashboard", args=["minicrm"])).content.decode()
    assert "python manage.py calculate_rfm" in dashboard and "chart-segments" not in dashboard


def test_every_seed_report_ends_with_the_next_command():
    out = StringIO()
    call_command("seed_minicrm", "--customers", "20", "--days", "60", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "Next: python manage.py calculate_rfm"
    out = StringIO()
    call_command("seed_dvdrental", "--level", "1", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("Next: python manage.py runserver")


def test_api_root_lists_every_domain_and_its_docs(client):
    data = client.get("/api/").json()
    assert [entry["domain"] for entry in data["domains"]] == list(settings.DOMAIN_APPS)
    for entry in data["domains"]:
        assert entry["endpoints"] and all(route.startswith(f"/api/{entry['domain']}/") for route in entry["endpoints"])
        assert client.get(entry["dictionary"]).status_code == 200
    assert "/api/minicrm/rfm/by-segment/" in data["domains"][0]["endpoints"]
    assert client.get(data["docs"]["schema"]).status_code == 200


def test_minicrm_answers_under_its_own_prefix_and_its_original_paths(client, seeded_minicrm_db):
    assert reverse("minicrm:rfm-by-segment") == "/api/minicrm/rfm/by-segment/"
    assert client.get("/api/minicrm/rfm/by-segment/").json() == client.get("/api/rfm/by-segment/").json()
    assert client.get("/api/customers/").status_code == client.get("/api/minicrm/customers/").status_code == 200
