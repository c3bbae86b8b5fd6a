"""Issue 16 point 2 through the API: a delivered, unpaid order is not cancelled away; a credit manager's credit
note is the recorded way to lower what is owed (DOMAIN §6.4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import services
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _body(amount, **extra):
    today = timezone.localdate()
    return {
        "order_date": (today - timedelta(days=10)).isoformat(),
        "due_date": (today + timedelta(days=20)).isoformat(),
        "lines": [{"product": "Gate valve", "quantity": "1", "unit_price": amount}],
        **extra,
    }


@pytest.fixture
def buyer(rep, people, api_for):
    """A 100,000 limit and a completed, unpaid 90,000 order imported from the ERP."""
    customer = make_customer(owner=rep, name="Buyer", size="small")
    today = timezone.localdate()
    request = services.credit_limit_request_create(
        customer=customer, amount=100_000, reason="yearly", by=people["analyst"], today=today
    )
    services.credit_limit_approve(request=request, by=people["cm"], today=today, note=NOTE)
    imported = api_for(people["erp"]).post(
        reverse("api_order_list", args=[customer.code]),
        _body("90000.00", status="completed", external_id="ERP-90"),
        format="json",
    )
    assert imported.status_code == 201
    customer.delivered = imported.json()["number"]
    return customer


def _exposure(client, customer):
    return client.get(reverse("api_credit_profile", args=[customer.code])).json()["exposure"]


def test_the_owner_cannot_cancel_a_completed_unpaid_order(buyer, people, api_for):
    """The reproduction: cancel → 200, exposure 0, the next 50,000 order passed."""
    rep = api_for(people["rep"])
    cancelled = rep.post(reverse("api_order_cancel", args=[buyer.delivered]))
    assert cancelled.status_code == 409
    assert "receivable" in cancelled.json()["detail"]
    assert _exposure(rep, buyer) == "90000.00"
    placed = rep.post(reverse("api_order_list", args=[buyer.code]), _body("50000.00"), format="json").json()
    assert (placed["status"], placed["credit_check"]["reasons"]) == ("credit_hold", ["over_limit"])


def test_a_re_import_of_the_same_external_id_is_refused(buyer, people, api_for):
    erp = api_for(people["erp"])
    again = erp.post(
        reverse("api_order_list", args=[buyer.code]),
        _body("1.00", status="completed", external_id="ERP-90"),
        format="json",
    )
    assert again.status_code == 400
    assert _exposure(erp, buyer) == "90000.00"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_orders_have_no_edit_path(buyer, people, api_for, method):
    """Lines, dates and amounts are never edited through the API: the order list only lists and places."""
    client = api_for(people["manager"])
    response = getattr(client, method)(reverse("api_order_list", args=[buyer.code]), {}, format="json")
    assert response.status_code == 405
    assert _exposure(client, buyer) == "90000.00"


@pytest.mark.parametrize("actor", ["rep", "manager", "analyst", "erp"])
def test_only_a_credit_manager_writes_off(buyer, people, api_for, actor):
    url = reverse("api_credit_notes", args=[buyer.delivered])
    response = api_for(people[actor]).post(url, {"amount": "90000.00", "reason": "insolvent"}, format="json")
    assert response.status_code == 403
    assert _exposure(api_for(people["cm"]), buyer) == "90000.00"


def test_a_credit_managers_credit_note_lowers_exposure_and_is_recorded(buyer, people, api_for):
    cm = api_for(people["cm"])
    url = reverse("api_credit_notes", args=[buyer.delivered])
    assert cm.post(url, {"amount": "90000.00", "reason": ""}, format="json").status_code == 400
    assert cm.post(url, {"amount": "90000.01", "reason": "too much"}, format="json").status_code == 409
    created = cm.post(url, {"amount": "90000.00", "reason": "Customer insolvent"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["order"], body["amount"], body["reason"], body["created_by"]) == (
        buyer.delivered,
        "90000.00",
        "Customer insolvent",
        "cm",
    )
    assert body["issued_on"] == timezone.localdate().isoformat()
    assert [n["id"] for n in cm.get(url).json()["results"]] == [body["id"]]
    rep = api_for(people["rep"])
    assert _exposure(rep, buyer) == "0.00"
    placed = rep.post(reverse("api_order_list", args=[buyer.code]), _body("50000.00"), format="json")
    assert placed.json()["status"] == "open"
