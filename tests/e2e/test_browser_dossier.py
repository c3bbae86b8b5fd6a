"""End to end in a real browser (Playwright + Debian's Chromium): a rep files a new dossier (DOMAIN §2)."""

from pathlib import Path

import pytest
from django.conf import settings

from crm import roles
from customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_creates_a_customer_fixes_a_field_error_and_sees_the_saved_dossier(live_server, page, make_user, password):
    make_user(roles.SALES, username="browser_rep")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "browser_rep")
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=New customer")
    page.fill("#id_name", "宁波海天阀门有限公司")
    page.select_option("#id_size", "medium")
    page.fill("#id_phone", "0574-8888 0000")
    page.click("button:has-text('Create customer')")
    page.wait_for_selector("[data-testid=customer-code]")
    code = page.inner_text("[data-testid=customer-code]")
    completeness_before = Customer.objects.get(code=code).completeness

    page.click("a:has-text('Edit Basic data')")
    page.fill("#id_customer-unified_social_credit_code", "91350100M000100Y44")  # wrong check character
    page.fill("#id_section-legal_representative", "王海天")
    page.click("button:has-text('Save')")
    error = page.locator(".invalid-feedback").first
    assert "check character" in error.inner_text()
    assert Customer.objects.get(code=code).unified_social_credit_code == ""

    page.fill("#id_customer-unified_social_credit_code", "91350100M000100Y43")
    page.click("button:has-text('Save')")
    page.wait_for_selector("[data-testid=section-basic]")
    section = page.inner_text("[data-testid=section-basic]")
    assert "91350100M000100Y43" in section
    assert "王海天" in section

    customer = Customer.objects.get(code=code)
    assert customer.unified_social_credit_code == "91350100M000100Y43"
    assert customer.completeness > completeness_before
    assert f"{customer.completeness}%" in page.inner_text("[data-testid=completeness]")
    page.click("#history-tab")
    page.wait_for_selector("#history-pane.show")
    assert "王海天" in page.inner_text("[data-testid=history]")

    shot = Path(settings.BASE_DIR) / "var" / "e2e-dossier.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_language_switch_shows_the_ui_in_chinese(live_server, page, make_user, password):
    make_user(roles.SALES, username="browser_rep_zh")
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("button:has-text('简体中文')")
    page.fill("#id_username", "browser_rep_zh")
    page.fill("#id_password", password)
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{live_server.url}/")
    assert "我的客户" in page.inner_text("main")
