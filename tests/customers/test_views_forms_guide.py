"""Issue 14 point 7, forms that guide: an error summary at the top linking to each field in error, dates ISO in
both languages, labels capitalised as forms show them, a 5C rating outside 0–10 flagged next to it."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats, translation

from customers import services
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

CREATE = {"kind": "intermediate", "nature": "company", "size": "small", "payment_terms_days": "30"}


def _summary(body: str) -> str:
    match = re.search(r'<div class="alert alert-danger error-summary".*?</div>', body, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_refused_form_lists_every_error_at_the_top_with_links_to_the_fields(rep, client_for):
    response = client_for(rep).post(
        reverse("customer_create"),
        {**CREATE, "name": "", "phone": "call me", "unified_social_credit_code": "123"},
    )
    body = response.content.decode()
    summary = _summary(body)
    assert "Please correct the 3 errors below." in summary
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links == ["id_name", "id_unified_social_credit_code", "id_phone"]  # in the order of the form
    for anchor in links:
        assert f'id="{anchor}"' in body  # every link lands on its input
    assert body.index("error-summary") < body.index('id="id_name"')  # at the top, before the fields


def test_a_form_without_errors_has_no_summary(rep, client_for):
    assert "error-summary" not in client_for(rep).get(reverse("customer_create")).content.decode()


def test_a_section_form_sums_up_the_errors_of_all_its_parts_once(customer, rep, client_for):
    response = client_for(rep).post(
        reverse("section_edit", args=[customer.code, "basic"]),
        {**{f"customer-{k}": v for k, v in CREATE.items()}, "customer-name": "", "section-age": "-5"},
    )
    body = response.content.decode()
    assert body.count('data-testid="error-summary"') == 1
    summary = _summary(body)
    assert 'href="#id_customer-name"' in summary
    assert 'href="#id_section-age"' in summary


def test_the_error_summary_speaks_chinese(rep, client_for):
    client = client_for(rep)
    client.cookies["django_language"] = "zh-hans"
    body = client.post(reverse("customer_create"), {**CREATE, "name": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    summary = _summary(body.content.decode())
    assert "请" in summary


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dates_are_iso_in_every_language(language):
    with translation.override(language):
        assert formats.date_format(date(2026, 3, 5)) == "2026-03-05"
        assert formats.date_format(date(2026, 3, 5), "SHORT_DATE_FORMAT") == "2026-03-05"
        assert formats.localize(date(2026, 3, 5)) == "2026-03-05"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dossier_shows_a_plain_date_field_iso(rep, client_for, language):
    customer = make_customer(owner=rep, name="Dates", sections={"basic": {"relationship_since": date(2020, 1, 5)}})
    client = client_for(rep)
    client.cookies["django_language"] = language
    body = client.get(reverse("customer_detail", args=[customer.code]), HTTP_ACCEPT_LANGUAGE=language).content
    text = body.decode()
    assert "2020-01-05" in text
    assert "Jan. 5, 2020" not in text
    assert "2020年1月5日" not in text


def test_section_and_history_labels_are_capitalised_as_the_forms_are(customer, rep, client_for):
    services.dossier_update(
        customer=customer, values={"phone": "0571-88880000"}, sections={}, by=rep, today=date(2026, 11, 22)
    )
    body = client_for(rep).get(reverse("customer_detail", args=[customer.code])).content.decode()
    assert re.search(r">\s*Unified social credit code\s*<", body)
    assert re.search(r">\s*Phone\s*<", body)
    assert not re.search(r">\s*(phone|unified social credit code|e-mail)\s*<", body)


def test_a_5c_rating_outside_0_to_10_is_flagged_next_to_it(customer, make_user, client_for):
    analyst = client_for(make_user("credit_analyst"))
    url = reverse("credit_assess", args=[customer.code, "5c"])
    page = analyst.get(url).content.decode()
    assert 'id="id_rating_character-range" hidden' in page  # the hint app.js shows while typing
    assert 'aria-describedby="id_rating_character-range"' in page
    ratings = {"rating_character": "11", "rating_capacity": "-1", "rating_capital": "5"}
    ratings |= {"rating_collateral": "5", "rating_conditions": "5"}
    response = analyst.post(url, ratings)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["rating_character"] == ["Rate from 0 to 10."]
    assert form.errors["rating_capacity"] == ["Rate from 0 to 10."]
    body = response.content.decode()
    row = body[body.index('id="id_rating_character"') - 200 : body.index('id="id_rating_character"') + 600]
    assert "is-invalid" in row
    assert '<div class="invalid-feedback d-block">Rate from 0 to 10.</div>' in row  # the server's, shown
