"""Every write to a dossier (DOMAIN §2). Browser forms and the API call these same functions."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crm.models import Reminder
from crm.services import number_sequence_take, reminders_close, reminders_hand_over
from customers.models import (
    ChangeRecord,
    Contact,
    CreditDocument,
    Customer,
    FinancialFigure,
    Interaction,
    Review,
    ReviewState,
    Section,
)
from customers.rules.completeness import completeness, missing_fields
from customers.rules.review import ReviewPolicy, next_review_due
from customers.sections import CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.services.review_state import dossier_state_refresh

CODE_SEQUENCE = "customer"
DEFAULT_REVIEW_POLICY = ReviewPolicy()


def created_entry(owner: AbstractBaseUser) -> tuple[str, None, str]:
    """The one history entry of a new dossier: field "created", new value the owner's username."""
    return ("created", None, owner.get_username())


REVIEW_REMINDER_KINDS = (Reminder.Kind.REVIEW_DUE, Reminder.Kind.REVIEW_OVERDUE, Reminder.Kind.STALE_DOSSIER)
CONTACT_FIELDS = ("name", "title", "phone", "mobile", "email", "birthday", "preferences", "notes")


def customer_code(number: int) -> str:
    """The customer code 客户编码: ``C`` and at least six digits, e.g. C000123 (unique, never reused)."""
    return f"C{number:06d}"


def history_text(value: Any) -> str:
    """How a value is written into the change history."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class FigureInput:
    """A financial figure as entered: value and the date it refers to (DOMAIN §2 operating status)."""

    metric: str
    value: Decimal
    as_of: date


_SECTION_ATTNAMES = {
    section: {field.name: field.attname for field in model._meta.concrete_fields}
    for section, model in SECTION_MODELS.items()
}


def _lock(customer: Customer) -> Customer:
    """Lock the customer row so concurrent writes to one dossier serialise, then read it with its sections.

    Two queries on purpose: in READ COMMITTED a writer that waited for the lock re-reads only the locked row,
    so sections joined into the locking query would be the ones from before the other writer committed
    (stale values, or a section row missed and inserted twice)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
    return Customer.objects.select_related("owner", *SECTION_MODELS).get(pk=customer.pk)


def _completeness_values(
    customer: Customer, *, has_contacts: bool, rows: Mapping | None, names: Sequence[str]
) -> dict[str, object]:
    """The values of the required ``names`` (``customer.phone``, ``basic.postcode``, ``contacts``), and only those:
    the bulk upsert computes completeness for a thousand dossiers at a time."""
    values: dict[str, object] = {"contacts": has_contacts}
    for name in names:
        owner_part, _, field_name = name.partition(".")
        if owner_part == "customer":
            values[name] = getattr(customer, field_name)
        elif owner_part in SECTION_MODELS:
            row = rows[owner_part] if rows is not None else getattr(customer, owner_part)
            values[name] = getattr(row, _SECTION_ATTNAMES[owner_part].get(field_name, field_name))
    return values


def customer_completeness(customer: Customer, *, has_contacts: bool, rows: Mapping | None = None) -> int:
    """Completeness 完整性 of the dossier for its kind (DOMAIN §2); the required fields are a setting.

    ``rows`` gives the section rows when they are not (yet) attached to the customer.
    """
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    return completeness(_completeness_values(customer, has_contacts=has_contacts, rows=rows, names=required), required)


def customer_missing_fields(customer: Customer, *, has_contacts: bool) -> list[str]:
    """The required fields still empty, as "<section>.<field>" names (DOMAIN §2 completeness)."""
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    return missing_fields(
        _completeness_values(customer, has_contacts=has_contacts, rows=None, names=required), required
    )


def _touch(customer: Customer, *extra_fields: str) -> None:
    """Bump the version (ETag), the update time and the completeness after a change."""
    customer.completeness = customer_completeness(customer, has_contacts=customer.contacts.exists())
    customer.version += 1
    customer.updated_at = timezone.now()
    customer.save(update_fields=["completeness", "version", "updated_at", *extra_fields])


