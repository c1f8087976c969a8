"""Pages as a person sees them: headless Chromium against a live server, after seeding small datasets.

Every page must load with no console error and no failed request, and every chart must draw data points.
Screenshots go to test-artifacts/screenshots/ (one PNG per page).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.web.conftest import SEEDERS, seed_every_dataset

# transaction=True: the live server thread must see committed data (each test seeds what it shows; the tables are
# flushed after it).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases="__all__", transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    # Playwright's sync API keeps an event loop running in this thread; Django then refuses database access from
    # it (SynchronousOnlyOperation) although the test itself is synchronous. Django documents this switch for it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# The charts each dashboard must draw (element ids in templates/dashboards/<domain>.html).
DASHBOARD_CHARTS = {
    "minicrm": ["chart-segments", "chart-persona-segment", "chart-recency-monetary"],
    "dvdrental": [
        "chart-weekly",
        "chart-yearly",
        "chart-ar-aging",
        "chart-segments",
        "chart-inventory",
        "chart-top-films",
    ],
    "hopify": ["chart-mrr", "chart-churn", "chart-cohorts", "chart-funnel"],
    "churnlab": ["chart-retention", "chart-churn-rate", "chart-features", "chart-quality"],
    "cardportfolio": ["chart-segments", "chart-monthly-spend", "chart-observed"],
}


class PageVisit:
    """A page opened in a fresh tab, collecting console errors and failed requests."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1100})
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        self.page.on("response", lambda r: self.errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
        # Everything a page needs is served by the site itself: no request to another host.
        origin = "/".join(url.split("/")[:3]) + "/"
        self.page.on(
            "request",
            lambda r: (
                None if r.url.startswith((origin, "data:", "blob:")) else self.errors.append(f"other host: {r.url}")
            ),
        )
        self.response = self.page.goto(url)

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self):
        # Let in-flight API calls finish: the live server shares the test's database connection, and a request
        # cut off while the test rolls back leaves that connection unusable for the next test.
        self.page.wait_for_load_state("networkidle")
        self.page.close()


def test_home_page(browser, live_server, tmp_path):
    seed_every_dataset(tmp_path)
    visit = PageVisit(browser, live_server.url + "/")
    for domain in settings.DOMAIN_APPS:
        assert visit.page.locator(f"#dataset-{domain}").count() == 1
        assert "built" in visit.page.locator(f"#dataset-{domain} .badge").inner_text()
    visit.screenshot("home")
    visit.page.click("#dataset-minicrm >> text=Dashboard")
    visit.page.wait_for_url("**/dashboards/minicrm/")
    assert visit.errors == []
    visit.close()


def chart_points(page, chart_id) -> int:
    """Data points plotly drew in a chart (sum over traces of x, or z rows for heatmaps)."""
    return page.evaluate(
        """id => document.getElementById(id).data.reduce(
             (n, t) => n + ((t.x && t.x.length) || (t.y && t.y.length) || (t.z && t.z.length) || 0), 0)""",
        chart_id,
    )


@pytest.mark.parametrize("domain", list(DASHBOARD_CHARTS))
def test_dashboard_draws_every_chart(browser, live_server, tmp_path, domain):
    SEEDERS[domain](tmp_path)
    visit = PageVisit(browser, f"{live_server.url}/dashboards/{domain}/")
    for chart in DASHBOARD_CHARTS[domain]:
        visit.page.wait_for_selector(f"#{chart}[data-drawn=true]", timeout=30_000)
        assert visit.page.locator(f"#{chart} .main-svg").count() >= 1, chart
        assert chart_points(visit.page, chart) > 0, chart
    visit.screenshot(f"dashboard-{domain}")
    assert visit.errors == []
    visit.close()


def test_minicrm_scatter_shows_every_customer(browser, live_server, tmp_path):
    SEEDERS["minicrm"](tmp_path)
    visit = PageVisit(browser, live_server.url + "/dashboards/minicrm/")
    visit.page.wait_for_selector("#chart-recency-monetary[data-drawn=true]", timeout=30_000)
    assert chart_points(visit.page, "chart-recency-monetary") == 120
    visit.close()


@pytest.mark.parametrize("domain", list(DASHBOARD_CHARTS))
def test_dictionary_pages(browser, live_server, domain):
    visit = PageVisit(browser, f"{live_server.url}/dictionary/{domain}/")
    assert visit.page.locator("table.dictionary").count() >= 2
    visit.screenshot(f"dictionary-{domain}")
    assert visit.errors == []
    visit.close()


