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
        self.page.goto(url)

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
