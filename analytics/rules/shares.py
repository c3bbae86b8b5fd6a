"""Shares as the analysis shows them (DOMAIN §10): percent of the total in scope, one decimal."""

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part`` as a percent of ``whole`` rounded half up to one decimal; 0.0 when the whole is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
