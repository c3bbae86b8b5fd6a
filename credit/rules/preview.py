"""Policy preview (DOMAIN §11): what a draft policy does to today's portfolio, from each customer's stored facts
and the same rules as the live profile (§3 tier, §4 grade, §5.3 risk class, §6.1 recommended limit)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from credit.rules import limits, scoring, tier
from credit.rules.grade import Grade, grade_of
from credit.rules.policy import CreditPolicy


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """What the profile rule knows of one customer, as stored: no ledger replay."""

    customer_id: int
    trailing: Decimal
    on_time_ratio: Decimal | None  # None: nothing was due yet
    max_days_late: int
    override: str | None  # an unexpired grade override decides the grade whatever the policy
    score: Decimal | None  # the latest valid assessment's percentage
    size: str
    payment_terms_days: int
    expected_monthly_purchases: Decimal | None
    net_worth: Decimal | None
    has_valid_credit_report: bool
    current: "Outcome"  # the stored profile: what the policy in force gave


@dataclass(frozen=True, slots=True)
class Outcome:
    tier: str
    grade: str
    risk_class: str
    recommended: Decimal


def outcome(facts: CustomerFacts, policy: CreditPolicy) -> Outcome:
    """The tier, grade, risk class and recommended limit these facts get under ``policy``."""
    grade, risk, recommendation = decided(facts, policy)
    return Outcome(tier.value_tier(facts.trailing, policy).value, grade.value, risk.value, recommendation.amount)


def decided(facts: CustomerFacts, policy: CreditPolicy) -> tuple[Grade, scoring.RiskClass, limits.Recommendation]:
    """The grade, risk class and limit recommendation these facts get under ``policy``: ``outcome`` without the tier
    and the names, for a caller that decides on them (the back-test's order check, once per order and policy)."""
    grade = Grade(facts.override) if facts.override else grade_of(facts.on_time_ratio, facts.max_days_late, policy)
    risk = scoring.risk_class(facts.score, policy)
    return (
        grade,
        risk,
        limits.recommend_limit(
            limits.LimitFacts(
                facts.trailing,
                facts.payment_terms_days,
                facts.expected_monthly_purchases,
                facts.net_worth,
                facts.size,
                risk,
                grade,
                facts.has_valid_credit_report,
            ),
            policy,
        ),
    )


@dataclass(slots=True)
class Preview:
    """Moves between classes (from → to → customers), the recommended totals, and who would lose credit."""

    moves: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in ("tier", "grade", "risk")})
    recommended_current: Decimal = Decimal(0)
    recommended_draft: Decimal = Decimal(0)
    losing_credit: list[tuple[int, Decimal]] = field(default_factory=list)  # (customer id, current recommendation)
    customers: int = 0


def preview(rows: Iterable[CustomerFacts], *, draft: CreditPolicy) -> Preview:
    """Each customer's stored profile (the policy in force) against the draft; a customer loses credit when the
    profile recommends a limit and the draft recommends none."""
    result = Preview()
    for facts in rows:
        now, then = facts.current, outcome(facts, draft)
        result.customers += 1
        result.moves["tier"][(now.tier, then.tier)] += 1
        result.moves["grade"][(now.grade, then.grade)] += 1
        result.moves["risk"][(now.risk_class, then.risk_class)] += 1
        result.recommended_current += now.recommended
        result.recommended_draft += then.recommended
        if now.recommended > 0 and then.recommended == 0:
            result.losing_credit.append((facts.customer_id, now.recommended))
    return result
