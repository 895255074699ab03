"""The planner page in a real headless Chromium (Debian's chromium, driven by Playwright)
against a live server: paste a token, run an analysis, see the map and the table."""

import os

import pytest

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Without chromium or playwright the `chromium` fixture (tests/conftest.py) skips, or fails in CI.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_page(chromium):
    from playwright import sync_api

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls happen
    # before and after it, never concurrently.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS, headless=True)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.errors = errors
            yield page
        finally:
            browser.close()


def test_a_planner_runs_an_analysis_and_sees_the_map_and_the_table(live_server, planner_shenzhen, demand, stations, browser_page):
    page = browser_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/planning/")
    assert page.title() == "驿站覆盖分析 · Yizhan coverage planner"

    page.fill("#token", planner_shenzhen.token)
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("#dataset option[value='test-demand']", state="attached")
    assert "深圳市" in page.text_content("#token-status")

    page.select_option("#district", "南山区")
    page.select_option("#radius", "500")
    page.fill("#at", "22:00")
    page.click("#run-button")
    page.wait_for_function("document.getElementById('map').naturalWidth > 0", timeout=30_000)

    assert page.evaluate("document.getElementById('map').naturalWidth") == 1200
    rows = page.locator("#districts tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).text_content() == "南山区"
    assert rows.nth(0).locator("td").nth(2).text_content() == "66.7%"
    assert page.get_attribute("#download-csv", "href").startswith("blob:")

    page.fill("#p", "3")
    page.click("#sites-form button[type=submit]")
    page.wait_for_selector("#sites li")
    assert page.locator("#sites li").count() == 1  # one uncovered point, one site covers it
    assert "→ 100.0%" in page.text_content("#sites li")

    assert page.errors == []
    assert all(url.startswith(live_server.url) or url.startswith("blob:") for url in requests), requests
