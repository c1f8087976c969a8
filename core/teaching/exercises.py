"""Exercise files: `<app>/exercises/level1.yaml` ... `level4.yaml`, validated against one declared schema.

Each file is a list of mappings (id, level, title, question, concepts, hints, ordered, tolerance, solutions). A
file that does not fit the schema is refused with one line naming the file, the exercise id and the key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.apps import apps
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

LEVELS = {
    1: "basics: SELECT, WHERE, ORDER BY",
    2: "joins and GROUP BY",
    3: "subqueries, CTEs and window functions",
    4: "business analytics",
}
DIALECTS = ("sqlite", "mysql", "postgresql", "duckdb")
DEFAULT_TOLERANCE = 0.0001


class ExerciseFileError(Exception):
    """An exercise file that cannot be read or does not fit the schema (one line: file, id, key)."""


class Solutions(BaseModel):
    """Reference solutions: `sql` for every dialect without its own entry, or one entry per dialect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sql: str | None = None
    sqlite: str | None = None
    mysql: str | None = None
    postgresql: str | None = None
    duckdb: str | None = None

    @model_validator(mode="after")
    def _at_least_one(self):
        if not any(getattr(self, key) for key in ("sql", *DIALECTS)):
            raise ValueError("needs `sql` or a per-dialect solution (sqlite, mysql, postgresql, duckdb)")
        return self

    def for_dialect(self, dialect: str) -> str | None:
        """The solution a database of `dialect` runs; DuckDB only runs its own entry (it reads Parquet)."""
        own = getattr(self, dialect, None)
        if own:
            return own.strip()
        if dialect == "duckdb":
            return None
        return self.sql.strip() if self.sql else None


class Exercise(BaseModel):
    """One question with its reference solutions and how its result is graded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9]*-[1-4]-\d{2,3}$")
    level: int = Field(ge=1, le=4)
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)
    concepts: tuple[str, ...] = Field(min_length=1)
    hints: tuple[str, ...] = Field(default=(), max_length=3)
    ordered: bool = False
    tolerance: float = Field(default=DEFAULT_TOLERANCE, ge=0)
    solutions: Solutions

    @field_validator("question", "title")
    @classmethod
    def _one_paragraph(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("level")
    @classmethod
    def _id_names_level(cls, level: int, info: ValidationInfo) -> int:
        exercise_id = info.data.get("id")
        if exercise_id and int(exercise_id.split("-")[1]) != level:
            raise ValueError(f"id {exercise_id} names level {exercise_id.split('-')[1]} but level is {level}")
        return level

    @property
    def prefix(self) -> str:
        return self.id.split("-")[0]


def exercises_dir(domain: str) -> Path:
    return Path(apps.get_app_config(domain).path) / "exercises"


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(exercise)"


def parse_exercise_file(path: Path, *, level: int | None = None) -> list[Exercise]:
    """Read and validate one file; ExerciseFileError names the file, the exercise and the key at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExerciseFileError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ExerciseFileError(f"{path}:{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ExerciseFileError(f"{path}: must be a list of exercises, found a {type(data).__name__}")
    exercises = []
    for index, item in enumerate(data, start=1):
        name = item.get("id", f"exercise #{index}") if isinstance(item, dict) else f"exercise #{index}"
        if not isinstance(item, dict):
            raise ExerciseFileError(f"{path}: {name}: must be a mapping of keys, found a {type(item).__name__}")
        try:
            exercise = Exercise.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            message = error["msg"].removeprefix("Value error, ")
            raise ExerciseFileError(f"{path}: {name}: {_location(error)}: {message}") from None
        if level is not None and exercise.level != level:
            raise ExerciseFileError(f"{path}: {exercise.id}: level: is {exercise.level} in the file of level {level}")
        exercises.append(exercise)
    return exercises


@cache
def _load(domain: str, directory: str) -> tuple[Exercise, ...]:
    exercises: list[Exercise] = []
    seen: dict[str, Path] = {}
    for level in LEVELS:
        path = Path(directory) / f"level{level}.yaml"
        if not path.exists():
            continue
        for exercise in parse_exercise_file(path, level=level):
            if exercise.id in seen:
                raise ExerciseFileError(f"{path}: {exercise.id}: id: already used in {seen[exercise.id].name}")
            seen[exercise.id] = path
            exercises.append(exercise)
    prefixes = {exercise.prefix for exercise in exercises}
    if len(prefixes) > 1:
        raise ExerciseFileError(f"{directory}: ids of {domain} use several prefixes: {', '.join(sorted(prefixes))}")
    return tuple(exercises)


def load_exercises(domain: str, *, directory: Path | None = None) -> list[Exercise]:
    """Every exercise of `domain`, level by level, in file order (empty when the domain has no exercise files)."""
    return list(_load(domain, str(directory or exercises_dir(domain))))


def exercise_by_id(domain: str) -> dict[str, Exercise]:
    return {exercise.id: exercise for exercise in load_exercises(domain)}


def domains_with_exercises(domains) -> list[str]:
    return [domain for domain in domains if load_exercises(domain)]
