"""Celery tasks of the dossiers (DOMAIN §7): the staleness scan, review and birthday reminders."""

from celery import shared_task

from crm.chunks import can_spread, id_ranges, spread
from crm.tasks import RETRY, business_day, chunks_total
from customers.policy import review_policy
from customers.services import reminders
from customers.services.review_state import (
    SCAN_CHUNK,
    dossier_id_bounds,
    dossier_staleness_scan,
    dossier_staleness_scan_chunk,
)


@shared_task(bind=True, **RETRY)
def staleness_scan(self, today_iso: str | None = None) -> int:
    """The nightly scan; on workers, its chunks spread over every worker (crm/chunks.py). Returns how many
    dossiers changed."""
    today = business_day(today_iso)
    ranges = id_ranges(*dossier_id_bounds(), SCAN_CHUNK)
    if not ranges or not can_spread(self):
        return dossier_staleness_scan(today=today, policy=review_policy())
    parts = (staleness_scan_chunk.si(today.isoformat(), low, high) for low, high in ranges)
    return spread(self, parts, chunks_total.s())


@shared_task(**RETRY)
def staleness_scan_chunk(today_iso: str, low: int, high: int) -> int:
    """One chunk of the staleness scan: dossiers with ids in [low, high)."""
    return dossier_staleness_scan_chunk(low=low, high=high, today=business_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def review_reminders(today_iso: str | None = None) -> int:
    return reminders.review_reminders(today=business_day(today_iso), policy=review_policy())


@shared_task(**RETRY)
def birthday_reminders(today_iso: str | None = None) -> int:
    return reminders.birthday_reminders(today=business_day(today_iso), policy=review_policy())