def _record(customer: Customer, by, section: str, changes: Sequence[tuple[str, Any, Any]]) -> list[ChangeRecord]:
    now = timezone.now()
    rows = [
        ChangeRecord(
            customer=customer, at=now, by=by, section=section, field=field, old=history_text(old), new=history_text(new)
        )
        for field, old, new in changes
    ]
    return ChangeRecord.objects.bulk_create(rows)


def _apply(target, values: Mapping[str, Any], fields: Sequence[str]) -> list[tuple[str, Any, Any]]:
    """Set the given fields on ``target``; return (field, old, new) for each value that changed."""
    changes = []
    for name in fields:
        if name not in values:
            continue
        old, new = getattr(target, name), values[name]
        if old != new:
            setattr(target, name, new)
            changes.append((name, old, new))
    return changes


@transaction.atomic
def customer_create(
    *,
    by: AbstractBaseUser,
    owner: AbstractBaseUser,
    values: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]] | None = None,
    external_id: str | None = None,
    today: date,
) -> Customer:
    """Open a new dossier with a fresh code. The history gets one "created" entry (who, when, owner): the first
    values need no rows of their own, since each later change keeps the value it replaced (DOMAIN §2)."""
    sections = sections or {}
    number = number_sequence_take(name=CODE_SEQUENCE)[0]
    customer = Customer(code=customer_code(number), owner=owner, created_by=by, external_id=external_id or None)
    _apply(customer, values, CUSTOMER_FIELDS)
    customer.save()
    due = next_review_due(last_reviewed_on=None, created_on=today, interval_days=settings.CRM_REVIEW_INTERVAL_DAYS)
    ReviewState.objects.create(customer=customer, next_review_due=due)
    for section, model in SECTION_MODELS.items():
        row = model(customer=customer)
        if _apply(row, sections.get(section, {}), section_model_fields(section)):
            row.save(force_insert=True)  # a section without values gets its row on its first write
        setattr(customer, section, row)
    _record(customer, by, Section.RECORD, [created_entry(owner)])
    customer.completeness = customer_completeness(customer, has_contacts=False)
    customer.save(update_fields=["completeness"])
    return customer


class VersionConflict(Exception):
    """The dossier changed since the caller read it (API: If-Match → 412)."""


def _split_section_values(section: str, values: Mapping[str, Any]) -> tuple[dict, dict]:
    """The basic section's form carries customer columns too; split them from the section's own fields."""
    if section != Section.BASIC:
        return {}, {section: dict(values)}
    customer_values = {k: v for k, v in values.items() if k in CUSTOMER_FIELDS}
    return customer_values, {section: {k: v for k, v in values.items() if k not in CUSTOMER_FIELDS}}


def dossier_section_update(
    *, customer: Customer, section: str, values: Mapping[str, Any], by: AbstractBaseUser
) -> list[ChangeRecord]:
    """Save one section's form: only changed fields are written, each into the history (DOMAIN §2)."""
    if section not in SECTION_MODELS:
        raise ValueError(f"unknown section {section!r}")
    customer_values, sections = _split_section_values(section, values)
    return dossier_update(customer=customer, values=customer_values, sections=sections, by=by)


@transaction.atomic
def dossier_update(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]],
    by: AbstractBaseUser,
    owner: AbstractBaseUser | None = None,
    expected_version: int | None = None,
) -> list[ChangeRecord]:
    """Change customer fields, any sections and the owner in one step, each change into the history.

    ``expected_version`` guards against lost updates (API If-Match): a stale version raises
    VersionConflict and nothing is written. Unchanged values write nothing and keep the version.
    """
    customer = _lock(customer)
    if expected_version is not None and customer.version != expected_version:
        raise VersionConflict(customer.version)
    changes = {Section.BASIC: _apply(customer, values, (*CUSTOMER_FIELDS, "external_id"))}
    customer_fields = [name for name, _, _ in changes[Section.BASIC]]
    for section in SECTION_MODELS:
        row = getattr(customer, section)
        row_changes = _apply(row, sections.get(section, {}), section_model_fields(section))
        if row_changes and row._state.adding:  # no row yet (see models.SectionField): written now
            row.save(force_insert=True)
        elif row_changes:
            row.save(update_fields=[name for name, _, _ in row_changes])
        changes.setdefault(section, []).extend(row_changes)
    if owner is not None and owner.pk != customer.owner_id:
        changes[Section.RECORD] = [("owner", customer.owner.get_username(), owner.get_username())]
        reminders_hand_over(customer_ids=[customer.pk], from_user_id=customer.owner_id, to_user_id=owner.pk)
        customer.owner = owner
        customer_fields.append("owner")
    if not any(changes.values()):
        return []
    _touch(customer, *customer_fields)
    return [record for section, items in changes.items() for record in _record(customer, by, section, items)]


