"""Celery tasks of the credit engine (DOMAIN §6–§8): the nightly recompute, limit, credit-report and reorder
reminders, and back-tests of a draft policy (DOMAIN §11)."""

import logging
from datetime import date

from celery import shared_task
from celery.canvas import Signature
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from credit.models import Order, PolicyBacktest
from credit.rules.tier import BILLABLE
from credit.selectors import customer_ranges
from credit.services import (
    RECOMPUTE_CHUNK,
    backtests,
    credit_profiles_recompute_range,
    credit_recompute_all,
    reminders,
)
from crm.chunks import can_spread, spread
from crm.tasks import RETRY, business_day, chunks_total

logger = logging.getLogger(__name__)


@shared_task(**RETRY, bind=True)
def credit_recompute(self, today_iso: str | None = None) -> int:
    """The nightly recompute. On a worker it replaces itself by a chord of one chunk task per range of customers,
    which every worker process on every host takes (``crm.chunks``), and whose end gives the total; called
    in-process (``daily_jobs`` runs the day's jobs in order), eagerly or without a result backend, all of it here
    before the next job."""
    today = business_day(today_iso)
    if not can_spread(self):
        return credit_recompute_all(today=today)
    return spread(self, recompute_parts(today_iso=today.isoformat()), chunks_total.s())


def recompute_parts(*, today_iso: str, chunk: int = RECOMPUTE_CHUNK) -> list[Signature]:
    """One chunk task per range of ``chunk`` live customers by id, the last range open-ended."""
    return [credit_recompute_chunk.si(part.first_id, part.last_id, today_iso) for part in customer_ranges(size=chunk)]


@shared_task(**RETRY, ignore_result=False)
def credit_recompute_chunk(first_id: int, last_id: int | None, today_iso: str) -> int:
    """One range of the nightly recompute, one transaction: delivered twice, it writes nothing new."""
    return credit_profiles_recompute_range(first_id=first_id, last_id=last_id, today=date.fromisoformat(today_iso))


@shared_task(**RETRY)
def limit_reminders(today_iso: str | None = None) -> int:
    return reminders.limit_reminders(today=business_day(today_iso))


@shared_task(**RETRY)
def credit_report_reminders(today_iso: str | None = None) -> int:
    return reminders.credit_report_reminders(today=business_day(today_iso))


@shared_task(**RETRY)
def reorder_reminders(today_iso: str | None = None) -> int:
    return reminders.reorder_reminders(today=business_day(today_iso))


@shared_task(**RETRY, reject_on_worker_lost=True)
def policy_backtest(backtest_id: int) -> None:
    backtests.policy_backtest_run(backtest_id=backtest_id)


def backtest_now_or_later(run: PolicyBacktest) -> PolicyBacktest:
    """A back-test of up to ``CRM_BACKTEST_SYNC_ORDERS`` orders runs at once; a larger one by a worker after the
    start commits, with its progress on the policy page."""
    since = run.as_of - relativedelta(months=12)
    orders = Order.objects.filter(status__in=BILLABLE, order_date__gt=since, order_date__lte=run.as_of)
    if orders[: settings.CRM_BACKTEST_SYNC_ORDERS + 1].count() <= settings.CRM_BACKTEST_SYNC_ORDERS:
        try:
            return backtests.policy_backtest_run(backtest_id=run.pk)
        except Exception:  # recorded on the back-test as failed; the page says so
            logger.exception("Back-test %s failed", run.pk)
            run.refresh_from_db()
            return run
    transaction.on_commit(lambda: policy_backtest.delay(run.pk))
    return run


@shared_task(**RETRY)
def backtest_ledgers_refresh(today_iso: str | None = None) -> int:
    return backtests.backtest_ledgers_refresh(today=business_day(today_iso))
