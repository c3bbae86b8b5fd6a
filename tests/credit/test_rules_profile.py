"""DOMAIN §3–§6: the whole credit profile of one customer from its orders, payments and decisions; pure rules."""

from datetime import date
from decimal import Decimal

import pytest

from credit.rules.grade import PaymentIn
from credit.rules.policy import CreditPolicy
from credit.rules.profile import OrderRow, ProfileInputs, compute_profile

POLICY = CreditPolicy()
TODAY = date(2026, 11, 22)
D = Decimal


def _profile(**inputs) -> dict:
    return compute_profile(ProfileInputs(**inputs), policy=POLICY, today=TODAY)


def test_a_new_customer_without_history():
    """Nothing bought, nothing due: tier D, unrated, unassessed; a small customer may get up to the ceiling."""
    assert _profile() == {
        "tier": "D",
        "trailing_12m_purchases": D(0),
        "is_core": False,
        "computed_core": False,
        "core_pinned": False,
        "time_class": "future",
        "process_class": "none",
        "volume_class": "scattered",
        "computed_grade": "unrated",
        "payment_grade": "unrated",
        "on_time_ratio": None,
        "max_days_late": 0,
        "score": None,
        "risk_class": "unassessed",
        "recommended_limit": D(0),
        "investigation_required": False,
        "credit_limit": None,
        "limit_valid_until": None,
        "exposure": D(0),
        "available_credit": D(0),
        "recovery_flagged": False,
        "sales_policy": "not_rated",
        "reasons": ["unassessed_small_customer_ceiling"],
    }


def test_a_tier_b_customer_of_four_years_graded_yi():
    """§3 T = 240,000 (B) and 3+ years: core; §4 230 of 240 thousand paid on time, 20 days late at worst: 乙;
    §6.1 need 240,000 / 12 × 60 / 30 = 40,000 × 1.2 (moderate) × 0.8 (乙) = 38,400 → 38,000."""
    orders = [
        OrderRow(1, date(2026, 3, 1), date(2026, 4, 30), D(150_000), "completed"),
        OrderRow(2, date(2026, 6, 1), date(2026, 7, 31), D(80_000), "completed"),
        OrderRow(3, date(2026, 10, 1), date(2026, 11, 30), D(10_000), "open"),  # not due yet
        OrderRow(4, date(2026, 5, 1), date(2026, 6, 30), D(50_000), "cancelled"),  # not billable
    ]
    payments = [
        PaymentIn(1, date(2026, 4, 30), D(150_000), order_id=1),
        PaymentIn(2, date(2026, 7, 31), D(70_000), order_id=2),
        PaymentIn(3, date(2026, 8, 20), D(10_000), order_id=2),
    ]
    profile = _profile(
        size="medium",
        payment_terms_days=60,
        relationship_since=date(2022, 11, 1),
        net_worth=D(1_000_000),
        assessment_percentage=D(70),
        has_valid_credit_report=True,
        limit=D(40_000),
        limit_valid_until=date(2027, 3, 31),
        orders=orders,
        payments=payments,
    )
    assert profile == {
        "tier": "B",
        "trailing_12m_purchases": D(240_000),
        "is_core": True,
        "computed_core": True,
        "core_pinned": False,
        "time_class": "new",  # §2.1 first order 2026-03-01, within the last 365 days
        "process_class": "current",  # an open order
        "volume_class": "general",
        "computed_grade": "yi",
        "payment_grade": "yi",
        "on_time_ratio": D("0.9565"),
        "max_days_late": 20,
        "score": D(70),
        "risk_class": "moderate",
        "recommended_limit": D(38_000),
        "investigation_required": False,
        "credit_limit": D(40_000),
        "limit_valid_until": date(2027, 3, 31),
        "exposure": D(10_000),
        "available_credit": D(30_000),
        "recovery_flagged": False,
        "sales_policy": "credit_within_limit",
        "reasons": ["risk_moderate", "grade_yi"],
    }


@pytest.mark.parametrize(
    ("since", "core"),
    [
        pytest.param(None, False, id="relationship-unknown"),
        pytest.param(date(2023, 11, 23), False, id="a-day-short-of-3-years"),
        pytest.param(date(2023, 11, 22), True, id="3-years"),
    ],
)
def test_tier_b_is_core_after_3_years_together(since, core):
    """§2.1: core with T ≥ 200,000 and 3+ years of relationship (calendar years: core on the third anniversary)."""
    orders = [OrderRow(1, date(2026, 11, 1), date(2026, 12, 1), D(200_000), "open")]
    assert _profile(relationship_since=since, orders=orders)["is_core"] is core


def test_tier_a_is_core_from_the_first_year():
    orders = [OrderRow(1, date(2026, 11, 1), date(2026, 12, 1), D(300_000), "open")]
    profile = _profile(relationship_since=date(2026, 1, 1), orders=orders)
    assert (profile["tier"], profile["is_core"]) == ("A", True)


def test_a_small_customer_on_the_default_list_loses_its_limit():
    """§6.2: small and overdue more than 90 days (丁): the limit is withdrawn at once, arrears go to recovery."""
    orders = [OrderRow(1, date(2026, 6, 1), date(2026, 7, 1), D(100_000), "completed")]
    profile = _profile(limit=D(50_000), limit_valid_until=date(2027, 1, 1), orders=orders)
    assert profile == {
        "tier": "C",
        "trailing_12m_purchases": D(100_000),
        "is_core": False,
        "computed_core": False,
        "core_pinned": False,
        "time_class": "new",
        "process_class": "lapsing",  # §2.1 the only order 174 days ago: no longer current, not yet past
        "volume_class": "general",
        "computed_grade": "ding",
        "payment_grade": "ding",
        "on_time_ratio": D("0.0000"),
        "max_days_late": 144,
        "score": None,
        "risk_class": "unassessed",
        "recommended_limit": D(0),
        "investigation_required": False,
        "credit_limit": None,
        "limit_valid_until": None,
        "exposure": D(100_000),
        "available_credit": D(-100_000),
        "recovery_flagged": True,
        "sales_policy": "prepayment_phase_out",
        "reasons": ["unassessed_small_customer_ceiling", "grade_ding", "default_list_limit_withdrawn"],
    }


