"""Every exercise of every domain: its reference solution runs on a small seed and answers something, and gives the
same normalised result on SQLite, MariaDB and PostgreSQL (and in DuckDB over the Parquet files where it has one)."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.databases import ensure_migrated
from core.export import dataset_export
from core.teaching.answers import answer_key, run_solution
from core.teaching.exercises import load_exercises
from core.teaching.grading import compare
from core.teaching.worksheet import worksheet_json
from tests.conftest import configured_kind
from tests.teaching.conftest import SEEDERS, TEACHING_DATABASES, exercise_domains

EXERCISES = [(domain, exercise) for domain in exercise_domains() for exercise in load_exercises(domain)]


def test_every_domain_with_exercises_has_enough_of_every_level():
    for domain in exercise_domains():
        exercises = load_exercises(domain)
        assert {exercise.level for exercise in exercises} == {1, 2, 3, 4}, domain
        assert len(exercises) >= (30 if domain == "dvdrental" else 20), domain


@pytest.mark.django_db(databases=TEACHING_DATABASES)
@pytest.mark.parametrize(("domain", "exercise"), EXERCISES, ids=[exercise.id for _, exercise in EXERCISES])
def test_reference_solution_answers_something(seeded_domains, domain, exercise):
    answer = run_solution(exercise, alias=seeded_domains(domain))
    assert answer.error is None, f"{exercise.id}: {answer.error}"
    assert answer.rows, f"{exercise.id} gives no rows on the small seed"
    assert all(len(row) == len(answer.columns) for row in answer.rows)


def _assert_same_results(domain: str, alias: str, other: str) -> None:
    mine = answer_key(domain, alias=alias)
    theirs = answer_key(domain, alias=other)
    for here, there in zip(mine, theirs, strict=True):
        assert here.error is None and there.error is None, (here.exercise.id, here.error, there.error)
        difference = compare(
            here.rows,
            there.rows,
            ordered=here.exercise.ordered,
            tolerance=here.exercise.tolerance,
            columns=here.columns,
        )
        assert difference is None, f"{here.exercise.id}: {difference.message}"
    # `exercises --answers` prints the same key on every backend.
    exercises = load_exercises(domain)
    assert worksheet_json(exercises=exercises, answers={a.exercise.id: a for a in mine}) == worksheet_json(
        exercises=exercises, answers={a.exercise.id: a for a in theirs}
    )


# django_db although these tests read committed data only: pytest-django runs database tests before the others,
# and the transactional browser tests (which empty every database afterwards) between the two groups.
@pytest.mark.django_db(databases=TEACHING_DATABASES)
@pytest.mark.parametrize("domain", exercise_domains())
def test_same_results_as_sqlite(seeded_domains, teaching_scratch, domain):
    """In the MariaDB and PostgreSQL runs of the suite: the configured database against SQLite, same seed."""
    kind = configured_kind(domain)
    if kind == "sqlite":
        pytest.skip("runs when the domain database is on MariaDB or PostgreSQL (the suite's backend runs)")
    seeded_domains(domain)
    alias = teaching_scratch(domain, "sqlite")
    ensure_migrated(alias, domain)
    SEEDERS[domain](alias, seeded_domains.tmp_path)
    _assert_same_results(domain, domain, alias)


@pytest.mark.slow
@pytest.mark.django_db(databases=TEACHING_DATABASES)
@pytest.mark.parametrize("kind", ["mysql", "postgresql"])
def test_dvdrental_same_results_on_servers(seeded_domains, teaching_scratch, kind):
    """In the SQLite run: the dvdrental key on a scratch MariaDB/PostgreSQL database (skipped without a server)."""
    if configured_kind("dvdrental") != "sqlite":
        pytest.skip("the backend run compares with SQLite instead")
    seeded_domains("dvdrental")
    alias = teaching_scratch("dvdrental", kind)
    ensure_migrated(alias, "dvdrental")
    SEEDERS["dvdrental"](alias, seeded_domains.tmp_path)
    _assert_same_results("dvdrental", "dvdrental", alias)


DUCKDB_EXERCISES = [(domain, e) for domain, e in EXERCISES if e.solutions.duckdb]


@pytest.mark.django_db(databases=TEACHING_DATABASES)
@pytest.mark.parametrize(("domain", "exercise"), DUCKDB_EXERCISES, ids=[e.id for _, e in DUCKDB_EXERCISES])
def test_duckdb_solution_agrees_with_the_database(seeded_domains, tmp_path, domain, exercise):
    seeded_domains(domain)
    tmp = seeded_domains.tmp_path
    if domain == "churnlab":
        base = tmp / "churnlab-churnlab"
        dirs = [base / "raw", base / "staging", base / "analytics"]
    else:
        dirs = [tmp_path / "parquet"]
        dataset_export(domain=domain, using=domain, fmt="parquet", out_dir=dirs[0])
    in_duckdb = run_solution(exercise, dialect="duckdb", parquet_dirs=dirs)
    in_database = run_solution(exercise, alias=domain)
    assert in_duckdb.error is None, in_duckdb.error
    assert in_duckdb.rows
    difference = compare(in_database.rows, in_duckdb.rows, ordered=exercise.ordered, tolerance=exercise.tolerance)
    assert difference is None, f"{exercise.id}: {difference.message}"


def test_settings_name_every_domain():
    assert set(SEEDERS) == set(settings.DOMAIN_APPS)
