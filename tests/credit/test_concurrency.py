"""DOMAIN §6.4: two orders checked at the same moment never both pass if together they exceed the limit.

Row locks are PostgreSQL behaviour; CI runs this on PostgreSQL (SQLite serialises whole-database writes).
"""

import threading
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, connections

from credit import services
from credit.models import CreditProfile, Order
from crm import roles
from tests.concurrency import another_session_waits_on_a_lock, at_once
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import UserFactory, make_customer, place_order

TODAY = date(2026, 11, 22)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def customer_with_limit(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this test there")
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)
    rep = UserFactory(role=roles.SALES, username="rep")
    analyst = UserFactory(role=roles.CREDIT_ANALYST, username="analyst")
    manager = UserFactory(role=roles.CREDIT_MANAGER, username="cm")
    customer = make_customer(owner=rep, name="Race Co")
    request = services.credit_limit_request_create(
        customer=customer, amount=Decimal(10_000), reason="x", by=analyst, today=TODAY
    )
    services.credit_limit_approve(request=request, by=manager, today=TODAY, note=NOTE)
    return customer, rep


def test_two_concurrent_orders_cannot_both_use_the_same_credit(customer_with_limit):
    customer, rep = customer_with_limit

    def place():
        services.order_place(
            customer=customer,
            lines=[services.OrderLineInput("valve", Decimal(1), Decimal(6000))],
            order_date=TODAY,
            due_date=TODAY + timedelta(days=30),
            by=rep,
            today=TODAY,
        )

    assert at_once(place, place) == []
    statuses = sorted(Order.objects.filter(customer=customer).values_list("status", flat=True))
    assert statuses == ["credit_hold", "open"]


@pytest.mark.django_db(transaction=True)
def test_a_payment_during_the_nightly_recompute_is_not_overwritten_by_facts_read_before_it(
    customer_with_limit, monkeypatch
):
    """DOMAIN §4, §6: a chunk of the nightly recompute locks its profiles before it reads the ledger, so a payment
    recorded meanwhile waits for the chunk and its own refresh comes last: the stored exposure counts the payment.
    Without the lock the chunk wrote the exposure it had read before the payment (the order still unpaid)."""
    customer, rep = customer_with_limit
    order = place_order(customer, by=rep, amount=4000, order_date=TODAY, today=TODAY)
    read, proceed = threading.Event(), threading.Event()
    gather = services.ledger_facts_between

    def facts_then_wait(**kwargs):
        facts = gather(**kwargs)
        read.set()
        proceed.wait(timeout=20)
        return facts

    monkeypatch.setattr(services, "ledger_facts_between", facts_then_wait)
    erp = UserFactory(role=roles.INTEGRATION, username="erp")

    def chunk():
        try:
            services.credit_profiles_recompute_range(first_id=customer.pk, last_id=customer.pk, today=TODAY)
        finally:
            connections.close_all()

    def pay():
        try:
            read.wait(timeout=20)
            services.payment_record(
                customer=customer, paid_on=TODAY, amount=Decimal(4000), order=order, by=erp, today=TODAY
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=chunk), threading.Thread(target=pay)]
    for thread in threads:
        thread.start()
    assert read.wait(timeout=20)
    waited = another_session_waits_on_a_lock()  # the payment waits on the profile the chunk holds
    proceed.set()
    for thread in threads:
        thread.join(timeout=30)
    assert waited
    assert CreditProfile.objects.get(customer=customer).exposure == Decimal(0)
