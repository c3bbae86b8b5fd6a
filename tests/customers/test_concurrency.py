"""DOMAIN §2: two people saving the same section at the same moment both get their change into the dossier
and the history, with the right old values; nothing fails. Row locks are PostgreSQL behaviour (CI)."""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from crm import roles
from customers import services
from customers.models import ChangeRecord, SalesStatusSection
from tests.concurrency import at_once
from tests.factories import UserFactory, make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_section_2_concurrent_first_writes_of_a_section_serialise(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this test there")
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    rep = UserFactory(role=roles.SALES, username="rep")
    manager = UserFactory(role=roles.SALES_MANAGER, username="manager")
    customer = make_customer(owner=rep, name="Race Co")  # no sales status row yet

    def save(user, value):
        services.dossier_section_update(
            customer=customer, section="sales_status", values={"cooperation": value}, by=user, today=TODAY
        )

    assert at_once(lambda: save(rep, "A"), lambda: save(manager, "B")) == []
    final = SalesStatusSection.objects.get(customer=customer).cooperation
    history = list(
        ChangeRecord.objects.filter(customer=customer, field="cooperation").order_by("id").values_list("old", "new")
    )
    first = history[0][1]
    assert history == [("", first), (first, final)]


def test_two_identical_new_bulk_batches_at_once_both_succeed(transactional_db):
    """Issue 16 §3: two sync clients send the same new batch at the same moment; the one that loses the race on
    the unique external ids writes again and finds the dossiers created: no 500, no duplicate."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts need PostgreSQL; CI runs this test there")
    from rest_framework.test import APIClient

    from customers.models import Customer

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    erp = UserFactory(role=roles.INTEGRATION, username="erp")
    owner = UserFactory(role=roles.SALES, username="rep")
    batch = [{"external_id": f"ERP-{i}", "name": f"Sync {i}", "owner": "rep"} for i in range(200)]
    answers = []

    def send():
        client = APIClient()
        client.force_authenticate(erp)
        answers.append(client.post("/api/v1/customers/bulk-upsert/", batch, format="json"))

    assert at_once(send, send) == []
    assert [a.status_code for a in answers] == [200, 200]
    bodies = sorted((a.json()["created"], a.json()["unchanged"], a.json()["errors"]) for a in answers)
    assert bodies == [(0, 200, []), (200, 0, [])]
    assert Customer.objects.filter(external_id__startswith="ERP-", owner=owner).count() == 200
