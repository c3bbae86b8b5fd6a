"""Celery tasks of the analysis: the nightly segmentation (DOMAIN §10.5), registered in crm.celery.NIGHTLY_JOBS."""

from celery import shared_task

from analytics.services import segmentation_compute
from crm.tasks import RETRY, business_day


@shared_task(**RETRY)
def segmentation(today_iso: str | None = None) -> int:
    """Score, segment and cluster the customers as of the business day; the number of customers scored."""
    return segmentation_compute(today=business_day(today_iso)).customers
