"""The nightly credit recompute as Celery tasks (issue 15 §3): the nightly task keeps its name and spreads one task
per range of customers over the workers; each chunk is one transaction that may run twice."""

from datetime import date

import pytest

from credit import tasks
from credit.models import CreditProfile
from crm.celery import NIGHTLY_JOBS, app
from crm.tasks import chunks_total
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def test_the_nightly_entry_still_names_the_recompute_task():
    assert ("credit-recompute", "credit.tasks.credit_recompute", 0, 0) in NIGHTLY_JOBS
    assert "credit.tasks.credit_recompute" in app.tasks


def test_spread_over_workers_the_recompute_runs_as_chunks_of_customers(rep):
    """Run by a worker, the nightly task sends one chunk task per range of customers; together they store every live
    customer's profile, the last range open-ended (here the chunks run in this process, one after the other)."""
    customers = [make_customer(owner=rep, name=f"Chunked {i}") for i in range(5)]
    CreditProfile.objects.update(tier="A", computed_on=None)
    parts = tasks.recompute_parts(today_iso=TODAY.isoformat(), chunk=2)
    assert [(part.args[0], part.args[1]) for part in parts] == [
        (customers[0].pk, customers[1].pk),
        (customers[2].pk, customers[3].pk),
        (customers[4].pk, None),
    ]
    assert chunks_total([part.apply().get() for part in parts]) == 5
    assert set(CreditProfile.objects.values_list("tier", "computed_on")) == {("D", TODAY)}


def test_called_in_process_the_recompute_runs_whole_before_the_next_job(rep):
    """``daily_jobs`` calls each job in order: the recompute is done when the call returns."""
    make_customer(owner=rep, name="In process")
    CreditProfile.objects.update(tier="A")
    assert tasks.credit_recompute(TODAY.isoformat()) == 1
    assert list(CreditProfile.objects.values_list("tier", flat=True)) == ["D"]
