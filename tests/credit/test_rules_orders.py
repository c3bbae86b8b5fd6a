"""DOMAIN §6.4: every order state × action, and no transition that hides a receivable; pure rules."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.rules import limits, orders
from credit.rules.grade import PaymentIn, Receivable
from credit.rules.tier import BILLABLE

D = Decimal
STATUSES = ("open", "completed", "credit_hold", "rejected", "cancelled")
ACTIONS = ("release", "reject", "complete", "cancel")
ALLOWED = {
    ("credit_hold", "release"): "open",
    ("credit_hold", "reject"): "rejected",
    ("open", "complete"): "completed",
    ("open", "cancel"): "cancelled",
    ("credit_hold", "cancel"): "cancelled",
}


@pytest.mark.parametrize(("status", "action"), [(s, a) for s in STATUSES for a in ACTIONS], ids="{0[0]}-{0[1]}".format)
def test_every_state_and_action(status, action):
    """The whole table: five states × four actions; everything not listed is refused."""
    if (status, action) in ALLOWED:
        assert orders.transition_target(status, action) == ALLOWED[status, action]
    else:
        with pytest.raises(orders.TransitionRefused):
            orders.transition_target(status, action)


def test_a_completed_order_is_a_receivable_and_is_not_cancelled():
    with pytest.raises(orders.TransitionRefused, match="credit note"):
        orders.transition_target("completed", "cancel")


@pytest.mark.parametrize("status", ["cancelled", "rejected"])
@pytest.mark.parametrize("action", ACTIONS)
def test_nothing_reopens_a_closed_order(status, action):
    """ERPNext's bypass: close an order, place a new one within the freed limit, reopen the old one."""
    with pytest.raises(orders.TransitionRefused):
        orders.transition_target(status, action)


def test_only_cancelling_an_undelivered_order_leaves_the_billable_states():
    """No transition takes a delivered order out of the exposure; the one that lowers it is an open order's cancel."""
    leaving = {
        (status, action)
        for status in STATUSES
        for action, transition in orders.TRANSITIONS.items()
        if status in transition.sources and status in BILLABLE and transition.target not in BILLABLE
    }
    assert leaving == {("open", "cancel")}


def test_an_unknown_action_is_refused():
    with pytest.raises(orders.TransitionRefused):
        orders.transition_target("open", "reopen")


@pytest.mark.parametrize(
    ("billable", "paid", "credited", "expected"),
    [
        pytest.param(D(90_000), D(0), D(0), D(90_000), id="unpaid"),
        pytest.param(D(90_000), D(0), D(90_000), D(0), id="written-off"),
        pytest.param(D(90_000), D(30_000), D(20_000), D(40_000), id="paid-and-credited"),
        pytest.param(D(90_000), D(100_000), D(0), D(0), id="overpaid-never-negative"),
    ],
)
def test_exposure_deducts_payments_and_credit_notes(billable, paid, credited, expected):
    assert limits.exposure(billable=billable, paid=paid, credited=credited) == expected


A, B = Receivable(1, date(2026, 10, 1), D(90_000)), Receivable(2, date(2026, 11, 1), D(50_000))


@pytest.mark.parametrize(
    ("payments", "exposure", "room_on_a"),
    [
        pytest.param([], D(140_000), D(90_000), id="unpaid-all-of-it"),
        pytest.param([PaymentIn(1, date(2026, 11, 1), D(30_000), 1)], D(110_000), D(60_000), id="named-payment"),
        pytest.param([PaymentIn(1, date(2026, 11, 1), D(90_000))], D(50_000), D(0), id="fifo-paid-it-off"),
        pytest.param([], D(20_000), D(20_000), id="never-above-exposure"),
    ],
)
def test_credit_note_room(payments, exposure, room_on_a):
    """A credit note covers only what payments leave unpaid on its order, never more than the exposure."""
    assert limits.credit_note_room(order_id=1, receivables=[A, B], payments=payments, exposure=exposure) == room_on_a


@given(
    amounts=st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=1, max_size=5),
    paid=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_a_credit_note_within_its_room_never_makes_a_credit_balance(amounts, paid):
    receivables = [Receivable(i, date(2026, 1, 1 + i), amount) for i, amount in enumerate(amounts)]
    payments = [PaymentIn(1, date(2026, 6, 1), paid)] if paid else []
    exposure = limits.exposure(billable=sum(amounts), paid=paid)
    for receivable in receivables:
        room = limits.credit_note_room(
            order_id=receivable.order_id, receivables=receivables, payments=payments, exposure=exposure
        )
        assert 0 <= room <= exposure
        assert limits.exposure(billable=sum(amounts), paid=paid, credited=room) == exposure - room
