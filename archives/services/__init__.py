"""Every write to the archive (DOMAIN §9). Browser forms and the API call these same functions."""

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.models import REGISTER_FIELDS, ArchiveDocument, Borrowing, DocumentEvent, Handover
from archives.rules.custody import (
    BorrowingAction,
    BorrowingStatus,
    BorrowingStep,
    Custody,
    TransitionRefused,
    archive_number,
    archive_sequence_name,
    borrowing_due_error,
    borrowing_next,
)
from archives.selectors import document_for
from crm.errors import AccessDenied
from crm.events import CustomersMerged
from crm.models import AccessLog, Reminder
from crm.services import access_log_record, number_sequence_take, reminders_close_cause
from crm.uploads import upload_verdict
from customers.models import Customer
from customers.selectors import owner_candidates
from customers.services import customers_reassign_bulk


class BorrowingRefused(Exception):
    """A borrowing step refused by DOMAIN §9; ``reason`` is a code the entry points translate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class HandoverRefused(Exception):
    """A handover that cannot be made (nothing to move, or a new owner who cannot own customers): nothing is
    recorded; ``reason`` is a code the entry points translate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _event(
    document: ArchiveDocument, by: AbstractBaseUser, action: str, note: str = "", borrowing: Borrowing | None = None
) -> None:
    DocumentEvent.objects.create(document=document, borrowing=borrowing, by=by, action=action, note=note[:300])


def _store_scan(document: ArchiveDocument, upload: UploadedFile) -> str:
    """Store the scan under a random name (the client's name is kept only as a label) with its checked type."""
    verdict = upload_verdict(upload)
    if not verdict.accepted:
        raise ValueError(f"scan refused: {verdict.error}")  # entry points check first; this is the last guard
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    old = document.scan.name if document.scan else None
    document.scan.save(f"{uuid.uuid4().hex}.{suffix}", upload, save=False)
    document.scan_name, document.scan_size, document.scan_content_type = (
        upload.name[-200:],
        upload.size,
        verdict.content_type,
    )
    if old:
        storage, name = document.scan.storage, old
        transaction.on_commit(lambda: storage.delete(name))
    return document.scan.name


@contextmanager
def _scan_removed_on_error(document: ArchiveDocument, upload: UploadedFile | None) -> Iterator[None]:
    """Store the scan, and delete it again if the rest of the write fails, so no file is left without its row."""
    stored = _store_scan(document, upload) if upload is not None else None
    try:
        yield
    except Exception:
        if stored:
            document.scan.storage.delete(stored)
        raise


@transaction.atomic
def archive_document_register(
    *,
    customer: Customer,
    values: Mapping[str, Any],
    by: AbstractBaseUser,
    today: date,
    scan: UploadedFile | None = None,
) -> ArchiveDocument:
    """Register an original 档案登记 with the next archive number of ``today``'s year, and its scan if given
    (DOMAIN §9)."""
    year = today.year
    pattern = settings.CRM_ARCHIVE_NUMBER_PATTERN
    (number,) = number_sequence_take(name=archive_sequence_name(pattern, year=year))
    document = ArchiveDocument(
        customer=customer,
        registered_by=by,
        number=archive_number(pattern, year=year, number=number),
        **{name: values[name] for name in REGISTER_FIELDS if name in values},
    )
    with _scan_removed_on_error(document, scan), transaction.atomic():
        document.save()
        _event(document, by, DocumentEvent.Action.REGISTERED, document.title)  # its type is on the page
        if scan is not None:
            _event(document, by, DocumentEvent.Action.SCAN_UPLOADED, document.scan_name)
    return document


def _locked(document: ArchiveDocument) -> ArchiveDocument:
    return ArchiveDocument.objects.select_for_update().select_related("customer").get(pk=document.pk)


@transaction.atomic
def archive_document_update(*, document: ArchiveDocument, values: Mapping[str, Any], by: AbstractBaseUser) -> list[str]:
    """Correct the register entry; the document history names the fields changed. Returns their names."""
    document = _locked(document)
    changed = [name for name in REGISTER_FIELDS if name in values and getattr(document, name) != values[name]]
    if not changed:
        return []
    if values.get("view_only") and document.custody == Custody.LENT:
        raise BorrowingRefused("lent_now")
    for name in changed:
        setattr(document, name, values[name])
    document.version += 1
    document.save(update_fields=[*changed, "version"])
    _event(document, by, DocumentEvent.Action.EDITED, ", ".join(changed))  # in words: DocumentEvent.note_text
    return changed


