"""The Celery app: Redis when REDIS_URL is set, else the embedded filesystem transport (see settings)."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
for folder in app.conf.broker_transport_options.values():
    if isinstance(folder, str) and folder.startswith("/"):
        Path(folder).mkdir(parents=True, exist_ok=True)
app.autodiscover_tasks()


# DOMAIN §7 nightly jobs in dependency order: (entry, task, hours after CRM_JOBS_HOUR, minute). Each app owns its
# tasks; they are named here, not imported, so the kernel imports no feature app (daily_jobs runs them in this order).
NIGHTLY_JOBS = (
    ("credit-recompute", "credit.tasks.credit_recompute", 0, 0),
    ("limit-reminders", "credit.tasks.limit_reminders", 0, 30),
    ("staleness-scan", "customers.tasks.staleness_scan", 1, 0),
    ("review-reminders", "customers.tasks.review_reminders", 1, 30),
    ("credit-report-reminders", "credit.tasks.credit_report_reminders", 1, 40),
    ("reorder-reminders", "credit.tasks.reorder_reminders", 1, 50),
    ("birthday-reminders", "customers.tasks.birthday_reminders", 1, 55),
    ("borrowing-reminders", "archives.tasks.borrowing_reminders", 1, 58),
    ("monthly-sales", "analytics.tasks.monthly_sales", 2, 10),
    ("correlation-snapshot", "analytics.tasks.correlation_snapshot", 2, 30),
    ("report-snapshots", "analytics.tasks.report_snapshots", 2, 35),
    ("segmentation", "analytics.tasks.segmentation", 2, 45),  # after credit-recompute: it reads on-time ratios
    ("backtest-ledgers", "credit.tasks.backtest_ledgers_refresh", 3, 0),  # the day's first back-test is then warm
)


def beat_schedule(hour: int) -> dict:
    """The nightly jobs from ``hour`` (local time), and the e-mail digests every hour."""
    schedule = {
        entry: {"task": task, "schedule": crontab(minute=minute, hour=(hour + offset) % 24)}
        for entry, task, offset, minute in NIGHTLY_JOBS
    }
    schedule["reminder-digests"] = {"task": "crm.tasks.reminder_digests", "schedule": crontab(minute=15)}
    return schedule


app.conf.beat_schedule = beat_schedule(settings.CRM_JOBS_HOUR)
# However many beats run, one sends (a Redis lock, crm/beat.py); the others stand by to take over.
app.conf.beat_scheduler = "crm.beat:SingleBeatScheduler"
