"""The nightly segmentation (DOMAIN §10.5) on the database: scores with ties, segments, clusters, idempotence."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from analytics import tasks
from analytics.models import CustomerSegment, SegmentationRun, SegmentCluster
from analytics.rules.rfm import quintile_score, rfm_segment
from analytics.services import segmentation_compute
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _rows() -> dict[str, CustomerSegment]:
    return {row.customer.name: row for row in CustomerSegment.objects.select_related("customer")}


def test_the_run_scores_customers_with_a_sale_in_730_days_and_none_else(portfolio):
    old = make_customer(owner=portfolio.rep, name="Old Timer")
    order(old, portfolio.erp, 5_000, days_ago=800)
    run = segmentation_compute(today=TODAY)
    rows = _rows()
    assert set(rows) == {"Alpha Valves", "Beta Pumps", "Gamma Pipes"}
    assert run.customers == 3
    beta = rows["Beta Pumps"]
    assert (beta.recency_days, beta.frequency, beta.monetary) == (20, 1, Decimal("210000.00"))
    assert rows["Gamma Pipes"].recency_days == 5


def test_equal_values_get_equal_scores_and_the_sql_matches_the_rule(portfolio):
    """§10.5 ties: Alpha, Beta and Gamma each have one order in 365 days, so all share the lowest F rank."""
    segmentation_compute(today=TODAY)
    rows = _rows()
    assert {row.f for row in rows.values()} == {1}
    # M ranks 40,000 < 210,000 < 350,000 among 3: ranks 1, 2, 3 → 1 + 5·(rank−1)//3
    assert [rows[name].m for name in ("Gamma Pipes", "Beta Pumps", "Alpha Valves")] == [
        quintile_score(1, 3),
        quintile_score(2, 3),
        quintile_score(3, 3),
    ]
    assert [rows[name].r for name in ("Alpha Valves", "Beta Pumps", "Gamma Pipes")] == [1, 2, 4]
    for row in rows.values():
        assert row.segment == rfm_segment(row.r, row.f, row.m)


def test_running_twice_leaves_the_same_rows(portfolio):
    segmentation_compute(today=TODAY)
    first = list(CustomerSegment.objects.values_list("customer_id", "r", "f", "m", "segment", "cluster"))
    clusters = list(SegmentCluster.objects.values_list("number", "size", "traits"))
    segmentation_compute(today=TODAY)
    assert list(CustomerSegment.objects.values_list("customer_id", "r", "f", "m", "segment", "cluster")) == first
    assert list(SegmentCluster.objects.values_list("number", "size", "traits")) == clusters
    assert SegmentationRun.objects.count() == 1


def test_the_task_and_the_command_run_it(portfolio, capsys):
    assert tasks.segmentation(TODAY.isoformat()) == 3
    call_command("compute_segments", "--today", TODAY.isoformat())
    assert "Segmented 3 customers" in capsys.readouterr().out
    assert CustomerSegment.objects.filter(computed_on=TODAY).count() == 3


def test_the_task_is_one_of_the_daily_jobs():
    from crm.celery import NIGHTLY_JOBS

    assert "analytics.tasks.segmentation" in [task for _entry, task, _hour, _minute in NIGHTLY_JOBS]


def test_nobody_to_score_leaves_an_empty_run(db):
    run = segmentation_compute(today=TODAY)
    assert run.customers == 0
    assert not CustomerSegment.objects.exists()
    assert not SegmentCluster.objects.exists()
