"""Shares as DOMAIN §10 shows them: percent of the total in scope, one decimal, half up."""

from decimal import Decimal

import pytest

from analytics.rules.shares import percent


@pytest.mark.parametrize(
    ("part", "expected"),
    [(14, "6.1"), (41, "17.9"), (113, "49.3"), (61, "26.6")],
    ids=["A", "B", "C", "D"],
)
def test_the_valve_case_tiers_of_229_customers(part, expected):
    """DOMAIN §10.1's reference table (seed 004): A 14 (6.1%), B 41 (17.9%), C 113 (49.3%), D 61 (26.6%)."""
    assert percent(part, 229) == Decimal(expected)


def test_half_rounds_up_and_an_empty_whole_is_zero():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3
    assert percent(Decimal("0.5"), 1000) == Decimal("0.1")  # 0.05 → 0.1
    assert percent(5, 0) == Decimal("0.0")
    assert percent(7, 7) == Decimal("100.0")
