"""DOMAIN §4.1, §6: recommended limit, investigation policy by size, order credit check; pure rules."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.rules import limits
from credit.rules.grade import Grade
from credit.rules.limits import LimitFacts, SalesPolicy, check_order, recommend_limit, sales_policy
from credit.rules.policy import CreditPolicy
from credit.rules.scoring import RiskClass

POLICY = CreditPolicy()
D = Decimal


def facts(**overrides) -> LimitFacts:
    base = {
        "trailing_purchases": D(240_000),
        "payment_terms_days": 30,
        "expected_monthly_purchases": None,
        "net_worth": None,
        "size": "medium",
        "risk": RiskClass.LOW,
        "grade": Grade.JIA,
        "has_valid_credit_report": True,
    }
    return LimitFacts(**(base | overrides))


@pytest.mark.parametrize(
    ("overrides", "amount"),
    [
        pytest.param({}, D(30_000), id="need-20000-times-low-1.5"),
        pytest.param({"risk": RiskClass.MODERATE}, D(24_000), id="moderate-1.2"),
        pytest.param({"risk": RiskClass.HIGH}, D(12_000), id="high-0.6"),
        pytest.param({"risk": RiskClass.VERY_HIGH}, D(0), id="very-high-0"),
        pytest.param({"payment_terms_days": 60}, D(60_000), id="terms-60-double-the-need"),
        pytest.param({"net_worth": D(250_000)}, D(25_000), id="capped-at-10-percent-net-worth"),
        pytest.param({"grade": Grade.YI}, D(24_000), id="yi-80-percent"),
        pytest.param({"grade": Grade.BING}, D(0), id="bing-none"),
        pytest.param({"grade": Grade.DING}, D(0), id="ding-none"),
        pytest.param(
            {"trailing_purchases": D(0), "expected_monthly_purchases": D(9_999)},
            D(14_000),
            id="no-history-uses-expected-purchases",
        ),
        pytest.param({"trailing_purchases": D(250_500)}, D(31_000), id="rounded-down-to-1000"),
    ],
)
def test_recommended_limit(overrides, amount):
    """DOMAIN §6.1: min(need × factor, 10% net worth), × 0.8 for 乙, 0 for 丙/丁, rounded down to 1,000."""
    assert recommend_limit(facts(**overrides), POLICY).amount == amount


def test_unassessed_small_customer_gets_up_to_the_ceiling_without_investigation():
    """DOMAIN §5.3, §6.2: small and unassessed: min(need, 50,000)."""
    result = recommend_limit(facts(size="small", risk=RiskClass.UNASSESSED, trailing_purchases=D(1_200_000)), POLICY)
    assert (result.amount, result.investigation_required) == (D(50_000), False)


@pytest.mark.parametrize("size", ["medium", "large"])
def test_unassessed_medium_or_large_customer_needs_an_investigation(size):
    result = recommend_limit(facts(size=size, risk=RiskClass.UNASSESSED), POLICY)
    assert (result.amount, result.investigation_required) == (D(0), True)


def test_no_limit_above_the_small_ceiling_without_a_valid_credit_report():
    """DOMAIN §6.2: medium and large customers need an agency report or bank certificate."""
    result = recommend_limit(facts(trailing_purchases=D(2_400_000), has_valid_credit_report=False), POLICY)
    assert result.amount == D(50_000)
    assert "no_valid_credit_report" in result.reasons


@pytest.mark.parametrize(
    ("grade", "policy"),
    [
        (Grade.JIA, SalesPolicy.CREDIT_EXTENDED),
        (Grade.YI, SalesPolicy.CREDIT_WITHIN_LIMIT),
        (Grade.BING, SalesPolicy.PREPAYMENT),
        (Grade.DING, SalesPolicy.PREPAYMENT_PHASE_OUT),
    ],
)
def test_sales_policy_by_grade(grade, policy):
    """DOMAIN §4.1."""
    assert sales_policy(grade) is policy


@pytest.mark.parametrize(
    ("kwargs", "passed", "reasons"),
    [
        pytest.param({}, True, (), id="within-limit"),
        pytest.param({"amount": D(40_000)}, True, (), id="exactly-at-the-limit"),
        pytest.param({"amount": D("40000.01")}, False, ("over_limit",), id="one-cent-over"),
        pytest.param({"limit": None}, False, ("no_valid_limit",), id="no-limit"),
        pytest.param({"grade": Grade.BING}, False, ("grade_requires_prepayment",), id="bing-not-prepaid"),
        pytest.param({"grade": Grade.DING, "prepaid": True}, True, (), id="ding-prepaid"),
    ],
)
def test_order_credit_check(kwargs, passed, reasons):
    """DOMAIN §6.4: hold for 丙/丁 unless prepaid, without a valid limit, or when exposure + order > limit."""
    args = {"amount": D(10_000), "exposure": D(60_000), "limit": D(100_000), "grade": Grade.JIA, "prepaid": False}
    result = check_order(**(args | kwargs))
    assert (result.passed, result.reasons) == (passed, reasons)


money = st.decimals(min_value=0, max_value=10_000_000, places=2)


@given(
    money,
    st.integers(0, 180),
    st.sampled_from(list(RiskClass)),
    st.sampled_from(list(Grade)),
    st.sampled_from(["small", "medium", "large"]),
    st.booleans(),
    st.one_of(st.none(), money),
)
def test_recommendation_is_a_non_negative_multiple_of_1000(trailing, terms, risk, grade, size, report, worth):
    result = recommend_limit(
        facts(
            trailing_purchases=trailing,
            payment_terms_days=terms,
            risk=risk,
            grade=grade,
            size=size,
            has_valid_credit_report=report,
            net_worth=worth,
        ),
        POLICY,
    )
    assert result.amount >= 0
    assert result.amount % 1000 == 0


@given(money, st.sampled_from([RiskClass.LOW, RiskClass.MODERATE, RiskClass.HIGH]))
def test_yi_never_gets_more_than_jia(trailing, risk):
    jia = recommend_limit(facts(trailing_purchases=trailing, risk=risk, grade=Grade.JIA), POLICY).amount
    yi = recommend_limit(facts(trailing_purchases=trailing, risk=risk, grade=Grade.YI), POLICY).amount
    assert yi <= jia


@pytest.mark.parametrize(
    ("billable", "paid", "expected"),
    [("1000", "0", "1000"), ("1000", "400", "600"), ("1000", "1000", "0"), ("1000", "1500", "0"), ("0", "0", "0")],
    ids=["unpaid", "part-paid", "paid", "overpaid-never-negative", "nothing"],
)
def test_section_6_4_exposure_is_billable_less_paid_never_below_zero(billable, paid, expected):
    assert limits.exposure(billable=Decimal(billable), paid=Decimal(paid)) == Decimal(expected)


def test_section_6_3_four_eyes_the_requester_never_decides():
    assert limits.four_eyes_kept(requested_by=1, deciding=2) is True
    assert limits.four_eyes_kept(requested_by=1, deciding=1) is False
