"""Celery tasks of the analysis: the nightly monthly sales aggregate (DOMAIN §10.3), after the credit recompute."""

from celery import shared_task

from analytics.services import monthly_sales_refresh
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def monthly_sales(today_iso: str | None = None) -> int:
    return monthly_sales_refresh(today=business_day(today_iso))
