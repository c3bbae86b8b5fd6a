"""Celery tasks of the credit engine (DOMAIN §6–§8): the nightly recompute, limit, credit-report and reorder
reminders, and back-tests of a draft policy (DOMAIN §11)."""

import logging

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from credit.models import Order, PolicyBacktest
from credit.rules.tier import BILLABLE
from credit.services import backtests, credit_recompute_all, reminders
from crm.tasks import RETRY, business_day

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def credit_recompute(today_iso: str | None = None) -> int:
    return credit_recompute_all(today=business_day(today_iso))


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