def test_navigation_to_admin_and_api_docs(browser, live_server):
    visit = PageVisit(browser, live_server.url + "/")
    visit.page.click("header >> text=Admin")
    visit.page.wait_for_url("**/admin/login/**")
    visit.screenshot("admin-login")
    visit.page.goto(live_server.url + "/")
    visit.page.click("header >> text=API docs")
    visit.page.wait_for_url("**/api/docs/")
    visit.page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    visit.screenshot("api-docs")
    assert visit.errors == []
    visit.close()


def test_rfm_colours_are_eleven_and_shared_by_every_chart(browser, live_server, tmp_path):
    SEEDERS["minicrm"](tmp_path)
    visit = PageVisit(browser, live_server.url + "/dashboards/minicrm/")
    for chart in ("chart-segments", "chart-recency-monetary"):
        visit.page.wait_for_selector(f"#{chart}[data-drawn=true]", timeout=30_000)
    assert visit.page.evaluate("new Set(SEGMENT_ORDER.map(colourOf)).size") == 11
    scatter = visit.page.evaluate(
        "document.getElementById('chart-recency-monetary').data.map(t => [t.name, t.marker.color])"
    )
    bars = visit.page.evaluate(
        """(() => { const t = document.getElementById('chart-segments').data[0];
                    return t.x.map((name, i) => [name, t.marker.color[i]]); })()"""
    )
    assert len({colour for _, colour in scatter}) == len(scatter) >= 3
    assert dict(scatter).items() <= dict(bars).items()  # each segment has the same colour in both charts
    captions = visit.page.locator("figure figcaption").all_inner_texts()
    assert len(captions) == 3 and all(len(caption) > 40 for caption in captions)
    assert visit.errors == []
    visit.close()


def _digests(connection, tables) -> dict[str, int]:
    import hashlib

    return {
        table: hashlib.sha256(
            repr(connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()).encode()
        ).hexdigest()
        for table in tables
    }


def test_with_one_dataset_built_every_home_link_answers_and_the_file_downloads(
    browser, live_server, tmp_path, settings
):
    import sqlite3

    from django.apps import apps
    from django.db import connections

    settings.DOWNLOAD_CACHE_DIR = tmp_path / "downloads"
    SEEDERS["dvdrental"](tmp_path)
    visit = PageVisit(browser, live_server.url + "/")
    for domain in settings.DOMAIN_APPS:
        card = visit.page.locator(f"#dataset-{domain}")
        if domain == "dvdrental":
            assert card.locator(".badge").inner_text() == "built"
        else:
            assert "not built" in card.locator(".badge").inner_text()
            assert f"python manage.py seed_{domain}" in card.inner_text()
            hrefs = card.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            assert hrefs and all("/dictionary/" in href for href in hrefs), (domain, hrefs)  # nothing that fails
    if connections["dvdrental"].vendor == "sqlite":
        with visit.page.expect_download() as download_info:
            visit.page.click("#dataset-dvdrental >> text=SQLite database")
        path = tmp_path / "dvdrental.sqlite3"
        download_info.value.save_as(path)
        tables = [model._meta.db_table for model in apps.get_app_config("dvdrental").get_models()]
        name = connections["dvdrental"].settings_dict["NAME"]
        served = sqlite3.connect(name, uri=str(name).startswith("file:"))
        assert _digests(sqlite3.connect(path), tables) == _digests(served, tables)
    hrefs = visit.page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    visit.close()
    for href in dict.fromkeys(hrefs):
        if href.startswith("/downloads/"):
            continue  # files, not pages: the SQLite file was fetched above, the others have their own tests
        page = PageVisit(browser, live_server.url + href.split("#")[0])
        assert page.response.status < 500, href
        assert page.errors == [], (href, page.errors)
        page.close()


def test_half_built_minicrm_names_its_follow_up_command(browser, live_server):
    from minicrm.services import minicrm_seed

    minicrm_seed(using="minicrm", customers=60, seed=3, reset=True)
    visit = PageVisit(browser, live_server.url + "/")
    card = visit.page.locator("#dataset-minicrm")
    assert "built, needs calculate_rfm" in card.locator(".badge").inner_text()
    assert "python manage.py calculate_rfm" in card.inner_text()
    visit.page.click("#dataset-minicrm >> text=Dashboard")
    visit.page.wait_for_url("**/dashboards/minicrm/")
    assert "python manage.py calculate_rfm" in visit.page.locator("main").inner_text()
    assert visit.page.locator(".chart").count() == 0
    assert visit.errors == []
    visit.close()


def test_redoc_asks_no_other_host(browser, live_server):
    visit = PageVisit(browser, live_server.url + "/api/redoc/")
    visit.page.wait_for_selector("text=API docs by Redocly", timeout=30_000)
    visit.page.wait_for_load_state("networkidle")
    assert visit.errors == []
    visit.close()
