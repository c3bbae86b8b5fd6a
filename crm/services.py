"""Writes of the shared pieces."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from knox.models import AuthToken

from crm.bulk import insert_per_key
from crm.events import OwnerChanged
from crm.models import AccessLog, NumberSequence, Reminder
from crm.roles import role_reason


class OwnedDossier(Protocol):
    """What the kernel needs of a dossier: its id and its owner's. A ``customers.models.Customer`` is one; the kernel
    does not import customers (the layers contract in pyproject.toml)."""

    pk: int
    owner_id: int


def number_sequence_take(*, name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of the named sequence; the row lock serialises callers. One statement
    once the sequence exists (a bulk upsert takes its codes in one round trip, not four)."""
    last = _number_sequence_advance(name, count)
    if last is None:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(name=name)
            last = _number_sequence_advance(name, count)
    return range(last - count + 1, last + 1)


def _number_sequence_advance(name: str, count: int) -> int | None:
    """Advance the sequence by ``count`` and return its new last number; None if there is no such sequence."""
    quote = connection.ops.quote_name
    meta = NumberSequence._meta
    table, last, key = quote(meta.db_table), quote(meta.get_field("last").column), quote(meta.get_field("name").column)
    with connection.cursor() as cursor:  # identifiers from the model's metadata, values as parameters
        cursor.execute(f"UPDATE {table} SET {last} = {last} + %s WHERE {key} = %s RETURNING {last}", [count, name])  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else row[0]


def access_log_record(
    *,
    user: AbstractBaseUser,
    customer: OwnedDossier,
    channel: str,
    action: str = AccessLog.Action.DOSSIER_READ,
    object_ref: str = "",
    reason: str = "",
    owner_too: bool = False,
) -> AccessLog | None:
    """Log a full read by someone who is not the owner (DOMAIN §1); owners' own reads are not logged unless
    ``owner_too`` (every download of an archive scan and every loan of an original is logged, DOMAIN §9)."""
    if customer.owner_id == user.pk and not owner_too:
        return None
    if not reason:  # no stated purpose: record the role that grants the access, so the log still says why
        reason = role_reason(user)
    return AccessLog.objects.create(
        user=user, customer_id=customer.pk, channel=channel, action=action, object_ref=object_ref, reason=reason[:200]
    )


def access_refusal_record(
    *, user: AbstractBaseUser, channel: str, object_ref: str, customer: OwnedDossier | None = None
) -> AccessLog | None:
    """Log a refused attempt (a 403: another rep's dossier, the approvals, the access log…) with what was asked
    for and, when it was a dossier, which one (DOMAIN §9); visitors who are not signed in are not logged."""
    if not getattr(user, "is_authenticated", False):
        return None
    return AccessLog.objects.create(
        user=user,
        customer_id=getattr(customer, "pk", None),
        channel=channel,
        action=AccessLog.Action.ACCESS_DENIED,
        object_ref=object_ref[:100],
        reason=role_reason(user)[:200],
    )


def access_log_record_rows(
    *, user: AbstractBaseUser, customers: Iterable[OwnedDossier], channel: str, object_ref: str
) -> int:
    """Log the full rows of a list page read by someone who is not their owner (DOMAIN §1): one row per customer, at
    the same time, written in one INSERT per page (``crm.bulk.insert_per_key``: no model instance per entry).
    Returns how many were logged."""
    read = [c.pk for c in customers if c.owner_id != user.pk]
    entry = {
        "at": timezone.now(),
        "user_id": user.pk,
        "action": AccessLog.Action.DOSSIER_READ.value,
        "channel": channel,
        "object_ref": object_ref,
        "reason": role_reason(user)[:200],
    }
    insert_per_key(AccessLog, "customer_id", read, entry)
    return len(read)


@dataclass(frozen=True, slots=True)
class ReminderInput:
    kind: str
    recipient_id: int
    due_on: date
    cause_key: str
    message: "Words | str"  # Words: shown in each reader's language; text: as written
    customer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Words:
    """A sentence to show later in each reader's language: its template, marked with ``gettext_noop``, and values."""

    template: str
    params: dict

    def __str__(self) -> str:
        return gettext(self.template) % self.params


def reminders_create(rows: Iterable[ReminderInput]) -> int:
    """Create reminders in bulk; one that exists for the same kind, recipient and cause is skipped by the
    database constraint (DOMAIN §7 idempotence). Returns how many were new."""
    rows = list(rows)
    if not rows:
        return 0
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=r.kind,
                recipient_id=r.recipient_id,
                customer_id=r.customer_id,
                due_on=r.due_on,
                cause_key=r.cause_key,
                message=str(r.message)[:300],
                message_words=(
                    {"template": r.message.template, "params": r.message.params} if isinstance(r.message, Words) else {}
                ),
            )
            for r in rows
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return Reminder.objects.count() - before


