"""Large imports in the background (DOMAIN §2.3): the check and the write, chunk after chunk. Both are
idempotent: a redelivered task (acks_late, a killed worker) carries on after the last recorded chunk."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.tasks import RETRY
from imports import services
from imports.models import ImportBatch


def _today(today_iso: str | None) -> date:
    return date.fromisoformat(today_iso) if today_iso else timezone.localdate()


@shared_task(**RETRY, reject_on_worker_lost=True)
def import_check_task(batch_id: int, today_iso: str | None = None) -> None:
    services.import_check(batch_id=batch_id, today=_today(today_iso))


@shared_task(**RETRY, reject_on_worker_lost=True)
def import_run_task(batch_id: int, today_iso: str | None = None) -> None:
    services.import_run(batch_id=batch_id, today=_today(today_iso))


def in_background(batch: ImportBatch) -> bool:
    """Files over ``CRM_IMPORT_SYNC_ROWS`` rows are checked and written by a worker, with a progress bar."""
    return batch.rows > settings.CRM_IMPORT_SYNC_ROWS


def check_now_or_later(batch: ImportBatch, *, today: date) -> ImportBatch:
    """Check a small batch at once; queue a large one after the upload commits."""
    if not in_background(batch):
        return services.import_check(batch_id=batch.pk, today=today)
    transaction.on_commit(lambda: import_check_task.delay(batch.pk, today.isoformat()))
    return batch


def run_now_or_later(batch: ImportBatch, *, today: date) -> ImportBatch:
    """Write a small confirmed batch at once (a failure leaves it failed, to resume); queue a large one."""
    if not in_background(batch):
        try:
            return services.import_run(batch_id=batch.pk, today=today)
        except Exception:  # recorded on the batch as failed; the page shows it and the user confirms again
            batch.refresh_from_db()
            return batch
    transaction.on_commit(lambda: import_run_task.delay(batch.pk, today.isoformat()))
    return batch
