"""The staleness scan in SQL agrees with the review rule, and every dossier has its review state (DOMAIN §7)."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from credit.models import CreditProfile
from crm import roles
from customers.models import CreditDocument, Customer, ReviewState
from customers.rules.review import DossierFacts, ReviewPolicy, dossier_state
from customers.services import Action, CustomerInput, dossiers_write, review_state
from tests.factories import UserFactory, make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
POLICY = ReviewPolicy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_TODAY = "2026-11-22 10:00 +0800"

REVIEWED = [
    None,
    TODAY - timedelta(days=181),
    TODAY - timedelta(days=180),
    TODAY - timedelta(days=61),
    TODAY - timedelta(days=60),
]
CREDIT = [  # size, has limit, limit valid until, has a valid credit report
    ("small", False, None, False),
    ("small", True, TODAY + timedelta(days=31), False),
    ("medium", True, TODAY + timedelta(days=31), False),
    ("large", True, None, True),
    ("medium", False, TODAY + timedelta(days=30), True),
    ("large", True, TODAY + timedelta(days=200), True),
]


def _dossier(rep, facts: DossierFacts) -> Customer:
    customer = make_customer(owner=rep, name="Scan Co", size=facts.size)
    # 00:30 in Shanghai is the day before in UTC: the scan must take the creation day in local time
    created_at = datetime.combine(facts.created_on, datetime.min.time(), SHANGHAI) + timedelta(minutes=30)
    Customer.objects.filter(pk=customer.pk).update(created_at=created_at, last_reviewed_on=facts.last_reviewed_on)
    if facts.is_core or facts.has_limit or facts.limit_valid_until:
        limit = Decimal("100000.00") if facts.has_limit else None
        CreditProfile.objects.create(
            customer=customer, is_core=facts.is_core, credit_limit=limit, limit_valid_until=facts.limit_valid_until
        )
    if facts.has_valid_credit_report:
        CreditDocument.objects.create(
            customer=customer,
            doc_type=CreditDocument.Type.CREDIT_REPORT,
            title="Agency report",
            source="credit_agency",
            obtained_on=TODAY - timedelta(days=10),
            issued_on=TODAY - timedelta(days=10),
        )
    return customer


def test_scan_in_sql_agrees_with_the_review_rule_on_every_boundary_domain_7(rep):
    """DOMAIN §7: review interval (60 core / 180 other days, from the last review or from creation), overdue,
    missing credit report of a medium or large customer with a limit, limit ending within 30 days."""
    cases = []
    for reviewed, core, (size, has_limit, until, report) in itertools.product(REVIEWED, (False, True), CREDIT):
        facts = DossierFacts(TODAY - timedelta(days=185), reviewed, core, size, has_limit, until, report)
        cases.append((_dossier(rep, facts), facts))
    ReviewState.objects.update(next_review_due=None, is_stale=False)

    assert review_state.dossier_staleness_scan(today=TODAY, policy=POLICY, chunk=7) == len(cases)

    states = {s.customer_id: (s.next_review_due, s.is_stale) for s in ReviewState.objects.all()}
    expected = {customer.pk: dossier_state(facts, policy=POLICY, today=TODAY) for customer, facts in cases}
    assert states == expected
    assert {stale for _due, stale in expected.values()} == {True, False}
    assert review_state.dossier_staleness_scan(today=TODAY, policy=POLICY, chunk=7) == 0


def test_scan_follows_a_change_of_the_review_interval_policy_domain_7(rep):
    """DOMAIN §7: when the credit policy changes the intervals, the next scan moves every due date."""
    with time_machine.travel(ON_TODAY, tick=False):
        customers = [make_customer(owner=rep, name=f"C{i}") for i in range(3)]
    review_state.dossier_staleness_scan(today=TODAY, policy=POLICY)
    longer = ReviewPolicy(core_days=90, other_days=365)
    assert review_state.dossier_staleness_scan(today=TODAY, policy=longer) == 3
    due = set(ReviewState.objects.filter(customer__in=customers).values_list("next_review_due", flat=True))
    assert due == {TODAY + timedelta(days=365)}


def test_scan_gives_a_dossier_without_review_state_its_state_domain_7(rep):
    """A dossier written around the services (an import, a restore) still gets its state from the next scan."""
    with time_machine.travel(ON_TODAY, tick=False):
        customer = make_customer(owner=rep, name="Imported")
    ReviewState.objects.filter(customer=customer).delete()
    assert review_state.dossier_staleness_scan(today=TODAY, policy=POLICY) == 1
    assert ReviewState.objects.get(customer=customer).next_review_due == TODAY + timedelta(days=180)


def test_archived_dossiers_are_left_alone_by_the_scan(rep):
    customer = make_customer(owner=rep, name="Gone")
    Customer.objects.filter(pk=customer.pk).update(deleted_at=datetime(2026, 1, 1, tzinfo=SHANGHAI))
    ReviewState.objects.filter(customer=customer).update(next_review_due=None)
    assert review_state.dossier_staleness_scan(today=TODAY, policy=POLICY) == 0


def test_every_new_dossier_has_its_review_state_domain_7(rep, django_capture_on_commit_callbacks):
    """The browser/API create and the bulk upsert both open the review cycle once they commit: due the policy's
    interval for other customers after the day of creation."""
    with django_capture_on_commit_callbacks(execute=True):
        created = make_customer(owner=rep, name="One by one")
    with django_capture_on_commit_callbacks(execute=True):
        items = [CustomerInput(Action.UPSERT, {"name": "In bulk"}, external_id="ext-1")]
        dossiers_write(items=items, by=rep, today=TODAY)
    imported = Customer.objects.get(external_id="ext-1")
    for customer in (created, imported):
        state = ReviewState.objects.get(customer=customer)
        assert state.is_stale is False
        assert state.next_review_due == customer.created_at.astimezone(SHANGHAI).date() + timedelta(days=180)


@pytest.mark.django_db(transaction=True)
def test_migration_moves_review_dates_and_staleness_to_the_review_state_and_back():
    """0006 copies next review due and stale of every dossier into review states; reversed, it copies them back."""
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)  # flushed by earlier tests
    customer = make_customer(owner=UserFactory(role=roles.SALES), name="Migrated")
    executor = MigrationExecutor(connection)
    before, after = [("customers", "0005_single_trigram_index")], [("customers", "0006_review_state")]
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET next_review_due = %s, is_stale = %s WHERE id = %s",
            [date(2027, 1, 2), True, customer.pk],
        )
    executor.loader.build_graph()
    executor.migrate(after)
    state = ReviewState.objects.get(customer_id=customer.pk)
    assert (state.next_review_due, state.is_stale) == (date(2027, 1, 2), True)
    ReviewState.objects.filter(customer_id=customer.pk).update(next_review_due=date(2027, 3, 4), is_stale=False)
    executor.loader.build_graph()
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT next_review_due, is_stale FROM customers_customer WHERE id = %s", [customer.pk])
        due, stale = cursor.fetchone()
    executor.loader.build_graph()
    executor.migrate(after)
    assert (str(due), bool(stale)) == ("2027-03-04", False)
    # back to the latest state: going back to 0005 also unapplied the migrations of other apps that depend on later
    # customers migrations (credit 0007), which the tests after this one need
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_chunk_whose_dossier_was_deleted_meanwhile_runs_again(db, monkeypatch):
    """DOMAIN §7: a dossier deleted while the scan's chunk ran fails the chunk's commit on the state row's key
    (PostgreSQL checks it at commit); the chunk runs again and the scan still sets every other dossier."""
    from django.db import IntegrityError

    rep = UserFactory(role=roles.SALES, username="rep")
    customer = make_customer(owner=rep, name="Scan Co")
    ReviewState.objects.filter(customer=customer).delete()
    real, calls = review_state._scan_chunk, []

    def deleted_meanwhile(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise IntegrityError("customers_reviewstate_customer_id_fk: key is not present")
        return real(*args, **kwargs)

    monkeypatch.setattr(review_state, "_scan_chunk", deleted_meanwhile)
    assert review_state.dossier_staleness_scan(today=TODAY, policy=POLICY) == 1
    assert len(calls) == 2
    assert ReviewState.objects.filter(customer=customer).exists()
