"""Browser pages through Django's whole stack: list, dossier, forms, history, query counts."""

import re
from datetime import date

import pytest
from django.urls import reverse

from customers import services
from customers.models import ChangeRecord, Customer, ReviewState
from tests.factories import ContactFactory, InteractionFactory, make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = pytest.mark.django_db


def _version(customer) -> int:
    """The version an edit form loaded now carries (issue 16 point 7)."""
    return Customer.objects.get(pk=customer.pk).version


def _codes(response) -> list[str]:
    return [customer.code for customer, _full in response.context["rows"]]


@pytest.fixture
def book(rep, other_rep):
    """A small customer book: two of the rep's, one of another rep's, one end customer."""
    return {
        "valve": make_customer(
            owner=rep, name="Hangzhou Valve Co", size="large", unified_social_credit_code="91350100M000100Y43"
        ),
        "pump": make_customer(owner=rep, name="Ningbo Pump Trading", size="small", contacts=1),
        "steel": make_customer(owner=other_rep, name="Shanghai Steel Works", size="medium"),
        "end": make_customer(owner=rep, name="陈先生", kind="end", nature="individual"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("valve", ["valve"], id="name-case-insensitive"),
        pytest.param("91350100m000100y43", ["valve"], id="uscc-any-case"),
        pytest.param("Contact 0", ["pump"], id="contact-name"),
        pytest.param("陈", ["end"], id="chinese-name"),
        pytest.param("no such customer", [], id="nothing"),
    ],
)
def test_list_search_by_name_code_uscc_and_contact(book, rep, client_for, query, expected):
    response = client_for(rep).get(reverse("customer_list"), {"q": query})
    assert _codes(response) == [book[key].code for key in expected]


def test_list_search_by_code(book, rep, client_for):
    response = client_for(rep).get(reverse("customer_list"), {"q": book["steel"].code.lower()})
    assert _codes(response) == [book["steel"].code]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"kind": "end"}, ["end"], id="kind"),
        pytest.param({"size": "medium"}, [], id="size-hidden-on-another-reps-customer"),
        pytest.param({"owner": "other_rep"}, ["steel"], id="owner"),
        pytest.param({"nature": "individual"}, ["end"], id="nature"),
        pytest.param({"size": "bogus"}, ["end", "valve", "pump", "steel"], id="invalid-filter-ignored"),
    ],
)
def test_list_filters(book, rep, client_for, params, expected):
    response = client_for(rep).get(reverse("customer_list"), {**params, "ordering": "code"})
    assert response.status_code == 200
    assert sorted(_codes(response)) == sorted(book[key].code for key in expected)


def test_list_filters_by_completeness_band_and_staleness(book, rep, client_for):
    Customer.objects.filter(pk=book["valve"].pk).update(completeness=100)
    ReviewState.objects.filter(customer=book["pump"]).update(is_stale=True)
    client = client_for(rep)
    assert _codes(client.get(reverse("customer_list"), {"completeness": "100"})) == [book["valve"].code]
    assert _codes(client.get(reverse("customer_list"), {"stale": "1"})) == [book["pump"].code]
    assert book["pump"].code not in _codes(client.get(reverse("customer_list"), {"stale": "0"}))


def test_list_sorting(book, rep, client_for):
    client = client_for(rep)
    by_name = _codes(client.get(reverse("customer_list"), {"ordering": "name"}))
    assert by_name == [c.code for c in sorted(book.values(), key=lambda c: c.name)]
    by_code_desc = _codes(client.get(reverse("customer_list"), {"ordering": "-code"}))
    assert by_code_desc == sorted((c.code for c in book.values()), reverse=True)


def test_list_paginates_fifty_rows(rep, client_for):
    for index in range(53):
        make_customer(owner=rep, name=f"Customer {index:02d}")
    client = client_for(rep)
    first = client.get(reverse("customer_list"))
    assert len(first.context["rows"]) == 50
    assert first.context["page"].count.value == 53
    second = client.get(reverse("customer_list"), {"cursor": first.context["page"].next})
    assert len(second.context["rows"]) == 3


def test_archived_dossiers_leave_the_list(book, rep, manager, client_for):
    services.customer_archive(customer=book["pump"], by=manager)
    assert book["pump"].code not in _codes(client_for(rep).get(reverse("customer_list")))


