"""DOMAIN §2.3 merge: the survivor keeps its code and takes the duplicate's records and chosen fields, in one
transaction; the duplicate points to it; both histories say so; the credit profile is derived again."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import TestCase

from archives import services as archives_services
from archives.models import ArchiveDocument
from credit import services as credit_services
from credit.models import CreditProfile, Order, Payment
from crm import events, roles
from customers import services
from customers.models import Customer, Interaction
from customers.services.merge import MergeRefused, customer_merge, fields_differing
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def survivor(rep):
    return make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88886666", region="浙江")


@pytest.fixture
def duplicate(rep, make_user):
    twin = make_customer(
        owner=rep,
        name="杭州東方化工有限公司",
        phone="0571-88887777",
        external_id="ERP-77",
        sections={"basic": {"postcode": "310000"}},
        contacts=1,
    )
    services.interaction_record(customer=twin, kind="visit_report", occurred_on=TODAY, subject="拜访", by=rep)
    lines = [credit_services.OrderLineInput(product="球阀", quantity=Decimal(10), unit_price=Decimal(1000))]
    order = credit_services.order_place(
        customer=twin,
        lines=lines,
        order_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        by=make_user(roles.INTEGRATION),
        today=TODAY,
        historical=True,
    )
    credit_services.payment_record(
        customer=twin, paid_on=TODAY, amount=Decimal(4000), by=make_user(roles.SALES_MANAGER), today=TODAY, order=order
    )
    archives_services.archive_document_register(
        customer=twin,
        values={"doc_type": "contract", "title": "供货合同", "source": "customer", "room": "A", "cabinet": "4"},
        by=make_user(roles.ARCHIVIST),
        today=TODAY,
    )
    return twin


def merge(survivor, duplicate, by, keep=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return customer_merge(survivor=survivor, duplicate=duplicate, keep=keep or {}, by=by, today=TODAY)


def test_the_survivor_takes_every_record_of_the_duplicate(manager, survivor, duplicate):
    merged = merge(survivor, duplicate, manager)
    assert merged.code == survivor.code
    assert list(merged.contacts.values_list("name", flat=True)) == ["Contact 0"]
    assert Interaction.objects.get(subject="拜访").customer_id == survivor.pk
    assert Order.objects.get().customer_id == Payment.objects.get().customer_id == survivor.pk
    assert ArchiveDocument.objects.get().customer_id == survivor.pk


def test_the_fields_the_manager_chose_come_from_the_duplicate_and_enter_the_history(manager, survivor, duplicate):
    assert {"phone", "external_id", "basic.postcode", "name"} <= set(fields_differing(survivor, duplicate))
    keep = {"phone": "duplicate", "external_id": "duplicate", "basic.postcode": "duplicate", "name": "survivor"}
    merged = merge(survivor, duplicate, manager, keep)
    assert (merged.name, merged.phone, merged.external_id) == ("杭州东方化工股份有限公司", "0571-88887777", "ERP-77")
    assert merged.basic.postcode == "310000"
    changed = dict(merged.changes.filter(by=manager).values_list("field", "new"))
    assert changed["phone"] == "0571-88887777"
    assert changed["postcode"] == "310000"


def test_the_duplicate_points_to_the_survivor_and_both_histories_record_the_merge(manager, survivor, duplicate):
    merge(survivor, duplicate, manager)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert duplicate.deleted_at is not None
    assert duplicate.changes.get(field="merged_into").new == f"{survivor.code} {survivor.name}"
    assert survivor.changes.get(field="merged").new == f"{duplicate.code} {duplicate.name}"
    assert survivor.changes.filter(field="created").count() == 2  # the duplicate's history came along


def test_the_credit_profiles_are_derived_again(manager, survivor, duplicate):
    merge(survivor, duplicate, manager)
    assert CreditProfile.objects.get(customer=survivor).trailing_12m_purchases == Decimal(10000)
    assert CreditProfile.objects.get(customer=duplicate).trailing_12m_purchases == 0


def test_a_failure_midway_leaves_both_dossiers_untouched(manager, survivor, duplicate, monkeypatch):
    def archives_fail(fact):
        raise RuntimeError("archives down")

    monkeypatch.setitem(
        events._participants, events.CustomersMerged, [*events._participants[events.CustomersMerged], archives_fail]
    )
    with pytest.raises(RuntimeError):
        merge(survivor, duplicate, manager, {"phone": "duplicate"})
    duplicate.refresh_from_db()
    assert (duplicate.deleted_at, duplicate.merged_into_id, duplicate.external_id) == (None, None, "ERP-77")
    assert Customer.objects.get(pk=survivor.pk).phone == "0571-88886666"
    assert duplicate.contacts.count() == 1
    assert Order.objects.get().customer_id == duplicate.pk


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param("itself", "cannot be merged into itself", id="into-itself"),
        pytest.param("merged", "already merged", id="already-merged"),
        pytest.param("field", "Unknown field", id="unknown-field"),
    ],
)
def test_impossible_merges_are_refused(manager, survivor, duplicate, case, message):
    if case == "merged":
        merge(survivor, duplicate, manager)
    other = survivor if case == "itself" else duplicate
    keep = {"code": "duplicate"} if case == "field" else {}
    with pytest.raises(MergeRefused) as refusal:
        customer_merge(survivor=survivor, duplicate=other, keep=keep, by=manager, today=TODAY)
    assert message in str(refusal.value.errors)


def test_a_merged_dossier_cannot_be_restored(manager, survivor, duplicate):
    merge(survivor, duplicate, manager)
    with pytest.raises(services.DossierRefused):
        services.customer_restore(customer=duplicate, by=manager)
    duplicate.refresh_from_db()
    assert duplicate.deleted_at is not None
