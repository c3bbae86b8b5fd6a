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
    GradeFacts,
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


def _allocate_by_the_letter(receivables, payments):
    """DOMAIN §4 as written: each payment, in date order, to the order it names, then every other order oldest
    due first, each up to what is still open on it."""
    open_amounts = {r.order_id: r.amount for r in receivables}
    by_due = sorted(receivables, key=lambda r: (r.due_date, r.order_id))
    found = []
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.payment_id)):
        left = payment.amount
        targets = [payment.order_id] if payment.order_id in open_amounts else []
        for order_id in targets + [r.order_id for r in by_due if r.order_id != payment.order_id]:
            share = min(left, open_amounts[order_id])
            if share > 0:
                found.append(Allocation(payment.payment_id, order_id, payment.paid_on, share))
                open_amounts[order_id] -= share
                left -= share
    return found


@given(ledgers())
def test_the_one_pass_allocation_is_the_rule_as_written(ledger):
    """``allocate`` remembers the oldest open order instead of walking every order for every payment; the
    allocations are the same, in the same order."""
    receivables, payments = ledger
    assert allocate(receivables, payments) == _allocate_by_the_letter(receivables, payments)


def _collections(receivables, payments):
    return collections(receivables, allocate(receivables, payments), today=TODAY, policy=POLICY)


@pytest.mark.parametrize(
    ("amount", "allocated"),
    [pytest.param(D("0.50"), D("0.50"), id="half-a-yuan"), pytest.param(D(1), D(1), id="one-yuan")],
)
def test_small_payments_are_allocated_too(amount, allocated):
    receivables = [Receivable(1, date(2026, 1, 1), D(100))]
    assert allocate(receivables, [PaymentIn(1, date(2026, 1, 1), amount)]) == [
        Allocation(1, 1, date(2026, 1, 1), allocated)
    ]


def test_two_payments_on_time_settle_an_order():
    """DOMAIN §4: the amounts paid on or before the due date add up; a settled order is not overdue."""
    due = TODAY - timedelta(days=10)
    receivables = [Receivable(1, due, D(100))]
    payments = [PaymentIn(1, due - timedelta(days=5), D(50)), PaymentIn(2, due, D(50))]
    assert _collections(receivables, payments) == [Collection(D(100), D(100), 0)]
    assert _grade(receivables, payments) is Grade.JIA


def test_a_few_cents_unpaid_past_due_count_as_overdue():
    """DOMAIN §4 L counts unpaid overdue amounts, however small."""
    due = TODAY - timedelta(days=10)
    receivables = [Receivable(1, due, D(100))]
    assert _collections(receivables, [PaymentIn(1, due, D("99.50"))]) == [Collection(D(100), D("99.50"), 10)]


@pytest.mark.parametrize(
    ("days_ago", "graded"),
    [
        pytest.param(POLICY.window_days, False, id="due-365-days-ago-out"),
        pytest.param(POLICY.window_days - 1, True, id="due-364-days-ago-in"),
        pytest.param(0, True, id="due-today-in"),
        pytest.param(-1, False, id="due-tomorrow-out"),
    ],
)
def test_the_window_is_the_trailing_365_days(days_ago, graded):
    """DOMAIN §4: orders whose due date lies in the trailing 365 days (paid ones; unpaid overdue ones always count)."""
    due = TODAY - timedelta(days=days_ago)
    receivables = [Receivable(1, due, D(100))]
    paid = _collections(receivables, [PaymentIn(1, min(due, TODAY), D(100))])
    assert paid == ([Collection(D(100), D(100), 0)] if graded else [])


def test_an_order_due_today_and_unpaid_is_due_but_not_late():
    assert _collections([Receivable(1, TODAY, D(100))], []) == [Collection(D(100), D(0), 0)]


def test_an_order_outside_the_window_does_not_hide_the_next_one():
    receivables = [Receivable(1, TODAY + timedelta(days=30), D(100)), Receivable(2, TODAY - timedelta(days=1), D(50))]
    assert _collections(receivables, []) == [Collection(D(50), D(0), 1)]


@pytest.mark.parametrize(
    ("items", "facts"),
    [
        pytest.param([], GradeFacts(Grade.UNRATED, None, 0), id="nothing-due"),
        pytest.param([Collection(D(1), D(1), 0)], GradeFacts(Grade.JIA, D(1), 0), id="one-yuan-on-time"),
        pytest.param(
            [Collection(D(60), D(60), 0), Collection(D(40), D(20), 12)],
            GradeFacts(Grade.YI, D("0.8"), 12),
            id="yi-80-percent-12-days",
        ),
    ],
)
def test_grade_facts(items, facts):
    """DOMAIN §4: R = paid by due date / due; L = the largest number of days late; unrated when nothing is due."""
    assert grade_facts(items, POLICY) == facts
