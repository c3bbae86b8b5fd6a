"""End to end in a real browser (DOMAIN §9): an archivist registers a customer's business licence with its scan,
a manager downloads and borrows it, the archivist lends it and takes it back, a rep of another customer is
refused, and every step shows in the access log and the document's history."""

from pathlib import Path

import pytest
from django.conf import settings

from archives.models import ArchiveDocument, Borrowing
from crm import roles
from tests.factories import PDF, make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, username: str, password: str):
    context = browser.new_context(locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_section_9_register_download_borrow_return_and_the_log(live_server, browser, make_user, password, tmp_path):
    owner = make_user(roles.SALES, username="owner_rep")
    make_user(roles.SALES, username="stranger_rep")
    make_user(roles.ARCHIVIST, username="keeper")
    make_user(roles.SALES_MANAGER, username="boss")
    customer = make_customer(owner=owner, name="温州龙湾阀门厂")

    keeper = signed_in(browser, live_server, "keeper", password)
    keeper.goto(f"{live_server.url}/customers/{customer.code}/#documents")
    keeper.wait_for_selector("[data-testid=catalogue-empty]")
    keeper.click("a:has-text('Register an original')")
    keeper.select_option("#id_doc_type", "business_licence")
    keeper.fill("#id_title", "营业执照 正本")
    keeper.select_option("#id_source", "customer")
    keeper.fill("#id_room", "A")
    keeper.fill("#id_cabinet", "3")
    assert keeper.is_checked("#id_view_only")  # DOMAIN §9: originals are view-only unless released for loan
    keeper.uncheck("#id_view_only")
    disguised = tmp_path / "licence.pdf"
    disguised.write_bytes(b"#!/bin/sh\necho owned\n")
    keeper.set_input_files("#id_scan", str(disguised))
    keeper.click("button:has-text('Register')")
    assert "does not match its type" in keeper.inner_text(".invalid-feedback")
    assert not ArchiveDocument.objects.exists()
    scan = tmp_path / "licence-scan.pdf"
    scan.write_bytes(PDF)
    keeper.set_input_files("#id_scan", str(scan))
    keeper.click("button:has-text('Register')")
    keeper.wait_for_selector("[data-testid=archive-number]")
    number = keeper.inner_text("[data-testid=archive-number]")
    assert number.startswith("ARC-")

    boss = signed_in(browser, live_server, "boss", password)
    boss.goto(f"{live_server.url}/archives/documents/{number}/")
    boss.click("[data-testid=download]")
    boss.fill("#id_reason", "Bank asked for a copy")
    with boss.expect_download() as download:
        boss.click("button:has-text('Download')")
    assert Path(download.value.path()).read_bytes() == PDF
    boss.goto(f"{live_server.url}/archives/documents/{number}/")
    boss.fill("#id_purpose", "Show the original to the bank")
    boss.click("button:has-text('Request to borrow')")
    boss.wait_for_selector("text=Borrowing requested; the archivist decides.")

    keeper.goto(f"{live_server.url}/archives/borrowings/")
    keeper.click("[data-testid=borrowings-requested] button:has-text('Approve')")
    keeper.click("[data-testid=borrowings-approved] button:has-text('Hand over')")
    keeper.click("[data-testid=borrowings-lent] button:has-text('Record return')")
    keeper.wait_for_selector("text=None.")
    assert Borrowing.objects.get().status == "returned"

    stranger = signed_in(browser, live_server, "stranger_rep", password)
    response = stranger.goto(f"{live_server.url}/archives/documents/{number}/download/?reason=just+looking")
    assert response.status == 403
    stranger.goto(f"{live_server.url}/customers/{customer.code}/")
    assert stranger.locator("#documents-tab").count() == 0

    boss.goto(f"{live_server.url}/archives/access-log/")
    log = boss.inner_text("[data-testid=access-log]")
    for entry in ("Document download", "Bank asked for a copy", "Original lent", "Original returned", "Access refused"):
        assert entry in log
    boss.goto(f"{live_server.url}/archives/documents/{number}/")
    history = boss.inner_text("[data-testid=document-history]")
    for step in ("Registered", "Scan uploaded", "Borrowing requested", "Borrowing approved", "Original lent"):
        assert step in history
    shot = Path(settings.BASE_DIR) / "var" / "e2e-archives.png"
    boss.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
