"""Celery tasks of the kernel, and what every app's tasks share (DOMAIN §7).

Each app owns its tasks (`customers/tasks.py`, `credit/tasks.py`, `archives/tasks.py`): thin wrappers, each calling
one service; every one is idempotent. Dates travel as ISO strings so a retried or re-run task computes for the same
day. The kernel imports no feature app: the schedule (crm/celery.py) and ``daily_jobs`` name their tasks.
"""

from datetime import date

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from crm.celery import NIGHTLY_JOBS, app
from crm.health import jobs_heartbeat_record
from crm.services import reminders_send_digests

RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


def business_day(today_iso: str | None) -> date:
    """The day a task computes for: the one it was sent with, else today in the business's time zone."""
    return date.fromisoformat(today_iso) if today_iso else timezone.localdate()


@shared_task(**RETRY)
def reminder_digests() -> int:
    """The hourly e-mail digests; each run is also the heartbeat of the scheduled jobs that /healthz reports."""
    sent = reminders_send_digests()
    jobs_heartbeat_record()
    return sent


@shared_task(ignore_result=False, **RETRY)
def chunks_total(counts: list[int]) -> int:
    """The end of a job spread over the workers in chunks (crm/chunks.py): the sum of what its parts counted, kept
    as the job's result."""
    return sum(counts)


@shared_task(**RETRY)
def daily_jobs(today_iso: str | None = None) -> dict[str, int]:
    """Every daily job in the schedule's order, in one task (used at worker start so a fresh install shows
    reminders), then the digests. The jobs are looked up by their registered names."""
    app.loader.import_default_modules()
    today_iso = today_iso or business_day(None).isoformat()
    done = {task.rsplit(".", 1)[-1]: app.tasks[task](today_iso) for _entry, task, _hours, _minute in NIGHTLY_JOBS}
    done["reminder_digests"] = reminder_digests()
    return done


@worker_ready.connect
def _run_daily_jobs_at_start(sender, **kwargs) -> None:
    """With CRM_JOBS_ON_START (on in development), a starting worker catches up on today's jobs;
    they are idempotent, so a restart creates nothing twice."""
    if settings.CRM_JOBS_ON_START:
        daily_jobs.delay()
