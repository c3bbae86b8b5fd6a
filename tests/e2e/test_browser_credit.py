"""End to end in a real browser: a medium customer goes from dossier to an approved limit (DOMAIN §5–§6),
with the assessment's live score computed in the page."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from credit.models import CreditLimitRequest
from crm import roles
from customers import services as customer_services
from tests.e2e.conftest import sign_in
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_medium_customer_from_dossier_to_approved_limit(live_server, page, make_user, password):
    rep = make_user(roles.SALES, username="e2e_rep")
    analyst = make_user(roles.CREDIT_ANALYST, username="e2e_analyst")
    make_user(roles.CREDIT_MANAGER, username="e2e_cm")
    customer = make_customer(owner=rep, name="Medium Valve Co", size="medium")
    customer_services.credit_document_add(
        customer=customer,
        by=analyst,
        values={
            "doc_type": "credit_report",
            "title": "Agency report",
            "source": "credit_agency",
            "obtained_on": date.today(),
            "issued_on": date.today(),
        },
        today=date.today(),
    )

    sign_in(page, live_server, "e2e_analyst", password)
    page.goto(f"{live_server.url}/customers/{customer.code}/credit/assess/5c/")
    for key, rating in {"character": 9, "capacity": 8, "capital": 8, "collateral": 7, "conditions": 8}.items():
        page.fill(f"#id_rating_{key}", str(rating))
    assert page.inner_text("[data-testid=live-score]").startswith("80.00%")
    page.click("button:has-text('Submit assessment')")
    page.wait_for_selector("[data-testid=credit-panel]")
    page.click("text=Request a credit limit")
    page.fill("#id_amount", "150000")
    page.fill("#id_reason", "Annual credit line")
    page.click("button:has-text('Submit')")
    page.wait_for_selector("[data-testid=credit-panel]")
    page.click("button:has-text('Sign out')")

    sign_in(page, live_server, "e2e_cm", password)
    page.goto(f"{live_server.url}/credit/approvals/")
    row = page.locator("[data-testid=approvals] tbody tr", has_text=customer.code)
    row.get_by_role("link", name="Review and decide").click()
    assert page.inner_text("[data-testid=weakest-source]") == "Credit agency"
    page.fill("#id_approved_amount", "120000")
    page.fill("#id_note", "Agency report and 5C support the annual line")
    page.click("button:has-text('Approve')")
    page.wait_for_selector(".alert-success")
    assert "Limit of 120,000 approved for Medium Valve Co" in page.inner_text(".alert-success")
    limit_request = CreditLimitRequest.objects.get(customer=customer)
    assert (limit_request.status, limit_request.approved_amount) == ("approved", Decimal(120_000))
    page.goto(f"{live_server.url}/customers/{customer.code}/")
    page.click("#credit-tab")
    page.wait_for_selector("[data-testid=available]")
    assert page.inner_text("[data-testid=available]") == "120,000.00"
    expect(page.locator("#credit-pane")).to_have_css("opacity", "1")  # no eval: the page's CSP forbids it
    page.screenshot(path=str(Path(settings.BASE_DIR) / "var" / "e2e-credit.png"), full_page=True)
