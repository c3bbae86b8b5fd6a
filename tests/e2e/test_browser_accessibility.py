"""Accessibility and small screens in a real browser (issue 14 point 8): axe-core finds no serious or critical
violation on the main pages for each role, and at 390 px the customer list is a stack of cards with its filters
folded away, the dossier tabs scroll instead of overflowing, and no page scrolls sideways.

axe-core is vendored for this test only (tests/e2e/vendor/axe.min.js, MPL-2.0, from `npm pack axe-core`); the
product does not serve it."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from crm import roles
from customers.models import Customer
from tests.e2e.conftest import sign_in
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO_PASSWORD = "demo1234"
SEVERE = ("serious", "critical")
SHOTS = Path(settings.BASE_DIR) / "var"

# The main pages of each role (the demo users of seed_demo); "{own}" is a dossier the user reads in full.
COMMON = ["/", "/customers/", "/reminders/"]
CREDIT = ["/credit/", "/credit/approvals/", "/credit/holds/", "/credit/policy/"]
ANALYSIS = [
    "/analytics/",
    "/analytics/trend/",
    "/analytics/pareto/",
    "/analytics/ageing/",
    "/analytics/correlation/",
    "/analytics/segments/",
    "/analytics/behaviour/",
]
ARCHIVES = ["/archives/", "/archives/borrowings/", "/archives/access-log/"]
PAGES_BY_USER = {
    "sales1": [*COMMON, "/customers/?q=zz-nothing", "/imports/", "/analytics/"],
    "manager": [*COMMON, "/customers/?size=medium", *ANALYSIS, "/imports/", "/archives/handovers/", "/customers/new/"],
    "analyst": [*COMMON, "/credit/", "/analytics/pareto/"],
    "creditmgr": [*COMMON, *CREDIT, "/analytics/ageing/"],
    "service": COMMON,
    "archivist": [*COMMON, *ARCHIVES],
}
TABS_FOR = {"sales1", "manager", "creditmgr", "archivist"}  # each tab's buttons differ by role; the others: first tab
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _patient_page(page):
    """These tests walk many pages on a busy machine: a slow first load is not a failure."""
    page.set_default_navigation_timeout(60_000)


def _axe_violations(page) -> list[str]:
    """Run axe-core on the page as it is; one line per serious or critical violation and element."""
    if not page.evaluate("() => Boolean(window.axe)"):  # an init script, so the page's CSP does not block it
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1])}));
        }"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node}"
        for violation in result
        if violation["impact"] in SEVERE
        for node in violation["nodes"][:3]
    ]


def _dossier_tabs_violations(page) -> dict[str, list[str]]:
    found = {}
    for tab in page.locator(".dossier-tabs [role=tab]").all():
        tab.click()
        page.wait_for_selector(f"{tab.get_attribute('data-bs-target')}.show")
        page.wait_for_load_state("networkidle")  # the credit and documents tabs load with htmx
        if violations := _axe_violations(page):
            found[tab.get_attribute("id")] = violations
    return found


def test_axe_finds_no_serious_violation_on_the_main_pages_of_each_role(live_server, page):
    call_command("seed_demo", customers=12, stdout=StringIO())
    page.emulate_media(reduced_motion="reduce")  # Bootstrap's fades off: axe sees the colours a reader sees
    found: dict[str, list[str]] = {}
    for username, paths in PAGES_BY_USER.items():
        page.context.clear_cookies()
        sign_in(page, live_server, username, DEMO_PASSWORD)
        own = Customer.objects.filter(owner__username=username).first() or Customer.objects.first()
        for path in [*paths, f"/customers/{own.code}/"]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if violations := _axe_violations(page):
                found[f"{username} {path}"] = violations
        if username in TABS_FOR:
            for tab, violations in _dossier_tabs_violations(page).items():
                found[f"{username} /customers/{own.code}/#{tab}"] = violations
    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in found.items())


def test_completeness_bars_read_at_every_level(live_server, page, make_user, password):
    """Each level of the completeness bar (below 50, 50–79, 80–99, complete) passes WCAG AA contrast."""
    manager = make_user(roles.SALES_MANAGER, username="axe_manager")
    for value, name in ((20, "Low"), (60, "Mid"), (90, "High"), (100, "Done")):
        make_customer(owner=manager, name=f"Level {name}")
        Customer.objects.filter(name=f"Level {name}").update(completeness=value)
    sign_in(page, live_server, "axe_manager", password)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/customers/")
    bars = page.locator("[data-testid=customer-table] .completeness .progress-bar")
    assert sorted(bars.all_inner_texts()) == ["100%", "20%", "60%", "90%"]
    assert len(set(bars.evaluate_all("(bars) => bars.map((b) => getComputedStyle(b).backgroundColor)"))) == 4
    assert _axe_violations(page) == []


def _overflow(page) -> int:
    """How many pixels the page is wider than the screen (a sideways scroll on a phone)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_at_390_px_the_list_is_cards_the_filters_fold_and_the_tabs_scroll(live_server, page, make_user, password):
    manager = make_user(roles.SALES_MANAGER, username="phone_manager")
    rep = make_user(roles.SALES, username="phone_rep")
    customers = [
        make_customer(owner=rep, name="浙江东方阀门制造股份有限公司宁波分公司", size="medium", region="浙江省"),
        make_customer(owner=manager, name="Hamburg Industrial Flow Control GmbH", region="Germany"),
    ]
    sign_in(page, live_server, "phone_manager", password)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/customers/")

    rows = page.locator("[data-testid=customer-table] tbody tr")
    assert rows.count() == 2
    assert rows.evaluate_all("(rows) => rows.map((r) => getComputedStyle(r).display)") == ["block", "block"]
    boxes = [rows.nth(i).bounding_box() for i in range(2)]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in boxes)
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"]  # stacked, one card under the other
    spill = rows.evaluate_all(
        """(rows) => rows.flatMap((row) => Array.from(row.querySelectorAll("*"))
            .filter((e) => e.getBoundingClientRect().right > row.getBoundingClientRect().right + 1)
            .map((e) => e.outerHTML.slice(0, 80)))"""
    )
    assert spill == []  # nothing sticks out of its card (long names, classification badges)
    owner_cell = rows.filter(has_text=customers[0].code).locator("td[data-label=Owner]")
    assert owner_cell.inner_text() == "phone_rep"
    assert (
        page.evaluate("(cell) => getComputedStyle(cell, '::before').content", owner_cell.element_handle()) == '"Owner"'
    )
    assert _overflow(page) <= 0

    assert not page.is_visible("#id_size")  # the filters are folded away; the search stays
    assert page.is_visible("#id_q")
    page.click("[data-testid=filters-toggle]")
    page.wait_for_selector("#id_size", state="visible")
    page.select_option("#id_size", "medium")
    expect(rows).to_have_count(1)
    assert customers[0].code in rows.first.inner_text()
    page.screenshot(path=str(SHOTS / "e2e-phone-customer-list.png"), full_page=True)
    assert _axe_violations(page) == []

    page.goto(f"{live_server.url}/customers/{customers[0].code}/")
    tabs = page.locator(".dossier-tabs")
    tops = tabs.locator("[role=tab]").evaluate_all("(tabs) => tabs.map((t) => t.getBoundingClientRect().top)")
    assert len(set(tops)) == 1  # one line of tabs …
    assert tabs.evaluate("(list) => list.scrollWidth > list.clientWidth")  # … that scrolls sideways
    assert _overflow(page) <= 0
    page.click("#reviews-tab")  # the last tab scrolls into view and opens
    page.wait_for_selector("#reviews-pane.show")
    page.screenshot(path=str(SHOTS / "e2e-phone-dossier.png"), full_page=True)

    for path in ("/", "/credit/", "/analytics/", "/archives/handovers/", "/imports/", "/reminders/"):
        page.goto(f"{live_server.url}{path}")
        assert _overflow(page) <= 0, path


def test_on_a_wide_screen_the_list_stays_a_table_with_its_filters_open(live_server, page, make_user, password):
    manager = make_user(roles.SALES_MANAGER, username="desk_manager")
    make_customer(owner=manager, name="Desk Valve Co")
    sign_in(page, live_server, "desk_manager", password)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/customers/")
    row = page.locator("[data-testid=customer-table] tbody tr").first
    assert row.evaluate("(r) => getComputedStyle(r).display") == "table-row"
    assert page.is_visible("#id_size")
    assert not page.is_visible("[data-testid=filters-toggle]")
    assert _overflow(page) <= 0  # the header's language switch wraps inside the bar
