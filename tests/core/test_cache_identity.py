"""Cached analytics are per database: two databases of one domain never share answers."""

from __future__ import annotations

import pytest
from django.db import connections

from core.cache import database_identity, dataset_version
from core.databases import ensure_migrated
from minicrm.services import minicrm_seed, rfm_calculate

STATISTICS = "/api/rfm/by-segment/"


@pytest.fixture
def switch_minicrm_database():
    """Point the `minicrm` alias at another database by name, as a restart with another MINICRM_DATABASE_URL
    would. A fresh connection object is swapped in (the test database's own connection is kept aside, untouched:
    closing an in-memory SQLite test database would drop it) and restored afterwards."""
    original_settings, original_connection = connections.settings["minicrm"], connections["minicrm"]

    def switch(name: str) -> None:
        if connections["minicrm"] is not original_connection:
            connections["minicrm"].close()
        connections.settings["minicrm"] = {**original_settings, "NAME": name}
        connections["minicrm"] = connections.create_connection("minicrm")

    yield switch
    if connections["minicrm"] is not original_connection:
        connections["minicrm"].close()
    connections.settings["minicrm"] = original_settings
    connections["minicrm"] = original_connection


def test_two_databases_of_one_domain_get_their_own_answers(scratch_database, switch_minicrm_database, client, settings):
    settings.ANALYTICS_CACHE_SECONDS = 600
    names = []
    for customers in (40, 90):
        _, alias = scratch_database("minicrm")
        ensure_migrated(alias, "minicrm")
        minicrm_seed(using=alias, seed=5, customers=customers)
        rfm_calculate(using=alias)
        names.append(connections.settings[alias]["NAME"])

    answers = []
    for name in names:
        switch_minicrm_database(name)
        response = client.get(STATISTICS)
        assert response.status_code == 200, response.content
        answers.append(sum(row["customers"] for row in response.json()["segments"]))

    assert answers == [40, 90]  # the second database is not answered from the first one's cache
    switch_minicrm_database(names[0])
    assert sum(row["customers"] for row in client.get(STATISTICS).json()["segments"]) == 40


def test_the_version_token_is_per_database(scratch_database):
    _, first = scratch_database("minicrm")
    _, second = scratch_database("minicrm")

    assert database_identity(first) != database_identity(second)
    assert dataset_version("minicrm", using=first) != dataset_version("minicrm", using=second)
    assert dataset_version("minicrm", using=first) == dataset_version("minicrm", using=first)