@pytest.mark.parametrize(
    ("size", "litigation", "withdrawn"),
    [
        pytest.param("small", 1, True, id="small-with-litigation"),
        pytest.param("small", 0, False, id="small-clean"),
        pytest.param("medium", 3, False, id="medium-with-litigation"),
    ],
)
def test_litigation_puts_a_small_customer_on_the_default_list(size, litigation, withdrawn):
    """§6.2: a litigation record is enough for a small customer; nothing is owed, so nothing goes to recovery."""
    profile = _profile(size=size, litigation_records=litigation, limit=D(20_000), limit_valid_until=date(2027, 1, 1))
    assert (profile["credit_limit"] is None) is withdrawn
    assert (profile["limit_valid_until"] is None) is withdrawn
    assert ("default_list_limit_withdrawn" in profile["reasons"]) is withdrawn
    assert profile["available_credit"] == (D(0) if withdrawn else D(20_000))
    assert profile["recovery_flagged"] is False


def test_a_grade_override_sets_the_sales_policy_but_keeps_the_computed_grade():
    """§4, §6: the credit manager's override drives the recommendation and the sales policy; the computed
    grade stays visible beside it."""
    orders = [OrderRow(1, date(2026, 6, 1), date(2026, 7, 1), D(120_000), "completed")]
    profile = _profile(
        size="medium",
        assessment_percentage=D(80),
        has_valid_credit_report=True,
        grade_override="jia",
        orders=orders,
    )
    assert (profile["computed_grade"], profile["payment_grade"]) == ("ding", "jia")
    assert profile["sales_policy"] == "credit_extended"
    assert profile["recommended_limit"] == D(15_000)  # 120,000 / 12 × 1.5 (low), no 丁 cut
    assert profile["reasons"] == ["risk_low", "grade_overridden"]


def test_exposure_is_never_negative_and_overpayment_leaves_the_whole_limit():
    orders = [OrderRow(1, date(2026, 10, 1), date(2026, 10, 31), D(1_000), "completed")]
    payments = [PaymentIn(1, date(2026, 10, 2), D(5_000))]
    profile = _profile(limit=D(10_000), limit_valid_until=date(2027, 1, 1), orders=orders, payments=payments)
    assert (profile["exposure"], profile["available_credit"]) == (D(0), D(10_000))
    assert (profile["computed_grade"], profile["on_time_ratio"]) == ("jia", D("1.0000"))


def test_orders_outside_the_window_or_not_billable_add_nothing():
    """§3: T counts open and completed orders dated in the last 365 days only."""
    orders = [
        OrderRow(1, date(2025, 11, 22), date(2025, 12, 22), D(1_000), "completed"),  # 365 days ago: out
        OrderRow(2, date(2025, 11, 23), date(2025, 12, 23), D(2_000), "completed"),  # 364 days ago: in
        OrderRow(3, date(2026, 11, 1), date(2026, 12, 1), D(4_000), "on_hold"),
    ]
    payments = [PaymentIn(1, date(2025, 12, 1), D(3_000))]
    profile = _profile(orders=orders, payments=payments)
    assert profile["trailing_12m_purchases"] == D(2_000)
    assert profile["exposure"] == D(0)


def test_a_new_customer_is_recommended_the_expected_monthly_purchases():
    """§5.3, §6.1: no history, unassessed and small: min(expected monthly purchases, 50,000)."""
    assert _profile(expected_monthly_purchases=D(9_000))["recommended_limit"] == D(9_000)


@pytest.mark.parametrize(
    ("overrides", "amount", "reason"),
    [
        pytest.param({}, D(150_000), None, id="reported-and-rich"),
        pytest.param({"net_worth": D(400_000)}, D(40_000), "capped_by_net_worth", id="capped-by-net-worth"),
        pytest.param({"has_valid_credit_report": False}, D(50_000), "no_valid_credit_report", id="no-report"),
    ],
)
def test_the_recommendation_uses_net_worth_and_the_credit_report(overrides, amount, reason):
    """§6.1 need 1,200,000 / 12 = 100,000 × 1.5 (low); capped at 10% of net worth; §6.2 50,000 without a report."""
    orders = [OrderRow(1, date(2026, 11, 1), date(2026, 12, 1), D(1_200_000), "open")]
    inputs = {"size": "large", "assessment_percentage": D(90), "has_valid_credit_report": True, "orders": orders}
    profile = _profile(**(inputs | overrides))
    assert profile["recommended_limit"] == amount
    assert profile["reasons"] == ["risk_low"] + ([reason] if reason else [])


def test_any_arrears_of_a_small_customer_on_the_default_list_go_to_recovery():
    """§6.2: even fifty cents still owed are flagged once the customer is on a default list."""
    orders = [OrderRow(1, date(2026, 11, 1), date(2026, 12, 1), D("0.50"), "open")]
    profile = _profile(litigation_records=1, orders=orders)
    assert (profile["exposure"], profile["recovery_flagged"]) == (D("0.50"), True)
