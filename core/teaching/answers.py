"""Answer keys and grading: reference solutions run on the current dataset; a student's answers compared by result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

from core.teaching.exercises import Exercise, load_exercises
from core.teaching.grading import compare, normalise_rows, sort_key
from core.teaching.readonly import QueryRefused, QueryResult, run_duckdb, run_readonly

# Reference solutions and graded answers may take longer than a workbench query; a runaway one still stops.
COMMAND_TIMEOUT_MS = 120_000
# Where DuckDB solutions find their Parquet files, relative to DATA_DIR (each file becomes a view of its name).
DUCKDB_PARQUET_DIRS = {
    "churnlab": ("raw", "staging", "analytics"),
    "cardportfolio": ("cardportfolio-parquet",),  # python manage.py export_dataset cardportfolio --format parquet
}
MARKER = re.compile(r"^\s*--\s*exercise:\s*(\S+)\s*$", re.IGNORECASE)


class AnswerFileError(Exception):
    """A student's file that cannot be graded (unknown exercise id, no markers); the message is one line."""


def dialect_of(alias: str) -> str:
    return connections[alias].vendor


def duckdb_dirs(domain: str) -> list[Path]:
    return [Path(settings.DATA_DIR) / name for name in DUCKDB_PARQUET_DIRS.get(domain, ())]


@dataclass
class Answer:
    """The expected result of one exercise on one dataset (normalised rows)."""

    exercise: Exercise
    dialect: str
    solution: str | None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    error: str | None = None

    @property
    def row_count(self) -> int:
        return len(self.rows)


def run_solution(exercise: Exercise, *, alias: str | None = None, dialect: str | None = None, parquet_dirs=None):
    """The exercise's reference result on `alias` (or in DuckDB over `parquet_dirs` when dialect is duckdb)."""
    dialect = dialect or dialect_of(alias)
    solution = exercise.solutions.for_dialect(dialect)
    answer = Answer(exercise=exercise, dialect=dialect, solution=solution)
    if solution is None:
        answer.error = f"no reference solution for {dialect}"
        return answer
    try:
        result = _run(solution, alias=alias, dialect=dialect, parquet_dirs=parquet_dirs)
    except QueryRefused as exc:
        answer.error = str(exc)
        return answer
    rows = normalise_rows(result.rows)
    # Where order does not matter, the key lists rows in one canonical order: the same on every backend.
    answer.columns, answer.rows = result.columns, rows if exercise.ordered else sorted(rows, key=sort_key)
    return answer


def _run(sql: str, *, alias, dialect, parquet_dirs, max_rows=None) -> QueryResult:
    if dialect == "duckdb":
        return run_duckdb(sql, parquet_dirs=parquet_dirs or [], max_rows=max_rows)
    return run_readonly(alias, sql, max_rows=max_rows, timeout_ms=COMMAND_TIMEOUT_MS)


def answer_key(domain: str, *, alias: str, exercises: list[Exercise] | None = None) -> list[Answer]:
    return [run_solution(exercise, alias=alias) for exercise in exercises or load_exercises(domain)]


@dataclass(frozen=True)
class Verdict:
    exercise_id: str
    correct: bool
    message: str
    kind: str = ""  # the Difference kind, "error" or "" when correct

    def line(self) -> str:
        return f"{self.exercise_id:<12} {'correct' if self.correct else 'wrong'}" + (
            f": {self.message}" if self.message else ""
        )


def grade(exercise: Exercise, sql: str, *, alias: str, expected: Answer | None = None) -> Verdict:
    """Compare the result of a student's `sql` with the reference result, by value (not by query text)."""
    expected = expected or run_solution(exercise, alias=alias)
    if expected.error:
        return Verdict(exercise.id, False, f"cannot grade here: {expected.error}", "error")
    if not sql.strip():
        return Verdict(exercise.id, False, "no query given", "error")
    try:
        result = run_readonly(alias, sql, timeout_ms=COMMAND_TIMEOUT_MS, max_rows=max(10 * len(expected.rows), 10_000))
    except QueryRefused as exc:
        return Verdict(exercise.id, False, f"error: {exc}", "error")
    difference = compare(
        expected.rows,
        normalise_rows(result.rows),
        ordered=exercise.ordered,
        tolerance=exercise.tolerance,
        columns=expected.columns,
    )
    if difference is None:
        return Verdict(exercise.id, True, "")
    return Verdict(exercise.id, False, difference.message, difference.kind)


def parse_answer_file(text: str) -> list[tuple[str, str, int]]:
    """(exercise id, query, line number of its marker) for each `-- exercise: ID` block of a student's file."""
    blocks: list[tuple[str, list[str], int]] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):  # editors may add a BOM
        match = MARKER.match(line)
        if match:
            blocks.append((match.group(1), [], number))
        elif blocks:
            blocks[-1][1].append(line)
    return [(exercise_id, "\n".join(lines).strip(), number) for exercise_id, lines, number in blocks]


@dataclass
class CheckReport:
    verdicts: list[Verdict]
    unanswered: list[str]

    @property
    def wrong(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.correct]

    def summary(self) -> str:
        correct = len(self.verdicts) - len(self.wrong)
        tail = f", {len(self.unanswered)} not answered" if self.unanswered else ""
        return f"{correct} of {len(self.verdicts)} answers correct, {len(self.wrong)} wrong{tail}"


def answers_check(*, domain: str, alias: str, text: str, source: str = "the file") -> CheckReport:
    """Grade every `-- exercise: ID` block of `text` against the reference results on `alias`."""
    exercises = {exercise.id: exercise for exercise in load_exercises(domain)}
    if not exercises:
        raise AnswerFileError(f"{domain} has no exercises")
    blocks = parse_answer_file(text)
    if not blocks:
        raise AnswerFileError(f"{source} has no '-- exercise: ID' line before a query")
    seen: dict[str, int] = {}
    for exercise_id, _, number in blocks:
        if exercise_id not in exercises:
            raise AnswerFileError(f"{source} line {number}: no exercise {exercise_id!r} in {domain}")
        if exercise_id in seen:
            raise AnswerFileError(
                f"{source} line {number}: {exercise_id} is answered twice (first on line {seen[exercise_id]})"
            )
        seen[exercise_id] = number
    answered = [(exercise_id, sql) for exercise_id, sql, _ in blocks if not _blank(sql)]
    verdicts = [grade(exercises[exercise_id], sql, alias=alias) for exercise_id, sql in answered]
    done = {exercise_id for exercise_id, _ in answered}
    return CheckReport(verdicts=verdicts, unanswered=[key for key in exercises if key not in done])


def _blank(sql: str) -> bool:
    """A block with nothing but comments (the handed-out template) is not answered yet."""
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


class DatasetNotBuilt(Exception):
    """The domain's database has no data to compute answers on; the message names the command that builds it."""


def require_built(domain: str, alias: str) -> None:
    from django.apps import apps
    from django.db.utils import Error as DatabaseError

    from core.databases import describe

    models = list(apps.get_app_config(domain).get_models())
    try:
        built = any(model.objects.using(alias).exists() for model in models)
    except DatabaseError:
        built = False
    if not built:
        raise DatasetNotBuilt(f"{describe(alias)} holds no {domain} data yet: run python manage.py seed_{domain}")
