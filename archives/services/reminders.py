"""Reminders of the archives (DOMAIN §9): overdue borrowings."""

from datetime import date

from django.utils.translation import gettext_noop

from archives.models import Borrowing
from crm.models import Reminder
from crm.services import ReminderInput, Words, reminders_create


def borrowing_reminders(*, today: date) -> int:
    """One reminder per overdue loan for the borrower and one for the archivist who approved it; the database
    constraint keeps a rerun from adding a second (DOMAIN §7 idempotence). Returning the original closes them."""
    overdue = (
        Borrowing.objects.filter(status=Borrowing.Status.LENT, due_on__lt=today)
        .values_list("pk", "borrower_id", "decided_by_id", "due_on", "document__number", "document__customer_id")
        .order_by("pk")
    )
    rows = []
    for pk, borrower_id, archivist_id, due_on, number, customer_id in overdue.iterator(2000):
        message = Words(
            gettext_noop("Original %(number)s was due back on %(date)s"), {"number": number, "date": due_on.isoformat()}
        )
        for recipient_id in {borrower_id, archivist_id} - {None}:
            rows.append(
                ReminderInput(
                    Reminder.Kind.BORROWING_OVERDUE, recipient_id, due_on, f"borrowing:{pk}", message, customer_id
                )
            )
    return reminders_create(rows)
