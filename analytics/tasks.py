"""Celery tasks of the analysis, nightly after the credit recompute (registered in crm.celery.NIGHTLY_JOBS): the
monthly sales aggregate (DOMAIN §10.3), the correlation snapshot (§10.4), the snapshots of composition, statistics
and ageing (§10.1, §10.2, §10.7) and the segmentation (§10.5)."""

from celery import shared_task

from analytics.services import (
    correlation_snapshot_refresh,
    monthly_sales_refresh,
    report_snapshots_refresh,
    segmentation_compute,
)
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def monthly_sales(today_iso: str | None = None) -> int:
    return monthly_sales_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def correlation_snapshot(today_iso: str | None = None) -> int:
    return correlation_snapshot_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def report_snapshots(today_iso: str | None = None) -> int:
    return report_snapshots_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def segmentation(today_iso: str | None = None) -> int:
    """Score, segment and cluster the customers as of the business day; the number of customers scored."""
    return segmentation_compute(today=business_day(today_iso)).customers