@transaction.atomic
def operating_status_update(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    figures: Sequence[FigureInput],
    source: str,
    by: AbstractBaseUser,
) -> list[ChangeRecord]:
    """Save the operating status 营运状况 and its dated financial figures with their source (DOMAIN §2, §2.2).

    A figure with a new date adds a row (the earlier ones stay as the figure's history); a new value
    for an existing date replaces it. Both enter the change history.
    """
    records = dossier_section_update(customer=customer, section=Section.OPERATING_STATUS, values=values, by=by)
    latest = latest_figures(customer)
    figure_changes = []
    for figure in figures:
        before = latest.get(figure.metric)
        if before is not None and (before.value, before.as_of) == (figure.value, figure.as_of):
            continue
        FinancialFigure.objects.update_or_create(
            customer=customer,
            metric=figure.metric,
            as_of=figure.as_of,
            defaults={"value": figure.value, "source": source, "recorded_by": by, "recorded_at": timezone.now()},
        )
        old = f"{history_text(before.value)} @ {before.as_of.isoformat()}" if before else None
        figure_changes.append((figure.metric, old, f"{history_text(figure.value)} @ {figure.as_of.isoformat()}"))
    if figure_changes and not records:
        customer = _lock(customer)
        _touch(customer)
    return records + _record(customer, by, Section.OPERATING_STATUS, figure_changes)


def latest_figures(customer: Customer) -> dict[str, FinancialFigure]:
    """The most recent figure per metric."""
    latest: dict[str, FinancialFigure] = {}
    for figure in FinancialFigure.objects.filter(customer=customer).order_by("metric", "-as_of"):
        latest.setdefault(figure.metric, figure)
    return latest


@transaction.atomic
def contact_save(
    *, customer: Customer, values: Mapping[str, Any], by: AbstractBaseUser, contact: Contact | None = None
) -> Contact:
    """Add a contact or change one; the change history names the contact and the field."""
    customer = _lock(customer)
    is_new = contact is None
    contact = contact or Contact(customer=customer)
    changes = _apply(contact, values, CONTACT_FIELDS)
    if not changes and not is_new:
        return contact
    contact.save()
    label = contact.name
    _record(customer, by, Section.CONTACTS, [(f"{label} · {name}", old, new) for name, old, new in changes])
    _touch(customer)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: AbstractBaseUser) -> None:
    customer = _lock(contact.customer)
    _record(customer, by, Section.CONTACTS, [(contact.name, f"{contact.name} ({contact.title})", None)])
    contact.delete()
    _touch(customer)


@transaction.atomic
def interaction_record(
    *, customer: Customer, kind: str, occurred_on: date, subject: str, by: AbstractBaseUser, details: str = ""
) -> Interaction:
    """Add a customer-card record (visit report, feedback, complaint…, DOMAIN §2)."""
    return Interaction.objects.create(
        customer=customer, kind=kind, occurred_on=occurred_on, subject=subject, details=details, author=by
    )


@transaction.atomic
def credit_document_add(*, customer: Customer, values: Mapping[str, Any], by: AbstractBaseUser) -> CreditDocument:
    """Attach a credit document with its information source (DOMAIN §2 credit data, §2.2)."""
    customer = _lock(customer)
    document = CreditDocument.objects.create(customer=customer, added_by=by, **values)
    label = f"{document.get_doc_type_display()}: {document.title} ({document.get_source_display()})"
    _record(customer, by, Section.CREDIT_DATA, [("document", None, label)])
    _touch(customer)
    return document


