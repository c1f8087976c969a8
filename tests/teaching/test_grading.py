"""The pure parts: the exercise schema and its one-line errors, normalising values, naming the first difference,
and the statement check of the read-only runner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.teaching.exercises import ExerciseFileError, load_exercises, parse_exercise_file
from core.teaching.grading import compare, normalise_value
from core.teaching.readonly import QueryRefused, check_statement

GOOD = """\
- id: x-1-01
  level: 1
  title: Films
  question: >
    All films.
  concepts: [SELECT]
  solutions:
    sql: SELECT 1
"""


def write(tmp_path, text: str, level: int = 1):
    path = tmp_path / f"level{level}.yaml"
    path.write_text(text)
    return path


def test_a_good_file_loads_with_the_defaults(tmp_path):
    (exercise,) = load_exercises("dvdrental", directory=write(tmp_path, GOOD).parent)
    assert exercise.ordered is False and exercise.tolerance == 0.0001 and exercise.hints == ()
    assert exercise.solutions.for_dialect("postgresql") == "SELECT 1"
    assert exercise.solutions.for_dialect("duckdb") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  concepts: [SELECT]\n", ""), "x-1-01: concepts: Field required"),
        (("  title: Films\n", "  title: Films\n  colour: red\n"), "x-1-01: colour: Extra inputs are not permitted"),
        (("level: 1", "level: 2"), "x-1-01: level: id x-1-01 names level 1 but level is 2"),
        (("id: x-1-01", "id: Bad Id"), "Bad Id: id: String should match pattern"),
        (("    sql: SELECT 1\n", "    oracle: SELECT 1\n"), "x-1-01: solutions.oracle: Extra inputs are not permitted"),
        (("  concepts: [SELECT]\n", "  concepts: [SELECT]\n  hints: [a, b, c, d]\n"), "x-1-01: hints: Tuple should"),
        (("  concepts: [SELECT]\n", "  concepts: [SELECT]\n  tolerance: -1\n"), "x-1-01: tolerance: Input should be"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_exercise_and_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ExerciseFileError) as error:
        parse_exercise_file(path, level=1)
    text = str(error.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text, text


def test_file_level_duplicates_and_yaml_errors(tmp_path):
    with pytest.raises(ExerciseFileError, match="level: is 1 in the file of level 2"):
        parse_exercise_file(write(tmp_path, GOOD, level=2), level=2)
    with pytest.raises(ExerciseFileError, match="id: already used in level1.yaml"):
        load_exercises("dvdrental", directory=write(tmp_path, GOOD + GOOD).parent)
    with pytest.raises(ExerciseFileError, match="line 3: not valid YAML"):
        parse_exercise_file(write(tmp_path, "- id: [\n  level: 1\n"))
    with pytest.raises(ExerciseFileError, match="must be a list of exercises"):
        parse_exercise_file(write(tmp_path, "id: x-1-01\n"))


def test_normalised_values():
    assert normalise_value(Decimal("3.00")) == 3 and isinstance(normalise_value(Decimal("3.00")), int)
    assert normalise_value(Decimal("2.99")) == 2.99
    assert normalise_value(True) == 1 and normalise_value(None) is None
    assert normalise_value(dt.date(2005, 5, 24)) == "2005-05-24"
    moment = dt.datetime(2005, 5, 24, 22, 53, 30, tzinfo=dt.UTC)
    assert normalise_value(moment) == "2005-05-24 22:53:30" == normalise_value(moment.replace(tzinfo=None))
    assert normalise_value(dt.datetime(2005, 5, 24, 23, 53, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))) == (
        "2005-05-24 22:53:30"
    )


EXPECTED = [("A", 3), ("B", 2), ("C", 1)]


@pytest.mark.parametrize(
    ("actual", "ordered", "kind", "message"),
    [
        (EXPECTED, True, None, None),
        ([("A", 3.00004), ("B", 2), ("C", 1)], True, None, None),
        ([("C", 1), ("A", 3), ("B", 2)], False, None, None),
        ([("A", 3), ("B", 2)], True, "missing", "missing rows: 1 expected row(s) not in the result, e.g. ('C', 1)"),
        ([*EXPECTED, ("D", 0)], False, "extra", "extra rows: 1 row(s) not expected, e.g. ('D', 0)"),
        ([("A", 3), ("B", 5), ("C", 1)], True, "value", "wrong value in row 2, column 2 (n): expected 2, got 5"),
        ([("C", 1), ("B", 2), ("A", 3)], True, "order", "wrong order: row 1 should be ('A', 3), got ('C', 1)"),
        ([("A",), ("B",), ("C",)], True, "columns", "wrong number of columns: expected 2 (name, n), got 1"),
    ],
)
def test_compare_names_the_first_difference(actual, ordered, kind, message):
    difference = compare(EXPECTED, actual, ordered=ordered, tolerance=0.0001, columns=["name", "n"])
    assert (difference.kind, difference.message) == (kind, message) if kind else difference is None


def test_compare_respects_the_tolerance():
    assert compare([(1.0,)], [(1.009,)], ordered=True, tolerance=0.01) is None
    assert compare([(1.0,)], [(1.02,)], ordered=True, tolerance=0.01).kind == "value"
    assert compare([(10,)], [(11,)], ordered=True, tolerance=0).kind == "value"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO film VALUES (1)", "INSERT is not allowed: the workbench is read-only"),
        ("update film set title = 'x'", "UPDATE is not allowed"),
        ("DELETE FROM rental", "DELETE is not allowed"),
        ("DROP TABLE film", "DROP is not allowed"),
        ("ATTACH DATABASE 'x.db' AS x", "ATTACH is not allowed"),
        ("PRAGMA query_only = OFF", "PRAGMA is not allowed"),
        ("SELECT 1; SELECT 2", "one statement at a time: this text holds 2 statements"),
        ("SELECT 1; DROP TABLE film;", "one statement at a time"),
        ("  -- nothing\n ; ", "the query is empty"),
        ("SELECT * FROM film INTO OUTFILE '/tmp/x'", "INTO is not allowed"),
        ("SELECT pg_read_file('/etc/passwd')", "PG_READ_FILE is not allowed"),
    ],
)
def test_statement_check_refuses_with_a_clear_message(sql, message):
    with pytest.raises(QueryRefused, match=message.replace("(", r"\(")):
        check_statement(sql)


def test_statement_check_keeps_semicolons_in_literals_and_drops_comments():
    assert check_statement("SELECT ';' AS x; -- done\n") == "SELECT ';' AS x"
    assert check_statement("SELECT 'into' AS \"into\"") == "SELECT 'into' AS \"into\""
    assert check_statement("/* a; b */ WITH t AS (SELECT 1) SELECT * FROM t;") == "WITH t AS (SELECT 1) SELECT * FROM t"
    assert check_statement("explain select 1").startswith("explain")
    assert check_statement("(SELECT 1) UNION (SELECT 2)") == "(SELECT 1) UNION (SELECT 2)"


def test_answer_files_split_on_exercise_lines():
    from core.teaching.answers import parse_answer_file

    text = "\ufeff-- exercise: dvd-1-01\r\n-- my notes\r\nSELECT 1;\r\n\r\n-- Exercise:  dvd-1-02 \r\n"
    assert parse_answer_file(text) == [("dvd-1-01", "-- my notes\nSELECT 1;", 1), ("dvd-1-02", "", 5)]
