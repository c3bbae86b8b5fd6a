"""Issue 14 point 6: the header's search, sortable list headers, page numbers and the customer-list export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AccessLog
from customers import selectors, services
from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _found(response) -> list[str]:
    return [customer.code for customer, _full in response.context["rows"]]


@pytest.fixture
def book(rep, other_rep):
    digital = make_customer(
        owner=rep, name="杭州数字科技有限公司", phone="0571-88881234", unified_social_credit_code="91350100M000100Y43"
    )
    services.contact_save(customer=digital, values={"name": "李娜", "mobile": "139 0571 7777"}, by=rep)
    return {
        "digital": digital,
        "science": make_customer(owner=rep, name="宁波数字贸易", phone="0574-55550000"),
        "tech": make_customer(owner=rep, name="上海科技发展"),
        "theirs": make_customer(owner=other_rep, name="深圳数字科技", phone="0755-88881234"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("数字 科技", ["digital", "theirs"], id="every-word-must-match"),
        pytest.param("数字", ["science", "digital", "theirs"], id="one-word"),
        pytest.param("李娜", ["digital"], id="contact-name"),
        pytest.param("91350100m000100y43", ["digital"], id="uscc"),
        pytest.param("88881234", ["digital"], id="phone-of-own-customer-only"),
        pytest.param("7777", ["digital"], id="contact-mobile"),
        pytest.param("数字 nothing", [], id="a-word-that-matches-nothing"),
    ],
)
def test_the_header_search_finds_customers_by_every_word(book, rep, client_for, query, expected):
    response = client_for(rep).get(reverse("customer_search"), {"q": query})
    assert response.status_code == 200
    assert sorted(_found(response)) == sorted(book[key].code for key in expected)


def test_a_partial_code_finds_its_customer(book, rep, client_for):
    code = book["tech"].code  # C000003-like: its last three digits
    response = client_for(rep).get(reverse("customer_search"), {"q": code[-3:]})
    assert book["tech"].code in _found(response)
    assert set(_found(response)) <= {c.code for c in Customer.objects.filter(code__contains=code[-3:])}


def test_a_full_code_opens_the_dossier(book, rep, client_for):
    response = client_for(rep).get(reverse("customer_search"), {"q": book["theirs"].code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_detail", args=[book["theirs"].code])


def test_search_results_are_masked_as_the_list_and_logged(book, rep, manager, client_for):
    page = client_for(rep).get(reverse("customer_search"), {"q": "数字 科技"})
    body = page.content.decode()
    assert "0571-88881234" in body  # own customer: phone shown
    assert "0755-88881234" not in body  # another rep's: hidden
    assert "Not your customer: details hidden" in body
    assert not AccessLog.objects.exists()  # a rep's own rows are not logged
    client_for(manager).get(reverse("customer_search"), {"q": "数字"})
    logged = AccessLog.objects.filter(user=manager, object_ref="list").values_list("customer__code", flat=True)
    assert sorted(logged) == sorted(book[k].code for k in ("digital", "science", "theirs"))


def test_the_header_holds_the_search_box(book, rep, client_for):
    body = client_for(rep).get(reverse("dashboard")).content.decode()
    assert 'data-testid="header-search"' in body
    assert f'action="{reverse("customer_search")}"' in body


def test_the_search_page_answers_without_a_query_and_refuses_without_a_role(make_user, client_for):
    assert client_for(make_user(None)).get(reverse("customer_search"), {"q": "x"}).status_code == 403
    response = client_for(make_user("sales")).get(reverse("customer_search"))
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_search_queries_stay_constant(book, rep, client_for, django_assert_max_num_queries):
    client = client_for(rep)
    client.get(reverse("customer_search"), {"q": "数字"})
    with django_assert_max_num_queries(12):
        assert client.get(reverse("customer_search"), {"q": "数字 科技"}).status_code == 200


def test_column_headers_sort_the_list_and_keep_the_filters(book, rep, client_for):
    client = client_for(rep)
    response = client.get(reverse("customer_list"), {"kind": "intermediate"})
    body = response.content.decode()
    assert 'aria-sort="ascending"' in body  # sorted by name by default
    assert "?kind=intermediate&amp;ordering=-name" in body  # name again: the other way round
    assert "?kind=intermediate&amp;ordering=code" in body
    ascending = _found(client.get(reverse("customer_list"), {"ordering": "code"}))
    descending = _found(client.get(reverse("customer_list"), {"ordering": "-code"}))
    assert descending == list(reversed(ascending)) == sorted(ascending, reverse=True)
    assert 'aria-sort="descending"' in client.get(reverse("customer_list"), {"ordering": "-code"}).content.decode()


def test_the_list_numbers_its_pages(rep, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    for index in range(12):
        make_customer(owner=rep, name=f"Customer {index:02d}")
    body = client_for(rep).get(reverse("customer_list"), {"page": 6, "ordering": "name"}).content.decode()
    assert 'aria-current="page"><span class="page-link">6</span>' in body
    assert "ordering=name&amp;page=12" in body  # the last page
    assert "ordering=name&amp;page=7" in body
    assert "…" in body


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())  # the BOM: Excel on Windows reads UTF-8 Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_list_exports_as_csv_with_the_current_filters_masked(book, rep, client_for):
    response = client_for(rep).get(reverse("customer_export", args=["csv"]), {"q": "数字", "ordering": "code"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[:4] == ["Code", "Name", "Owner", "Kind"]
    assert [row[0] for row in rows] == sorted(book[k].code for k in ("digital", "science", "theirs"))
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_code[book["digital"].code]["Phone"] == "0571-88881234"
    assert by_code[book["theirs"].code]["Phone"] == ""  # masked as the list is
    assert by_code[book["theirs"].code]["Owner"] == "other_rep"
    assert not AccessLog.objects.exists()


def test_the_list_exports_as_xlsx_and_the_export_is_logged(book, manager, client_for):
    response = client_for(manager).get(reverse("customer_export", args=["xlsx"]), {"q": "数字 科技"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Code", "Name"]
    assert sorted(row[1] for row in values[1:]) == ["杭州数字科技有限公司", "深圳数字科技"]
    logged = AccessLog.objects.filter(user=manager, object_ref="export", channel="web")
    assert sorted(logged.values_list("customer__code", flat=True)) == sorted(
        book[k].code for k in ("digital", "theirs")
    )


def test_an_unknown_export_format_is_not_found(rep, client_for):
    assert client_for(rep).get(reverse("customer_export", args=["pdf"])).status_code == 404


def test_the_list_offers_its_exports_with_its_filters(book, rep, client_for):
    body = client_for(rep).get(reverse("customer_list"), {"q": "数字"}).content.decode()
    assert f"{reverse('customer_export', args=['csv'])}?q=%E6%95%B0%E5%AD%97" in body
    assert f"{reverse('customer_export', args=['xlsx'])}?q=%E6%95%B0%E5%AD%97" in body


def test_the_api_search_is_the_same_search(book, rep, api_for):
    response = api_for(rep).get(reverse("api_customer_list"), {"search": "数字 科技"})
    assert sorted(row["code"] for row in response.json()["results"]) == sorted(
        book[k].code for k in ("digital", "theirs")
    )
    by_phone = api_for(rep).get(reverse("api_customer_list"), {"search": "88881234"}).json()["results"]
    assert [row["code"] for row in by_phone] == [book["digital"].code]  # not the other rep's, whose phone is hidden
