"""DOMAIN §3 value tiers A–D and DOMAIN §2.1 core customers; pure rules, no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit.rules.policy import CreditPolicy
from credit.rules.tier import Purchase, Tier, is_core, trailing_purchases, value_tier

POLICY = CreditPolicy()
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("trailing", "tier"),
    [
        pytest.param("300000", Tier.A, id="A-at-300000"),
        pytest.param("299999.99", Tier.B, id="B-just-below-A"),
        pytest.param("200000", Tier.B, id="B-at-200000"),
        pytest.param("199999.99", Tier.C, id="C-just-below-B"),
        pytest.param("0.01", Tier.C, id="C-any-purchase"),
        pytest.param("0", Tier.D, id="D-nothing"),
    ],
)
def test_tier_boundaries(trailing, tier):
    """DOMAIN §3: A ≥ 300,000; B ≥ 200,000; C > 0; D = 0."""
    assert value_tier(Decimal(trailing), POLICY) is tier


def test_trailing_window_is_the_last_365_days():
    """DOMAIN §3: orders dated in the trailing 365 days count; a day older does not."""
    purchases = [
        Purchase(TODAY, Decimal(1), "open"),
        Purchase(TODAY - timedelta(days=364), Decimal(10), "completed"),
        Purchase(TODAY - timedelta(days=365), Decimal(100), "completed"),
        Purchase(TODAY + timedelta(days=1), Decimal(1000), "open"),
    ]
    assert trailing_purchases(purchases, today=TODAY, policy=POLICY) == Decimal(11)


@pytest.mark.parametrize("status", ["credit_hold", "rejected", "cancelled"])
def test_held_rejected_and_cancelled_orders_do_not_count(status):
    """DOMAIN §3: only open or completed orders count towards T."""
    assert trailing_purchases([Purchase(TODAY, Decimal(5), status)], today=TODAY, policy=POLICY) == 0


@pytest.mark.parametrize(
    ("trailing", "years", "core"),
    [
        pytest.param("300000", 0, True, id="A-purchases"),
        pytest.param("200000", 3, True, id="B-purchases-3-years"),
        pytest.param("200000", 2.99, False, id="B-purchases-under-3-years"),
        pytest.param("199999", 10, False, id="below-B"),
        pytest.param("250000", None, False, id="unknown-relationship"),
    ],
)
def test_core_customers(trailing, years, core):
    """DOMAIN §2.1: core = T ≥ A threshold, or ≥ B threshold with a relationship of 3+ years."""
    assert is_core(trailing=Decimal(trailing), relationship_years=years, policy=POLICY) is core
