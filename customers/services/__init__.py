"""Every write to a dossier (DOMAIN §2). Browser forms and the API call these same functions."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events
from crm.models import Reminder
from crm.services import reminders_close
from customers.classifications import OPPORTUNITY_KINDS
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
from customers.rules.figures import latest_by_metric
from customers.rules.review import ReviewPolicy
from customers.sections import CONTACT_FIELD_SEPARATOR, CONTACT_FIELDS, CUSTOMER_FIELDS, SECTION_MODELS
from customers.services.completeness import customer_completeness, customer_missing_fields
from customers.services.dossiers import (
    CODE_SEQUENCE,
    Action,
    CustomerInput,
    InputResult,
    Outcome,
    SectionChanges,
    WriteResult,
    dossiers_sync,
    dossiers_write,
    values_apply,
)
from customers.services.history import created_entry, customer_code, history_record, history_text
from customers.services.take_back import DossiersChanged, dossiers_take_back

__all__ = [  # the write path's types, for entry points that build inputs
    "CODE_SEQUENCE",
    "Action",
    "CustomerInput",
    "DossiersChanged",
    "Outcome",
    "SectionChanges",
    "WriteResult",
    "created_entry",
    "customer_code",
    "customer_missing_fields",
    "dossiers_sync",
    "dossiers_take_back",
    "dossiers_write",
]
from customers.services.review_state import dossier_state_refresh

REVIEW_REMINDER_KINDS = (Reminder.Kind.REVIEW_DUE, Reminder.Kind.REVIEW_OVERDUE, Reminder.Kind.STALE_DOSSIER)


@dataclass(frozen=True, slots=True)
class FigureInput:
    """A financial figure as entered: value and the date it refers to (DOMAIN §2 operating status)."""

    metric: str
    value: Decimal
    as_of: date


def _lock(customer: Customer) -> Customer:
    """Lock the customer row so concurrent writes to one dossier serialise, then read it with its sections.

    Two queries on purpose: in READ COMMITTED a writer that waited for the lock re-reads only the locked row,
    so sections joined into the locking query would be the ones from before the other writer committed
    (stale values, or a section row missed and inserted twice)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
    return Customer.objects.select_related("owner", *SECTION_MODELS).get(pk=customer.pk)


def _touch(customer: Customer, *extra_fields: str) -> None:
    """Bump the version (ETag), the update time and the completeness after a change."""
    customer.completeness = customer_completeness(customer, has_contacts=customer.contacts.exists())
    customer.version += 1
    customer.updated_at = timezone.now()
    customer.save(update_fields=["completeness", "version", "updated_at", *extra_fields])


def _one(result: WriteResult) -> InputResult:
    """The outcome of a batch of one; a refusal raises as the single-record callers expect."""
    (item,) = result.items
    if item.outcome == Outcome.CONFLICT:
        raise VersionConflict(item.errors["version"][0])
    if item.outcome == Outcome.REFUSED:
        raise DossierRefused(item.errors)
    return item


def customer_create(
    *,
    by: AbstractBaseUser,
    owner: AbstractBaseUser | None,
    values: Mapping[str, Any],
    today: date,
    sections: Mapping[str, Mapping[str, Any]] | None = None,
    external_id: str | None = None,
) -> Customer:
    """Open a new dossier with a fresh code (a batch of one of ``dossiers_write``). The history gets one
    "created" entry (who, when, owner): the first values need no rows of their own, since each later change
    keeps the value it replaced (DOMAIN §2). ``owner`` None: the writer owns it, if their role may."""
    item = CustomerInput.of(Action.CREATE, values=values, sections=sections, external_id=external_id, owner=owner)
    created = _one(dossiers_write(items=[item], by=by, today=today))
    return Customer.objects.select_related("owner", *SECTION_MODELS).get(pk=created.customer_id)


class DossierRefused(Exception):
    """The write was refused (permission, owner, uniqueness): ``errors`` maps fields to messages."""

    def __init__(self, errors: Mapping[str, Any]):
        super().__init__(errors)
        self.errors = dict(errors)


class DossierArchived(DossierRefused):
    """An archived dossier is read-only (DOMAIN §1 archive, a soft delete): restore it before changing it."""

    def __init__(self):
        super().__init__({"detail": [_("This dossier is archived and read-only; restore it before changing it.")]})

    def __str__(self) -> str:
        return str(self.errors["detail"][0])


def dossier_is_writable(customer: Customer) -> bool:
    """An archived dossier is read-only until a sales manager restores it."""
    return customer.deleted_at is None


def dossier_writable_check(customer: Customer) -> None:
    """Refuse any change to an archived dossier (``DossierArchived``): every write below asks, and so do the pages
    before they show a form, so the browser, the API and the import agree."""
    if not dossier_is_writable(customer):
        raise DossierArchived


class VersionConflict(Exception):
    """The dossier changed since the caller read it (API: If-Match → 412)."""


