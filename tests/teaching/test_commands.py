"""exercises, check_answers and score_predictions as a teacher runs them, on the small dvdrental seed."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.teaching.answers import dialect_of
from core.teaching.exercises import exercise_by_id
from core.teaching.truth import TRUTHS, _truth
from tests.teaching.conftest import TEACHING_DATABASES

pytestmark = pytest.mark.django_db(databases=TEACHING_DATABASES)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_worksheet_without_a_database(seeded_domains):
    text = run("exercises", "dvdrental")
    assert text.startswith("# ") and "## Level 4: business analytics" in text and "### dvd-1-01: Longest films" in text
    items = json.loads(run("exercises", "dvdrental", "--format", "json"))
    assert {"id", "level", "question"} <= set(items[0]) and "answer" not in items[0] and "solution" not in items[0]
    assert len(items) >= 30


def test_answers_and_solutions_in_json(seeded_domains):
    items = json.loads(run("exercises", "dvdrental", "--format", "json", "--answers", "--solutions", "--rows", "3"))
    first = items[0]
    assert first["answer"]["columns"] == ["title", "length"] and first["answer"]["row_count"] == 10
    assert len(first["answer"]["rows"]) == 3 and first["solution"].startswith("SELECT title, length")
    assert all(item["answer"]["row_count"] > 0 for item in items)


def solutions_file(tmp_path) -> tuple[str, object]:
    path = tmp_path / "solutions.sql"
    path.write_text(run("exercises", "dvdrental", "--solutions", "--format", "sql"))
    return path.read_text(), path


def test_reference_solutions_are_all_correct(seeded_domains, tmp_path):
    text, path = solutions_file(tmp_path)
    assert text.startswith("-- exercise: dvd-1-01\n")
    out = run("check_answers", "dvdrental", str(path))
    lines = out.strip().splitlines()
    total = len(exercise_by_id("dvdrental"))
    assert lines[-1] == f"{total} of {total} answers correct, 0 wrong"
    assert sum(line.split()[1] == "correct" for line in lines[:-1]) == total


def test_one_wrong_answer_of_each_kind(seeded_domains, tmp_path):
    exercises = exercise_by_id("dvdrental")
    dialect = dialect_of("dvdrental")

    def solution(exercise_id):
        return exercises[exercise_id].solutions.for_dialect(dialect)

    answers = {
        "dvd-1-01": solution("dvd-1-01").replace("LIMIT 10", "LIMIT 9"),
        "dvd-1-04": solution("dvd-1-04").replace("LIMIT 10", "LIMIT 11"),
        "dvd-2-09": solution("dvd-2-09").replace("COUNT(*) AS copies", "COUNT(*) + 1 AS copies"),
        "dvd-3-05": solution("dvd-3-05").rstrip() + " DESC",
        "dvd-1-05": solution("dvd-1-05").replace("SELECT customer_id, first_name, last_name", "SELECT customer_id"),
        "dvd-1-03": "SELECT nonsense FROM customer",
        "dvd-1-07": "DELETE FROM rental",
        "dvd-2-01": solution("dvd-2-01"),
    }
    path = tmp_path / "student.sql"
    path.write_text("".join(f"-- exercise: {key}\n{sql};\n\n" for key, sql in answers.items()))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 of 8 answers correct, 7 wrong, \d+ not answered$"):
        call_command("check_answers", "dvdrental", str(path), stdout=out)
    lines = dict(line.split(None, 1) for line in out.getvalue().strip().splitlines())
    assert lines["dvd-1-01"].startswith("wrong: missing rows: 1 expected row(s) not in the result")
    assert lines["dvd-1-04"].startswith("wrong: extra rows: 1 row(s) not expected")
    assert lines["dvd-2-09"].startswith("wrong: wrong value in row 1, column 2 (copies): expected")
    assert lines["dvd-3-05"].startswith("wrong: wrong order: row 1 should be")
    assert lines["dvd-1-05"] == "wrong: wrong number of columns: expected 3 (customer_id, first_name, last_name), got 1"
    assert lines["dvd-1-03"].startswith("wrong: error: ") and "nonsense" in lines["dvd-1-03"]
    assert lines["dvd-1-07"].startswith("wrong: error: DELETE is not allowed")
    assert lines["dvd-2-01"] == "correct"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT 1", "has no '-- exercise: ID' line before a query"),
        ("-- exercise: dvd-9-99\nSELECT 1", "line 1: no exercise 'dvd-9-99' in dvdrental"),
        ("-- exercise: dvd-1-01\nSELECT 1\n-- exercise: dvd-1-01\nSELECT 2", "dvd-1-01 is answered twice"),
    ],
)
def test_unusable_answer_files_are_one_line_errors(seeded_domains, tmp_path, text, message):
    path = tmp_path / "bad.sql"
    path.write_text(text)
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("check_answers", "dvdrental", str(path), stdout=io.StringIO())


def test_a_blank_template_is_not_answered_and_not_wrong(seeded_domains, tmp_path):
    path = tmp_path / "template.sql"
    path.write_text(run("exercises", "dvdrental", "--format", "sql"))
    assert (
        run("check_answers", "dvdrental", str(path))
        .strip()
        .endswith(f"0 of 0 answers correct, 0 wrong, {len(exercise_by_id('dvdrental'))} not answered")
    )


def test_out_writes_the_course_files(seeded_domains, tmp_path):
    out = run("exercises", "dvdrental", "--out", str(tmp_path / "course"))
    names = sorted(path.name for path in (tmp_path / "course").iterdir())
    assert names == [
        f"dvdrental-{name}" for name in ("answers.sql", "key.json", "key.md", "solutions.sql", "worksheet.md")
    ]
    assert "check_answers dvdrental FILE" in out
    assert "Expected result" not in (tmp_path / "course" / "dvdrental-worksheet.md").read_text()
    assert "Expected result" in (tmp_path / "course" / "dvdrental-key.md").read_text()


def write_csv(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


SCORABLE = [(domain, task) for domain, tasks in TRUTHS.items() for task in tasks]


@pytest.mark.parametrize(("domain", "task"), SCORABLE, ids=[f"{d}-{t}" for d, t in SCORABLE])
def test_the_truth_scores_perfectly_and_random_does_not(seeded_domains, tmp_path, domain, task):
    alias = seeded_domains(domain)
    ids, truth = _truth(domain, task, alias)
    rng = np.random.default_rng(7)
    if task == "churn":
        perfect = run(
            "score_predictions",
            domain,
            write_csv(tmp_path / "t.csv", ["customer_id", "score"], zip(ids, truth.astype(int), strict=True)),
        )
        assert "AUC 1.0000" in perfect
        noise = rng.random(len(ids))
        random = run(
            "score_predictions",
            domain,
            write_csv(tmp_path / "r.csv", ["customer_id", "score"], zip(ids, noise, strict=True)),
        )
        auc = float(random.split("AUC ")[1].split()[0])
        assert 0.4 < auc < 0.6, random
    else:
        perfect = run(
            "score_predictions",
            domain,
            write_csv(tmp_path / "t.csv", ["customer_id", "label"], zip(ids, truth, strict=True)),
        )
        assert "accuracy 1.0000" in perfect and "truth \\ predicted" in perfect
        shuffled = rng.permutation(truth)
        random = run(
            "score_predictions",
            domain,
            write_csv(tmp_path / "r.csv", ["customer_id", "label"], zip(ids, shuffled, strict=True)),
        )
        assert float(random.split("accuracy ")[1].split()[0]) < 0.9
    # The truth never leaves the command: no customer id is printed.
    assert str(ids[len(ids) // 2]) not in perfect.split("\n", 1)[1]


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (["id", "score"], [[1, 0.5]], "the header must be customer_id,score (churn) or customer_id,label (class)"),
        (["customer_id", "score"], [[1, 0.5], [99999999, 0.1]], "1 customer_id(s) not in dvdrental, e.g. 99999999"),
        (["customer_id", "score"], [["abc", 0.5]], "customer_id 'abc' is not an integer"),
        (["customer_id", "score"], [[1, "high"]], "score 'high' is not a number"),
        (["customer_id", "score"], [[1, 0.5], [1, 0.4]], "customer_id 1 appears more than once"),
        (["customer_id", "score"], [], "no predictions after the header"),
    ],
)
def test_unusable_prediction_files_are_one_line_errors(seeded_domains, tmp_path, header, rows, message):
    seeded_domains("dvdrental")
    path = write_csv(tmp_path / "p.csv", header, rows)
    with pytest.raises(CommandError) as error:
        call_command("score_predictions", "dvdrental", path, stdout=io.StringIO())
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_task_the_domain_has_no_truth_for(seeded_domains, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["customer_id", "score"], [[1, 0.5]])
    with pytest.raises(CommandError, match="minicrm has no churn truth to score against"):
        call_command("score_predictions", "minicrm", path, stdout=io.StringIO())
