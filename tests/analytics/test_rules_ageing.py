"""Ageing buckets and DSO (DOMAIN §10.7), pure: d = as-of day − due date at every boundary 0/1/30/31/60/61/90/91."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from analytics.rules.ageing import BUCKETS, ageing_bucket, bucket_starts, dso


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-30, "not_due"), (0, "not_due"), (1, "1_30"), (30, "1_30"), (31, "31_60"), (60, "31_60"), (61, "61_90"),
     (90, "61_90"), (91, "over_90"), (400, "over_90")],
)  # fmt: skip
def test_each_boundary(days, bucket):
    assert ageing_bucket(days) == bucket


def test_the_sql_bucket_starts_agree_with_the_rule():
    as_of = date(2026, 11, 22)
    starts = bucket_starts(as_of)
    for days in range(-5, 120):
        due = as_of - timedelta(days=days)
        index = next((i for i, start in enumerate(starts) if due >= start), len(starts))
        assert BUCKETS[index] == ageing_bucket(days)


@pytest.mark.parametrize(
    ("receivables", "sales", "expected"),
    [
        (Decimal(300), Decimal(900), Decimal("30.0")),
        (Decimal(0), Decimal(10), Decimal("0.0")),
        (Decimal(5), Decimal(0), None),  # no sales in 90 days: undefined
    ],
)
def test_dso_is_receivables_over_sales_times_90(receivables, sales, expected):
    assert dso(receivables=receivables, sales=sales) == expected
