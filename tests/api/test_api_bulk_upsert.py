"""API.md bulk-upsert: up to 1,000 records by external_id; valid ones saved, invalid ones reported, idempotent."""

from datetime import date

import pytest
from django.urls import reverse

from customers import services
from customers.models import ChangeRecord, CharacteristicsSection, Customer, SalesStatusSection
from tests.factories import make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/bulk-upsert/"


def _post(client, records):
    return client.post(URL, records, format="json")


def test_url_is_the_contract_path():
    assert reverse("api_customer_bulk_upsert") == URL


def test_creates_updates_and_reports_errors_by_index(rep, api_for):
    existing = make_customer(owner=rep, name="Old name")
    services.dossier_update(customer=existing, values={"external_id": "ERP-OLD"}, sections={}, by=rep, today=TODAY)
    batch = [
        {"external_id": "ERP-NEW", "name": "新客户", "size": "large", "basic": {"postcode": "310000"}},
        {"external_id": "ERP-OLD", "name": "Renamed", "sales_status": {"cooperation": "稳定"}},
        {"external_id": "ERP-BAD", "name": "Bad", "unified_social_credit_code": "123", "basic": {"age": -1}},
        {"name": "no external id"},
        "not an object",
    ]
    body = _post(api_for(rep), batch).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert [e["index"] for e in body["errors"]] == [2, 3, 4]
    assert set(body["errors"][0]["errors"]) == {"unified_social_credit_code", "basic"}
    assert "age" in body["errors"][0]["errors"]["basic"]
    assert "external_id" in body["errors"][1]["errors"]
    new = Customer.objects.get(external_id="ERP-NEW")
    assert (new.owner, new.size, new.basic.postcode) == (rep, "large", "310000")
    assert new.code.startswith("C")
    existing.refresh_from_db()
    assert (existing.name, existing.sales_status.cooperation) == ("Renamed", "稳定")
    assert existing.changes.filter(field="name", old="Old name", new="Renamed").exists()
    assert not Customer.objects.filter(external_id="ERP-BAD").exists()


def test_resending_the_same_batch_changes_nothing(rep, api_for):
    client = api_for(rep)
    batch = [
        {"external_id": f"E{i}", "name": f"N{i}", "phone": "0571-1111", "characteristics": {"market_area": "华东"}}
        for i in range(20)
    ]
    assert _post(client, batch).json()["created"] == 20
    history, versions = ChangeRecord.objects.count(), list(Customer.objects.values_list("version", flat=True))
    again = _post(client, batch).json()
    assert again == {"created": 0, "updated": 0, "unchanged": 20, "errors": []}
    assert ChangeRecord.objects.count() == history
    assert list(Customer.objects.values_list("version", flat=True)) == versions


def test_uniqueness_within_the_batch_and_against_the_database(customer, rep, api_for):
    batch = [
        {"external_id": "A", "name": "A", "unified_social_credit_code": customer.unified_social_credit_code},
        {"external_id": "B", "name": "B"},
        {"external_id": "B", "name": "B again"},
    ]
    body = _post(api_for(rep), batch).json()
    assert body["created"] == 1
    assert [(e["index"], list(e["errors"])) for e in body["errors"]] == [
        (0, ["unified_social_credit_code"]),
        (2, ["external_id"]),
    ]


def test_records_the_caller_may_not_change_are_refused_one_by_one(rep, other_rep, api_for):
    theirs = make_customer(owner=other_rep, name="Theirs")
    services.dossier_update(customer=theirs, values={"external_id": "THEIRS"}, sections={}, by=other_rep, today=TODAY)
    body = _post(
        api_for(rep), [{"external_id": "THEIRS", "name": "Mine now"}, {"external_id": "X", "name": "X"}]
    ).json()
    assert body["created"] == 1
    assert body["errors"][0]["index"] == 0
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_archived_customers_are_reported_not_revived(rep, manager, api_for):
    customer = make_customer(owner=rep)
    services.dossier_update(customer=customer, values={"external_id": "GONE"}, sections={}, by=rep, today=TODAY)
    services.customer_archive(customer=customer, by=manager)
    body = _post(api_for(rep), [{"external_id": "GONE", "name": "Back?"}]).json()
    assert body["errors"][0]["errors"] == {"external_id": ["This customer is archived; restore it before changing it."]}


