"""Worksheets and answer keys as Markdown, JSON or a `.sql` file that `check_answers` reads back."""

from __future__ import annotations

import json

from core.teaching.answers import Answer
from core.teaching.exercises import LEVELS, Exercise

DEFAULT_SHOWN_ROWS = 10


def _display(value):
    # Six decimals are plenty to read and keep the printed key identical across backends.
    return round(value, 6) if isinstance(value, float) else value


def _cell(value) -> str:
    if value is None:
        return "NULL"
    return str(_display(value)).replace("|", "\\|")


def _markdown_table(answer: Answer, shown: int) -> list[str]:
    if answer.error:
        return [f"*No answer on this dataset: {answer.error}*", ""]
    lines = [
        f"Expected result: {answer.row_count:,} row{'s' if answer.row_count != 1 else ''}"
        + (f" (first {shown} shown)" if answer.row_count > shown else ""),
        "",
        "| " + " | ".join(answer.columns) + " |",
        "|" + "---|" * len(answer.columns),
    ]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in answer.rows[:shown]]
    return [*lines, ""]


def worksheet_markdown(
    *,
    title: str,
    exercises: list[Exercise],
    answers: dict[str, Answer] | None = None,
    solutions: dict[str, str | None] | None = None,
    shown: int = DEFAULT_SHOWN_ROWS,
) -> str:
    lines = [f"# {title}: SQL exercises", ""]
    level = None
    for exercise in exercises:
        if exercise.level != level:
            level = exercise.level
            lines += [f"## Level {level}: {LEVELS[level]}", ""]
        lines += [f"### {exercise.id}: {exercise.title}", "", exercise.question, ""]
        lines += [f"*Concepts:* {', '.join(exercise.concepts)}." + (" Row order matters." if exercise.ordered else "")]
        lines.append("")
        if exercise.hints:
            lines += [f"<details><summary>Hints</summary>{' / '.join(exercise.hints)}</details>", ""]
        if solutions is not None:
            solution = solutions.get(exercise.id)
            lines += ["```sql", solution or "-- no reference solution for this database", "```", ""]
        if answers is not None:
            lines += _markdown_table(answers[exercise.id], shown)
    return "\n".join(lines).rstrip() + "\n"


def worksheet_json(
    *,
    exercises: list[Exercise],
    answers: dict[str, Answer] | None = None,
    solutions: dict[str, str | None] | None = None,
    shown: int = DEFAULT_SHOWN_ROWS,
) -> str:
    items = []
    for exercise in exercises:
        item = {
            "id": exercise.id,
            "level": exercise.level,
            "title": exercise.title,
            "question": exercise.question,
            "concepts": list(exercise.concepts),
            "hints": list(exercise.hints),
            "ordered": exercise.ordered,
            "tolerance": exercise.tolerance,
        }
        if solutions is not None:
            item["solution"] = solutions.get(exercise.id)
        if answers is not None:
            answer = answers[exercise.id]
            item["answer"] = {
                "columns": answer.columns,
                "rows": [[_display(value) for value in row] for row in answer.rows[:shown]],
                "row_count": answer.row_count,
            }
            if answer.error:
                item["answer"]["error"] = answer.error
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _comment(text: str) -> list[str]:
    words, lines, line = text.split(), [], "--"
    for word in words:
        if len(line) + len(word) + 1 > 110:
            lines.append(line)
            line = "--"
        line += " " + word
    return [*lines, line]


def worksheet_sql(*, exercises: list[Exercise], solutions: dict[str, str | None] | None = None) -> str:
    """`-- exercise: ID` then the question as comments, then the solution (or nothing, for students to fill in)."""
    lines = []
    for exercise in exercises:
        lines.append(f"-- exercise: {exercise.id}")
        lines += _comment(f"{exercise.title}. {exercise.question}")
        if solutions is not None and solutions.get(exercise.id):
            lines.append(solutions[exercise.id].strip().rstrip(";") + ";")
        lines.append("")
    return "\n".join(lines)
