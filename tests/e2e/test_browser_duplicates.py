"""End to end in a real browser (Playwright + Debian's Chromium), DOMAIN §2.3: a sales manager is warned that a new
customer may exist already, creates it anyway, finds the pair among the possible duplicates and merges them."""

from pathlib import Path

import pytest
from django.conf import settings

from crm import roles
from customers.models import Customer
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_is_warned_of_a_duplicate_then_merges_it(live_server, page, make_user, password):
    rep = make_user(roles.SALES, username="browser_rep_dup")
    make_user(roles.SALES_MANAGER, username="browser_manager")
    stored = make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88886666", region="浙江")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "browser_manager")
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/customers/new/")
    page.fill("#id_name", "杭州東方化工有限公司")
    page.fill("#id_phone", "+86 571 8888 6666")
    page.select_option("#id_owner", "browser_rep_dup")
    page.click("button:has-text('Create customer')")
    warning = page.inner_text("#duplicate-warning")
    assert stored.code in warning
    assert "similar name, same phone" in warning
    page.click("button:has-text('Create anyway')")
    page.wait_for_selector("[data-testid=customer-code]")
    twin = page.inner_text("[data-testid=customer-code]")

    page.click("a.nav-link:has-text('Possible duplicates')")
    page.click(f"a[href*='merge/?duplicate={twin}']")
    page.check("input[name=phone][value=duplicate]")
    page.click("button:has-text('Review the merge')")
    page.click("button:has-text('Confirm merge')")
    page.wait_for_selector("[data-testid=customer-code]")
    assert page.inner_text("[data-testid=customer-code]") == stored.code
    assert Customer.objects.get(code=twin).merged_into_id == stored.pk
    assert Customer.objects.get(pk=stored.pk).phone == "+86 571 8888 6666"

    page.goto(f"{live_server.url}/customers/{twin}/")
    assert page.url == f"{live_server.url}/customers/{stored.code}/"
    shot = Path(settings.BASE_DIR) / "var" / "e2e-merge.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
