"""ABC classes and the Herfindahl index (DOMAIN §10.2), pure: the class boundaries at exactly 80% and 95%, the
customer who crosses them, customers without purchases, and the index's 0–10,000 scale."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.rules.pareto import AbcClass, abc_class, abc_classes, herfindahl

D = Decimal


@pytest.mark.parametrize(
    ("above", "amount", "expected"),
    [
        (D(0), D(10), AbcClass.A),  # the largest customer is always A
        (D("79.99"), D(1), AbcClass.A),  # crosses 80%: still A
        (D(80), D(1), AbcClass.B),  # exactly 80% above it: B
        (D("94.99"), D(1), AbcClass.B),  # crosses 95%: still B
        (D(95), D(1), AbcClass.C),  # exactly 95% above it: C
        (D(10), D(0), AbcClass.C),  # no purchases: C
    ],
    ids=["top", "crossing-80", "exactly-80-above", "crossing-95", "exactly-95-above", "zero"],
)
def test_the_class_follows_the_share_above_the_customer(above, amount, expected):
    assert abc_class(above=above, amount=amount, total=D(100)) is expected


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([80, 15, 5], "ABC"),  # cumulative exactly 80% then exactly 95%
        ([50, 30, 10, 5, 5], "AABBC"),
        ([100], "A"),
        ([90, 10], "AB"),  # a customer making 90% alone is A; the rest up to 100% is B (90 < 95 above it)
        ([60, 20, 15, 5, 0], "AABCC"),
    ],
)
def test_classes_of_a_ranking(amounts, expected):
    assert "".join(abc_classes([D(a) for a in amounts])) == expected


def test_without_any_purchases_everyone_is_c():
    assert abc_classes([D(0), D(0)]) == [AbcClass.C, AbcClass.C]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40))
def test_a_is_the_fewest_top_customers_making_80_percent(values):
    amounts = sorted((D(v) for v in values), reverse=True)
    classes = abc_classes(amounts)
    total = sum(amounts, D(0))
    a_count = classes.count(AbcClass.A)
    assert classes == sorted(classes)  # A, then B, then C
    if total:
        assert sum(amounts[:a_count], D(0)) * 100 >= 80 * total
        assert sum(amounts[: a_count - 1], D(0)) * 100 < 80 * total


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [([1], D("10000.0")), ([1, 1], D("5000.0")), ([1] * 4, D("2500.0")), ([3, 1], D("6250.0")), ([], D("0.0"))],
)
def test_herfindahl_on_the_10000_scale(amounts, expected):
    total = sum((D(a) for a in amounts), D(0))
    assert herfindahl(sum_of_squares=sum((D(a) ** 2 for a in amounts), D(0)), total=total) == expected
