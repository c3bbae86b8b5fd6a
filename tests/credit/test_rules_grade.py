"""DOMAIN §4 payment grade 甲乙丙丁: allocation, on-time ratio, days late, every boundary; pure rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.rules.grade import (
    Allocation,
    Collection,
    Grade,
    PaymentIn,
    Receivable,
    allocate,
    collections,
    grade_facts,
    payment_grade,
)
from credit.rules.policy import CreditPolicy

POLICY = CreditPolicy()
TODAY = date(2026, 11, 22)
D = Decimal


def _grade(receivables, payments):
    items = collections(receivables, allocate(receivables, payments), today=TODAY, policy=POLICY)
    return payment_grade(items, POLICY)


@pytest.mark.parametrize(
    ("items", "grade"),
    [
        pytest.param([], Grade.UNRATED, id="nothing-due"),
        pytest.param([Collection(D(100), D(100), 0)], Grade.JIA, id="jia-all-on-time"),
        pytest.param([Collection(D(100), D(100), 1)], Grade.YI, id="one-day-late-is-not-jia"),
        pytest.param([Collection(D(100), D(80), 30)], Grade.YI, id="yi-at-80-percent"),
        pytest.param([Collection(D(10000), D("7999.99"), 30)], Grade.BING, id="bing-below-80-percent"),
        pytest.param([Collection(D(100), D(0), 90)], Grade.BING, id="90-days-late-is-not-ding"),
        pytest.param([Collection(D(100), D(100), 0), Collection(D(1), D(0), 91)], Grade.DING, id="ding-91-days"),
    ],
)
def test_grade_boundaries(items, grade):
    """DOMAIN §4: 丁 L > 90; 甲 R = 100% and L = 0; 乙 R ≥ 80%; 丙 otherwise; unrated when nothing is due."""
    assert payment_grade(items, POLICY) is grade


def test_named_payments_go_to_their_order_and_the_rest_fifo():
    """DOMAIN §4: payments are allocated to the order they name, else oldest due first."""
    receivables = [Receivable(1, date(2026, 1, 1), D(100)), Receivable(2, date(2026, 2, 1), D(100))]
    payments = [PaymentIn(10, date(2026, 1, 5), D(150), order_id=2), PaymentIn(11, date(2026, 1, 6), D(100))]
    assert allocate(receivables, payments) == [
        Allocation(10, 2, date(2026, 1, 5), D(100)),
        Allocation(10, 1, date(2026, 1, 5), D(50)),
        Allocation(11, 1, date(2026, 1, 6), D(50)),
    ]


def test_overpayment_stays_unallocated():
    receivables = [Receivable(1, date(2026, 1, 1), D(100))]
    allocations = allocate(receivables, [PaymentIn(1, date(2026, 1, 1), D(500))])
    assert sum(a.amount for a in allocations) == D(100)


def test_unpaid_order_past_due_counts_days_overdue():
    receivables = [Receivable(1, TODAY - timedelta(days=91), D(100))]
    facts = grade_facts(collections(receivables, [], today=TODAY, policy=POLICY), POLICY)
    assert (facts.grade, facts.max_days_late, facts.on_time_ratio) == (Grade.DING, 91, D(0))


def test_old_unpaid_orders_stay_in_the_window():
    """DOMAIN §4: any order still unpaid past its due date is in the window, however old."""
    old = Receivable(1, TODAY - timedelta(days=800), D(100))
    assert _grade([old], []) is Grade.DING


def test_paid_orders_due_over_a_year_ago_leave_the_window():
    old = Receivable(1, TODAY - timedelta(days=400), D(100))
    assert _grade([old], [PaymentIn(1, old.due_date + timedelta(days=200), D(100))]) is Grade.UNRATED


def test_orders_not_yet_due_are_not_graded():
    assert _grade([Receivable(1, TODAY + timedelta(days=30), D(100))], []) is Grade.UNRATED


def test_late_payment_counts_its_days_late():
    due = TODAY - timedelta(days=100)
    receivables = [Receivable(1, due, D(100))]
    assert _grade(receivables, [PaymentIn(1, due + timedelta(days=90), D(100))]) is Grade.BING
    assert _grade(receivables, [PaymentIn(1, due + timedelta(days=91), D(100))]) is Grade.DING
    assert _grade(receivables, [PaymentIn(1, due, D(100))]) is Grade.JIA


RANK = {Grade.JIA: 0, Grade.YI: 1, Grade.BING: 2, Grade.DING: 3, Grade.UNRATED: -1}
amounts = st.decimals(min_value=1, max_value=100_000, places=2)
day_offsets = st.integers(min_value=-360, max_value=0)


@st.composite
def ledgers(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    receivables = [Receivable(i, TODAY + timedelta(days=draw(day_offsets)), draw(amounts)) for i in range(n)]
    payments = [
        PaymentIn(
            j,
            TODAY + timedelta(days=draw(st.integers(min_value=-400, max_value=0))),
            draw(amounts),
            draw(st.one_of(st.none(), st.integers(min_value=0, max_value=n - 1))),
        )
        for j in range(draw(st.integers(min_value=0, max_value=5)))
    ]
    return receivables, payments


@given(ledgers(), st.data())
def test_a_later_payment_never_improves_the_grade(ledger, data):
    """DOMAIN §4 invariant: paying the same amount later can only keep or worsen the grade."""
    receivables, payments = ledger
    if not payments:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(payments) - 1))
    delay = data.draw(st.integers(min_value=1, max_value=200))
    moved = payments[index]
    later_day = min(moved.paid_on + timedelta(days=delay), TODAY)
    later = [
        *payments[:index],
        PaymentIn(moved.payment_id, later_day, moved.amount, moved.order_id),
        *payments[index + 1 :],
    ]
    before, after = _grade(receivables, payments), _grade(receivables, later)
    if before is not Grade.UNRATED:
        assert RANK[after] >= RANK[before]


@given(ledgers())
def test_allocation_never_exceeds_an_order_or_the_payments(ledger):
    receivables, payments = ledger
    allocations = allocate(receivables, payments)
    for r in receivables:
        assert sum(a.amount for a in allocations if a.order_id == r.order_id) <= r.amount
    for p in payments:
        assert sum(a.amount for a in allocations if a.payment_id == p.payment_id) <= p.amount
    ratio = grade_facts(collections(receivables, allocations, today=TODAY, policy=POLICY), POLICY).on_time_ratio
    assert ratio is None or 0 <= ratio <= 1
