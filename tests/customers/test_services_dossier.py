"""Dossier writes (DOMAIN §2): codes, sections with field history, completeness, archive, review."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from credit.models import CreditProfile
from customers import services
from customers.models import ChangeRecord, Customer, FinancialFigure, Review, Section
from customers.rules.review import ReviewPolicy
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def test_codes_are_server_generated_unique_and_sequential(rep):
    """DOMAIN §2 唯一性: every dossier gets its own code, never typed by hand."""
    first, second = make_customer(owner=rep), make_customer(owner=rep)
    assert first.code.startswith("C")
    assert second.code.startswith("C")
    assert int(second.code[1:]) == int(first.code[1:]) + 1


def test_code_survives_every_section_edit(customer, rep):
    code = customer.code
    services.dossier_section_update(
        customer=customer, section="basic", values={"name": "New name"}, by=rep, today=TODAY
    )
    customer.refresh_from_db()
    assert customer.code == code
    assert customer.name == "New name"


def test_a_new_dossier_has_one_created_entry_and_later_changes_keep_the_first_value(rep):
    """DOMAIN §2 history: creation is one entry (who, when, owner); the first value of a field shows up as the
    "old" side of its first change, so nothing is lost by not writing a row per initial field."""
    customer = make_customer(owner=rep, name="First name", sections={"basic": {"postcode": "310000"}})
    assert list(ChangeRecord.objects.filter(customer=customer).values_list("section", "field", "old", "new", "by")) == [
        ("record", "created", "", "rep", rep.pk)
    ]
    services.dossier_section_update(
        customer=customer, section="basic", values={"postcode": "200000"}, by=rep, today=TODAY
    )
    change = ChangeRecord.objects.get(customer=customer, field="postcode")
    assert (change.old, change.new) == ("310000", "200000")


def test_section_edit_records_who_when_field_old_and_new(customer, rep):
    """DOMAIN §2: each section keeps its change history (who, when, old → new)."""
    services.dossier_section_update(
        customer=customer,
        section="characteristics",
        values={"market_area": "华东", "development_potential": "高"},
        by=rep,
        today=TODAY,
    )
    records = ChangeRecord.objects.filter(customer=customer, section=Section.CHARACTERISTICS)
    assert {(r.field, r.old, r.new, r.by_id) for r in records} == {
        ("market_area", "", "华东", rep.pk),
        ("development_potential", "", "高", rep.pk),
    }


def test_saving_unchanged_values_writes_no_history_and_keeps_the_version(customer, rep):
    before = ChangeRecord.objects.filter(customer=customer).count()
    version = customer.version
    services.dossier_section_update(
        customer=customer, section="basic", values={"name": customer.name}, by=rep, today=TODAY
    )
    customer.refresh_from_db()
    assert ChangeRecord.objects.filter(customer=customer).count() == before
    assert customer.version == version


def test_basic_section_spans_customer_columns_and_the_basic_table(customer, rep):
    services.dossier_section_update(
        customer=customer,
        section="basic",
        values={"phone": "021-1", "legal_representative": "李四"},
        by=rep,
        today=TODAY,
    )
    customer = Customer.objects.select_related("basic").get(pk=customer.pk)
    assert customer.phone == "021-1"
    assert customer.basic.legal_representative == "李四"
    assert set(customer.changes.filter(section="basic").values_list("field", flat=True)) >= {
        "phone",
        "legal_representative",
    }


def test_completeness_rises_as_required_fields_are_filled(rep, settings):
    """DOMAIN §2 完整性, with the required fields a setting."""
    settings.CRM_COMPLETENESS_REQUIRED = {"intermediate": ["customer.name", "basic.legal_representative", "contacts"]}
    customer = make_customer(owner=rep)
    assert customer.completeness == 33
    services.dossier_section_update(
        customer=customer, section="basic", values={"legal_representative": "王五"}, by=rep, today=TODAY
    )
    customer.refresh_from_db()
    assert customer.completeness == 66
    services.contact_save(customer=customer, values={"name": "赵六", "title": "采购"}, by=rep)
    customer.refresh_from_db()
    assert customer.completeness == 100


def test_removing_the_last_contact_lowers_completeness(rep, settings):
    settings.CRM_COMPLETENESS_REQUIRED = {"intermediate": ["customer.name", "contacts"]}
    customer = make_customer(owner=rep, contacts=1)
    assert customer.completeness == 100
    services.contact_delete(contact=customer.contacts.get(), by=rep)
    customer.refresh_from_db()
    assert customer.completeness == 50
    assert customer.changes.filter(section="contacts", new="").exists()


def test_financial_figures_keep_their_date_and_earlier_values(customer, rep):
    """DOMAIN §2 operating status: figures as numbers, each with the date it refers to, and a source."""
    first = services.FigureInput(metric="net_worth", value=Decimal("1000000.00"), as_of=date(2025, 12, 31))
    services.operating_status_update(customer=customer, values={}, figures=[first], source="bank", by=rep, today=TODAY)
    second = services.FigureInput(metric="net_worth", value=Decimal("1200000.00"), as_of=date(2026, 6, 30))
    services.operating_status_update(
        customer=customer, values={}, figures=[second], source="customer", by=rep, today=TODAY
    )
    rows = FinancialFigure.objects.filter(customer=customer).order_by("as_of")
    assert [(r.value, r.as_of, r.source) for r in rows] == [
        (Decimal("1000000.00"), date(2025, 12, 31), "bank"),
        (Decimal("1200000.00"), date(2026, 6, 30), "customer"),
    ]
    change = customer.changes.filter(field="net_worth").first()
    assert change.old == "1000000.00 @ 2025-12-31"
    assert change.new == "1200000.00 @ 2026-06-30"


def test_resaving_the_same_figure_records_nothing(customer, rep):
    figure = services.FigureInput(metric="employees", value=Decimal(120), as_of=date(2026, 1, 1))
    services.operating_status_update(
        customer=customer, values={}, figures=[figure], source="customer", by=rep, today=TODAY
    )
    services.operating_status_update(
        customer=customer, values={}, figures=[figure], source="customer", by=rep, today=TODAY
    )
    assert customer.changes.filter(field="employees").count() == 1


def test_archive_is_soft_and_restorable(customer, manager):
    """DOMAIN §1: sales managers archive (soft-delete) dossiers; nothing is lost."""
    services.customer_archive(customer=customer, by=manager)
    customer.refresh_from_db()
    assert customer.deleted_at is not None
    assert customer.deleted_by == manager
    assert Customer.objects.filter(pk=customer.pk).exists()
    services.customer_restore(customer=customer, by=manager)
    customer.refresh_from_db()
    assert customer.deleted_at is None
    assert list(customer.changes.filter(field="archived").values_list("section", flat=True)) == ["record", "record"]


def test_reassign_moves_the_dossier_and_records_it(customer, rep, other_rep, manager):
    services.customer_reassign(customer=customer, new_owner=other_rep, by=manager, today=TODAY)
    customer.refresh_from_db()
    assert customer.owner == other_rep
    change = customer.changes.filter(field="owner").first()
    assert (change.old, change.new, change.by) == (rep.username, other_rep.username, manager)


def test_review_restarts_the_cycle(customer, rep):
    """DOMAIN §7: a review is a record of who confirmed which sections; the next one is due an interval later."""
    review = services.dossier_review_record(
        customer=customer,
        sections=["basic", "contacts"],
        notes="Visited",
        by=rep,
        today=date(2026, 11, 1),
        policy=ReviewPolicy(),
    )
    customer.refresh_from_db()
    assert Review.objects.get() == review
    assert review.sections == ["basic", "contacts"]
    assert customer.last_reviewed_on == date(2026, 11, 1)
    assert customer.review_state.next_review_due == date(2027, 4, 30)
    assert customer.review_state.is_stale is False


@pytest.mark.parametrize(
    ("core", "due"), [(True, date(2026, 12, 31)), (False, date(2027, 4, 30))], ids=["core", "other"]
)
def test_review_sets_the_policy_interval_for_the_customers_tier_at_once(customer, rep, core, due):
    """DOMAIN §7: after a review the next one is due 60 days on for core customers and 180 for the others, at
    once, not after the nightly scan."""
    CreditProfile.objects.create(customer=customer, is_core=core)
    services.dossier_review_record(
        customer=customer, sections=["basic"], notes="", by=rep, today=date(2026, 11, 1), policy=ReviewPolicy()
    )
    customer.refresh_from_db()
    assert customer.review_state.next_review_due == due


def test_review_leaves_a_medium_customer_with_a_limit_and_no_report_stale(rep):
    """DOMAIN §7: a review does not clear staleness that has another cause (no valid credit report)."""
    customer = make_customer(owner=rep, size="medium")
    CreditProfile.objects.create(customer=customer, credit_limit=Decimal(80000))
    services.dossier_review_record(
        customer=customer, sections=["basic"], notes="", by=rep, today=date(2026, 11, 1), policy=ReviewPolicy()
    )
    customer.refresh_from_db()
    assert customer.review_state.is_stale is True


def test_a_second_customer_with_the_same_uscc_is_refused(customer, rep):
    """DOMAIN §2 唯一性: the write path refuses it with a message, whichever channel sent it."""
    with pytest.raises(services.DossierRefused) as refused:
        make_customer(owner=rep, unified_social_credit_code=customer.unified_social_credit_code)
    assert list(refused.value.errors) == ["unified_social_credit_code"]


def test_a_failed_write_leaves_no_half_written_record(rep):
    """Writes that belong together are one transaction: no code is burnt into a half dossier."""
    count = Customer.objects.count()
    with pytest.raises(IntegrityError):
        services.customer_create(by=rep, owner=rep, values={"name": "X"}, sections={"basic": {"age": -1}}, today=TODAY)
    assert Customer.objects.count() == count