@transaction.atomic
def archive_scan_attach(*, document: ArchiveDocument, scan: UploadedFile, by: AbstractBaseUser) -> ArchiveDocument:
    """Attach or replace the electronic copy; the old file is removed once the change is committed."""
    document = _locked(document)
    with _scan_removed_on_error(document, scan), transaction.atomic():
        document.version += 1
        document.save(update_fields=["scan", "scan_name", "scan_size", "scan_content_type", "version"])
        _event(document, by, DocumentEvent.Action.SCAN_UPLOADED, document.scan_name)
    return document


@transaction.atomic
def archive_document_mark(*, document: ArchiveDocument, missing: bool, note: str, by: AbstractBaseUser) -> None:
    """Record that an original is missing from its place, or found again (DOMAIN §9 catalogue status)."""
    document = _locked(document)
    if missing and document.custody == Custody.LENT:
        raise BorrowingRefused("lent_now")
    target = Custody.MISSING if missing else Custody.IN_PLACE
    if document.custody == target or (not missing and document.custody != Custody.MISSING):
        return
    document.custody = target
    document.save(update_fields=["custody"])
    _event(document, by, DocumentEvent.Action.MARKED_MISSING if missing else DocumentEvent.Action.FOUND, note)


def _archive_access_log(
    document: ArchiveDocument, user: AbstractBaseUser, *, channel: str, action: str, reason: str = ""
) -> None:
    """Archive access is logged for everyone, the owner too: who, what, when, why (DOMAIN §9)."""
    access_log_record(
        user=user,
        customer=document.customer,
        channel=channel,
        action=action,
        object_ref=f"archive:{document.number}",
        reason=reason,
        owner_too=True,
    )


def archive_scan_download_log(*, document: ArchiveDocument, user: AbstractBaseUser, channel: str, reason: str) -> None:
    """Every download of a scan is logged with its reason (DOMAIN §9)."""
    _archive_access_log(document, user, channel=channel, action=AccessLog.Action.DOCUMENT_DOWNLOAD, reason=reason)


def archive_document_for_download(*, user: AbstractBaseUser, number: str) -> ArchiveDocument:
    """The document whose scan the user asks for, through the dossier gate; a refusal names the original, so the
    access log's entry for it (``crm.http.refusal_log``, DOMAIN §9) shows that another rep's customer was probed."""
    try:
        return document_for(user=user, number=number)
    except AccessDenied as refusal:
        refusal.object_ref = f"archive:{number}"
        raise


@transaction.atomic
def borrowing_request(
    *, document: ArchiveDocument, purpose: str, due_on: date, by: AbstractBaseUser, today: date
) -> Borrowing:
    """Ask to borrow an original 借阅申请 (DOMAIN §9). View-only originals are never lent; one open request
    per original at a time (a database constraint); the loan lasts at most CRM_BORROWING_MAX_DAYS."""
    document = _locked(document)
    if document.view_only:
        raise BorrowingRefused("view_only")
    if document.custody == Custody.MISSING:
        raise BorrowingRefused("not_in_place")
    due_error = borrowing_due_error(due_on=due_on, today=today, max_days=settings.CRM_BORROWING_MAX_DAYS)
    if due_error:
        raise BorrowingRefused(f"due_{due_error}")
    try:
        with transaction.atomic():
            borrowing = Borrowing.objects.create(document=document, borrower=by, purpose=purpose, due_on=due_on)
    except IntegrityError:
        raise BorrowingRefused("already_open") from None
    _event(document, by, DocumentEvent.Action.BORROW_REQUESTED, purpose, borrowing)
    return borrowing


STEP_EVENTS = {
    BorrowingAction.LOSE: DocumentEvent.Action.LOST,
    BorrowingAction.APPROVE: DocumentEvent.Action.BORROW_APPROVED,
    BorrowingAction.REFUSE: DocumentEvent.Action.BORROW_REFUSED,
    BorrowingAction.CANCEL: DocumentEvent.Action.BORROW_CANCELLED,
    BorrowingAction.LEND: DocumentEvent.Action.LENT,
    BorrowingAction.RETURN: DocumentEvent.Action.RETURNED,
}


