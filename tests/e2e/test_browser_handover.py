"""The handover in a real browser (issue 14 point 5, DOMAIN §9): a sales manager loads a rep's customers without
losing the reason typed, ticks them all with select-all, confirms, and reads how many moved to whom. The URL never
carries the reason or the CSRF token."""

import pytest

from crm import roles
from customers.models import Customer
from tests.e2e.conftest import sign_in
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handover_with_select_all_keeps_the_choices_and_confirms(live_server, page, make_user, password):
    leaving = make_user(roles.SALES, username="zhangsan", first_name="三", last_name="张")
    successor = make_user(roles.SALES, username="lisi")
    make_user(roles.SALES_MANAGER, username="boss")
    book = [make_customer(owner=leaving, name=f"客户{n}") for n in range(3)]

    sign_in(page, live_server, "boss", password)
    page.goto(f"{live_server.url}/archives/handover/")
    page.select_option("#id_from_owner", str(leaving.pk))
    page.select_option("#id_to_owner", str(successor.pk))
    page.fill("#id_reason", "离职交接 secret-ish reason")
    page.click("[data-testid=show-customers]")
    page.wait_for_selector("[data-select-all=customers]")
    assert "reason" not in page.url
    assert "csrfmiddlewaretoken" not in page.url
    assert page.input_value("#id_reason") == "离职交接 secret-ish reason"  # kept while the list loaded
    assert page.locator("#id_to_owner").input_value() == str(successor.pk)

    page.check("[data-select-all=customers]")
    assert page.locator("input[name=customers]:checked").count() == 3
    assert page.is_checked("input[name=scope][value=some]")  # ticking customers means "only those ticked"
    page.uncheck("input[name=customers] >> nth=1")
    assert page.evaluate("document.querySelector('[data-select-all=customers]').indeterminate")
    page.check("[data-select-all=customers]")

    page.click("button[type=submit]:has-text('Continue')")
    question = page.text_content("[data-testid=handover-question]")
    assert "Hand 3 customers of" in question
    assert "lisi" in question
    assert Customer.objects.filter(owner=successor).count() == 0  # nothing moved before the confirmation

    page.click("button[name=confirm]")
    page.wait_for_selector("[data-testid=handover-count]")
    assert "3 customers handed over to lisi." in page.text_content("main")
    assert Customer.objects.filter(owner=successor, pk__in=[c.pk for c in book]).count() == 3
