"""The workbench and the data dictionary's diagram as a student sees them: headless Chromium against a live server.

The live server needs a transactional test, which empties every database afterwards: this module runs last in the
package (file order), after the tests that read the package's seeded data.
"""

from __future__ import annotations

import time

import pytest

from core.teaching.answers import dialect_of
from core.teaching.exercises import exercise_by_id
from core.validation import table_digest
from dvdrental.models import Customer, Film, Payment, Rental
from tests.teaching.conftest import SEEDERS, TEACHING_DATABASES
from tests.web.conftest import _live_server_runs_one_request_at_a_time  # noqa: F401 (fixture)
from tests.web.test_browser import PageVisit, browser  # noqa: F401 (fixture)

# The named databases, not "__all__": scratch databases of the cross-backend tests are gone by now.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=TEACHING_DATABASES, transaction=True)]
MODELS = (Film, Rental, Payment, Customer)


def wait_for_text(page, selector, done, timeout=30.0):
    """Poll from Python: the site's Content-Security-Policy forbids the eval behind page.wait_for_function."""
    deadline = time.monotonic() + timeout
    while True:
        text = page.inner_text(selector)
        if done(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def run(visit, sql):
    page = visit.page
    page.fill("#wb-sql", sql)
    page.click("#wb-run")
    return wait_for_text(page, "#wb-status", lambda text: not text.endswith("..."))


def digests():
    return [table_digest(using="dvdrental", model=model) for model in MODELS]


def test_workbench_runs_checks_and_refuses(browser, live_server, seeded_domains, settings):  # noqa: F811
    seeded_domains("dvdrental")
    if not Rental.objects.using("dvdrental").exists():
        # pytest-django runs every transactional test after the others, and any of them (in tests/core, say) may
        # have emptied the databases since the package seeded them: seed dvdrental again.
        SEEDERS["dvdrental"]("dvdrental", seeded_domains.tmp_path)
    before = digests()
    visit = PageVisit(browser, f"{live_server.url}/workbench/dvdrental/")
    page = visit.page
    assert page.locator(".wb-schema details").count() == len(list(Film._meta.app_config.get_models()))

    status = run(visit, "SELECT rental_id, rental_date, return_date FROM rental ORDER BY rental_id")
    assert status.startswith(f"{settings.WORKBENCH_MAX_ROWS} rows in") and "cut at" in status
    assert page.locator("#wb-result tbody tr").count() == 50
    assert page.inner_text("#wb-page") == f"page 1 of {settings.WORKBENCH_MAX_ROWS // 50}"
    page.click("#wb-next")
    assert page.inner_text("#wb-result tbody tr:first-child td:first-child") == "51"
    assert page.get_attribute("#wb-csv", "href").startswith("blob:")
    visit.screenshot("workbench-dvdrental")

    page.click(".wb-pick[data-id='dvd-2-01']")
    assert "How many films does each category hold?" in page.inner_text("#wb-exercise-question")
    page.click("#wb-hint")
    assert page.locator("#wb-hints li").count() == 1
    solution = exercise_by_id("dvdrental")["dvd-2-01"].solutions.for_dialect(dialect_of("dvdrental"))
    for sql, expected in ((solution, "dvd-2-01: correct"), (solution.replace("DESC", "ASC"), "dvd-2-01: wrong: ")):
        page.fill("#wb-sql", sql)
        page.click("#wb-check")
        page.wait_for_selector("#wb-verdict:not([hidden])")
        assert wait_for_text(page, "#wb-verdict", lambda text, e=expected: text.startswith(e)).startswith(expected)

    refusals = {
        "INSERT INTO film (title) VALUES ('X')": "INSERT is not allowed",
        "UPDATE rental SET return_date = NULL": "UPDATE is not allowed",
        "DELETE FROM payment": "DELETE is not allowed",
        "DROP TABLE customer": "DROP is not allowed",
        "ATTACH DATABASE 'other.sqlite3' AS other": "ATTACH is not allowed",
        "PRAGMA writable_schema = ON": "PRAGMA is not allowed",
        "SELECT 1; DELETE FROM rental": "one statement at a time",
    }
    for sql, message in refusals.items():
        assert message in run(visit, sql), sql
        assert page.locator("#wb-result table").count() == 0
    settings.WORKBENCH_TIMEOUT_MS = 300
    assert "time limit" in run(visit, "SELECT COUNT(*) FROM rental a CROSS JOIN rental b")
    assert digests() == before
    assert visit.errors == []
    visit.close()


def test_dictionary_shows_one_diagram_box_per_table(browser, live_server, seeded_domains):  # noqa: F811
    seeded_domains("dvdrental")
    visit = PageVisit(browser, f"{live_server.url}/dictionary/dvdrental/")
    page = visit.page
    tables = [model._meta.db_table for model in Film._meta.app_config.get_models()]
    assert page.locator("svg.erd g.erd-table").count() == len(tables)
    for table in tables:
        assert page.locator(f"svg.erd g.erd-table[data-table='{table}']").count() == 1
    assert page.locator("nav.toc a").count() == len(tables)
    page.click("svg.erd g.erd-table[data-table='rental'] a")
    page.wait_for_url("**#rental")
    visit.screenshot("dictionary-erd-dvdrental")
    assert visit.errors == []
    visit.close()