@transaction.atomic
def dossier_review_record(
    *,
    customer: Customer,
    sections: Sequence[str],
    notes: str,
    by: AbstractBaseUser,
    today: date,
    policy: ReviewPolicy = DEFAULT_REVIEW_POLICY,
    report_months: int = 6,
) -> Review:
    """Record a comprehensive review 全面修订核查 and restart the review cycle (DOMAIN §7). The next due date
    and the stale flag come from the nightly scan's own rule at once, with the caller's credit policy: 60 days
    for core customers, 180 for the others; still stale if a medium/large customer with a limit has no valid
    credit report."""
    customer = _lock(customer)
    review = Review.objects.create(
        customer=customer, reviewed_on=today, reviewed_by=by, sections=list(sections), notes=notes
    )
    _record(customer, by, Section.RECORD, [("reviewed", history_text(customer.last_reviewed_on), today)])
    customer.last_reviewed_on = today
    customer.save(update_fields=["last_reviewed_on"])
    dossier_state_refresh(customer_id=customer.pk, today=today, policy=policy, report_months=report_months)
    customer.review_state = ReviewState.objects.get(customer=customer)
    reminders_close(customer_id=customer.pk, kinds=REVIEW_REMINDER_KINDS)
    return review


def customer_reassign(*, customer: Customer, new_owner: AbstractBaseUser, by: AbstractBaseUser) -> Customer:
    """Give the dossier to another owner; the company, not the rep, owns the customer (DOMAIN §2)."""
    dossier_update(customer=customer, values={}, sections={}, owner=new_owner, by=by)
    customer.refresh_from_db()
    return customer


HANDOVER_CHUNK = 5000


@transaction.atomic
def customers_reassign_bulk(
    *,
    from_owner: AbstractBaseUser,
    to_owner: AbstractBaseUser,
    customer_ids: Sequence[int] | None,
    by: AbstractBaseUser,
    note: str,
) -> list[int]:
    """Move all (``customer_ids`` None) or some of a rep's customers to another owner in one step, as in a
    handover 移交 (DOMAIN §9). Each dossier gets an owner change and the note in its history; the rep's open
    reminders about those customers follow them. Returns the ids moved; ids not owned by ``from_owner`` are
    left alone. Set-based: chunks of UPDATE and bulk inserts, no per-customer save."""
    owned = Customer.objects.filter(owner=from_owner)
    if customer_ids is not None:
        owned = owned.filter(pk__in=list(customer_ids))
    ids = list(owned.select_for_update().order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    old, new = from_owner.get_username(), to_owner.get_username()
    for start in range(0, len(ids), HANDOVER_CHUNK):
        chunk = ids[start : start + HANDOVER_CHUNK]
        Customer.objects.filter(pk__in=chunk).update(owner=to_owner, version=F("version") + 1, updated_at=now)
        ChangeRecord.objects.bulk_create(
            [
                ChangeRecord(customer_id=pk, at=now, by=by, section=Section.RECORD, field=field, old=before, new=after)
                for pk in chunk
                for field, before, after in (("owner", old, new), ("handover", "", note))
            ]
        )
        reminders_hand_over(customer_ids=chunk, from_user_id=from_owner.pk, to_user_id=to_owner.pk)
    return ids


@transaction.atomic
def customer_archive(*, customer: Customer, by: AbstractBaseUser) -> Customer:
    """Archive (soft-delete) the dossier: it leaves the lists but no data is lost (DOMAIN §1)."""
    customer = _lock(customer)
    if customer.deleted_at is not None:
        return customer
    customer.deleted_at, customer.deleted_by = timezone.now(), by
    _record(customer, by, Section.RECORD, [("archived", None, customer.deleted_at.isoformat())])
    _touch(customer, "deleted_at", "deleted_by")
    return customer


@transaction.atomic
def customer_restore(*, customer: Customer, by: AbstractBaseUser) -> Customer:
    """Bring an archived dossier back into the lists."""
    customer = _lock(customer)
    if customer.deleted_at is None:
        return customer
    _record(customer, by, Section.RECORD, [("archived", customer.deleted_at.isoformat(), None)])
    customer.deleted_at, customer.deleted_by = None, None
    _touch(customer, "deleted_at", "deleted_by")
    return customer
