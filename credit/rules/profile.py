"""A customer's whole credit picture from its trade records and decisions (DOMAIN §3–§6), pure."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit.rules import grade as grade_rules
from credit.rules import limits, scoring, tier
from credit.rules.policy import CreditPolicy


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: int
    order_date: date
    due_date: date
    amount: Decimal
    status: str


@dataclass(slots=True)
class ProfileInputs:
    size: str = "small"
    payment_terms_days: int = 30
    expected_monthly_purchases: Decimal | None = None
    relationship_since: date | None = None
    net_worth: Decimal | None = None
    assessment_percentage: Decimal | None = None  # of the latest valid assessment
    has_valid_credit_report: bool = False
    limit: Decimal | None = None  # the valid approved limit
    limit_valid_until: date | None = None
    grade_override: str | None = None  # an unexpired override
    litigation_records: int = 0
    orders: list[OrderRow] = field(default_factory=list)
    payments: list[grade_rules.PaymentIn] = field(default_factory=list)
    credited: Decimal = Decimal(0)  # credit notes on billable orders: exposure, not the grade (DOMAIN §6.4)


def compute_profile(inputs: ProfileInputs, *, policy: CreditPolicy, today: date) -> dict:
    """The stored profile's fields, with the reasons behind the recommendation."""
    purchases = [tier.Purchase(o.order_date, o.amount, o.status) for o in inputs.orders]
    trailing = tier.trailing_purchases(purchases, today=today, policy=policy)
    receivables = [
        grade_rules.Receivable(o.order_id, o.due_date, o.amount) for o in inputs.orders if o.status in tier.BILLABLE
    ]
    allocations = grade_rules.allocate(receivables, inputs.payments)
    facts = grade_rules.grade_facts(
        grade_rules.collections(receivables, allocations, today=today, policy=policy), policy
    )
    grade = grade_rules.Grade(inputs.grade_override) if inputs.grade_override else facts.grade
    risk = scoring.risk_class(inputs.assessment_percentage, policy)
    recommendation = limits.recommend_limit(
        limits.LimitFacts(
            trailing,
            inputs.payment_terms_days,
            inputs.expected_monthly_purchases,
            inputs.net_worth,
            inputs.size,
            risk,
            grade,
            inputs.has_valid_credit_report,
        ),
        policy,
    )
    exposure = limits.exposure(
        billable=sum((r.amount for r in receivables), Decimal(0)),
        paid=sum((p.amount for p in inputs.payments), Decimal(0)),
        credited=inputs.credited,
    )
    years = None if inputs.relationship_since is None else (today - inputs.relationship_since).days / 365.25
    reasons = list(recommendation.reasons) + (["grade_overridden"] if inputs.grade_override else [])
    # DOMAIN §6.2: a small customer on a default list (litigation, or overdue > 90 days) loses its limit
    # at once and its arrears are flagged for recovery.
    limit = inputs.limit
    recovery = inputs.size == "small" and limits.on_default_list(facts.grade, inputs.litigation_records)
    if recovery:
        reasons.append("default_list_limit_withdrawn")
        limit = None
    return {
        "tier": tier.value_tier(trailing, policy).value,
        "trailing_12m_purchases": trailing,
        "is_core": tier.is_core(trailing=trailing, relationship_years=years, policy=policy),
        "computed_grade": facts.grade.value,
        "payment_grade": grade.value,
        "on_time_ratio": None if facts.on_time_ratio is None else facts.on_time_ratio.quantize(Decimal("0.0001")),
        "max_days_late": facts.max_days_late,
        "score": inputs.assessment_percentage,
        "risk_class": risk.value,
        "recommended_limit": recommendation.amount,
        "investigation_required": recommendation.investigation_required,
        "credit_limit": limit,
        "limit_valid_until": inputs.limit_valid_until if limit is not None else None,
        "exposure": exposure,
        "available_credit": (limit or Decimal(0)) - exposure,
        "recovery_flagged": recovery and exposure > 0,
        "sales_policy": limits.sales_policy(grade).value,
        "reasons": reasons,
    }
