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


def beat_schedule(hour: int) -> dict:
    """DOMAIN §7: the nightly jobs, in dependency order an hour apart from ``hour``; digests every hour."""
    return {
        "credit-recompute": {"task": "crm.tasks.credit_recompute", "schedule": crontab(minute=0, hour=hour)},
        "limit-reminders": {"task": "crm.tasks.limit_reminders", "schedule": crontab(minute=30, hour=hour)},
        "staleness-scan": {"task": "crm.tasks.staleness_scan", "schedule": crontab(minute=0, hour=(hour + 1) % 24)},
        "review-reminders": {
            "task": "crm.tasks.review_reminders",
            "schedule": crontab(minute=30, hour=(hour + 1) % 24),
        },
        "credit-report-reminders": {
            "task": "crm.tasks.credit_report_reminders",
            "schedule": crontab(minute=40, hour=(hour + 1) % 24),
        },
        "reorder-reminders": {
            "task": "crm.tasks.reorder_reminders",
            "schedule": crontab(minute=50, hour=(hour + 1) % 24),
        },
        "birthday-reminders": {
            "task": "crm.tasks.birthday_reminders",
            "schedule": crontab(minute=55, hour=(hour + 1) % 24),
        },
        "borrowing-reminders": {
            "task": "crm.tasks.borrowing_reminders",
            "schedule": crontab(minute=58, hour=(hour + 1) % 24),
        },
        "reminder-digests": {"task": "crm.tasks.reminder_digests", "schedule": crontab(minute=15)},
    }


app.conf.beat_schedule = beat_schedule(settings.CRM_JOBS_HOUR)
