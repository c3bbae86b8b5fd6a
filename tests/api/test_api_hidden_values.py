"""DOMAIN §1 beyond the list: the deleted feed and the refusals of a write tell a rep nothing about the hidden
values (external ids, unified social credit codes) of dossiers they may see only masked."""

from datetime import date

import pytest
from django.urls import reverse

from customers import services
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
USCC = "91350100M000100Y43"


@pytest.fixture
def archived(rep, other_rep, manager):
    """One archived dossier of each rep, both with an external id."""
    mine = make_customer(owner=rep, name="Mine", external_id="ERP-MINE")
    theirs = make_customer(owner=other_rep, name="Theirs", external_id="ERP-THEIRS")
    for customer in (mine, theirs):
        services.customer_archive(customer=customer, by=manager)
    return mine, theirs


def test_the_deleted_feed_nulls_the_external_ids_a_rep_may_not_see(archived, rep, integration, api_for):
    mine, theirs = archived
    rows = api_for(rep).get(reverse("api_customer_deleted")).json()["results"]
    assert {row["code"]: row["external_id"] for row in rows} == {mine.code: "ERP-MINE", theirs.code: None}
    rows = api_for(integration).get(reverse("api_customer_deleted")).json()["results"]
    assert sorted(row["external_id"] for row in rows) == ["ERP-MINE", "ERP-THEIRS"]


@pytest.mark.parametrize(
    ("field", "value"),
    [pytest.param("unified_social_credit_code", USCC, id="uscc"), pytest.param("external_id", "ERP-9", id="ext-id")],
)
def test_a_reps_collision_with_a_hidden_value_gets_a_neutral_message(rep, other_rep, api_for, field, value):
    make_customer(owner=other_rep, name="Theirs", **{field: value})
    client = api_for(rep)
    created = client.post(reverse("api_customer_list"), {"name": "X", field: value}, format="json")
    assert created.status_code == 400
    own = make_customer(owner=rep, name="Own")
    patched = client.patch(reverse("api_customer_detail", args=[own.code]), {field: value}, format="json")
    assert patched.status_code == 400
    for response in (created, patched):
        assert response.json()[field] == [response.json()[field][0]]
        assert "cannot be used for this customer" in response.json()[field][0]
        assert "Another customer" not in response.json()[field][0]


def test_a_reps_bulk_collision_with_a_hidden_external_id_gets_a_neutral_message(rep, other_rep, api_for):
    make_customer(owner=other_rep, name="Theirs", unified_social_credit_code=USCC)
    batch = [{"external_id": "NEW-1", "name": "X", "unified_social_credit_code": USCC}]
    body = api_for(rep).post(reverse("api_customer_bulk_upsert"), batch, format="json").json()
    assert body["created"] == 0
    assert body["errors"][0]["errors"] == {
        "unified_social_credit_code": ["This unified social credit code cannot be used for this customer."]
    }


def test_a_reps_bulk_record_keyed_on_a_hidden_dossier_gets_the_same_neutral_words(rep, other_rep, api_for):
    """Issue 16 point 1: a rep upserting by another rep's external id learns no more than from a taken id."""
    theirs = make_customer(owner=other_rep, name="Theirs")
    services.dossier_update(customer=theirs, values={"external_id": "THEIRS-1"}, sections={}, by=other_rep, today=TODAY)
    batch = [{"external_id": "THEIRS-1", "name": "Mine now"}]
    body = api_for(rep).post(reverse("api_customer_bulk_upsert"), batch, format="json").json()
    assert (body["created"], body["updated"]) == (0, 0)
    assert body["errors"][0]["errors"] == {"external_id": ["This external ID cannot be used for this customer."]}
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_who_reads_every_dossier_is_told_another_customer_holds_the_value(rep, manager, api_for):
    make_customer(owner=rep, name="Theirs", unified_social_credit_code=USCC)
    response = api_for(manager).post(
        reverse("api_customer_list"), {"name": "X", "owner": "rep", "unified_social_credit_code": USCC}, format="json"
    )
    assert response.json()["unified_social_credit_code"] == [
        "Another customer already has this unified social credit code."
    ]
