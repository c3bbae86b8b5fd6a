"""Receivables ageing 账龄 (DOMAIN §10.7) of one customer's ledger: the unpaid remainder of each open or completed
order after credit notes and payments (allocated as in §4), by days past due d = as-of day − due date:
``not_due`` d ≤ 0, ``1_30``, ``31_60``, ``61_90``, ``over_90`` d > 90. The buckets sum to the exposure of §6.4."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from credit.rules.grade import PaymentIn, Receivable, allocate

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
BUCKET_ENDS = (0, 30, 60, 90)  # the last d of each bucket but over_90


def ageing_bucket(days_past_due: int) -> str:
    """The bucket of an unpaid remainder ``days_past_due`` days after its due date (negative: not yet due)."""
    for bucket, last in zip(BUCKETS, BUCKET_ENDS, strict=False):
        if days_past_due <= last:
            return bucket
    return BUCKETS[-1]


def ledger_ageing(
    receivables: Sequence[Receivable], payments: Iterable[PaymentIn], *, today: date
) -> dict[str, Decimal]:
    """Each bucket's unpaid amount. ``receivables`` carry what is owed on each billable order, credit notes
    already deducted; payments dated after ``today`` do not count yet."""
    paid: dict[int, Decimal] = {}
    counted = [p for p in payments if p.paid_on <= today]
    for allocation in allocate(receivables, counted):
        paid[allocation.order_id] = paid.get(allocation.order_id, Decimal(0)) + allocation.amount
    buckets = dict.fromkeys(BUCKETS, Decimal(0))
    for receivable in receivables:
        left = receivable.amount - paid.get(receivable.order_id, Decimal(0))
        if left > 0:
            buckets[ageing_bucket((today - receivable.due_date).days)] += left
    return buckets
