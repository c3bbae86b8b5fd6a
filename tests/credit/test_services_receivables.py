"""Issue 16 point 2 on the database: no state change lowers exposure without a payment or a recorded credit
decision (DOMAIN §6.4); a credit manager's credit note is that decision and is kept (who, when, amount, reason)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin

from credit import services
from credit.models import CreditNote, CreditProfile, Order, OrderLine, Payment
from credit.services import OrderLineInput
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal


@pytest.fixture
def buyer(rep, people):
    """A 100,000 limit and a delivered (completed), unpaid 90,000 order, not yet due."""
    customer = make_customer(owner=rep, name="Buyer Co", size="small")
    request = services.credit_limit_request_create(
        customer=customer, amount=D(100_000), reason="yearly", by=people["analyst"], today=TODAY
    )
    services.credit_limit_approve(request=request, by=people["cm"], today=TODAY, note=NOTE)
    return customer


def _order(customer, by, amount, *, days_ago=10, terms=30, **kwargs):
    order_date = TODAY - timedelta(days=days_ago)
    return services.order_place(
        customer=customer,
        lines=[OrderLineInput("DN100 gate valve", D(1), D(amount))],
        order_date=order_date,
        due_date=order_date + timedelta(days=terms),
        by=by,
        today=TODAY,
        **kwargs,
    )


@pytest.fixture
def delivered(buyer, people):
    return _order(buyer, people["erp"], 90_000, historical=True, external_id="ERP-90")


def _transition(order, action, by):
    note = "over the limit" if action == "reject" else ""  # a rejection needs its reason (DOMAIN §6.4)
    return services.order_transition(order=order, action=action, by=by, today=TODAY, note=note)


def test_the_owner_cannot_cancel_a_delivered_unpaid_order_away(buyer, delivered, people):
    """The reproduction: cancelling the completed 90,000 order dropped exposure to 0 and let 50,000 pass."""
    with pytest.raises(services.CreditError, match="receivable"):
        _transition(delivered, "cancel", people["rep"])
    delivered.refresh_from_db()
    assert delivered.status == Order.Status.COMPLETED
    assert services.credit_exposure(buyer) == D(90_000)
    assert _order(buyer, people["rep"], 50_000).status == Order.Status.CREDIT_HOLD


@pytest.mark.parametrize("actor", ["rep", "manager", "cm"])
def test_nobody_cancels_a_completed_order(buyer, delivered, people, actor):
    with pytest.raises(services.CreditError):
        _transition(delivered, "cancel", people[actor])
    assert CreditProfile.objects.get(customer=buyer).exposure == D(90_000)


def test_a_paid_completed_order_is_not_cancelled_either(buyer, delivered, people):
    """Cancelling it would set its payment free to cover the next orders."""
    services.payment_record(
        customer=buyer, paid_on=TODAY, amount=D(90_000), order=delivered, by=people["erp"], today=TODAY
    )
    second = _order(buyer, people["rep"], 60_000)
    with pytest.raises(services.CreditError):
        _transition(delivered, "cancel", people["rep"])
    assert services.credit_exposure(buyer) == D(60_000) == second.amount


def test_completing_an_order_keeps_its_exposure(buyer, people):
    order = _order(buyer, people["rep"], 40_000)
    _transition(order, "complete", people["rep"])
    assert services.credit_exposure(buyer) == D(40_000)


def test_cancelling_an_undelivered_order_is_the_one_cancel_that_frees_the_limit(buyer, people):
    order = _order(buyer, people["rep"], 40_000)
    _transition(order, "cancel", people["rep"])
    assert services.credit_exposure(buyer) == 0


def test_erpnext_close_place_reopen_is_refused(buyer, delivered, people):
    """Close an order, place a new one in the room it left, reopen the old one: no path brings it back."""
    open_order = _order(buyer, people["rep"], 10_000)
    _transition(open_order, "cancel", people["rep"])
    assert _order(buyer, people["rep"], 10_000).status == Order.Status.OPEN
    for action in ("release", "complete", "cancel", "reject"):
        with pytest.raises(services.CreditError):
            _transition(open_order, action, people["cm"])
    open_order.refresh_from_db()
    assert open_order.status == Order.Status.CANCELLED
    assert services.credit_exposure(buyer) == D(100_000)


def test_a_rejected_held_order_stays_rejected(buyer, delivered, people):
    held = _order(buyer, people["rep"], 50_000)
    assert held.status == Order.Status.CREDIT_HOLD
    _transition(held, "reject", people["cm"])
    for action in ("release", "complete", "cancel"):
        with pytest.raises(services.CreditError):
            _transition(held, action, people["cm"])
    assert services.credit_exposure(buyer) == D(90_000)


def test_releasing_a_held_order_raises_exposure_by_a_recorded_decision(buyer, delivered, people):
    held = _order(buyer, people["rep"], 50_000)
    released = _transition(held, "release", people["cm"])
    assert (released.decided_by, released.status) == (people["cm"], Order.Status.OPEN)
    assert services.credit_exposure(buyer) == D(140_000)


@pytest.mark.parametrize("historical", [True, False], ids=["historical-import", "order"])
def test_a_re_import_with_the_same_external_id_changes_nothing(buyer, delivered, people, historical):
    by = people["erp"] if historical else people["rep"]
    with pytest.raises(services.DuplicateOrder):
        _order(buyer, by, 1, historical=historical, external_id="ERP-90")
    assert list(Order.objects.filter(external_id="ERP-90").values_list("amount", "status")) == [
        (D(90_000), Order.Status.COMPLETED)
    ]
    assert services.credit_exposure(buyer) == D(90_000)


def test_a_cancelled_orders_external_id_does_not_come_back_as_a_completed_import(buyer, people):
    order = _order(buyer, people["rep"], 30_000, external_id="SHOP-1")
    _transition(order, "cancel", people["rep"])
    with pytest.raises(services.DuplicateOrder):
        _order(buyer, people["erp"], 1, historical=True, external_id="SHOP-1")
    assert services.credit_exposure(buyer) == 0


@pytest.mark.parametrize("model", [Order, OrderLine, Payment, CreditNote])
def test_no_edit_of_lines_dates_or_amounts_in_the_admin(model, rf, make_user):
    """Orders, lines, payments and credit notes have no edit path: services write them, the admin only shows."""
    request = rf.get("/")
    request.user = make_user(None, username="root", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry.get(model) or admin.site._registry[Order].inlines[0](Order, admin.site)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_credit_note_by_a_credit_manager_lowers_exposure_and_is_recorded(buyer, delivered, people):
    note = services.credit_note_issue(
        order=delivered,
        amount=D(90_000),
        reason="Customer insolvent, court ruling 2026-11",
        by=people["cm"],
        today=TODAY,
    )
    stored = CreditNote.objects.get()
    assert (stored.order, stored.amount, stored.created_by, stored.issued_on) == (
        delivered,
        D(90_000),
        people["cm"],
        TODAY,
    )
    assert stored.reason == "Customer insolvent, court ruling 2026-11"
    assert stored.pk == note.pk
    profile = CreditProfile.objects.get(customer=buyer)
    assert (profile.exposure, services.credit_exposure(buyer)) == (D(0), D(0))
    assert _order(buyer, people["rep"], 50_000).status == Order.Status.OPEN
    delivered.refresh_from_db()
    assert delivered.status == Order.Status.COMPLETED


def test_a_credit_note_is_no_payment_for_the_grade(rep, people):
    """DOMAIN §4: the grade reads payments only, so a written-off overdue order still counts as unpaid and late."""
    customer = make_customer(owner=rep, name="Late Co", size="small")
    overdue = _order(customer, people["erp"], 10_000, days_ago=100, historical=True)
    before = CreditProfile.objects.get(customer=customer)
    services.credit_note_issue(order=overdue, amount=D(10_000), reason="bad debt", by=people["cm"], today=TODAY)
    after = CreditProfile.objects.get(customer=customer)
    assert after.exposure == 0
    assert (after.payment_grade, after.on_time_ratio, after.max_days_late) == (
        before.payment_grade,
        before.on_time_ratio,
        before.max_days_late,
    )
    assert after.payment_grade == "bing"


@pytest.mark.parametrize("actor", ["rep", "manager", "analyst", "erp"])
def test_only_a_credit_manager_records_a_credit_note(buyer, delivered, people, actor):
    with pytest.raises(services.NotAllowed):
        services.credit_note_issue(order=delivered, amount=D(1), reason="x", by=people[actor], today=TODAY)
    assert not CreditNote.objects.exists()


def test_a_credit_note_never_exceeds_what_is_unpaid_on_its_order(buyer, delivered, people):
    services.payment_record(
        customer=buyer, paid_on=TODAY, amount=D(30_000), order=delivered, by=people["erp"], today=TODAY
    )
    issue = services.credit_note_issue
    issue(order=delivered, amount=D(50_000), reason="returned goods", by=people["cm"], today=TODAY)
    with pytest.raises(services.CreditError, match=r"at most 10,000\."):
        issue(order=delivered, amount=D("10000.01"), reason="more", by=people["cm"], today=TODAY)
    assert services.credit_exposure(buyer) == D(10_000)


def test_a_credit_note_needs_a_completed_order_and_a_reason(buyer, delivered, people):
    open_order = _order(buyer, people["rep"], 5_000)
    with pytest.raises(services.CreditError, match="completed"):
        services.credit_note_issue(order=open_order, amount=D(1), reason="x", by=people["cm"], today=TODAY)
    with pytest.raises(services.CreditError, match="reason"):
        services.credit_note_issue(order=delivered, amount=D(1), reason="  ", by=people["cm"], today=TODAY)
    assert services.credit_exposure(buyer) == D(95_000)
