"""DOMAIN §7 (every job idempotent) for the nightly analysis: two runs of the same refresh at the same moment — a
manual rerun beside the scheduled one — leave the rows of one run, not both. Each refresh takes a PostgreSQL
advisory lock (crm/locks.py); concurrent transactions are PostgreSQL behaviour (CI)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from analytics.models import (
    CorrelationSnapshot,
    CustomerSegment,
    MonthlySales,
    SalesAggregateStamp,
    SegmentationRun,
    SegmentCluster,
)
from analytics.services import correlation_snapshot_refresh, monthly_sales_refresh, segmentation_compute
from tests.analytics.conftest import TODAY, order
from tests.concurrency import at_once
from tests.factories import make_customer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL; CI runs this test there")
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)


def _sums() -> list[tuple]:
    columns = ("month", "owner_id", "region", "tier")
    return list(MonthlySales.objects.order_by(*columns).values_list(*columns, "amount"))


def test_two_monthly_sales_refreshes_at_once_leave_one_set_of_sums(shipped, portfolio):
    assert at_once(*[lambda: monthly_sales_refresh(today=TODAY)] * 2) == []
    both = _sums()
    assert SalesAggregateStamp.objects.count() == 1
    monthly_sales_refresh(today=TODAY)
    assert _sums() == both


def test_two_correlation_snapshots_at_once_leave_one(shipped, portfolio):
    assert at_once(*[lambda: correlation_snapshot_refresh(today=TODAY)] * 2) == []
    assert CorrelationSnapshot.objects.count() == 1


def test_two_segmentations_at_once_score_each_customer_once(shipped, portfolio):
    """§10.5: the second run waits for the first and replaces its rows; nobody sees an error."""
    for number in range(12):  # enough distinct customers for k-means to choose among several k
        customer = make_customer(owner=portfolio.rep, name=f"Overlap {number}")
        for repeat in range(1 + number % 3):
            order(customer, portfolio.erp, 1_000 * (number + 1), days_ago=10 + 40 * number + repeat)
    assert at_once(*[lambda: segmentation_compute(today=TODAY)] * 2) == []
    rows = sorted(CustomerSegment.objects.values_list("customer_id", "r", "f", "m", "segment", "cluster"))
    clusters = list(SegmentCluster.objects.values_list("number", "size"))
    assert len(rows) == 15
    assert SegmentationRun.objects.count() == 1
    segmentation_compute(today=TODAY)
    assert sorted(CustomerSegment.objects.values_list("customer_id", "r", "f", "m", "segment", "cluster")) == rows
    assert list(SegmentCluster.objects.values_list("number", "size")) == clusters
