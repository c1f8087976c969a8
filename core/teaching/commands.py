"""What the teaching commands share: the domain's database resolved without writing to it, one-line errors."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from core.databases import DatabaseTargetError, domain_database
from core.teaching.answers import DatasetNotBuilt, require_built
from core.teaching.exercises import ExerciseFileError, load_exercises


def built_database(domain: str, database_url: str | None) -> str:
    """The alias of the domain's database, which must hold data (nothing is migrated or written)."""
    try:
        alias = domain_database(domain, database_url=database_url)
        require_built(domain, alias)
    except (DatabaseTargetError, DatasetNotBuilt) as exc:
        raise CommandError(str(exc)) from None
    return alias


def exercises_or_error(domain: str):
    try:
        exercises = load_exercises(domain)
    except ExerciseFileError as exc:
        raise CommandError(str(exc)) from None
    if not exercises:
        raise CommandError(f"{domain} has no exercises yet ({domain}/exercises/level1.yaml ... level4.yaml)")
    return exercises


def read_text_file(path: Path) -> str:
    """A student's file as text; one-line CommandError for a missing, unreadable or non-UTF-8 file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"cannot read {path}: not a UTF-8 text file") from None
