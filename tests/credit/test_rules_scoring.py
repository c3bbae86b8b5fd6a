"""DOMAIN §5 scores: 5C, feature analysis, risk class, suggested ratings; pure rules."""

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
    assert suggest_five_c(figures, Grade.JIA, litigation_records=1) == {
        "character": 7,
        "capacity": 9,
        "capital": 10,
        "collateral": None,
        "conditions": None,
    }
    assert suggest_five_c(Financials(), Grade.DING, 0)["capital"] is None


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
