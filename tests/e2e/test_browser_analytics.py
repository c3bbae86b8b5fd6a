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
    "/analytics/behaviour/?topic=products",
    "/analytics/behaviour/?topic=feedback",
    "/analytics/behaviour/?topic=retention",
    "/analytics/behaviour/?topic=response",
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


def test_the_segmentation_page_draws_segments_and_clusters(live_server, page, portfolio, password):  # noqa: F811
    """DOMAIN §10.5: after the nightly run, the segment bars and the cluster bubbles draw; a bar's row drills."""
    from analytics.services import segmentation_compute
    from tests.analytics.conftest import TODAY

    segmentation_compute(today=TODAY)
    errors = _watch_console(page)
    sign_in(page, live_server, portfolio.manager.username, password)
    page.goto(f"{live_server.url}/analytics/segments/")
    page.wait_for_selector("[data-chart='segments'][data-chart-ready]")
    page.wait_for_selector("[data-chart='clusters'][data-chart-ready]")
    box = page.locator("[data-chart='clusters']").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(150)
    assert errors == []
    assert "Gamma Pipes" in page.inner_text("[data-testid='segment-customers']")


def test_the_promotions_table_draws_with_responses(live_server, page, portfolio, password):  # noqa: F811
    from datetime import timedelta
    from decimal import Decimal

    from customers.services import interaction_record
    from tests.analytics.conftest import TODAY

    interaction_record(
        customer=portfolio.customers["A"],
        kind="promotion_response",
        occurred_on=TODAY - timedelta(days=40),
        subject="Mailing",
        by=portfolio.rep,
        today=TODAY,
        promotion="Spring",
        response="positive",
        cost=Decimal(100),
    )
    errors = _watch_console(page)
    sign_in(page, live_server, portfolio.manager.username, password)
    page.goto(f"{live_server.url}/analytics/behaviour/?topic=promotions")
    page.wait_for_selector("[data-chart='behaviour'][data-chart-ready]")
    assert "Spring" in page.inner_text("[data-testid='report-table']")
    assert errors == []
