"""End to end in a real browser, issue 13's "done when" (DOMAIN §11): a credit manager raises the tier A threshold
in a draft, sees who drops to B and how the back-test moves, does not save, and downloads a customer's credit file
in Chinese."""

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from credit import services
from credit.credit_file import cjk_font_installed
from credit.models import CreditPolicyVersion, CreditProfile
from credit.services import OrderLineInput
from crm import roles
from tests.e2e.conftest import sign_in
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sold(customer, *, on: date, amount: int, paid: bool, by) -> None:
    order = services.order_place(
        customer=customer,
        lines=[OrderLineInput("DN100 gate valve", Decimal(1), Decimal(amount))],
        order_date=on,
        due_date=on + timedelta(days=30),
        by=by,
        today=date.today(),
        historical=True,
    )
    if paid:
        services.payment_record(
            customer=customer, paid_on=on + timedelta(days=25), amount=Decimal(amount), order=order, by=by,
            today=date.today(),
        )  # fmt: skip


def test_a_draft_is_previewed_and_back_tested_then_dropped_and_a_credit_file_read_in_chinese(
    live_server, page, make_user, password, tmp_path
):
    rep = make_user(roles.SALES, username="e2e_policy_rep")
    erp = make_user(roles.INTEGRATION, username="e2e_policy_erp")
    make_user(roles.CREDIT_MANAGER, username="e2e_policy_cm")
    today = date.today()
    alpha = make_customer(owner=rep, name="杭州东方阀门", expected_monthly_purchases=Decimal(40_000))
    _sold(alpha, on=today - timedelta(days=200), amount=350_000, paid=True, by=erp)  # tier A, paid on time
    beta = make_customer(owner=rep, name="Beta Pumps", expected_monthly_purchases=Decimal(40_000))
    _sold(beta, on=today - timedelta(days=300), amount=30_000, paid=True, by=erp)
    _sold(beta, on=today - timedelta(days=250), amount=25_000, paid=False, by=erp)  # never paid: bad debt
    assert CreditProfile.objects.get(customer=alpha).tier == "A"
    versions = CreditPolicyVersion.objects.count()

    sign_in(page, live_server, "e2e_policy_cm", password)
    page.goto(f"{live_server.url}/credit/policy/")
    page.fill("#id_tier_a_threshold", "400000")
    page.click("button[name=preview]")
    preview = page.locator("[data-testid=policy-preview]")
    preview.wait_for()
    moved = preview.locator("tr.table-warning", has_text="B")
    assert "A" in moved.first.inner_text()  # A → B for 1 customer
    backtest = page.locator("[data-testid=backtest-table]")
    backtest.wait_for()
    current = backtest.locator("tr[data-scenario=current]").inner_text()
    everyone = backtest.locator("tr[data-scenario=credit_for_all]").inner_text()
    assert "25,000" in everyone  # the bad debt credit for all lets through
    assert "Policy in force" in current
    assert page.locator("[data-testid=backtest-table] svg rect").count() >= 2
    page.locator("[data-testid=policy-backtest]").screenshot(
        path=str(Path(settings.BASE_DIR) / "var" / "e2e-backtest.png")
    )

    page.goto(f"{live_server.url}/credit/policy/")  # leaves without saving
    assert CreditPolicyVersion.objects.count() == versions
    assert page.input_value("#id_tier_a_threshold").startswith("300000")

    page.click("button:has-text('简体中文')")
    page.goto(f"{live_server.url}/customers/{alpha.code}/credit/")
    with page.expect_download() as download:
        page.click("[data-testid=credit-file]")
    pdf = tmp_path / "credit-file.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") and cjk_font_installed():  # CI installs both; test_credit_file fails without
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
        assert "杭州东方阀门" in text
        assert "客户资信档案" in text
