"""Receivables ageing 账龄 (DOMAIN §10.7): buckets of days past due and DSO.

d = as-of day − due date; ``not_due`` d ≤ 0, ``1_30`` 1 ≤ d ≤ 30, ``31_60``, ``61_90``, ``over_90`` d > 90.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
BUCKET_ENDS = (0, 30, 60, 90)  # the last d of each bucket but over_90
DSO_DAYS = 90


def ageing_bucket(days_past_due: int) -> str:
    """The bucket of an unpaid remainder ``days_past_due`` days after its due date (negative: not yet due)."""
    for bucket, last in zip(BUCKETS, BUCKET_ENDS, strict=False):
        if days_past_due <= last:
            return bucket
    return BUCKETS[-1]


def bucket_starts(as_of: date) -> tuple[date, ...]:
    """For SQL: the earliest due date of each bucket but over_90 (a due date on or after it and before the
    previous start falls in it): as_of, as_of − 30, as_of − 60, as_of − 90."""
    return tuple(as_of - timedelta(days=last) for last in BUCKET_ENDS)


def dso(*, receivables: Decimal, sales: Decimal, days: int = DSO_DAYS) -> Decimal | None:
    """Days sales outstanding: receivables ÷ sales of the last ``days`` days × ``days``, one decimal; None when
    there were no sales in that window (DSO is undefined)."""
    if sales <= 0:
        return None
    return (Decimal(receivables) / Decimal(sales) * days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
