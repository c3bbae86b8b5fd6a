"""DOMAIN §5 scores: 5C, feature analysis, risk class, suggested ratings; pure rules."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.rules.grade import Grade
from credit.rules.policy import CreditPolicy
from credit.rules.scoring import (
    FIVE_C,
    Financials,
    RatingError,
    RiskClass,
    five_c_score,
    risk_class,
    suggest_capacity,
    suggest_capital,
    suggest_character,
    suggest_five_c,
    weighted_score,
)

POLICY = CreditPolicy()
D = Decimal


def test_five_c_with_equal_weights():
    """DOMAIN §5.1: score = Σ wᵢ·rᵢ / (10 Σ wᵢ) × 100."""
    score = five_c_score({"character": 8, "capacity": 6, "capital": 7, "collateral": 5, "conditions": 9})
    assert score.percentage == D("70.00")


def test_five_c_with_weights():
    ratings = dict.fromkeys(FIVE_C, 10) | {"collateral": 0}
    weights = dict.fromkeys(FIVE_C, 1) | {"collateral": 3}
    assert five_c_score(ratings, weights).percentage == D("57.14")


def test_feature_analysis_score_maximum_and_level():
    """DOMAIN §5.2: score = Σ weight × rating; maximum = Σ weight × 10; level = score / maximum."""
    result = weighted_score({"a": 10, "b": 5}, {"a": 3, "b": 1})
    assert (result.score, result.max_score, result.percentage) == (D(35), D(40), D("87.50"))


@pytest.mark.parametrize(
    "ratings",
    [
        pytest.param({"a": 11, "b": 0}, id="above-10"),
        pytest.param({"a": -1, "b": 0}, id="negative"),
        pytest.param({"a": 5}, id="missing"),
        pytest.param({"a": 5, "b": 5, "c": 5}, id="unknown"),
    ],
)
def test_bad_ratings_are_refused(ratings):
    with pytest.raises(RatingError):
        weighted_score(ratings, {"a": 1, "b": 1})


@pytest.mark.parametrize(
    ("percentage", "risk"),
    [
        pytest.param("80", RiskClass.LOW, id="low-at-80"),
        pytest.param("79.99", RiskClass.MODERATE, id="moderate-below-80"),
        pytest.param("60", RiskClass.MODERATE, id="moderate-at-60"),
        pytest.param("59.99", RiskClass.HIGH, id="high-below-60"),
        pytest.param("40", RiskClass.HIGH, id="high-at-40"),
        pytest.param("39.99", RiskClass.VERY_HIGH, id="very-high-below-40"),
        pytest.param(None, RiskClass.UNASSESSED, id="no-valid-assessment"),
    ],
)
def test_risk_class_boundaries(percentage, risk):
    """DOMAIN §5.3."""
    assert risk_class(None if percentage is None else D(percentage), POLICY) is risk


def test_suggested_ratings_from_figures_and_history():
    """DOMAIN §5.1: Capital from debt and current ratios, Character from the grade and litigation."""
    figures = Financials(
        total_assets=D(1000),
        total_liabilities=D(250),
        current_assets=D(300),
        current_liabilities=D(100),
        annual_revenue=D(1000),
        net_profit=D(120),
    )
    assert suggest_five_c(figures, Grade.JIA, 1, POLICY) == {
        "character": 7,
        "capacity": 9,
        "capital": 10,
        "collateral": None,
        "conditions": None,
    }
    assert suggest_five_c(Financials(), Grade.DING, 0, POLICY)["capital"] is None


@pytest.mark.parametrize(
    ("liabilities", "current_assets", "rating"),
    [
        pytest.param(300, 200, 10, id="debt-ratio-at-30pc"),
        pytest.param(301, 200, 8, id="debt-ratio-above-30pc"),
        pytest.param(500, 200, 8, id="debt-ratio-at-50pc"),
        pytest.param(700, 200, 5, id="debt-ratio-at-70pc"),
        pytest.param(900, 200, 2, id="debt-ratio-at-90pc"),
        pytest.param(901, 200, 0, id="debt-ratio-above-90pc"),
        pytest.param(300, 199, 9, id="current-ratio-below-2"),
        pytest.param(300, 99, 7, id="current-ratio-below-1"),
    ],
)
def test_suggested_capital_at_each_cut_off(liabilities, current_assets, rating):
    """DOMAIN §5.1: Capital from the debt ratio, less for a current ratio below 2 (one point) or 1 (three)."""
    figures = Financials(
        total_assets=D(1000),
        total_liabilities=D(liabilities),
        current_assets=D(current_assets),
        current_liabilities=D(100),
    )
    assert suggest_capital(figures, POLICY) == rating


def test_suggestion_cut_offs_are_the_policys():
    """DOMAIN opening, §5.1: the 5C suggestion cut-offs are policy numbers; another policy suggests otherwise."""
    figures = Financials(total_assets=D(1000), total_liabilities=D(250), annual_revenue=D(1000), net_profit=D(80))
    changed = replace(
        POLICY, capital_debt_ratio_10=D("0.2"), capacity_margin_9=D("0.08"), character_litigation_penalty=5
    )
    assert (suggest_capital(figures, POLICY), suggest_capital(figures, changed)) == (10, 8)
    assert (suggest_capacity(figures, POLICY), suggest_capacity(figures, changed)) == (7, 9)
    assert (suggest_character(Grade.JIA, 1, POLICY), suggest_character(Grade.JIA, 1, changed)) == (7, 5)


weights = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=10), min_size=1)


@given(weights, st.data())
def test_credit_level_is_within_0_and_100(weights, data):
    ratings = {key: data.draw(st.integers(min_value=0, max_value=10)) for key in weights}
    assert D(0) <= weighted_score(ratings, weights).percentage <= D(100)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=5, max_size=5), st.integers(0, 4))
def test_raising_a_rating_never_lowers_the_score(values, index):
    ratings = dict(zip(FIVE_C, values, strict=True))
    better = ratings | {FIVE_C[index]: min(10, values[index] + 1)}
    assert five_c_score(better).percentage >= five_c_score(ratings).percentage
