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


def test_five_c_score_and_maximum_with_equal_weights():
    """DOMAIN §5.1: default weights are equal, one each: the maximum is 5 × 10."""
    score = five_c_score({"character": 8, "capacity": 6, "capital": 7, "collateral": 5, "conditions": 9})
    assert (score.score, score.max_score) == (D(35), D(50))


def test_ratings_0_and_10_are_allowed():
    """DOMAIN §5.1–§5.2: each rated 0–10, both ends included."""
    assert weighted_score({"a": 0, "b": 10}, {"a": 1, "b": 1}).percentage == D("50.00")


@pytest.mark.parametrize(
    ("ratings", "weights", "message"),
    [
        pytest.param({"a": 5, "c": 5}, {"a": 1, "b": 1}, r"missing \['b'\], unknown \['c'\]", id="missing-and-unknown"),
        pytest.param(
            {"a": 11, "b": 0, "c": 10, "d": -1}, dict.fromkeys("abcd", 1), r"outside 0–10: \['a', 'd'\]$", id="out"
        ),
        pytest.param({"a": 5}, {"a": 0}, "^the weights add up to nothing$", id="zero-weights"),
    ],
)
def test_refusals_name_what_is_wrong(ratings, weights, message):
    """The analyst sees which rating to fix (the message reaches the form and the API)."""
    with pytest.raises(RatingError, match=message):
        weighted_score(ratings, weights)


def test_a_small_weight_still_scores():
    """Weights may be fractions: Σ weight × 10 = 1 is a valid maximum."""
    assert weighted_score({"a": 10}, {"a": D("0.1")}).percentage == D("100.00")


@pytest.mark.parametrize(
    ("rating_a", "percentage"),
    [pytest.param(1, D("0.13"), id="0.125-rounds-up"), pytest.param(5, D("0.63"), id="0.625-rounds-up")],
)
def test_credit_level_rounds_half_up(rating_a, percentage):
    """Score 1 (or 5) of 800 is 0.125% (0.625%): shown with two places, halves rounded up."""
    assert weighted_score({"a": rating_a, "b": 0}, {"a": 1, "b": 79}).percentage == percentage


@pytest.mark.parametrize(
    ("liabilities", "capital"),
    [
        pytest.param(300, 10, id="debt-ratio-0.30"),
        pytest.param(301, 8, id="debt-ratio-0.301"),
        pytest.param(500, 8, id="debt-ratio-0.50"),
        pytest.param(501, 5, id="debt-ratio-0.501"),
        pytest.param(700, 5, id="debt-ratio-0.70"),
        pytest.param(701, 2, id="debt-ratio-0.701"),
        pytest.param(900, 2, id="debt-ratio-0.90"),
        pytest.param(901, 0, id="debt-ratio-0.901"),
        pytest.param(5000, 0, id="debt-ratio-5"),
    ],
)
def test_suggested_capital_by_debt_ratio(liabilities, capital):
    """DOMAIN §5.1: Capital from the debt ratio (liabilities / assets): ≤ 30% 10, ≤ 50% 8, ≤ 70% 5, ≤ 90% 2, else 0."""
    figures = Financials(total_assets=D(1000), total_liabilities=D(liabilities))
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capital"] == capital


@pytest.mark.parametrize(
    ("current_assets", "current_liabilities", "capital"),
    [
        pytest.param(D(200), D(100), 10, id="current-ratio-2-no-cut"),
        pytest.param(D(199), D(100), 9, id="current-ratio-1.99-one-off"),
        pytest.param(D(100), D(100), 9, id="current-ratio-1-one-off"),
        pytest.param(D(99), D(100), 7, id="current-ratio-0.99-three-off"),
        pytest.param(None, D(100), 10, id="current-assets-unknown"),
        pytest.param(D(100), None, 10, id="current-liabilities-unknown"),
        pytest.param(D(100), D(0), 10, id="no-current-liabilities"),
    ],
)
def test_suggested_capital_is_lowered_by_a_weak_current_ratio(current_assets, current_liabilities, capital):
    """DOMAIN §5.1: the current ratio (current assets / current liabilities) takes 0 at ≥ 2, 1 at ≥ 1, else 3."""
    figures = Financials(
        total_assets=D(1000),
        total_liabilities=D(100),
        current_assets=current_assets,
        current_liabilities=current_liabilities,
    )
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capital"] == capital


def test_suggested_capital_never_goes_below_0():
    figures = Financials(
        total_assets=D(1000), total_liabilities=D(950), current_assets=D(10), current_liabilities=D(100)
    )
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capital"] == 0


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(Financials(total_assets=D(1000)), id="liabilities-unknown"),
        pytest.param(Financials(total_liabilities=D(100)), id="assets-unknown"),
        pytest.param(Financials(total_assets=D(0), total_liabilities=D(100)), id="no-assets"),
    ],
)
def test_no_capital_suggestion_without_both_figures(figures):
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capital"] is None


@pytest.mark.parametrize(
    ("profit", "capacity"),
    [
        pytest.param("100", 9, id="margin-10pct"),
        pytest.param("99.99", 7, id="margin-just-below-10pct"),
        pytest.param("50", 7, id="margin-5pct"),
        pytest.param("49.99", 5, id="margin-just-below-5pct"),
        pytest.param("0", 5, id="break-even"),
        pytest.param("-0.01", 2, id="loss"),
    ],
)
def test_suggested_capacity_by_net_margin(profit, capacity):
    """DOMAIN §5.1: Capacity from the net margin: ≥ 10% 9, ≥ 5% 7, ≥ 0 5, a loss 2."""
    figures = Financials(annual_revenue=D(1000), net_profit=D(profit))
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capacity"] == capacity


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param(Financials(annual_revenue=D(1000)), id="profit-unknown"),
        pytest.param(Financials(net_profit=D(10)), id="revenue-unknown"),
        pytest.param(Financials(annual_revenue=D(0), net_profit=D(10)), id="no-revenue"),
    ],
)
def test_no_capacity_suggestion_without_both_figures(figures):
    assert suggest_five_c(figures, Grade.JIA, 0, POLICY)["capacity"] is None
