"""Celery tasks of the dossiers (DOMAIN §7): the staleness scan, review and birthday reminders."""

from celery import shared_task

from crm.tasks import RETRY, business_day
from customers.policy import review_policy
from customers.services import reminders
from customers.services.review_state import dossier_staleness_scan


@shared_task(**RETRY)
def staleness_scan(today_iso: str | None = None) -> int:
    return dossier_staleness_scan(today=business_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def review_reminders(today_iso: str | None = None) -> int:
    return reminders.review_reminders(today=business_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def birthday_reminders(today_iso: str | None = None) -> int:
    return reminders.birthday_reminders(today=business_day(today_iso), policy=review_policy())
