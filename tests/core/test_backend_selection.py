"""`--database-tests-only` (the MariaDB and PostgreSQL runs in CI) keeps every test that can reach a database."""

from __future__ import annotations

from types import SimpleNamespace

from tests.conftest import touches_database


def fake_item(tmp_path, *, source: str, fixtures=(), marked: bool = False, own_databases: bool = False):
    path = tmp_path / "test_module.py"
    path.write_text(source, encoding="utf-8")
    return SimpleNamespace(
        path=path,
        fixturenames=["request", "django_db_blocker", *fixtures],
        get_closest_marker=lambda name: (
            object() if (marked and name == "django_db") or (own_databases and name == "own_databases") else None
        ),
    )


def test_a_pure_test_is_left_out(tmp_path):
    assert not touches_database(fake_item(tmp_path, source="import numpy\n"), {})


def test_a_marked_test_or_a_database_fixture_is_kept(tmp_path):
    assert touches_database(fake_item(tmp_path, source="", marked=True), {})
    assert touches_database(fake_item(tmp_path, source="", fixtures=["transactional_db"]), {})


def test_a_module_that_runs_commands_or_processes_is_kept(tmp_path):
    for source in ("from django.core.management import call_command\n", "import subprocess\n", "client.get('/')\n"):
        assert touches_database(fake_item(tmp_path, source=source), {})


def test_a_test_on_scratch_databases_it_names_is_left_out(tmp_path):
    assert not touches_database(fake_item(tmp_path, source="import subprocess\n", marked=True, own_databases=True), {})
