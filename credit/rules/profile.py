"""A customer's whole credit picture from its trade records and decisions (DOMAIN §3–§6), pure."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit.rules import classification as classes
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
    core_pin: classes.CorePin = classes.CorePin.AUTOMATIC  # the pin in force (DOMAIN §2.1)
    last_opportunity_on: date | None = None  # the latest technical requirement or promotion response


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
    reasons = list(recommendation.reasons) + ([limits.Reason.GRADE_OVERRIDDEN] if inputs.grade_override else [])
    # DOMAIN §6.2: a small customer on a default list (litigation, or overdue > 90 days) loses its limit
    # at once and its arrears are flagged for recovery.
    limit = inputs.limit
    recovery = inputs.size == "small" and limits.on_default_list(facts.grade, inputs.litigation_records)
    if recovery:
        reasons.append(limits.Reason.DEFAULT_LIST_LIMIT_WITHDRAWN)
        limit = None
    value_tier = tier.value_tier(trailing, policy)
    return {
        "tier": value_tier.value,
        "trailing_12m_purchases": trailing,
        **_classifications(inputs, purchases, value_tier, trailing, policy=policy, today=today),
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


def _classifications(
    inputs: ProfileInputs,
    purchases: list[tier.Purchase],
    value_tier: tier.Tier,
    trailing: Decimal,
    *,
    policy: CreditPolicy,
    today: date,
) -> dict:
    """DOMAIN §2.1: the classes by time, transaction process and volume, and core vs ordinary."""
    facts = classes.trade_facts(purchases, last_opportunity_on=inputs.last_opportunity_on)
    since, first = inputs.relationship_since, facts.first_order_on
    years = classes.relationship_years(since=since, first_order_on=first, today=today)
    core = classes.core_decision(trailing=trailing, years=years, pin=inputs.core_pin, policy=policy)
    return {
        "is_core": core.is_core,
        "computed_core": core.computed,
        "core_pinned": core.pinned,
        "time_class": classes.time_class(facts, today=today, policy=policy).value,
        "process_class": classes.process_class(facts, today=today, policy=policy).value,
        "volume_class": classes.volume_class(value_tier).value,
    }
