"""Receivables ageing 账龄 (DOMAIN §10.7) over a portfolio: the buckets as SQL bounds, and DSO.

The buckets themselves (d = as-of day − due date; ``not_due`` d ≤ 0, ``1_30`` … ``over_90`` d > 90) are the credit
rule's, which the credit file ages one customer's ledger with (``credit.rules.ageing``).
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from credit.rules.ageing import BUCKET_ENDS, BUCKETS, ageing_bucket

__all__ = ["BUCKETS", "DSO_DAYS", "ageing_bucket", "bucket_starts", "dso"]
DSO_DAYS = 90


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
