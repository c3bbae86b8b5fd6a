"""A real Celery worker against the real Redis runs the staleness scan end to end (DOMAIN §7).

CI sets REDIS_URL; outside CI without it the test says so and is skipped.
"""

import os
from datetime import date
from importlib import import_module

import pytest
import time_machine
from django.apps import apps

from crm import roles
from customers.models import Customer
from tests.conftest import running_in_ci
from tests.factories import UserFactory, make_customer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        message = "REDIS_URL is not set: the real-worker test needs Redis (CI sets it)."
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def celery_app(redis_url):
    from crm.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_ignore_result")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_ignore_result=False)
    _forget_backend(app)
    yield app
    app.conf.update(saved)
    _forget_backend(app)


def _forget_backend(app) -> None:
    """Celery builds the result backend once and keeps it: an earlier test that ran a task eagerly (an import) left
    the disabled one, which a change of ``result_backend`` alone does not replace."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def test_worker_runs_the_staleness_scan_and_a_second_run_changes_nothing(celery_app):
    from celery.contrib.testing.worker import start_worker

    from customers import tasks

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)
    rep = UserFactory(role=roles.SALES, username="worker_rep")
    with time_machine.travel("2026-01-05 09:00 +0800", tick=False):
        customer = make_customer(owner=rep, name="Overdue Co")
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        day = [date(2026, 11, 22).isoformat()]
        changed = tasks.staleness_scan.apply_async(day, ignore_result=False).get(timeout=60)
        again = tasks.staleness_scan.apply_async(day, ignore_result=False).get(timeout=60)
        created = tasks.review_reminders.apply_async(day, ignore_result=False).get(timeout=60)
    customer.refresh_from_db()
    assert (changed, again, created) == (1, 0, 1)
    assert customer.review_state.is_stale is True
    assert Customer.objects.get(pk=customer.pk).reminders.get().kind == "review_overdue"
