"""Celery tasks of the archives (DOMAIN §9): overdue-borrowing reminders."""

from celery import shared_task

from archives.services import reminders
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def borrowing_reminders(today_iso: str | None = None) -> int:
    return reminders.borrowing_reminders(today=business_day(today_iso))
