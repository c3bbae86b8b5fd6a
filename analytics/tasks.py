"""Celery tasks of the analysis, nightly after the credit recompute: the monthly sales aggregate (DOMAIN §10.3) and
the correlation snapshot (§10.4)."""

from celery import shared_task

from analytics.services import correlation_snapshot_refresh, monthly_sales_refresh
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def monthly_sales(today_iso: str | None = None) -> int:
    return monthly_sales_refresh(today=business_day(today_iso))


@shared_task(**RETRY)
def correlation_snapshot(today_iso: str | None = None) -> int:
    return correlation_snapshot_refresh(today=business_day(today_iso))