@transaction.atomic
def reminders_follow_owner(fact: OwnerChanged) -> None:
    """Reaction to an owner change from any channel: the old owner's open reminders go to the new one."""
    pairs: dict[tuple[int, int], list[int]] = {}
    for move in fact.moves:
        pairs.setdefault((move.from_user_id, move.to_user_id), []).append(move.customer_id)
    for (from_user_id, to_user_id), customer_ids in pairs.items():
        reminders_hand_over(customer_ids=customer_ids, from_user_id=from_user_id, to_user_id=to_user_id)


def reminders_hand_over(*, customer_ids: Sequence[int], from_user_id: int, to_user_id: int) -> int:
    """Give the open reminders about these customers to their new owner (handover, DOMAIN §9). One the new
    owner already has for the same cause stays theirs and the old one is dismissed."""
    open_ = Reminder.objects.filter(
        customer_id__in=customer_ids, recipient_id=from_user_id, status=Reminder.Status.OPEN
    ).exclude(kind=Reminder.Kind.BORROWING_OVERDUE)  # a loan stays with the person who borrowed the original
    duplicate = Reminder.objects.filter(kind=OuterRef("kind"), recipient_id=to_user_id, cause_key=OuterRef("cause_key"))
    open_.filter(Exists(duplicate)).update(status=Reminder.Status.DISMISSED, done_at=timezone.now())
    return open_.exclude(Exists(duplicate)).update(recipient_id=to_user_id, emailed_at=None)


def reminders_close_cause(*, kind: str, cause_key: str) -> int:
    """Mark the open reminders of one cause done, whoever received them (e.g. a returned original)."""
    return Reminder.objects.filter(kind=kind, cause_key=cause_key, status=Reminder.Status.OPEN).update(
        status=Reminder.Status.DONE, done_at=timezone.now()
    )


def reminders_close(*, customer_id: int, kinds: Iterable[str]) -> int:
    """Mark the customer's open reminders of these kinds done (e.g. a review clears review reminders)."""
    return Reminder.objects.filter(customer_id=customer_id, kind__in=list(kinds), status=Reminder.Status.OPEN).update(
        status=Reminder.Status.DONE, done_at=timezone.now()
    )


def reminder_mark(*, reminder: Reminder, status: str) -> Reminder:
    reminder.status, reminder.done_at = status, timezone.now()
    reminder.save(update_fields=["status", "done_at"])
    return reminder


def reminders_mark(*, recipient: AbstractBaseUser, reminder_ids: Iterable[int], status: str) -> int:
    """Mark the recipient's open reminders among ``reminder_ids`` done or dismissed in one statement (the inbox's
    bulk action); anyone else's reminders and closed ones stay as they are. Returns how many were marked."""
    return Reminder.objects.filter(recipient=recipient, pk__in=list(reminder_ids), status=Reminder.Status.OPEN).update(
        status=status, done_at=timezone.now()
    )


def reminders_send_digests(*, now: datetime | None = None) -> int:
    """One e-mail per recipient listing the reminders not yet e-mailed; returns the e-mails sent.

    A run killed after sending but before marking would send again, never skip: the marking
    happens per recipient right after that recipient's e-mail goes out, in the transaction that holds the
    recipient's reminders locked. Two runs at once (a task delivered again while it still runs) therefore do not
    both send: the second passes over locked reminders (PostgreSQL ``SKIP LOCKED``) and finds them marked after.
    """
    now = now or timezone.now()
    pending = Reminder.objects.filter(emailed_at__isnull=True, status=Reminder.Status.OPEN)
    recipients = list(pending.order_by("recipient_id").values_list("recipient_id", flat=True).distinct())
    sent = 0
    with mail.get_connection() as connection:
        for recipient_id in recipients:
            with transaction.atomic():
                items = list(
                    pending.filter(recipient_id=recipient_id)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient", "customer")
                    .order_by("due_on", "id")
                )
                if not items:
                    continue  # another run is sending them, or has sent them
                recipient = items[0].recipient
                if recipient.email:
                    lines = [f"- {r.due_on:%Y-%m-%d} {r.get_kind_display()}: {r.text()}" for r in items]
                    subject = gettext("Dossier CRM: %(count)d new reminders") % {"count": len(items)}
                    mail.EmailMessage(subject, "\n".join(lines), to=[recipient.email], connection=connection).send()
                    sent += 1
                Reminder.objects.filter(pk__in=[r.pk for r in items]).update(emailed_at=now)
    return sent


def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Revoke every API token of the user (a password change, issue 16); returns how many there were."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def sign_in_lockouts_lift(*, usernames: Iterable[str], addresses: Iterable[str]) -> int:
    """Lift the sign-in lockouts of these accounts and client addresses: forget the failed attempts counted against
    them (django-axes). Returns how many attempt records were removed."""
    attempts = AccessAttempt.objects.filter(Q(username__in=list(usernames)) | Q(ip_address__in=list(addresses)))
    count = attempts.count()
    attempts.delete()
    return count