def test_list_page_query_count_does_not_grow_with_rows(rep, client_for, django_assert_max_num_queries):
    client = client_for(rep)
    for index in range(3):
        make_customer(owner=rep, name=f"Few {index}", contacts=1)
    # session, user, roles, owners, perms (2), count, page, review states and credit profiles of the page, inbox
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("customer_list"), {"q": "e", "ordering": "-completeness"})
    for index in range(40):
        make_customer(owner=rep, name=f"Many {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("customer_list"), {"q": "e", "ordering": "-completeness"})


def test_dossier_page_query_count_does_not_grow(customer, manager, client_for, django_assert_max_num_queries):
    client = client_for(manager)
    url = reverse("customer_detail", args=[customer.code])
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for _ in range(10):
        ContactFactory(customer=customer)
        InteractionFactory(customer=customer, author=manager)
        services.dossier_section_update(
            customer=customer,
            section="basic",
            values={"phone": str(len(ChangeRecord.objects.all()))},
            by=manager,
            today=TODAY,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("recorded", [0, 3, 20, 23])
def test_the_interactions_tab_counts_them_all_and_lists_the_recent_twenty(recorded, customer, rep, client_for):
    for _ in range(recorded):
        InteractionFactory(customer=customer, author=rep)
    page = client_for(rep).get(reverse("customer_detail", args=[customer.code])).content.decode()
    tab = re.search(r'id="interactions-tab".*?<span class="badge[^"]*">(\d+)</span>', page)
    assert tab is not None
    assert int(tab.group(1)) == recorded
    pane = page.split('id="interactions-pane"', 1)[1].split('id="history-pane"', 1)[0]
    assert pane.count("list-group-item") == min(recorded, 20)
    assert (f"All {recorded} interactions" in pane) == (recorded > 20)


def test_create_customer_assigns_code_and_owner(rep, client_for):
    response = client_for(rep).post(
        reverse("customer_create"),
        {"name": "温州阀门厂", "kind": "intermediate", "nature": "company", "size": "medium", "payment_terms_days": 30},
    )
    customer = Customer.objects.get(name="温州阀门厂")
    assert response.status_code == 302
    assert response.url == reverse("customer_detail", args=[customer.code])
    assert customer.owner == rep
    assert customer.created_by == rep


def test_create_refuses_a_bad_uscc_with_a_clear_error_and_saves_nothing(rep, client_for):
    response = client_for(rep).post(
        reverse("customer_create"),
        {
            "name": "X",
            "kind": "intermediate",
            "nature": "company",
            "size": "small",
            "payment_terms_days": 30,
            "unified_social_credit_code": "91350100M000100Y44",
        },
    )
    assert response.status_code == 200
    assert "check character" in str(response.context["form"].errors["unified_social_credit_code"])
    assert not Customer.objects.filter(name="X").exists()


def test_create_refuses_a_duplicate_uscc_without_saying_who_holds_it(customer, rep, client_for):
    """Issue 16: the form's own uniqueness check named another dossier; the write path's neutral words do not."""
    response = client_for(rep).post(
        reverse("customer_create"),
        {
            "name": "Copy",
            "kind": "intermediate",
            "nature": "company",
            "size": "small",
            "payment_terms_days": 30,
            "unified_social_credit_code": customer.unified_social_credit_code.lower(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This unified social credit code cannot be used for this customer." in page
    assert "already" not in page
    assert Customer.objects.filter(unified_social_credit_code=customer.unified_social_credit_code).count() == 1


def test_only_a_manager_chooses_another_owner_on_create(rep, other_rep, manager, client_for):
    data = {
        "name": "Owned",
        "kind": "intermediate",
        "nature": "company",
        "size": "small",
        "payment_terms_days": 30,
        "owner": other_rep.pk,
    }
    client_for(manager).post(reverse("customer_create"), data)
    assert Customer.objects.get(name="Owned").owner == other_rep
    client_for(rep).post(reverse("customer_create"), {**data, "name": "Mine"})
    assert Customer.objects.get(name="Mine").owner == rep


def test_invalid_section_input_shows_field_errors_and_changes_nothing(customer, rep, client_for):
    url = reverse("section_edit", args=[customer.code, "basic"])
    before = ChangeRecord.objects.count()
    response = client_for(rep).post(
        url,
        {
            "customer-name": "",
            "customer-kind": "intermediate",
            "customer-nature": "company",
            "customer-size": "small",
            "customer-payment_terms_days": "30",
            "section-age": "-5",
            "section-website": "not a url",
        },
    )
    assert response.status_code == 200
    forms = response.context["forms"]
    assert "name" in forms[0].errors
    assert {"age", "website"} <= set(forms[1].errors)
    assert ChangeRecord.objects.count() == before
    customer.refresh_from_db()
    assert customer.name == "杭州精工阀门贸易有限公司"


def test_section_save_redirects_to_its_tab_and_shows_in_history(customer, rep, client_for):
    client = client_for(rep)
    url = reverse("section_edit", args=[customer.code, "sales_status"])
    response = client.post(
        url,
        {
            "section-sales_performance": "年销售额 2 亿元",
            "section-market_share": "12.5",
            "section-cooperation": "稳定",
            "dossier-version": _version(customer),
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("#sales_status")
    history = client.get(reverse("customer_history", args=[customer.code])).content.decode()
    assert "年销售额 2 亿元" in history
    assert "12.5" in history


def test_operating_status_figures_need_their_date(customer, rep, client_for):
    url = reverse("section_edit", args=[customer.code, "operating_status"])
    response = client_for(rep).post(url, {"figures-source": "bank", "figures-net_worth": "1000000"})
    assert response.status_code == 200
    assert "net_worth_as_of" in response.context["forms"][-1].errors
    assert not customer.financial_figures.exists()
    ok = client_for(rep).post(
        url,
        {
            "figures-source": "bank",
            "figures-net_worth": "1000000",
            "figures-net_worth_as_of": "2025-12-31",
            "dossier-version": _version(customer),
        },
    )
    assert ok.status_code == 302
    assert customer.financial_figures.get().source == "bank"


def test_section_unknown_to_the_dossier_is_404(customer, rep, client_for):
    assert client_for(rep).get(reverse("section_edit", args=[customer.code, "secrets"])).status_code == 404


def test_archive_needs_confirmation(customer, manager, client_for):
    client = client_for(manager)
    url = reverse("customer_archive", args=[customer.code])
    assert "Archive dossier" in client.get(url).content.decode()
    customer.refresh_from_db()
    assert customer.deleted_at is None
    assert client.post(url).status_code == 302
    customer.refresh_from_db()
    assert customer.deleted_at is not None


def test_dashboard_shows_my_incomplete_dossiers_and_recent_interactions(customer, rep, client_for):
    InteractionFactory(customer=customer, author=rep, subject="Visited the plant")
    page = client_for(rep).get(reverse("dashboard"))
    [mine] = [panel for role in page.context["roles"] for panel in role.panels if panel.key == "rep"]
    assert mine.tiles[0].count == 1
    assert mine.extra["incomplete"] == [customer]
    assert "Visited the plant" in page.content.decode()


def test_pages_switch_to_simplified_chinese(customer, rep, client_for):
    client = client_for(rep)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("customer_list")})
    assert response.status_code == 302
    page = client.get(reverse("customer_list")).content.decode()
    assert "客户" in page
    assert "完整性" in page
    assert 'lang="zh-hans"' in page


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_dossier_page_lists_the_required_fields_still_missing(rep, client_for, settings):
    """DOMAIN §2 completeness: the dossier says what to fill in next."""
    settings.CRM_COMPLETENESS_REQUIRED = {"intermediate": ["customer.name", "basic.legal_representative", "contacts"]}
    customer = make_customer(owner=rep, name="Gap Co")
    page = client_for(rep).get(reverse("customer_detail", args=[customer.code])).content.decode()
    assert "Legal representative" in page
    assert "Contacts" in page


def test_the_dossier_shows_when_a_credit_report_stops_counting(customer, client_for, rep):
    """DOMAIN §6.2, §7: a report without its own end date counts the policy's 6 months from its issue date; the
    dossier shows that day (the same definition as approvals and reminders) and marks it expired once passed."""
    from customers import services

    today = date(2026, 11, 22)
    for title, issued in (("Old agency report", date(2026, 4, 1)), ("Fresh agency report", date(2026, 10, 1))):
        services.credit_document_add(
            customer=customer,
            by=rep,
            values={
                "doc_type": "credit_report",
                "title": title,
                "source": "credit_agency",
                "obtained_on": issued,
                "issued_on": issued,
            },
            today=today,
        )
    html = client_for(rep).get(f"/customers/{customer.code}/").content.decode()
    assert '<td class="text-danger">2026-10-01 <span class="badge text-bg-danger">expired</span></td>' in html
    assert "<td>2027-04-01</td>" in html