def test_integration_names_owners_and_may_move_customers(integration, rep, other_rep, api_for):
    client = api_for(integration)
    body = _post(
        client, [{"external_id": "I1", "name": "I1"}, {"external_id": "I2", "name": "I2", "owner": "rep"}]
    ).json()
    assert body["created"] == 1
    assert "owner" in body["errors"][0]["errors"]
    assert _post(client, [{"external_id": "I2", "owner": "other_rep"}]).json()["updated"] == 1
    assert Customer.objects.get(external_id="I2").owner == other_rep


@pytest.mark.parametrize(
    "payload",
    [pytest.param({"external_id": "x"}, id="object-not-array"), pytest.param([{}] * 1001, id="over-1000")],
)
def test_bad_batches_are_400(rep, api_for, payload):
    assert _post(api_for(rep), payload).status_code == 400
    assert not Customer.objects.exists()


def test_query_count_is_constant_per_batch(rep, api_for, django_assert_max_num_queries):
    client = api_for(rep)

    def batch(prefix, size):
        for i in range(size):
            customer = make_customer(owner=rep, name=f"{prefix}-old-{i}")
            services.dossier_update(
                customer=customer, values={"external_id": f"{prefix}-old-{i}"}, sections={}, by=rep, today=TODAY
            )
        return [{"external_id": f"{prefix}-new-{i}", "name": "n"} for i in range(size)] + [
            {"external_id": f"{prefix}-old-{i}", "name": "changed"} for i in range(size)
        ]

    small, large = batch("s", 3), batch("l", 20)
    with django_assert_max_num_queries(25) as few:
        assert _post(client, small).json()["created"] == 3
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = _post(client, large).json()
    assert (body["created"], body["updated"]) == (20, 20)


def test_null_characters_are_reported_not_a_500(rep, api_for):
    body = _post(api_for(rep), [{"external_id": "N\x00", "name": "x"}, {"external_id": "N2", "name": "a\x00b"}]).json()
    assert [e["index"] for e in body["errors"]] == [0, 1]
    assert not Customer.objects.exists()


def test_created_records_get_one_history_entry_each_changed_ones_a_row_per_field(rep, api_for):
    """DOMAIN §2 history, as for a dossier made in the browser: "created" once, then old → new per change."""
    client = api_for(rep)
    _post(client, [{"external_id": "ERP-H", "name": "Hist", "phone": "0571-1111", "basic": {"postcode": "310000"}}])
    customer = Customer.objects.get(external_id="ERP-H")
    assert list(ChangeRecord.objects.filter(customer=customer).values_list("field", "new")) == [("created", "rep")]
    _post(client, [{"external_id": "ERP-H", "phone": "0571-2222", "basic": {"postcode": "200000"}}])
    changes = ChangeRecord.objects.filter(customer=customer).exclude(field="created")
    assert set(changes.values_list("field", "old", "new")) == {
        ("phone", "0571-1111", "0571-2222"),
        ("postcode", "310000", "200000"),
    }


def test_a_section_row_is_written_only_once_the_section_has_a_value(rep, api_for, client_for):
    """DOMAIN §2 sections: a record with only basic data stores no empty rows for the other sections, yet reads,
    pages and later writes see all four sections (blank until filled)."""
    client = api_for(rep)
    _post(client, [{"external_id": "ERP-S", "name": "Sparse", "basic": {"postcode": "310000"}}])
    customer = Customer.objects.get(external_id="ERP-S")
    assert not SalesStatusSection.objects.filter(customer=customer).exists()
    body = client.get(f"/api/v1/customers/{customer.code}/").json()
    assert body["basic"]["postcode"] == "310000"
    assert body["sales_status"]["cooperation"] == ""
    assert client_for(rep).get(f"/customers/{customer.code}/").status_code == 200
    _post(client, [{"external_id": "ERP-S", "sales_status": {"cooperation": "稳定"}}])
    assert SalesStatusSection.objects.get(customer=customer).cooperation == "稳定"
    assert ChangeRecord.objects.get(customer=customer, field="cooperation").new == "稳定"
    services.dossier_section_update(
        customer=customer, section="characteristics", values={"market_area": "华东"}, by=rep, today=TODAY
    )
    assert CharacteristicsSection.objects.get(customer=customer).market_area == "华东"
