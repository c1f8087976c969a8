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
    assert section.index("seed_minicrm --seed 9") < section.index("python manage.py calculate_rfm")
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
