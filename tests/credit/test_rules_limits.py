"""DOMAIN §4.1, §6: recommended limit, investigation policy by size, order credit check; pure rules."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.rules import limits
from credit.rules.grade import Grade
from credit.rules.limits import LimitFacts, SalesPolicy, check_order, max_grantable, recommend_limit, sales_policy
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


# A policy that rounds to the cent, so that amounts below the default 1,000 step stay visible.
TO_THE_CENT = CreditPolicy(limit_rounding=D("0.01"))


@pytest.mark.parametrize(
    ("overrides", "reasons"),
    [
        pytest.param({}, ("risk_low",), id="low"),
        pytest.param({"net_worth": D(250_000)}, ("risk_low", "capped_by_net_worth"), id="capped"),
        pytest.param({"net_worth": D(300_000)}, ("risk_low",), id="cap-equal-to-the-amount-is-no-cap"),
        pytest.param({"grade": Grade.YI}, ("risk_low", "grade_yi"), id="yi"),
        pytest.param({"grade": Grade.BING}, ("risk_low", "grade_bing"), id="bing"),
        pytest.param({"risk": RiskClass.UNASSESSED}, ("investigation_required",), id="unassessed-medium"),
        pytest.param(
            {"risk": RiskClass.UNASSESSED, "size": "small"}, ("unassessed_small_customer_ceiling",), id="small"
        ),
        pytest.param(
            {"trailing_purchases": D(2_400_000), "has_valid_credit_report": False},
            ("risk_low", "no_valid_credit_report"),
            id="no-report",
        ),
    ],
)
def test_recommendation_states_its_reasons(overrides, reasons):
    """DOMAIN §6.1–§6.2: every step that changed the amount is named, and no other."""
    assert recommend_limit(facts(**overrides), POLICY).reasons == reasons


def test_recommendation_keeps_the_need_it_started_from():
    """§6.1 need = T / 12 × terms / 30 = 240,000 / 12 × 45 / 30."""
    result = recommend_limit(facts(payment_terms_days=45), POLICY)
    assert (result.need, result.amount, result.investigation_required) == (D(30_000), D(45_000), False)


@pytest.mark.parametrize(
    ("trailing", "expected", "need"),
    [
        pytest.param(D(0), None, D(0), id="no-history-no-expectation"),
        pytest.param(D(0), D(9_000), D(9_000), id="no-history-expected-purchases"),
        pytest.param(D("0.60"), D(9_000), D("0.05"), id="any-history-beats-the-expectation"),
    ],
)
def test_need_without_history_is_the_expected_monthly_purchases(trailing, expected, need):
    """DOMAIN §6.1: for a customer with no history, the sales rep's expected monthly purchases."""
    result = recommend_limit(facts(trailing_purchases=trailing, expected_monthly_purchases=expected), TO_THE_CENT)
    assert result.need == need


@pytest.mark.parametrize(
    ("overrides", "amount"),
    [
        pytest.param({"risk": RiskClass.UNASSESSED}, D(0), id="investigation-means-nothing"),
        pytest.param({"grade": Grade.DING}, D(0), id="ding-nothing"),
        pytest.param({"net_worth": D(-10_000)}, D(0), id="negative-net-worth-nothing"),
        pytest.param({"trailing_purchases": D(1_000)}, D("125.00"), id="small-need-kept"),
    ],
)
def test_nothing_means_zero_even_when_rounding_to_the_cent(overrides, amount):
    assert recommend_limit(facts(**overrides), TO_THE_CENT).amount == amount


@pytest.mark.parametrize(
    ("overrides", "amount", "capped"),
    [
        pytest.param({"net_worth": D(500_000)}, D(50_000), False, id="medium-exactly-at-the-ceiling"),
        pytest.param({"net_worth": D("500010")}, D(50_000), True, id="medium-a-unit-above-the-ceiling"),
        pytest.param({"size": "large"}, D(50_000), True, id="large"),
        pytest.param({"size": "small"}, D(100_000), False, id="small-needs-no-report"),
        pytest.param({"size": "large", "has_valid_credit_report": True}, D(100_000), False, id="large-with-report"),
    ],
)
def test_small_ceiling_without_a_credit_report(overrides, amount, capped):
    """DOMAIN §6.2: medium and large, no limit above 50,000 without a valid credit report; small ones need none."""
    base = {"trailing_purchases": D(800_000), "has_valid_credit_report": False, "size": "medium"}
    result = recommend_limit(facts(**(base | overrides)), POLICY)
    assert result.amount == amount
    assert ("no_valid_credit_report" in result.reasons) is capped


@pytest.mark.parametrize(
    ("kwargs", "available"),
    [
        pytest.param({}, D(40_000), id="limit-minus-exposure"),
        pytest.param({"limit": None}, D(-60_000), id="no-limit-counts-as-zero"),
        pytest.param({"exposure": D(120_000)}, D(-20_000), id="over-the-limit-already"),
    ],
)
def test_order_check_reports_exposure_limit_and_available_credit(kwargs, available):
    """DOMAIN §6.4: available = approved limit − exposure."""
    args = {"amount": D(10_000), "exposure": D(60_000), "limit": D(100_000), "grade": Grade.JIA, "prepaid": False}
    args |= kwargs
    result = check_order(**args)
    assert (result.exposure, result.limit, result.available) == (args["exposure"], args["limit"], available)


@pytest.mark.parametrize(
    ("size", "report", "ceiling"),
    [
        pytest.param("small", False, None, id="small-unbounded"),
        pytest.param("medium", False, D(50_000), id="medium-without-report"),
        pytest.param("large", False, D(50_000), id="large-without-report"),
        pytest.param("large", True, None, id="large-with-report"),
    ],
)
def test_most_a_manager_may_approve(size, report, ceiling):
    """DOMAIN §6.3: never above the small ceiling for a medium or large customer without a valid credit report."""
    assert max_grantable(size, report, POLICY) == ceiling
