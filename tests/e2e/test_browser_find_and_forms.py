"""Issue 14 points 6 and 7 in a real browser: the header's search box finds customers by two words and by part
of a code, masked as the list is; a refused form lists its errors at the top and puts the cursor on the first."""

import pytest

from crm import roles
from tests.e2e.conftest import sign_in
from tests.factories import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_search_finds_by_every_word_and_by_part_of_a_code(live_server, page, make_user, password):
    rep = make_user(roles.SALES, username="browser_rep_find")
    other = make_user(roles.SALES, username="browser_other_find")
    mine = make_customer(owner=rep, name="杭州数字科技有限公司", phone="0571-88881234")
    make_customer(owner=rep, name="宁波数字贸易")
    theirs = make_customer(owner=other, name="深圳数字科技", phone="0755-88881234")
    sign_in(page, live_server, "browser_rep_find", password)

    box = page.locator("[data-testid=header-search] input[name=q]")
    box.fill("数字 科技")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("[data-testid=search-results] tbody tr")
    assert results.count() == 2
    text = page.inner_text("[data-testid=search-results]")
    assert mine.code in text
    assert theirs.code in text
    assert "0571-88881234" in text  # own customer: phone shown
    assert "0755-88881234" not in text  # another rep's: hidden, as in the list
    assert box.input_value() == "数字 科技"

    box.fill(theirs.code[-3:])  # part of a code
    box.press("Enter")
    page.wait_for_url(f"**/search/?q={theirs.code[-3:]}")
    assert theirs.code in page.inner_text("[data-testid=search-results]")

    box.fill(mine.code.lower())  # a whole code opens the dossier
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/customers/{mine.code}/")


def test_a_refused_form_sums_up_its_errors_and_focuses_the_first(live_server, page, make_user, password):
    make_user(roles.SALES, username="browser_rep_form")
    sign_in(page, live_server, "browser_rep_form", password)
    page.goto(f"{live_server.url}/customers/new/")
    page.fill("#id_name", "")
    page.fill("#id_phone", "call me later")
    page.click("button[type=submit]:has-text('Create customer')")
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert "Please correct the 2 errors below." in summary.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_name'")
    summary.locator("a[href='#id_phone']").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_phone'")
    assert "Enter a phone number" in page.inner_text("#id_phone >> xpath=..")


def test_a_5c_rating_outside_the_range_is_flagged_while_typing(live_server, page, make_user, password):
    rep = make_user(roles.SALES, username="browser_rep_5c")
    make_user(roles.CREDIT_ANALYST, username="browser_analyst_5c")
    customer = make_customer(owner=rep, name="Rating Co")
    sign_in(page, live_server, "browser_analyst_5c", password)
    page.goto(f"{live_server.url}/customers/{customer.code}/credit/assess/5c/")
    assert not page.is_visible("#id_rating_character-range")
    page.fill("#id_rating_character", "12")
    assert "is-invalid" in page.get_attribute("#id_rating_character", "class")
    assert page.is_visible("#id_rating_character-range")
    page.fill("#id_rating_character", "7")
    assert "is-invalid" not in page.get_attribute("#id_rating_character", "class")
    assert not page.is_visible("#id_rating_character-range")
