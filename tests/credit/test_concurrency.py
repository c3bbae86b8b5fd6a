"""DOMAIN §6.4: two orders checked at the same moment never both pass if together they exceed the limit.

Row locks are PostgreSQL behaviour; CI runs this on PostgreSQL (SQLite serialises whole-database writes).
"""

from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from credit import services
from credit.models import Order
from crm import roles
from tests.concurrency import at_once
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import UserFactory, make_customer

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
