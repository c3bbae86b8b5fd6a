"""Credit scores: the 5C method and feature analysis (DOMAIN §5), and the risk class they give."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from credit.rules.grade import Grade
from credit.rules.policy import CreditPolicy

FIVE_C = ("character", "capacity", "capital", "collateral", "conditions")
MAX_RATING = 10


class RiskClass(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"
    UNASSESSED = "unassessed"


@dataclass(frozen=True, slots=True)
class Score:
    score: Decimal  # Σ weight × rating
    max_score: Decimal  # Σ weight × 10
    percentage: Decimal  # score / max × 100, two places


class RatingError(ValueError):
    """A rating is missing, unknown or outside 0–10."""


def _check(ratings: Mapping[str, int | Decimal], weights: Mapping[str, int | Decimal]) -> None:
    if ratings.keys() != weights.keys():
        missing, unknown = weights.keys() - ratings.keys(), ratings.keys() - weights.keys()
        raise RatingError(f"missing {sorted(missing)}, unknown {sorted(unknown)}")
    if ratings and (min(ratings.values()) < 0 or max(ratings.values()) > MAX_RATING):
        outside = [key for key, rating in ratings.items() if not 0 <= rating <= MAX_RATING]
        raise RatingError(f"ratings outside 0–10: {sorted(outside)}")


_CENT = Decimal("0.01")


def weighted_score(ratings: Mapping[str, int | Decimal], weights: Mapping[str, int | Decimal]) -> Score:
    """Feature analysis (DOMAIN §5.2): score = Σ weight × rating; credit level = score / (Σ weight × 10).

    Integer ratings and weights (the usual case) are summed as integers; the level is a Decimal.
    """
    _check(ratings, weights)
    score = sum(weight * ratings[key] for key, weight in weights.items())
    maximum = sum(weights.values()) * MAX_RATING
    if maximum <= 0:
        raise RatingError("the weights add up to nothing")
    percentage = (Decimal(score) * 100 / Decimal(maximum)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return Score(Decimal(score), Decimal(maximum), percentage)


def five_c_score(ratings: Mapping[str, int | Decimal], weights: Mapping[str, int | Decimal] | None = None) -> Score:
    """5C (DOMAIN §5.1): Σ wᵢ·rᵢ / (10 Σ wᵢ) × 100, equal weights unless given."""
    return weighted_score(ratings, weights or dict.fromkeys(FIVE_C, 1))


def risk_class(percentage: Decimal | None, policy: CreditPolicy) -> RiskClass:
    """low S ≥ 80, moderate 60 ≤ S < 80, high 40 ≤ S < 60, very high S < 40 (DOMAIN §5.3)."""
    if percentage is None:
        return RiskClass.UNASSESSED
    if percentage >= policy.risk_low_from:
        return RiskClass.LOW
    if percentage >= policy.risk_moderate_from:
        return RiskClass.MODERATE
    if percentage >= policy.risk_high_from:
        return RiskClass.HIGH
    return RiskClass.VERY_HIGH


@dataclass(frozen=True, slots=True)
class Financials:
    """The latest operating-status figures the suggestions need (any may be unknown)."""

    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    current_assets: Decimal | None = None
    current_liabilities: Decimal | None = None
    annual_revenue: Decimal | None = None
    net_profit: Decimal | None = None


def _clamp(value: int) -> int:
    return max(0, min(MAX_RATING, value))


def suggest_capital(f: Financials, policy: CreditPolicy) -> int | None:
    """Capital from the debt ratio (liabilities / assets), lowered by a weak current ratio; the cut-offs are
    the policy's (DOMAIN §5.1)."""
    if not f.total_assets or f.total_liabilities is None:
        return None
    debt_ratio = f.total_liabilities / f.total_assets
    rating = next(
        (
            r
            for limit, r in (
                (policy.capital_debt_ratio_10, 10),
                (policy.capital_debt_ratio_8, 8),
                (policy.capital_debt_ratio_5, 5),
                (policy.capital_debt_ratio_2, 2),
            )
            if debt_ratio <= limit
        ),
        0,
    )
    if f.current_assets is not None and f.current_liabilities:
        current_ratio = f.current_assets / f.current_liabilities
        strong, weak = policy.capital_current_ratio_strong, policy.capital_current_ratio_weak
        rating -= 0 if current_ratio >= strong else 1 if current_ratio >= weak else 3
    return _clamp(rating)


def suggest_capacity(f: Financials, policy: CreditPolicy) -> int | None:
    """Capacity from the net margin (net profit / revenue), by the policy's cut-offs (DOMAIN §5.1)."""
    if not f.annual_revenue or f.net_profit is None:
        return None
    margin = f.net_profit / f.annual_revenue
    if margin >= policy.capacity_margin_9:
        return 9
    if margin >= policy.capacity_margin_7:
        return 7
    return 5 if margin >= 0 else 2


CHARACTER_BY_GRADE = {Grade.JIA: 10, Grade.YI: 7, Grade.BING: 4, Grade.DING: 0, Grade.UNRATED: 5}


def suggest_character(grade: Grade, litigation_records: int, policy: CreditPolicy) -> int:
    """Character from the payment grade, the policy's points off per litigation record (DOMAIN §5.1)."""
    return _clamp(CHARACTER_BY_GRADE[grade] - policy.character_litigation_penalty * litigation_records)


def suggest_five_c(f: Financials, grade: Grade, litigation_records: int, policy: CreditPolicy) -> dict[str, int | None]:
    """Suggested 5C ratings where figures exist (DOMAIN §5.1); the analyst confirms or changes them."""
    return {
        "character": suggest_character(grade, litigation_records, policy),
        "capacity": suggest_capacity(f, policy),
        "capital": suggest_capital(f, policy),
        "collateral": None,
        "conditions": None,
    }