@transaction.atomic
def borrowing_step(
    *,
    borrowing: Borrowing,
    action: BorrowingAction,
    by: AbstractBaseUser,
    today: date,
    note: str = "",
    due_on: date | None = None,
) -> Borrowing:
    """Move a borrowing one step: approve or refuse (archivist, not the borrower), lend (the original leaves
    the archive), return (it is back; its overdue reminders close) or cancel (DOMAIN §9)."""
    borrowing = Borrowing.objects.select_for_update().get(pk=borrowing.pk)
    document = _locked(borrowing.document)
    step = BorrowingStep(
        status=BorrowingStatus(borrowing.status),
        action=action,
        actor_is_requester=borrowing.borrower_id == by.pk,
        actor_is_archivist=by.has_perm("archives.keep_register"),
        view_only=document.view_only,
        custody=Custody(document.custody),
    )
    try:
        borrowing.status = borrowing_next(step)
    except TransitionRefused as refused:
        raise BorrowingRefused(refused.reason) from None
    _apply_step(borrowing, document, action, by, note, due_on, today)
    _event(document, by, STEP_EVENTS[action], note or borrowing.purpose, borrowing)
    return borrowing


def _apply_step(
    borrowing: Borrowing,
    document: ArchiveDocument,
    action: BorrowingAction,
    by: AbstractBaseUser,
    note: str,
    due_on: date | None,
    today: date,
) -> None:
    now = timezone.now()
    if action in {BorrowingAction.APPROVE, BorrowingAction.REFUSE}:
        borrowing.decided_by, borrowing.decided_at, borrowing.decision_note = by, now, note[:300]
    if action in {BorrowingAction.APPROVE, BorrowingAction.LEND}:
        _set_due(borrowing, due_on, today)
    if action == BorrowingAction.LEND:
        borrowing.lent_at, document.custody = now, Custody.LENT
    elif action in {BorrowingAction.RETURN, BorrowingAction.LOSE}:
        borrowing.returned_at = now
        document.custody = Custody.IN_PLACE if action == BorrowingAction.RETURN else Custody.MISSING
        reminders_close_cause(kind=Reminder.Kind.BORROWING_OVERDUE, cause_key=borrowing_cause(borrowing))
    borrowing.save()
    if action in {BorrowingAction.LEND, BorrowingAction.RETURN, BorrowingAction.LOSE}:
        document.save(update_fields=["custody"])
    if action in {BorrowingAction.LEND, BorrowingAction.RETURN}:
        lent = action == BorrowingAction.LEND
        log_action = AccessLog.Action.ORIGINAL_LENT if lent else AccessLog.Action.ORIGINAL_RETURNED
        _archive_access_log(
            document, borrowing.borrower, channel=AccessLog.Channel.WEB, action=log_action, reason=borrowing.purpose
        )


def _set_due(borrowing: Borrowing, due_on: date | None, today: date) -> None:
    """A new return date chosen at approval or hand-over; handing over also needs the date still ahead."""
    due_on = due_on or borrowing.due_on
    error = borrowing_due_error(due_on=due_on, today=today, max_days=settings.CRM_BORROWING_MAX_DAYS)
    if error == "past" or (error and due_on != borrowing.due_on):
        raise BorrowingRefused(f"due_{error}")
    borrowing.due_on = due_on


def borrowing_cause(borrowing: Borrowing) -> str:
    return f"borrowing:{borrowing.pk}"


@transaction.atomic
def customers_hand_over(
    *,
    from_owner: AbstractBaseUser,
    to_owner: AbstractBaseUser,
    customer_ids: Sequence[int] | None,
    reason: str,
    by: AbstractBaseUser,
) -> Handover:
    """Handover 移交: move all (``customer_ids`` None) or some customers of a rep to another owner in one
    recorded step — from, to, when, why, which customers — shown in each dossier's history (DOMAIN §9)."""
    if not owner_candidates().filter(pk=to_owner.pk).exists():
        raise HandoverRefused("not_an_owner")
    handover = Handover.objects.create(from_owner=from_owner, to_owner=to_owner, by=by, reason=reason)
    note = f"#{handover.pk} {reason}"
    moved = customers_reassign_bulk(
        from_owner=from_owner, to_owner=to_owner, customer_ids=customer_ids, by=by, note=note
    )
    if not moved:
        raise HandoverRefused("nothing_to_move")
    Through = Handover.customers.through
    Through.objects.bulk_create([Through(handover_id=handover.pk, customer_id=pk) for pk in moved], batch_size=5000)
    handover.customer_count = len(moved)
    handover.save(update_fields=["customer_count"])
    return handover


def customers_merge_take_over(fact: CustomersMerged) -> None:
    """DOMAIN §2.3, inside the merging transaction: the duplicate's originals (with their numbers, borrowings and
    history) join the survivor's catalogue."""
    ArchiveDocument.objects.filter(customer_id=fact.duplicate_id).update(customer_id=fact.survivor_id)
