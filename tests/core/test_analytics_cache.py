"""Analytics responses are cached per dataset version, and every kind of write moves that version on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.permissions import IsAuthenticated

from core.api.cache import response_cache_key
from core.cache import dataset_version, mark_dataset_changed
from core.loader import bulk_load
from minicrm.api.views import RFMSegmentSummaryApi
from minicrm.models import RFMScore
from tests.minicrm.factories import RFMScoreFactory

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"])

BY_SEGMENT = "/api/rfm/by-segment/"
ROOT = Path(__file__).resolve().parents[2]


def customers_per_segment(client) -> tuple[dict[str, int], int]:
    """The endpoint's answer, and how many queries it sent to the minicrm database."""
    with CaptureQueriesContext(connections["minicrm"]) as queries:
        response = client.get(BY_SEGMENT)
    assert response.status_code == 200, response.content
    return {row["segment"]: row["customers"] for row in response.json()["segments"]}, len(queries)


def test_a_repeated_request_is_answered_without_touching_the_database(client):
    RFMScoreFactory(segment="Champions")

    first, first_queries = customers_per_segment(client)
    second, second_queries = customers_per_segment(client)

    assert first == second == {"Champions": 1}
    assert first_queries >= 1
    assert second_queries == 0


def test_an_orm_write_such_as_an_admin_edit_invalidates_the_cached_answer(client):
    score = RFMScoreFactory(segment="Champions")
    customers_per_segment(client)

    score.segment = "Lost"
    score.save()
    RFMScoreFactory(segment="Champions")

    assert customers_per_segment(client)[0] == {"Champions": 1, "Lost": 1}


def test_an_orm_delete_invalidates_the_cached_answer(client):
    RFMScoreFactory(segment="Champions")
    doomed = RFMScoreFactory(segment="Lost")
    customers_per_segment(client)

    doomed.delete()

    assert customers_per_segment(client)[0] == {"Champions": 1}


def test_a_bulk_load_invalidates_the_cached_answer(client):
    RFMScoreFactory(segment="Champions")
    customers_per_segment(client)
    version = dataset_version("minicrm")

    with bulk_load(using="minicrm"), connections["minicrm"].cursor() as cursor:
        # Raw SQL inside the load, as the loader's own wipe does: no model signal fires.
        cursor.execute(f"UPDATE {RFMScore._meta.db_table} SET segment = 'Lost'")

    assert dataset_version("minicrm") != version
    assert customers_per_segment(client)[0] == {"Lost": 1}


def test_other_domains_keep_their_cached_answers():
    minicrm, hopify = dataset_version("minicrm"), dataset_version("hopify")

    mark_dataset_changed("minicrm")

    assert dataset_version("minicrm") != minicrm
    assert dataset_version("hopify") == hopify


def test_a_zero_lifetime_switches_the_cache_off(client, settings):
    settings.ANALYTICS_CACHE_SECONDS = 0
    RFMScoreFactory(segment="Champions")

    customers_per_segment(client)

    assert customers_per_segment(client)[1] >= 1


def test_a_cached_answer_still_needs_the_permission(client, monkeypatch, django_user_model):
    RFMScoreFactory(segment="Champions")
    customers_per_segment(client)

    monkeypatch.setattr(RFMSegmentSummaryApi, "permission_classes", [IsAuthenticated])

    assert client.get(BY_SEGMENT).status_code in (401, 403)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    assert client.get(BY_SEGMENT).status_code == 200


def test_each_url_has_its_own_entry(rf):
    keys = {
        url: response_cache_key("hopify", rf.get(url))
        for url in ["/api/hopify/cohorts/", "/api/hopify/cohorts/?segment=SMB", "/api/hopify/kpis/"]
    }

    assert len(set(keys.values())) == 3
    assert (
        response_cache_key("hopify", rf.get("/api/hopify/cohorts/?segment=SMB"))
        == keys["/api/hopify/cohorts/?segment=SMB"]
    )


def test_a_command_in_another_process_invalidates_the_web_process_cache(settings, tmp_path):
    """The default cache is shared through files, so a seed run in a terminal reaches the web workers."""
    location = tmp_path / "cache"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(location)}
    }
    before = dataset_version("minicrm")

    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from django.db import connections; "
            # The version is per database: the other process writes the database this one reads.
            "connections.settings['minicrm']['NAME'] = os.environ['MINICRM_NAME']; "
            "from core.cache import mark_dataset_changed; mark_dataset_changed('minicrm')",
        ],  # fmt: skip
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "CACHE_URL": f"filecache://{location}",
            "MINICRM_NAME": str(connections.settings["minicrm"]["NAME"]),
        },
        check=True,
    )

    assert dataset_version("minicrm") != before


@pytest.mark.skipif("CACHE_URL" in os.environ, reason="CACHE_URL is set: the default is not in use")
def test_the_default_cache_is_shared_between_processes():
    from config.settings import base

    assert base.CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
