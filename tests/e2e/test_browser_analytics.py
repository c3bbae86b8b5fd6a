"""The analysis pages in a real browser (issue 11 point 7): each draws its chart (ECharts, vendored) from the API's
JSON without a console error, a click on a bar leads to those customers, and the export downloads."""

import pytest

from tests.analytics.conftest import portfolio  # noqa: F401 (the fixture)
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/analytics/composition/?by=tier",
    "/analytics/composition/?by=tier_grade",
    "/analytics/pareto/",
    "/analytics/trend/?by=tier",
    "/analytics/trend/?by=product",
    "/analytics/correlation/",
    "/analytics/ageing/?group=owner",
]


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("path", PAGES)
def test_each_analysis_page_draws_its_chart(live_server, page, portfolio, password, path):  # noqa: F811
    errors = _watch_console(page)
    sign_in(page, live_server, portfolio.manager.username, password)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("[data-chart][data-chart-ready]")
    assert page.locator("[data-chart] canvas, [data-chart] svg").count() >= 1
    box = page.locator("[data-chart]").bounding_box()
    for fraction in (0.2, 0.4, 0.6):  # the tooltip draws under the Content-Security-Policy too
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.7)
        page.wait_for_timeout(150)
    assert errors == []


def test_a_bar_leads_to_its_customers(live_server, page, portfolio, password):  # noqa: F811
    errors = _watch_console(page)
    sign_in(page, live_server, portfolio.manager.username, password)
    page.goto(f"{live_server.url}/analytics/composition/?by=tier")
    page.wait_for_selector("[data-chart][data-chart-ready]")
    page.get_by_role("link", name="A (key)").click()
    page.wait_for_url("**/customers/?tier=A")
    assert "Alpha Valves" in page.inner_text("#customer-results")
    with page.expect_download() as download:
        page.go_back()
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == "composition-2026-11-22.xlsx"
    assert errors == []


def test_an_ageing_segment_leads_to_the_customers_owing_in_that_bucket(live_server, page, portfolio, password):  # noqa: F811
    errors = _watch_console(page)
    sign_in(page, live_server, portfolio.manager.username, password)
    page.goto(f"{live_server.url}/analytics/ageing/?group=owner")
    page.wait_for_selector("[data-chart][data-chart-ready]")
    page.locator('td[data-drill-key="rep|over_90"] a').click()
    page.wait_for_url("**/analytics/customers/?**")
    assert "Beta Pumps" in page.content()
    assert "Alpha Valves" not in page.content()
    assert errors == []
