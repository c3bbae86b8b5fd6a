"""Celery tasks of the credit engine (DOMAIN §6–§8): the nightly recompute, limit, credit-report and reorder
reminders."""

from celery import shared_task

from credit.services import credit_recompute_all, reminders
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def credit_recompute(today_iso: str | None = None) -> int:
    return credit_recompute_all(today=business_day(today_iso))


@shared_task(**RETRY)
def limit_reminders(today_iso: str | None = None) -> int:
    return reminders.limit_reminders(today=business_day(today_iso))


@shared_task(**RETRY)
def credit_report_reminders(today_iso: str | None = None) -> int:
    return reminders.credit_report_reminders(today=business_day(today_iso))


@shared_task(**RETRY)
def reorder_reminders(today_iso: str | None = None) -> int:
    return reminders.reorder_reminders(today=business_day(today_iso))
