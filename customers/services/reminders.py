"""Reminders about dossiers (DOMAIN §7): reviews due or overdue, contacts' birthdays. Once per cause and period:
the database constraint on reminders makes a rerun add nothing."""

import calendar
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_noop

from crm.models import Reminder
from crm.services import ReminderInput, Words, reminders_create
from customers.models import Contact, Customer
from customers.rules.review import ReviewPolicy


def review_reminders(*, today: date, policy: ReviewPolicy) -> int:
    """Remind owners of reviews due within the policy's horizon (14 days by default), and of overdue ones; once
    per due date (DOMAIN §7)."""
    due = Customer.objects.filter(
        deleted_at__isnull=True, review_state__next_review_due__lte=today + timedelta(days=policy.reminder_days)
    )
    rows = []
    columns = ("pk", "owner_id", "code", "name", "review_state__next_review_due")
    for pk, owner_id, code, name, due_on in due.values_list(*columns):
        overdue = due_on < today
        kind = Reminder.Kind.REVIEW_OVERDUE if overdue else Reminder.Kind.REVIEW_DUE
        text = (
            gettext_noop("Review of %(code)s %(name)s was due on %(date)s")
            if overdue
            else gettext_noop("Review of %(code)s %(name)s is due on %(date)s")
        )
        rows.append(
            ReminderInput(
                kind,
                owner_id,
                due_on,
                f"{kind}:{pk}:{due_on.isoformat()}",
                Words(text, {"code": code, "name": name, "date": due_on.isoformat()}),
                pk,
            )
        )
    return reminders_create(rows)


def birthday_reminders(*, today: date, policy: ReviewPolicy) -> int:
    """Contacts' birthdays within the policy's horizon (7 days by default), to the customer's owner; once a year
    per contact (DOMAIN §7)."""
    days = [today + timedelta(days=n) for n in range(policy.birthday_days + 1)]
    # Born on 29 February: in a year without one, the birthday is kept on 28 February.
    celebrated = {(d.month, d.day): d for d in days}
    if (2, 28) in celebrated and not calendar.isleap(celebrated[(2, 28)].year):
        celebrated[(2, 29)] = celebrated[(2, 28)]
    match = Q()
    for month, day_of_month in celebrated:
        match |= Q(birthday__month=month, birthday__day=day_of_month)
    contacts = Contact.objects.filter(match, customer__deleted_at__isnull=True).values_list(
        "pk", "name", "birthday", "customer_id", "customer__owner_id", "customer__name"
    )
    rows = []
    for pk, name, birthday, customer_id, owner_id, customer_name in contacts:
        day = celebrated[(birthday.month, birthday.day)]
        rows.append(
            ReminderInput(
                Reminder.Kind.BIRTHDAY,
                owner_id,
                day,
                f"birthday:{pk}:{day.year}",
                Words(
                    gettext_noop("%(name)s of %(customer)s has a birthday on %(date)s"),
                    {"name": name, "customer": customer_name, "date": day.isoformat()},
                ),
                customer_id,
            )
        )
    return reminders_create(rows)
