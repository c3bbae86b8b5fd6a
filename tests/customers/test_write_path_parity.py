"""One write path: the same input through the browser form, the API and the bulk upsert gives the same stored
state and the same consequences — history, version, reminders, credit profile (issue 10; DOMAIN §2, §6, §9).

Each of the first three tests reproduces a difference the channels used to have."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import services as credit_services
from credit.models import CreditProfile
from crm import roles
from crm.models import Reminder
from crm.services import ReminderInput, reminders_create
from customers import services
from customers.models import ChangeRecord, Customer
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
BULK = "/api/v1/customers/bulk-upsert/"


@pytest.fixture
def integration(make_user):
    return make_user(roles.INTEGRATION, username="erp")


@pytest.fixture
def successor(make_user):
    return make_user(roles.SALES, username="successor")


def _open_review_reminder(customer, user):
    reminders_create([ReminderInput("review_due", user.pk, TODAY, f"review:{customer.pk}", "Review", customer.pk)])


def _owner_change_state(customer) -> tuple:
    customer.refresh_from_db()
    history = list(ChangeRecord.objects.filter(customer=customer, field="owner").values_list("old", "new"))
    reminder = Reminder.objects.get(customer=customer, kind="review_due", status="open")
    return customer.owner.username, customer.version, history, reminder.recipient.username


@pytest.mark.parametrize("channel", ["browser", "patch", "bulk"])
def test_section_9_an_owner_change_moves_the_reps_open_reminders_whatever_the_channel(
    channel, rep, manager, successor, integration, api_for, client_for, django_capture_on_commit_callbacks
):
    """Reproduced: the bulk upsert used to leave the reminders with the old rep while PATCH moved them."""
    customer = make_customer(owner=rep, name="Moving Co")
    services.dossier_update(customer=customer, values={"external_id": "ERP-7"}, sections={}, by=rep, today=TODAY)
    customer.refresh_from_db()
    version = customer.version
    _open_review_reminder(customer, rep)
    with django_capture_on_commit_callbacks(execute=True):
        if channel == "browser":
            url = reverse("customer_reassign", args=[customer.code])
            response = client_for(manager).post(url, {"owner": successor.pk})
            assert response.status_code == 302
        elif channel == "patch":
            response = api_for(manager).patch(f"/api/v1/customers/{customer.code}/", {"owner": "successor"}, "json")
            assert response.status_code == 200
        else:
            response = api_for(integration).post(BULK, [{"external_id": "ERP-7", "owner": "successor"}], "json")
            assert response.json()["updated"] == 1
    assert _owner_change_state(customer) == ("successor", version + 1, [("rep", "successor")], "successor")


LITIGATION = {"doc_type": "litigation_record", "title": "Court case", "source": "court", "obtained_on": "2026-11-20"}


@pytest.fixture
def limited(rep, make_user):
    """A small customer with an approved limit of 20,000 (DOMAIN §6)."""
    analyst = make_user(roles.CREDIT_ANALYST, username="analyst")
    manager = make_user(roles.CREDIT_MANAGER, username="cm")
    customer = make_customer(owner=rep, name="Limited Co", size="small")
    request = credit_services.credit_limit_request_create(
        customer=customer, amount=Decimal(20_000), reason="new", by=analyst, today=TODAY
    )
    credit_services.credit_limit_approve(request=request, by=manager, today=TODAY, note=NOTE)
    assert CreditProfile.objects.get(customer=customer).credit_limit == Decimal(20_000)
    return customer


@pytest.mark.parametrize("channel", ["browser", "api"])
def test_section_6_a_litigation_record_withdraws_the_limit_whatever_the_channel(
    channel, limited, rep, api_for, client_for, django_capture_on_commit_callbacks
):
    """Reproduced: a litigation record added in the browser used to leave the customer its limit, while the same
    record through the API withdrew it (DOMAIN §6: a small customer with a litigation record gets no limit)."""
    with django_capture_on_commit_callbacks(execute=True):
        if channel == "browser":
            url = reverse("credit_document_create", args=[limited.code])
            response = client_for(rep).post(url, LITIGATION)
            assert response.status_code == 302
        else:
            response = api_for(rep).post(f"/api/v1/customers/{limited.code}/credit-reports/", LITIGATION, "json")
            assert response.status_code == 201
    profile = CreditProfile.objects.get(customer=limited)
    assert profile.credit_limit is None
    assert ChangeRecord.objects.filter(customer=limited, section="credit_data").count() == 1


END_CUSTOMER = {"name": "王先生", "kind": "end", "nature": "individual", "size": "small"}
USCC = "91350100M000100Y43"


@pytest.mark.parametrize("channel", ["browser", "api", "bulk"])
def test_section_2_an_end_customer_has_no_credit_code_whatever_the_channel(
    channel, rep, api_for, client_for, integration
):
    """Reproduced: the browser form blanked an end customer's unified social credit code, the API stored it
    (DOMAIN §2: end customers have name, address, phone…, no credit code and no industry)."""
    values = {**END_CUSTOMER, "unified_social_credit_code": USCC, "industry": "valves", "payment_terms_days": 30}
    if channel == "browser":
        assert client_for(rep).post(reverse("customer_create"), values).status_code == 302
    elif channel == "api":
        assert api_for(rep).post("/api/v1/customers/", values, "json").status_code == 201
    else:
        body = api_for(integration).post(BULK, [{**values, "external_id": "END-1", "owner": "rep"}], "json").json()
        assert body["created"] == 1, body
    stored = Customer.objects.get(name="王先生")
    assert (stored.unified_social_credit_code, stored.industry, stored.owner.username) == ("", "", "rep")


def test_section_2_an_update_that_turns_a_customer_into_an_end_customer_drops_its_credit_code(rep, api_for):
    customer = make_customer(owner=rep, name="Turning Co", unified_social_credit_code=USCC)
    response = api_for(rep).patch(f"/api/v1/customers/{customer.code}/", {"kind": "end"}, "json")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.unified_social_credit_code == ""
    assert ("unified_social_credit_code", USCC, "") in ChangeRecord.objects.filter(customer=customer).values_list(
        "field", "old", "new"
    )


def _stored(customer) -> dict:
    """What a user sees of a dossier after a write: fields, section values, completeness, history, review cycle."""
    customer = Customer.objects.select_related("basic", "review_state").get(pk=customer.pk)
    history = sorted(ChangeRecord.objects.filter(customer=customer).values_list("section", "field", "old", "new"))
    return {
        "fields": (customer.name, customer.phone, customer.kind, customer.size, customer.owner.username),
        "postcode": customer.basic.postcode,
        "completeness": customer.completeness,
        "version": customer.version,
        "history": history,
        "review_due": customer.review_state.next_review_due,
    }


@pytest.mark.parametrize("channel", ["browser", "api", "bulk"])
def test_section_2_the_same_edit_stores_the_same_dossier_whatever_the_channel(channel, rep, api_for, client_for):
    """A rep changes the phone and postcode of their own customer: same values, history, version, completeness."""
    customer = make_customer(owner=rep, name="Same Co", phone="0571-1")
    services.dossier_update(customer=customer, values={"external_id": "SAME-1"}, sections={}, by=rep, today=TODAY)
    if channel == "browser":
        identity = {"name": "Same Co", "kind": "intermediate", "nature": "company", "size": "small"}
        form = {f"customer-{name}": value for name, value in identity.items()}
        form |= {"customer-payment_terms_days": "30", "customer-phone": "0571-2", "section-postcode": "310000"}
        form["dossier-version"] = Customer.objects.get(pk=customer.pk).version
        url = reverse("section_edit", args=[customer.code, "basic"])
        assert client_for(rep).post(url, form).status_code == 302
    elif channel == "api":
        body = {"phone": "0571-2", "basic": {"postcode": "310000"}}
        assert api_for(rep).patch(f"/api/v1/customers/{customer.code}/", body, "json").status_code == 200
    else:
        body = [{"external_id": "SAME-1", "phone": "0571-2", "basic": {"postcode": "310000"}}]
        assert api_for(rep).post(BULK, body, "json").json()["updated"] == 1
    stored = _stored(customer)
    assert stored["fields"] == ("Same Co", "0571-2", "intermediate", "small", "rep")
    assert stored["postcode"] == "310000"
    assert stored["version"] == 3  # created, external id set, this edit
    assert ("basic", "phone", "0571-1", "0571-2") in stored["history"]
    assert ("basic", "postcode", "", "310000") in stored["history"]


@pytest.mark.parametrize("channel", ["browser", "api", "bulk"])
def test_section_1_a_rep_cannot_give_a_new_customer_to_another_rep_whatever_the_channel(
    channel, rep, other_rep, api_for, client_for
):
    """DOMAIN §1: who may choose the owner is decided once, in the write path."""
    values = {"name": "Gift Co", "kind": "intermediate", "nature": "company", "size": "small", "payment_terms_days": 30}
    if channel == "browser":  # a rep's form has no owner field: what they post for it is ignored
        assert client_for(rep).post(reverse("customer_create"), {**values, "owner": other_rep.pk}).status_code == 302
        assert Customer.objects.get(name="Gift Co").owner == rep
        return
    if channel == "api":
        response = api_for(rep).post("/api/v1/customers/", {**values, "owner": "other_rep"}, "json")
        assert response.status_code == 400
        assert "owner" in response.json()
    else:
        body = api_for(rep).post(BULK, [{**values, "external_id": "GIFT", "owner": "other_rep"}], "json").json()
        assert body["created"] == 0
        assert "owner" in body["errors"][0]["errors"]
    assert not Customer.objects.filter(name="Gift Co").exists()


@pytest.mark.parametrize("channel", ["browser", "api", "bulk"])
def test_section_6_2_a_size_change_is_credit_data_whatever_the_channel(
    channel, limited, rep, manager, integration, api_for, client_for, django_capture_on_commit_callbacks
):
    """DOMAIN §6.2: a small customer with a litigation record loses its limit; once the dossier says it is a
    medium-sized customer, the profile is derived again after commit and the limit stands."""
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_document_add(customer=limited, values={**LITIGATION, "obtained_on": TODAY}, by=rep, today=TODAY)
    assert CreditProfile.objects.get(customer=limited).credit_limit is None
    services.dossier_update(customer=limited, values={"external_id": "SIZE-1"}, sections={}, by=rep, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        if channel == "browser":
            identity = {"name": "Limited Co", "kind": "intermediate", "nature": "company", "size": "medium"}
            form = {f"customer-{name}": value for name, value in identity.items()} | {"customer-payment_terms_days": 30}
            form["dossier-version"] = Customer.objects.get(pk=limited.pk).version
            url = reverse("section_edit", args=[limited.code, "basic"])
            assert client_for(rep).post(url, form).status_code == 302
        elif channel == "api":
            response = api_for(rep).patch(f"/api/v1/customers/{limited.code}/", {"size": "medium"}, "json")
            assert response.status_code == 200
        else:
            body = api_for(integration).post(BULK, [{"external_id": "SIZE-1", "size": "medium"}], "json").json()
            assert body["updated"] == 1
    assert CreditProfile.objects.get(customer=limited).credit_limit == Decimal(20_000)
