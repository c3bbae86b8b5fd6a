"""End to end in a real browser (Playwright + Debian's Chromium): a rep files a new dossier (DOMAIN §2)."""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings

from crm import roles
from customers.models import Customer
from tests.conftest import running_in_ci

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """Transactional tests flush the data migrations' rows; put the role groups back."""
    from django.apps import apps

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium is missing at {CHROMIUM}: install it with `apt-get install -y chromium`."
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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