def _split_section_values(section: str, values: Mapping[str, Any]) -> tuple[dict, dict]:
    """The basic section's form carries customer columns too; split them from the section's own fields."""
    if section != Section.BASIC:
        return {}, {section: dict(values)}
    customer_values = {k: v for k, v in values.items() if k in CUSTOMER_FIELDS}
    return customer_values, {section: {k: v for k, v in values.items() if k not in CUSTOMER_FIELDS}}


def dossier_section_update(
    *,
    customer: Customer,
    section: str,
    values: Mapping[str, Any],
    by: AbstractBaseUser,
    today: date,
    expected_version: int | None = None,
) -> bool:
    """Save one section's form: only changed fields are written, each into the history (DOMAIN §2).
    ``expected_version`` as for ``dossier_update`` (the browser form's hidden version)."""
    if section not in SECTION_MODELS:
        raise ValueError(f"unknown section {section!r}")
    customer_values, sections = _split_section_values(section, values)
    return dossier_update(
        customer=customer,
        values=customer_values,
        sections=sections,
        by=by,
        today=today,
        expected_version=expected_version,
    )


def dossier_update(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]],
    by: AbstractBaseUser,
    today: date,
    owner: AbstractBaseUser | None = None,
    expected_version: int | None = None,
) -> bool:
    """Change customer fields, any sections and the owner in one step (a batch of one of ``dossiers_write``),
    each change into the history; True if anything changed.

    ``expected_version`` guards against lost updates (API If-Match): a stale version raises
    VersionConflict and nothing is written. Unchanged values write nothing and keep the version.
    """
    item = CustomerInput.of(
        Action.UPDATE,
        values=values,
        sections=sections,
        customer_id=customer.pk,
        owner=owner,
        expected_version=expected_version,
    )
    return _one(dossiers_write(items=[item], by=by, today=today)).outcome == Outcome.UPDATED


@transaction.atomic
def operating_status_update(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    figures: Sequence[FigureInput],
    source: str,
    by: AbstractBaseUser,
    today: date,
    expected_version: int | None = None,
) -> bool:
    """Save the operating status 营运状况 and its dated financial figures with their source (DOMAIN §2, §2.2).

    A figure with a new date adds a row (the earlier ones stay as the figure's history); a new value
    for an existing date replaces it. Both enter the change history; new figures are credit data (net worth).
    A stale ``expected_version`` raises VersionConflict before anything, figures included, is written.
    """
    changed = dossier_section_update(
        customer=customer,
        section=Section.OPERATING_STATUS,
        values=values,
        by=by,
        today=today,
        expected_version=expected_version,
    )
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
    if figure_changes and not changed:
        customer = _lock(customer)
        _touch(customer)
    history_record(customer, by, Section.OPERATING_STATUS, figure_changes)
    if figure_changes:
        events.publish(events.CreditDataChanged(customer_ids=(customer.pk,), today=today))
    return changed or bool(figure_changes)


def latest_figures(customer: Customer) -> dict[str, FinancialFigure]:
    """The most recent figure per metric (``rules.figures.latest_by_metric``)."""
    return latest_by_metric(FinancialFigure.objects.filter(customer=customer))


def _check_version(customer: Customer, expected_version: int | None) -> None:
    """Under the row lock: the caller's version must still be the dossier's (lost updates, If-Match)."""
    if expected_version is not None and expected_version != customer.version:
        raise VersionConflict(str(customer.version))


@transaction.atomic
def contact_save(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    by: AbstractBaseUser,
    contact: Contact | None = None,
    expected_version: int | None = None,
) -> Contact:
    """Add a contact or change one; the change history names the contact and the field. A stale
    ``expected_version`` (the dossier changed since the form was loaded) raises VersionConflict, nothing written."""
    customer = _lock(customer)
    dossier_writable_check(customer)
    _check_version(customer, expected_version)
    is_new = contact is None
    # The stored row, read under the lock: the caller's instance may be stale, or already carry the new values
    # (a bound ModelForm writes them into its instance), which would hide every change.
    contact = Contact(customer=customer) if is_new else Contact.objects.get(pk=contact.pk, customer=customer)
    changes = values_apply(contact, values, CONTACT_FIELDS)
    if not changes and not is_new:
        return contact
    contact.save()
    label = contact.name
    changes = [(f"{label}{CONTACT_FIELD_SEPARATOR}{name}", old, new) for name, old, new in changes]
    history_record(customer, by, Section.CONTACTS, changes)
    _touch(customer)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: AbstractBaseUser, expected_version: int | None = None) -> None:
    customer = _lock(contact.customer)
    dossier_writable_check(customer)
    _check_version(customer, expected_version)
    history_record(customer, by, Section.CONTACTS, [(contact.name, f"{contact.name} ({contact.title})", None)])
    contact.delete()
    _touch(customer)


