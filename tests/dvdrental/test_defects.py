"""--defects: damage at documented rates with an answer key; none is exactly the clean data."""

import pytest
from django.apps import apps

from core.validation import table_digest

from .conftest import DVDRENTAL_DATABASES, seed_into
from .invariants import fetch

pytestmark = pytest.mark.django_db(databases=DVDRENTAL_DATABASES)
A = "dvdrental"
ID_COLUMNS = {"customer": "customer_id", "address": "address_id", "film": "film_id", "payment": "payment_id"}


def _digests():
    return {
        model._meta.db_table: table_digest(using=A, model=model)
        for model in apps.get_app_config("dvdrental").get_models()
    }


def test_defects_none_is_the_clean_data():
    seed_into(A, level=1, seed=3)
    clean = _digests()
    seed_into(A, level=1, seed=3, defects="none")
    assert _digests() == clean
    assert fetch(A, "SELECT COUNT(*) FROM data_defects")[0][0] == 0


def test_every_manifest_row_points_at_a_real_damaged_value():
    seed_into(A, level=1, seed=3, defects="heavy")
    manifest = fetch(A, "SELECT table_name, row_id, column_name, kind, clean_value FROM data_defects")
    kinds = {row[3] for row in manifest}
    assert kinds >= {"duplicate", "typo", "casing", "missing", "out_of_range"}  # dates: too few rows at level 1
    for table, row_id, column, kind, clean in manifest:
        key = ID_COLUMNS[table]
        if kind == "duplicate":
            copy = fetch(A, f"SELECT first_name, last_name, address_id FROM {table} WHERE {key} = %s", [row_id])
            source = fetch(A, f"SELECT first_name, last_name, address_id FROM {table} WHERE {key} = %s", [int(clean)])
            assert copy and copy == source
            continue
        (value,) = fetch(A, f"SELECT {column} FROM {table} WHERE {key} = %s", [row_id])[0]
        if kind == "missing":
            assert value in (None, "")
        elif kind == "out_of_range":
            assert not 0 <= float(value) <= 11.99
        elif kind in ("impossible_date", "late_arriving"):
            assert str(value)[:10] > clean[:10]
        elif kind == "casing":
            assert value != clean and value.lower().strip() == clean.lower()
        else:
            assert kind == "typo" and value != clean
            assert sorted(value) == sorted(clean) or len(value) == len(clean) - 1  # two letters swapped, or one dropped
