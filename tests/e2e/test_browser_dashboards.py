"""Issue 14: every role signs in to its own dashboard, whose counts are links; each count opens a list with exactly
that many rows."""

import pytest

from tests.crm import dashboard_world
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_TILES = {  # the user → the counts their dashboard must show (at least these; every count is clicked)
    "rep": ["my-customers", "incomplete", "stale", "review-due", "reorders", "holds-mine"],
    "manager": ["team-reminders-overdue", "handovers"],
    "service": ["complaints-open"],
    "analyst": ["assessments-due", "reports-expiring", "limit-requests-to-prepare"],
    "cm": ["approvals", "holds", "limits-expiring", "ageing-over-90"],
    "archivist": ["borrowings-to-approve", "borrowings-overdue", "documents-expiring"],
}
ROWS = "main table tbody > tr, main [data-testid=reminders] > li"


@pytest.mark.parametrize("who", list(ROLE_TILES))
def test_each_role_sees_its_counts_and_each_opens_that_many_rows(who, live_server, page, password):
    dashboard_world.build()
    sign_in(page, live_server, who, password)
    page.wait_for_selector("[data-testid^=count-loading-]", state="detached")  # counts loaded after the page
    shown = [
        tile.get_attribute("data-testid").removeprefix("tile-") for tile in page.locator("a[data-testid^=tile-]").all()
    ]
    assert set(ROLE_TILES[who]) <= set(shown)
    assert any(int(page.inner_text(f"[data-testid=count-{key}]")) > 0 for key in shown)
    for key in shown:
        count = int(page.inner_text(f"[data-testid=count-{key}]"))
        page.click(f"[data-testid=tile-{key}]")
        page.wait_for_load_state()
        assert page.locator(ROWS).count() == count, f"{key}: {page.url}"
        page.go_back()
        page.wait_for_selector(f"[data-testid=tile-{key}]")
