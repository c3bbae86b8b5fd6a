"""API.md "Customers": list, filters, create, read, update with ETag/If-Match, archive, feeds, masking."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.models import AccessLog
from customers import services
from customers.models import Customer, ReviewState
from tests.factories import make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = pytest.mark.django_db


def _detail(customer):
    return reverse("api_customer_detail", args=[customer.code])


def _codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_list_is_cursor_paginated_with_a_page_size_cap(rep, api_for):
    for index in range(7):
        make_customer(owner=rep, name=f"C{index}")
    client = api_for(rep)
    first = client.get(reverse("api_customer_list"), {"page_size": 5}).json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 5
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert client.get(reverse("api_customer_list"), {"page_size": 10_000}).status_code == 200


def test_page_size_is_capped_at_500(integration, rep, api_for):
    """API.md "Lists": ``page_size`` ≤ 500; a larger request gets 500 rows and a cursor to the rest."""
    client = api_for(integration)
    batch = [{"external_id": f"ERP-{i:03d}", "name": f"Customer {i}", "owner": "rep"} for i in range(501)]
    assert client.post(reverse("api_customer_bulk_upsert"), batch, format="json").json()["created"] == 501
    for asked, served in [(499, 499), (500, 500), (501, 500), (10_000, 500)]:
        page = client.get(reverse("api_customer_list"), {"page_size": asked}).json()
        assert (asked, len(page["results"])) == (asked, served)
        assert page["next"] is not None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"search": "valve"}, ["valve"], id="search-name"),
        pytest.param({"search": "91350100m000100y43"}, ["valve"], id="search-uscc"),
        pytest.param({"search": "Contact 0"}, ["pump"], id="search-contact"),
        pytest.param({"kind": "end"}, ["end"], id="kind"),
        pytest.param({"nature": "individual"}, ["end"], id="nature"),
        pytest.param({"size": "large"}, ["valve"], id="size"),
        pytest.param({"owner": "other_rep"}, ["steel"], id="owner"),
        pytest.param({"is_stale": "true"}, ["pump"], id="is-stale"),
    ],
)
def test_list_filters(rep, other_rep, api_for, params, expected):
    book = {
        "valve": make_customer(
            owner=rep, name="Valve Co", size="large", unified_social_credit_code="91350100M000100Y43"
        ),
        "pump": make_customer(owner=rep, name="Pump Co", contacts=1),
        "steel": make_customer(owner=other_rep, name="Steel Co"),
        "end": make_customer(owner=rep, name="Mr Chen", kind="end", nature="individual"),
    }
    ReviewState.objects.filter(customer=book["pump"]).update(is_stale=True)
    response = api_for(rep).get(reverse("api_customer_list"), params)
    assert response.status_code == 200
    assert sorted(_codes(response)) == sorted(book[key].code for key in expected)


def test_invalid_filter_values_are_400_not_500(rep, api_for):
    client = api_for(rep)
    assert client.get(reverse("api_customer_list"), {"kind": "bogus"}).status_code == 400
    assert client.get(reverse("api_customer_list"), {"updated_since": "yesterday"}).status_code == 400
    assert client.get(reverse("api_customer_list"), {"cursor": "garbage"}).status_code == 404


def test_ordering(rep, api_for):
    names = ["b", "c", "a"]
    for name in names:
        make_customer(owner=rep, name=name)
    response = api_for(rep).get(reverse("api_customer_list"), {"ordering": "-name"})
    assert [row["name"] for row in response.json()["results"]] == ["c", "b", "a"]


def test_list_query_count_does_not_grow_with_page_size(rep, api_for, django_assert_max_num_queries):
    client = api_for(rep)
    for index in range(3):
        make_customer(owner=rep, name=f"A{index}", contacts=2)
    # the token and the roles (3), the page, its contacts, and by the page's ids its sections, credit profile and
    # review state, one query per table (6)
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("api_customer_list"), {"page_size": 3})
    for index in range(30):
        make_customer(owner=rep, name=f"B{index}", contacts=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("api_customer_list"), {"page_size": 33})


def test_money_is_a_decimal_string_and_choices_carry_labels(rep, api_for):
    customer = make_customer(owner=rep, expected_monthly_purchases="300000")
    body = api_for(rep).get(_detail(customer)).json()
    assert body["expected_monthly_purchases"] == "300000.00"
    assert body["kind"] == "intermediate"
    assert body["kind_display"].startswith("Intermediate")
    assert body["masked"] is False


def test_create_returns_201_with_the_generated_code_and_etag(rep, api_for):
    payload = {
        "name": "温州阀门厂",
        "external_id": "ERP-1",
        "size": "medium",
        "unified_social_credit_code": "91350100m000100y43",
        "expected_monthly_purchases": "12000.50",
        "basic": {"legal_representative": "王五", "relationship_since": "2020-01-01"},
    }
    response = api_for(rep).post(reverse("api_customer_list"), payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    customer = Customer.objects.get(code=body["code"])
    assert response["ETag"] == '"v1"'
    assert customer.owner == rep
    assert customer.unified_social_credit_code == "91350100M000100Y43"
    assert customer.basic.legal_representative == "王五"
    assert body["basic"]["relationship_since"] == "2020-01-01"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"name": ""}, "name", id="blank-name"),
        pytest.param(
            {"name": "X", "unified_social_credit_code": "91350100M000100Y44"},
            "unified_social_credit_code",
            id="bad-check-character",
        ),
        pytest.param({"name": "X", "kind": "wholesale"}, "kind", id="unknown-kind"),
        pytest.param({"name": "X", "expected_monthly_purchases": "-1"}, "expected_monthly_purchases", id="negative"),
        pytest.param({"name": "X", "basic": {"age": 200}}, "basic", id="section-field"),
        pytest.param({"name": "X", "owner": "nobody"}, "owner", id="unknown-owner"),
    ],
)
def test_create_refuses_bad_input_with_field_errors_and_saves_nothing(rep, api_for, payload, field):
    response = api_for(rep).post(reverse("api_customer_list"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Customer.objects.exists()


def test_create_refuses_a_taken_uscc_or_external_id(customer, rep, api_for):
    services.dossier_update(customer=customer, values={"external_id": "ERP-9"}, sections={}, by=rep, today=TODAY)
    client = api_for(rep)
    taken = client.post(
        reverse("api_customer_list"),
        {"name": "X", "unified_social_credit_code": customer.unified_social_credit_code},
        format="json",
    )
    assert "unified_social_credit_code" in taken.json()
    duplicate = client.post(reverse("api_customer_list"), {"name": "X", "external_id": "ERP-9"}, format="json")
    assert "external_id" in duplicate.json()


def test_a_rep_cannot_give_a_new_customer_to_someone_else(rep, other_rep, api_for):
    response = api_for(rep).post(reverse("api_customer_list"), {"name": "X", "owner": "other_rep"}, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()


def test_an_integration_account_must_name_the_owner(integration, rep, api_for):
    client = api_for(integration)
    assert "owner" in client.post(reverse("api_customer_list"), {"name": "X"}, format="json").json()
    response = client.post(reverse("api_customer_list"), {"name": "X", "owner": "rep"}, format="json")
    assert response.status_code == 201
    assert response.json()["owner"] == "rep"


def test_masked_representation_for_another_reps_customer(customer, other_rep, api_for):
    """DOMAIN §1 in the API: code, name, owner, contact names and titles, masked: true — nothing else."""
    client = api_for(other_rep)
    body = client.get(_detail(customer)).json()
    assert body == {
        "code": customer.code,
        "name": customer.name,
        "owner": "rep",
        "contacts": [{"name": "Contact 0", "title": "Buyer"}],
        "masked": True,
    }
    listed = client.get(reverse("api_customer_list")).json()["results"]
    assert listed == [body]
    assert client.get(reverse("api_contact_list", args=[customer.code])).json()["results"] == body["contacts"]
    assert client.get(reverse("api_customer_history", args=[customer.code])).status_code == 403
    assert client.patch(_detail(customer), {"name": "x"}, format="json").status_code == 403


def test_full_api_read_by_a_non_owner_is_logged(customer, manager, api_for):
    api_for(manager).get(_detail(customer))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.channel) == (manager, "api")


def test_patch_merges_section_fields_and_records_history(customer, rep, api_for):
    services.dossier_section_update(customer=customer, section="basic", values={"fax": "1"}, by=rep, today=TODAY)
    response = api_for(rep).patch(_detail(customer), {"basic": {"postcode": "310000"}}, format="json")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.basic.postcode, customer.basic.fax) == ("310000", "1")
    assert customer.changes.filter(field="postcode", new="310000", by=rep).exists()
    assert response["ETag"] == f'"v{customer.version}"'


def test_put_replaces_top_level_fields(customer, rep, api_for):
    body = {"name": "New name", "kind": "intermediate", "nature": "company", "size": "large"}
    response = api_for(rep).put(_detail(customer), body, format="json")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.size) == ("New name", "large")


def test_stale_if_match_is_412_and_changes_nothing(customer, rep, manager, api_for):
    """API.md: conflicts are 412 instead of lost updates."""
    client = api_for(rep)
    etag = client.get(_detail(customer))["ETag"]
    api_for(manager).patch(_detail(customer), {"phone": "0571-1001"}, format="json")
    response = client.patch(_detail(customer), {"phone": "0571-2002"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    customer.refresh_from_db()
    assert customer.phone == "0571-1001"
    fresh = client.get(_detail(customer))["ETag"]
    retry = client.patch(_detail(customer), {"phone": "0571-2002"}, format="json", HTTP_IF_MATCH=fresh)
    assert retry.status_code == 200
    assert retry["ETag"] != fresh


def test_without_if_match_the_last_writer_wins(customer, rep, manager, api_for):
    api_for(manager).patch(_detail(customer), {"phone": "0571-1111"}, format="json")
    assert api_for(rep).patch(_detail(customer), {"phone": "0571-2222"}, format="json").status_code == 200


def test_without_if_match_the_last_writer_wins_and_its_value_is_stored(customer, rep, manager, api_for):
    """API.md: without If-Match the write goes through (last writer wins): the second value is the one kept,
    both writes enter the history, and each bumps the ETag."""
    before = api_for(rep).get(_detail(customer))["ETag"]
    first = api_for(manager).patch(_detail(customer), {"phone": "0571-1111"}, format="json")
    second = api_for(rep).patch(_detail(customer), {"phone": "0571-2222"}, format="json")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["phone"] == "0571-2222"
    customer.refresh_from_db()
    assert customer.phone == "0571-2222"
    assert api_for(rep).get(_detail(customer)).json()["phone"] == "0571-2222"
    assert len({before, first["ETag"], second["ETag"]}) == 3
    assert second["ETag"] == f'"v{customer.version}"'
    history = customer.changes.filter(field="phone").order_by("at", "id")
    assert [(c.old, c.new, c.by) for c in history] == [
        ("0571-88001234", "0571-1111", manager),
        ("0571-1111", "0571-2222", rep),
    ]


def test_code_cannot_be_changed(customer, rep, api_for):
    api_for(rep).patch(_detail(customer), {"code": "C999999"}, format="json")
    assert Customer.objects.filter(code=customer.code).exists()


def test_delete_archives_for_a_sales_manager_only(customer, rep, manager, api_for):
    assert api_for(rep).delete(_detail(customer)).status_code == 403
    client = api_for(manager)
    assert client.delete(_detail(customer), HTTP_IF_MATCH='"v999"').status_code == 412
    assert client.delete(_detail(customer)).status_code == 204
    assert customer.code not in _codes(client.get(reverse("api_customer_list")))
    assert client.get(_detail(customer)).status_code == 404
    deleted = client.get(reverse("api_customer_deleted")).json()["results"]
    assert [row["code"] for row in deleted] == [customer.code]
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_history_endpoint_lists_section_changes(customer, rep, api_for):
    services.dossier_section_update(
        customer=customer, section="sales_status", values={"cooperation": "稳定"}, by=rep, today=TODAY
    )
    rows = api_for(rep).get(reverse("api_customer_history", args=[customer.code])).json()["results"]
    assert rows[0] == {
        "at": rows[0]["at"],
        "by": "rep",
        "section": "sales_status",
        "field": "cooperation",
        "old": "",
        "new": "稳定",
    }


def test_contacts_sub_resource(customer, rep, api_for):
    client = api_for(rep)
    url = reverse("api_contact_list", args=[customer.code])
    created = client.post(url, {"name": "赵六", "title": "财务总监", "birthday": "1980-02-29"}, format="json")
    assert created.status_code == 201
    detail = reverse("api_contact_detail", args=[customer.code, created.json()["id"]])
    assert client.patch(detail, {"phone": "138"}, format="json").json()["phone"] == "138"
    assert client.delete(detail).status_code == 204
    assert customer.changes.filter(section="contacts").count() >= 3
    assert client.post(url, {"title": "no name"}, format="json").status_code == 400


def test_interactions_sub_resource_respects_customer_service_kinds(customer, rep, make_user, api_for):
    url = reverse("api_interaction_list", args=[customer.code])
    visit = {"kind": "visit_report", "occurred_on": "2026-01-05", "subject": "Visit"}
    assert api_for(rep).post(url, visit, format="json").status_code == 201
    service = api_for(make_user(roles.CUSTOMER_SERVICE, username="cs"))
    assert service.post(url, visit, format="json").status_code == 400
    assert service.post(url, {**visit, "kind": "complaint"}, format="json").status_code == 201
    assert [row["kind"] for row in service.get(url).json()["results"]] == ["complaint", "visit_report"]


ROLE_CASES = {
    # role: (list, create, full read, edit, archive)
    roles.SALES_MANAGER: (200, 201, True, 200, 204),
    roles.CUSTOMER_SERVICE: (200, 403, True, 403, 403),
    roles.CREDIT_ANALYST: (200, 403, True, 403, 403),
    roles.CREDIT_MANAGER: (200, 403, True, 403, 403),
    roles.ARCHIVIST: (200, 403, True, 403, 403),
    roles.INTEGRATION: (200, 201, True, 200, 403),
    roles.SALES: (200, 201, False, 403, 403),
}


@pytest.mark.parametrize("role", list(ROLE_CASES))
def test_api_role_matrix(role, customer, make_user, api_for):
    """DOMAIN §1 through the API, decided by the same crm/access.py as the pages."""
    client = api_for(make_user(role, username=f"u_{role}"))
    listing, create, full, edit, archive = ROLE_CASES[role]
    assert client.get(reverse("api_customer_list")).status_code == listing
    payload = {"name": f"new by {role}", "owner": "rep"} if role != roles.SALES else {"name": "mine"}
    assert client.post(reverse("api_customer_list"), payload, format="json").status_code == create
    assert client.get(_detail(customer)).json()["masked"] is (not full)
    assert client.patch(_detail(customer), {"region": role}, format="json").status_code == edit
    assert client.delete(_detail(customer)).status_code == archive


def test_user_without_a_role_sees_nothing(customer, make_user, api_for):
    client = api_for(make_user(None, username="nobody"))
    assert client.get(reverse("api_customer_list")).json()["results"] == []
    assert client.get(_detail(customer)).status_code == 404


def test_sync_round_trip(integration, rep, manager, api_for):
    """A sync client: create 1,000, 10 change elsewhere, fetch updated_since, 3 deleted, read the deleted feed."""
    client = api_for(integration)
    batch = [{"external_id": f"ERP-{i:04d}", "name": f"Customer {i}", "owner": "rep"} for i in range(1000)]
    assert client.post(reverse("api_customer_bulk_upsert"), batch, format="json").json()["created"] == 1000
    seen = []
    url = reverse("api_customer_list") + "?page_size=500&ordering=updated_at"
    while url:
        page = client.get(url).json()
        seen += page["results"]
        url = page["next"]
    assert len({row["external_id"] for row in seen}) == 1000
    since = timezone.now().isoformat()  # the client remembers when it last synced
    changed = list(Customer.objects.order_by("?")[:10])
    for customer in changed:
        api_for(rep).patch(_detail(customer), {"phone": "0571-3003"}, format="json")
    fresh = client.get(reverse("api_customer_list"), {"updated_since": since, "page_size": 500}).json()["results"]
    assert sorted(row["code"] for row in fresh) == sorted(c.code for c in changed)
    for customer in changed[:3]:
        assert api_for(manager).delete(_detail(customer)).status_code == 204
    feed = client.get(reverse("api_customer_deleted"), {"since": since}).json()["results"]
    assert sorted(row["external_id"] for row in feed) == sorted(c.external_id for c in changed[:3])


@pytest.mark.parametrize("since", ["0716-10-17T14:47:08-19:48", "0001-01-01T00:00:00+14:00", "not a time"])
def test_odd_times_in_updated_since_are_400_or_ok_never_500(rep, api_for, since):
    """Found by schemathesis on PostgreSQL: offsets beyond ±15:59 broke the query."""
    client = api_for(rep)
    assert client.get(reverse("api_customer_list"), {"updated_since": since}).status_code in (200, 400)
    assert client.get(reverse("api_customer_deleted"), {"since": since}).status_code in (200, 400)
