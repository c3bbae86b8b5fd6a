"""Celery tasks of the analysis, nightly after the credit recompute (registered in crm.celery.NIGHTLY_JOBS): the
monthly sales aggregate (DOMAIN §10.3), the correlation snapshot (§10.4), the snapshots of composition, statistics
and ageing (§10.1, §10.2, §10.7) and the segmentation (§10.5)."""

import time

from celery import shared_task

from analytics.services import (
    correlation_snapshot_refresh,
    monthly_sales_refresh,
    report_snapshots_refresh,
    segmentation_compute,
    segmentation_finish,
    segmentation_ranges,
    segmentation_stage_chunk,
)
from crm.chunks import can_spread, spread
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def monthly_sales(today_iso: str | None = None) -> int:
    return monthly_sales_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def correlation_snapshot(today_iso: str | None = None) -> int:
    return correlation_snapshot_refresh(today=business_day(today_iso))


@shared_task(bind=True, **RETRY)
def segmentation(self, today_iso: str | None = None) -> int:
    """Score, segment and cluster the customers as of the business day; the number of customers scored. On workers
    the ranges of customers are staged on every worker, then one finishes the run (crm/chunks.py)."""
    today = business_day(today_iso)
    ranges = segmentation_ranges()
    if not ranges or not can_spread(self):
        return segmentation_compute(today=today).customers
    parts = (segmentation_stage.si(today.isoformat(), low, high) for low, high in ranges)
    return spread(self, parts, segmentation_finish_run.si(today.isoformat(), time.time()))


@shared_task(**RETRY)
def report_snapshots(today_iso: str | None = None) -> int:
    return report_snapshots_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def segmentation_stage(today_iso: str, low: int, high: int) -> int:
    """One part of the segmentation: stage the customers with ids in [low, high)."""
    return segmentation_stage_chunk(today=business_day(today_iso), low=low, high=high)


@shared_task(ignore_result=False, **RETRY)
def segmentation_finish_run(today_iso: str, started: float | None = None) -> int:
    """The end of the segmentation once every range is staged: k-means, scores, segments; the customers scored."""
    return segmentation_finish(today=business_day(today_iso), started=started).customers
