"""Celery tasks of DOMAIN §7: thin wrappers, each calling one service; every one is idempotent.

Dates travel as ISO strings so a retried or re-run task computes for the same day.
"""

from datetime import date

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError
from django.utils import timezone

RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


def _day(today_iso: str | None) -> date:
    return date.fromisoformat(today_iso) if today_iso else timezone.localdate()


@shared_task(**RETRY)
def staleness_scan(today_iso: str | None = None) -> int:
    from credit.selectors import review_policy
    from customers.jobs import dossier_staleness_scan

    return dossier_staleness_scan(today=_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def review_reminders(today_iso: str | None = None) -> int:
    from credit.selectors import review_policy
    from customers.jobs import review_reminders as job

    return job(today=_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def birthday_reminders(today_iso: str | None = None) -> int:
    from credit.selectors import review_policy
    from customers.jobs import birthday_reminders as job

    return job(today=_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def limit_reminders(today_iso: str | None = None) -> int:
    from credit.jobs import limit_reminders as job

    return job(today=_day(today_iso))


@shared_task(**RETRY)
def credit_report_reminders(today_iso: str | None = None) -> int:
    from credit.jobs import credit_report_reminders as job

    return job(today=_day(today_iso))


@shared_task(**RETRY)
def reorder_reminders(today_iso: str | None = None) -> int:
    from credit.jobs import reorder_reminders as job

    return job(today=_day(today_iso))


@shared_task(**RETRY)
def borrowing_reminders(today_iso: str | None = None) -> int:
    from archives.jobs import borrowing_reminders as job

    return job(today=_day(today_iso))


@shared_task(**RETRY)
def credit_recompute(today_iso: str | None = None) -> int:
    from credit.services import credit_recompute_all

    return credit_recompute_all(today=_day(today_iso))


@shared_task(**RETRY)
def reminder_digests() -> int:
    from crm.services import reminders_send_digests

    return reminders_send_digests()


@shared_task(**RETRY)
def daily_jobs(today_iso: str | None = None) -> dict[str, int]:
    """Every daily job in order, in one task (used at worker start so a fresh install shows reminders)."""
    steps = (
        credit_recompute,
        limit_reminders,
        staleness_scan,
        review_reminders,
        credit_report_reminders,
        reorder_reminders,
        birthday_reminders,
        borrowing_reminders,
    )
    done = {step.name.rsplit(".", 1)[-1]: step(today_iso) for step in steps}
    done["reminder_digests"] = reminder_digests()
    return done


@worker_ready.connect
def _run_daily_jobs_at_start(sender, **kwargs) -> None:
    """With CRM_JOBS_ON_START (on in development), a starting worker catches up on today's jobs;
    they are idempotent, so a restart creates nothing twice."""
    from django.conf import settings

    if settings.CRM_JOBS_ON_START:
        daily_jobs.delay()