@transaction.atomic
def interaction_record(
    *,
    customer: Customer,
    kind: str,
    occurred_on: date,
    subject: str,
    by: AbstractBaseUser,
    today: date,
    details: str = "",
    promotion: str = "",
    response: str = "",
    cost: Decimal | None = None,
) -> Interaction:
    """Add a customer-card record (visit report, feedback, complaint…, DOMAIN §2). Only a promotion response keeps
    its promotion, response and cost (DOMAIN §10.6); the entry points require them for that kind. A technical
    requirement or a promotion response opens an opportunity (DOMAIN §2.1 upcoming): the classes are derived again
    after commit."""
    dossier_writable_check(customer)
    if kind != Interaction.Kind.PROMOTION_RESPONSE:
        promotion, response, cost = "", "", None
    interaction = Interaction.objects.create(
        customer=customer,
        kind=kind,
        occurred_on=occurred_on,
        subject=subject,
        details=details,
        promotion=promotion,
        response=response,
        cost=cost,
        author=by,
    )
    if kind in OPPORTUNITY_KINDS:
        events.publish(events.CreditDataChanged(customer_ids=(customer.pk,), today=today))
    return interaction


@transaction.atomic
def credit_document_add(
    *, customer: Customer, values: Mapping[str, Any], by: AbstractBaseUser, today: date
) -> CreditDocument:
    """Attach a credit document with its information source (DOMAIN §2 credit data, §2.2). The credit app
    derives the profile from credit data again after commit, whichever channel added it."""
    customer = _lock(customer)
    dossier_writable_check(customer)
    document = CreditDocument.objects.create(customer=customer, added_by=by, **values)
    label = f"{document.get_doc_type_display()}: {document.title} ({document.get_source_display()})"
    history_record(customer, by, Section.CREDIT_DATA, [("document", None, label)])
    _touch(customer)
    events.publish(events.CreditDataChanged(customer_ids=(customer.pk,), today=today))
    return document


@transaction.atomic
def dossier_review_record(
    *,
    customer: Customer,
    sections: Sequence[str],
    notes: str,
    by: AbstractBaseUser,
    today: date,
    policy: ReviewPolicy,
) -> Review:
    """Record a comprehensive review 全面修订核查 and restart the review cycle (DOMAIN §7). The next due date
    and the stale flag come from the nightly scan's own rule at once, with the caller's credit policy (by default
    60 days for core customers, 180 for the others); still stale if a medium/large customer with a limit has no valid
    credit report."""
    customer = _lock(customer)
    dossier_writable_check(customer)
    review = Review.objects.create(
        customer=customer, reviewed_on=today, reviewed_by=by, sections=list(sections), notes=notes
    )
    history_record(customer, by, Section.RECORD, [("reviewed", history_text(customer.last_reviewed_on), today)])
    customer.last_reviewed_on = today
    customer.save(update_fields=["last_reviewed_on"])
    dossier_state_refresh(customer_ids=[customer.pk], today=today, policy=policy)
    customer.review_state = ReviewState.objects.get(customer=customer)
    reminders_close(customer_id=customer.pk, kinds=REVIEW_REMINDER_KINDS)
    return review


def customer_reassign(
    *, customer: Customer, new_owner: AbstractBaseUser, by: AbstractBaseUser, today: date
) -> Customer:
    """Give the dossier to another owner; the company, not the rep, owns the customer (DOMAIN §2)."""
    dossier_writable_check(customer)
    dossier_update(customer=customer, values={}, sections={}, owner=new_owner, by=by, today=today)
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
    moves = tuple(events.OwnerMove(pk, from_owner.pk, to_owner.pk) for pk in ids)
    if moves:
        events.publish(events.OwnerChanged(moves=moves))
    return ids


@transaction.atomic
def customer_archive(*, customer: Customer, by: AbstractBaseUser) -> Customer:
    """Archive (soft-delete) the dossier: it leaves the lists but no data is lost (DOMAIN §1)."""
    customer = _lock(customer)
    if customer.deleted_at is not None:
        return customer
    customer.deleted_at, customer.deleted_by = timezone.now(), by
    history_record(customer, by, Section.RECORD, [("archived", None, customer.deleted_at.isoformat())])
    _touch(customer, "deleted_at", "deleted_by")
    return customer


@transaction.atomic
def customer_restore(*, customer: Customer, by: AbstractBaseUser) -> Customer:
    """Bring an archived dossier back into the lists; a merged one stays where it went (DOMAIN §2.3: its records
    are the survivor's now), refused with DossierRefused."""
    customer = _lock(customer)
    if customer.merged_into_id is not None:
        raise DossierRefused({"detail": [_("This dossier was merged into another one; it cannot be restored.")]})
    if customer.deleted_at is None:
        return customer
    history_record(customer, by, Section.RECORD, [("archived", customer.deleted_at.isoformat(), None)])
    customer.deleted_at, customer.deleted_by = None, None
    _touch(customer, "deleted_at", "deleted_by")
    return customer
