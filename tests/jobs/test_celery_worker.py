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


@pytest.fixture
def tasks_run():
    """The names of the tasks a worker runs during the test (Celery's task_postrun signal)."""
    from celery.signals import task_postrun

    seen: list[str] = []

    def record(sender=None, **kwargs) -> None:
        seen.append(sender.name)

    task_postrun.connect(record, weak=False)
    yield seen
    task_postrun.disconnect(record)


def test_worker_spreads_the_staleness_scan_over_chunks_and_totals_them(celery_app, monkeypatch, tasks_run):
    """Issue 15 §3: the nightly scan's chunks are tasks of their own (every worker can take one); waiting for the
    scan waits for all of them and gets the dossiers changed in all."""
    from celery.contrib.testing.worker import start_worker

    from customers import tasks

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)
    rep = UserFactory(role=roles.SALES, username="worker_rep")
    with time_machine.travel("2026-01-05 09:00 +0800", tick=False):
        customers = [make_customer(owner=rep, name=f"Overdue {number}") for number in range(5)]
    monkeypatch.setattr(tasks, "SCAN_CHUNK", 2)  # 5 dossiers: 3 chunks
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        day = [date(2026, 11, 22).isoformat()]
        changed = tasks.staleness_scan.apply_async(day, ignore_result=False).get(timeout=60)
        again = tasks.staleness_scan.apply_async(day, ignore_result=False).get(timeout=60)
    assert (changed, again) == (5, 0)
    assert tasks_run.count("customers.tasks.staleness_scan_chunk") == 6
    assert Customer.objects.filter(pk__in=[c.pk for c in customers], review_state__is_stale=True).count() == 5


def test_worker_spreads_the_segmentation_and_scores_as_one_process_does(celery_app, monkeypatch, tasks_run):
    """Issue 11 §6, issue 15 §3: the segmentation staged in parts on the worker scores, segments and clusters the
    customers as the run in one process does (DOMAIN §10.5)."""
    from celery.contrib.testing.worker import start_worker

    from analytics import services, tasks
    from analytics.models import CustomerSegment, SegmentCluster
    from tests.analytics.conftest import TODAY, order

    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)
    rep = UserFactory(role=roles.SALES, username="worker_rep")
    erp = UserFactory(role=roles.INTEGRATION, username="worker_erp")
    for number in range(9):
        customer = make_customer(owner=rep, name=f"Buyer {number}")
        for repeat in range(1 + number % 3):
            order(customer, erp, 1_000 * (number + 1), days_ago=10 + 50 * number + repeat)
    services.segmentation_compute(today=TODAY)
    columns = ("customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment", "cluster")
    in_process = list(CustomerSegment.objects.order_by("customer_id").values_list(*columns))
    clusters = list(SegmentCluster.objects.values_list("number", "size", "traits"))
    CustomerSegment.objects.all().delete()
    monkeypatch.setattr(services, "STAGE_CHUNK", 4)  # 9 customers: 3 parts
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        scored = tasks.segmentation.apply_async([TODAY.isoformat()], ignore_result=False).get(timeout=60)
    assert scored == 9
    assert tasks_run.count("analytics.tasks.segmentation_stage") == 3
    assert list(CustomerSegment.objects.order_by("customer_id").values_list(*columns)) == in_process
    assert list(SegmentCluster.objects.values_list("number", "size", "traits")) == clusters
