"""Confirm and explain (issue 14 point 5): a held order is released or rejected on a confirmation page with a note
(a rejection needs one, in the browser and the API alike); limit decisions say what happened; nobody sees buttons
for a decision that is not theirs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from credit import services
from credit.models import CreditLimitRequest, Order
from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    return {
        "analyst": make_user(roles.CREDIT_ANALYST, username="analyst"),
        "cm": make_user(roles.CREDIT_MANAGER, username="cm"),
        "cm2": make_user(roles.CREDIT_MANAGER, username="cm2"),
    }


@pytest.fixture
def held(rep):
    today = timezone.localdate()
    order = services.order_place(
        customer=make_customer(owner=rep, name="杭州东方化工", size="medium"),
        lines=[services.OrderLineInput("valve", Decimal(1), Decimal(500))],
        order_date=today,
        due_date=today + timedelta(days=30),
        by=rep,
        today=today,
    )
    assert order.status == Order.Status.CREDIT_HOLD
    return order


def _flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_holds_queue_links_to_a_confirmation_and_nothing_changes_on_the_way(held, staff, client_for):
    client = client_for(staff["cm"])
    queue = client.get(reverse("credit_holds")).content.decode()
    release = reverse("credit_order_decide", args=[held.number, "release"])
    assert f'href="{release}"' in queue
    page = client.get(release).content.decode()
    assert f"Release order {held.number}?" in page
    assert "杭州东方化工" in page
    assert Order.objects.get(pk=held.pk).status == Order.Status.CREDIT_HOLD


def test_a_release_says_what_happened_and_keeps_the_note(held, staff, client_for):
    url = reverse("credit_order_decide", args=[held.number, "release"])
    response = client_for(staff["cm"]).post(url, {"note": "Prepayment promised by phone"})
    assert response["Location"] == reverse("credit_holds")
    assert _flashes(response) == [f"Order {held.number} released."]
    order = Order.objects.get(pk=held.pk)
    assert (order.status, order.decision_note, order.decided_by) == (
        "open",
        "Prepayment promised by phone",
        staff["cm"],
    )


def test_a_rejection_needs_a_note(held, staff, client_for):
    url = reverse("credit_order_decide", args=[held.number, "reject"])
    client = client_for(staff["cm"])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    assert Order.objects.get(pk=held.pk).status == Order.Status.CREDIT_HOLD
    done = client.post(url, {"note": "Over the limit twice this month"})
    assert _flashes(done) == [f"Order {held.number} rejected."]
    assert Order.objects.get(pk=held.pk).decision_note == "Over the limit twice this month"


def test_the_service_refuses_a_rejection_without_a_note_whatever_the_entry_point(held, staff, api_for):
    with pytest.raises(services.NoteRequired):
        services.order_transition(order=held, action="reject", by=staff["cm"], today=timezone.localdate())
    response = api_for(staff["cm"]).post(f"/api/v1/orders/{held.number}/reject/", {}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    assert Order.objects.get(pk=held.pk).status == Order.Status.CREDIT_HOLD
    noted = api_for(staff["cm"]).post(f"/api/v1/orders/{held.number}/reject/", {"note": "fraud"}, format="json")
    assert noted.json()["status"] == "rejected"


def test_an_analyst_sees_no_decide_button_on_the_approvals_or_the_holds(held, rep, staff, client_for):
    services.credit_limit_request_create(
        customer=held.customer, amount=Decimal(10_000), reason="first order", by=rep, today=timezone.localdate()
    )
    client = client_for(staff["analyst"])
    approvals = client.get(reverse("credit_approvals")).content.decode()
    assert "Review and decide" not in approvals
    assert "A credit manager decides." in approvals
    holds = client.get(reverse("credit_holds")).content.decode()
    assert reverse("credit_order_decide", args=[held.number, "release"]) not in holds


def test_own_limit_request_shows_no_approve_or_reject(rep, staff, client_for):
    customer = make_customer(owner=rep, name="Own request", size="small")
    own = services.credit_limit_request_create(
        customer=customer, amount=Decimal(10_000), reason="x", by=staff["cm"], today=timezone.localdate()
    )
    client = client_for(staff["cm"])
    page = client.get(reverse("credit_limit_review", args=[own.pk])).content.decode()
    assert "Your own request: another credit manager decides." in page
    assert 'value="approve"' not in page
    assert 'value="reject"' not in page
    approvals = client.get(reverse("credit_approvals")).content.decode()
    assert reverse("credit_limit_review", args=[own.pk]) not in approvals


def test_an_approval_says_how_much_for_whom_and_until_when(rep, staff, client_for):
    customer = make_customer(owner=rep, name="杭州东方化工", size="small")
    asked = services.credit_limit_request_create(
        customer=customer, amount=Decimal(20_000), reason="x", by=rep, today=timezone.localdate()
    )
    response = client_for(staff["cm"]).post(
        reverse("credit_limit_review", args=[asked.pk]), {"decision": "approve", "note": "known for years"}
    )
    until = (timezone.localdate() + timedelta(days=365)).isoformat()
    assert CreditLimitRequest.objects.get(pk=asked.pk).status == "approved"
    assert _flashes(response) == [f"Limit of 20,000 approved for 杭州东方化工, valid until {until}."]
