"""Receivables ageing (DOMAIN §10.7): the set-based SQL allocation (credit.selectors.open_items_sql) leaves on each
order exactly what the rule of DOMAIN §4 (credit.rules.grade.allocate: named order first, then oldest due) leaves,
on generated ledgers, and the unpaid parts add up to the exposure of DOMAIN §6.4 (credit's own
``credit_exposure``)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit.models import CreditNote, Order, Payment
from credit.rules.grade import PaymentIn, Receivable, allocate
from credit.selectors import open_items_sql
from credit.services import credit_exposure, credit_profile_refresh
from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal
STATUSES = ["open", "completed", "completed", "cancelled", "credit_hold"]

orders_st = st.lists(
    st.tuples(
        st.integers(0, 120),  # order placed this many days ago
        st.integers(0, 60),  # payment terms
        st.integers(0, 5000),  # amount in units of 10
        st.sampled_from(STATUSES),
        st.integers(0, 3),  # credit note as a quarter of the amount, on completed orders
    ),
    min_size=0,
    max_size=6,
)
payments_st = st.lists(
    st.tuples(st.integers(-5, 130), st.integers(1, 4000), st.integers(-1, 5)),  # days ago, amount/10, named index
    max_size=6,
)


def _unpaid_by_sql(customer: Customer, as_of: date, *, today: date) -> dict[int, Decimal]:
    """as_of before today: the whole ledger up to that day; as_of today: through the stored profile."""
    customers = Customer.objects.filter(pk=customer.pk)
    sql, params = open_items_sql(customers=customers, as_of=as_of, today=today)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT order_id, unpaid FROM ({sql}) i", params)  # noqa: S608 - our SQL fragments, values bound
        found = {order_id: D(str(unpaid)).quantize(D("0.01")) for order_id, unpaid in cursor.fetchall()}
    return {order_id: unpaid for order_id, unpaid in found.items() if unpaid}


def _unpaid_by_rule(customer: Customer, as_of: date) -> dict[int, Decimal]:
    credited: dict[int, Decimal] = {}
    for note in CreditNote.objects.filter(customer=customer, issued_on__lte=as_of):
        credited[note.order_id] = credited.get(note.order_id, D(0)) + note.amount
    receivables = [
        Receivable(o.pk, o.due_date, o.amount - credited.get(o.pk, D(0)))
        for o in Order.objects.filter(customer=customer, status__in=["open", "completed"], order_date__lte=as_of)
    ]
    payments = [
        PaymentIn(p.pk, p.paid_on, p.amount, p.order_id)
        for p in Payment.objects.filter(customer=customer, paid_on__lte=as_of)
    ]
    paid: dict[int, Decimal] = {}
    for allocation in allocate(receivables, payments):
        paid[allocation.order_id] = paid.get(allocation.order_id, D(0)) + allocation.amount
    unpaid = {r.order_id: (r.amount - paid.get(r.order_id, D(0))).quantize(D("0.01")) for r in receivables}
    return {order_id: amount for order_id, amount in unpaid.items() if amount}


def _ledger(customer, user, orders, payments) -> list[Order]:
    made = []
    for index, (days_ago, terms, amount, status, quarters) in enumerate(orders):
        placed = TODAY - timedelta(days=days_ago)
        order = Order.objects.create(
            customer=customer,
            number=f"T{customer.pk}-{index}",
            order_date=placed,
            due_date=placed + timedelta(days=terms),
            amount=D(amount * 10),
            status=status,
            created_by=user,
        )
        made.append(order)
        if status == "completed" and quarters and amount:
            note = (D(amount * 10) * quarters / 4).quantize(D("0.01"))
            CreditNote.objects.create(
                customer=customer, order=order, amount=note, reason="goodwill", issued_on=placed, created_by=user
            )
    for days_ago, amount, named in payments:
        order = made[named] if 0 <= named < len(made) else None
        paid_on = TODAY - timedelta(days=days_ago)
        Payment.objects.create(customer=customer, paid_on=paid_on, amount=D(amount * 10), order=order, created_by=user)
    return made


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=orders_st, payments=payments_st, back=st.sampled_from([0, 0, 15, 45]))
def test_the_sql_allocation_of_a_past_day_equals_the_rule(rep, orders, payments, back):
    with transaction.atomic():
        customer = make_customer(owner=rep, name="Ledger Co")
        _ledger(customer, rep, orders, payments)
        as_of = TODAY - timedelta(days=back)
        by_sql = _unpaid_by_sql(customer, as_of, today=as_of + timedelta(days=1))
        assert by_sql == _unpaid_by_rule(customer, as_of)
        if back == 0 and all(days_ago >= 0 for days_ago, _amount, _named in payments):
            assert sum(by_sql.values(), D(0)) == credit_exposure(customer)
        transaction.set_rollback(True)


past_payments_st = st.lists(st.tuples(st.integers(0, 130), st.integers(1, 4000), st.integers(-1, 5)), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=orders_st, payments=past_payments_st)
def test_the_sql_allocation_of_today_through_the_profile_equals_the_rule_and_the_exposure(rep, orders, payments):
    with transaction.atomic():
        customer = make_customer(owner=rep, name="Ledger Co")
        _ledger(customer, rep, orders, payments)
        credit_profile_refresh(customer=customer, today=TODAY)  # as every write of the ledger does
        by_sql = _unpaid_by_sql(customer, TODAY, today=TODAY)
        assert by_sql == _unpaid_by_rule(customer, TODAY)
        assert sum(by_sql.values(), D(0)) == credit_exposure(customer)
        transaction.set_rollback(True)


def _unpaid_due_before(customer: Customer, due_before: date) -> dict[int, Decimal]:
    customers = Customer.objects.filter(pk=customer.pk)
    sql, params = open_items_sql(customers=customers, as_of=TODAY, today=TODAY, due_before=due_before)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT order_id, unpaid FROM ({sql}) i WHERE i.due_date < %s", [*params, due_before])  # noqa: S608
        found = {order_id: D(str(unpaid)).quantize(D("0.01")) for order_id, unpaid in cursor.fetchall()}
    return {order_id: unpaid for order_id, unpaid in found.items() if unpaid}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=orders_st, payments=past_payments_st, days=st.sampled_from([30, 60, 90]))
def test_the_shortcut_for_items_due_before_a_day_skips_no_debtor(rep, orders, payments, days):
    """The dashboard's "over 90 days" reads only debtors whose stored lateness allows such items: it finds the same
    unpaid items due before the day as the rule."""
    with transaction.atomic():
        customer = make_customer(owner=rep, name="Ledger Co")
        made = _ledger(customer, rep, orders, payments)
        credit_profile_refresh(customer=customer, today=TODAY)
        cutoff = TODAY - timedelta(days=days)
        due = {order.pk for order in made if order.due_date < cutoff}
        expected = {pk: amount for pk, amount in _unpaid_by_rule(customer, TODAY).items() if pk in due}
        assert _unpaid_due_before(customer, cutoff) == expected
        transaction.set_rollback(True)
