"""Scheduled work on dossiers (DOMAIN §7): the staleness scan and the review and birthday reminders.

Each job reads in chunks and writes set-based; running it twice changes nothing more.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import bulk_update_rows
from crm.models import Reminder
from crm.services import ReminderInput, reminders_create
from customers.models import Contact, Customer
from customers.rules.review import DossierFacts, ReviewPolicy, dossier_state
from customers.selectors import valid_credit_reports


def _valid_report_ids(ids_from: int, ids_to: int, *, today: date, months: int) -> set[int]:
    reports = valid_credit_reports(today=today, months=months).filter(customer_id__gte=ids_from, customer_id__lt=ids_to)
    return set(reports.values_list("customer_id", flat=True))


def _scan_chunk(low: int, high: int, *, today: date, policy: ReviewPolicy, report_months: int) -> int:
    reports = _valid_report_ids(low, high, today=today, months=report_months)
    rows = Customer.objects.filter(pk__gte=low, pk__lt=high, deleted_at__isnull=True).values_list(
        "pk",
        "created_at",
        "last_reviewed_on",
        "size",
        "next_review_due",
        "is_stale",
        "credit_profile__is_core",
        "credit_profile__credit_limit",
        "credit_profile__limit_valid_until",
    )
    changed = []
    for pk, created_at, reviewed, size, due_before, stale_before, core, limit, until in rows.iterator(2000):
        facts = DossierFacts(
            timezone.localdate(created_at), reviewed, bool(core), size, limit is not None, until, pk in reports
        )
        due, stale = dossier_state(facts, policy=policy, today=today)
        if (due, stale) != (due_before, stale_before):
            changed.append(Customer(pk=pk, next_review_due=due, is_stale=stale))
    bulk_update_rows(changed, ["next_review_due", "is_stale"])
    return len(changed)


def dossier_staleness_scan(*, today: date, policy: ReviewPolicy, report_months: int, chunk: int = 20_000) -> int:
    """Set ``next_review_due`` and ``is_stale`` on every live dossier (DOMAIN §7), a chunk of ids at a time;
    a scan killed midway is simply run again. Returns how many dossiers changed."""
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    changed = 0
    for low in range(bounds["low"], bounds["high"] + 1, chunk):
        with transaction.atomic():
            changed += _scan_chunk(low, low + chunk, today=today, policy=policy, report_months=report_months)
    return changed


def review_reminders(*, today: date, days_ahead: int = 14) -> int:
    """Remind owners of reviews due within 14 days, and of overdue ones; once per due date (DOMAIN §7)."""
    due = Customer.objects.filter(deleted_at__isnull=True, next_review_due__lte=today + timedelta(days=days_ahead))
    rows = []
    for pk, owner_id, code, name, due_on in due.values_list("pk", "owner_id", "code", "name", "next_review_due"):
        overdue = due_on < today
        kind = Reminder.Kind.REVIEW_OVERDUE if overdue else Reminder.Kind.REVIEW_DUE
        text = (
            _("Review of %(code)s %(name)s was due on %(date)s")
            if overdue
            else _("Review of %(code)s %(name)s is due on %(date)s")
        )
        rows.append(
            ReminderInput(
                kind,
                owner_id,
                due_on,
                f"{kind}:{pk}:{due_on.isoformat()}",
                text % {"code": code, "name": name, "date": due_on.isoformat()},
                pk,
            )
        )
    return reminders_create(rows)


def birthday_reminders(*, today: date, days_ahead: int = 7) -> int:
    """Contacts' birthdays in the next 7 days, to the customer's owner; once a year per contact (DOMAIN §7)."""
    days = [today + timedelta(days=n) for n in range(days_ahead + 1)]
    match = Q()
    for day in days:
        match |= Q(birthday__month=day.month, birthday__day=day.day)
    contacts = Contact.objects.filter(match, customer__deleted_at__isnull=True).values_list(
        "pk", "name", "birthday", "customer_id", "customer__owner_id", "customer__name"
    )
    rows = []
    for pk, name, birthday, customer_id, owner_id, customer_name in contacts:
        day = next(d for d in days if (d.month, d.day) == (birthday.month, birthday.day))
        rows.append(
            ReminderInput(
                Reminder.Kind.BIRTHDAY,
                owner_id,
                day,
                f"birthday:{pk}:{day.year}",
                _("%(name)s of %(customer)s has a birthday on %(date)s")
                % {"name": name, "customer": customer_name, "date": day.isoformat()},
                customer_id,
            )
        )
    return reminders_create(rows)
