"""One customer's receivables ageing (DOMAIN §10.7): buckets of days past due, payments allocated as in §4."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit.rules.ageing import BUCKETS, ageing_bucket, ledger_ageing
from credit.rules.grade import PaymentIn, Receivable

TODAY = date(2026, 11, 22)
D = Decimal


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-5, "not_due"), (0, "not_due"), (1, "1_30"), (30, "1_30"), (31, "31_60"), (60, "31_60"), (61, "61_90"),
     (90, "61_90"), (91, "over_90"), (400, "over_90")],
)  # fmt: skip
def test_bucket_boundaries(days, bucket):
    assert ageing_bucket(days) == bucket


def test_payments_fill_the_named_order_then_the_oldest_due_and_later_payments_wait():
    receivables = [
        Receivable(1, TODAY - timedelta(days=100), D(1000)),  # over 90
        Receivable(2, TODAY - timedelta(days=10), D(500)),  # 1–30
        Receivable(3, TODAY + timedelta(days=20), D(300)),  # not due
    ]
    payments = [
        PaymentIn(1, TODAY - timedelta(days=5), D(200), order_id=3),
        PaymentIn(2, TODAY - timedelta(days=4), D(1100)),  # oldest due first: 1000 on order 1, 100 on order 2
        PaymentIn(3, TODAY + timedelta(days=1), D(400)),  # tomorrow's payment does not count today
    ]
    buckets = ledger_ageing(receivables, payments, today=TODAY)
    assert buckets == {"not_due": D(100), "1_30": D(400), "31_60": D(0), "61_90": D(0), "over_90": D(0)}
    assert list(buckets) == list(BUCKETS)


def test_overpayment_leaves_nothing_owed_and_no_negative_bucket():
    buckets = ledger_ageing([Receivable(1, TODAY, D(100))], [PaymentIn(1, TODAY, D(250))], today=TODAY)
    assert sum(buckets.values()) == 0
