"""A customer's whole credit picture from its trade records and decisions (DOMAIN §3–§6), pure."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit.rules import classification as classes
from credit.rules import grade as grade_rules
from credit.rules import limits, scoring, tier
from credit.rules.policy import CreditPolicy

RATIO_PLACES = Decimal("0.0001")  # the stored on-time ratio's four decimals


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


@dataclass(frozen=True, slots=True)
class LedgerFacts:
    """What the profile reads of a customer's orders and payments, in a few numbers: gathered by ``ledger_facts``
    from the ledger itself, or by SQL for every customer at once (the nightly recompute), and decided on by
    ``profile_of`` either way."""

    trailing: Decimal = Decimal(0)  # T: open and completed orders dated in the trailing window (DOMAIN §3)
    first_order_on: date | None = None  # the earliest open or completed order (DOMAIN §2.1)
    last_order_on: date | None = None  # the latest open or completed order
    has_open_order: bool = False
    has_held_order: bool = False
    billable: Decimal = Decimal(0)  # the amounts of every open and completed order (DOMAIN §6.4)
    paid: Decimal = Decimal(0)  # every payment
    due: Decimal = Decimal(0)  # the grade's window: the amounts of its orders (DOMAIN §4)
    paid_on_time: Decimal = Decimal(0)  # … paid on or before their due dates, payments allocated as §4 says
    max_days_late: int = 0  # … the worst lateness of any part, paid late or still unpaid


def ledger_facts(
    orders: Sequence[OrderRow], payments: Sequence[grade_rules.PaymentIn], *, today: date, policy: CreditPolicy
) -> LedgerFacts:
    """The facts of one ledger: payments allocated to orders (DOMAIN §4), the grade's window summed."""
    purchases = [tier.Purchase(o.order_date, o.amount, o.status) for o in orders]
    receivables = [
        grade_rules.Receivable(o.order_id, o.due_date, o.amount) for o in orders if o.status in tier.BILLABLE
    ]
    allocations = grade_rules.allocate(receivables, payments)
    items = grade_rules.collections(receivables, allocations, today=today, policy=policy)
    trade = classes.trade_facts(purchases)
    return LedgerFacts(
        trailing=tier.trailing_purchases(purchases, today=today, policy=policy),
        first_order_on=trade.first_order_on,
        last_order_on=trade.last_order_on,
        has_open_order=trade.has_open_order,
        has_held_order=trade.has_held_order,
        billable=sum((r.amount for r in receivables), Decimal(0)),
        paid=sum((p.amount for p in payments), Decimal(0)),
        due=sum((c.due for c in items), Decimal(0)),
        paid_on_time=sum((c.paid_on_time for c in items), Decimal(0)),
        max_days_late=max((c.days_late for c in items), default=0),
    )


def compute_profile(inputs: ProfileInputs, *, policy: CreditPolicy, today: date) -> dict:
    """The stored profile's fields, with the reasons behind the recommendation."""
    facts = ledger_facts(inputs.orders, inputs.payments, today=today, policy=policy)
    return profile_of(inputs, facts, policy=policy, today=today)


def profile_of(inputs: ProfileInputs, ledger: LedgerFacts, *, policy: CreditPolicy, today: date) -> dict:
    """The profile from the customer's decisions and records (``inputs``; its orders and payments unread) and the
    facts of its ledger: tier, grade, risk, recommended limit, exposure and classes (DOMAIN §2.1, §3–§6)."""
    trailing = ledger.trailing
    facts = grade_rules.grade_facts_of_totals(
        due=ledger.due, paid_on_time=ledger.paid_on_time, worst=ledger.max_days_late, policy=policy
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
    exposure = limits.exposure(billable=ledger.billable, paid=ledger.paid, credited=inputs.credited)
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
        **_classifications(inputs, ledger, value_tier, policy=policy, today=today),
        "computed_grade": facts.grade.value,
        "payment_grade": grade.value,
        "on_time_ratio": None if facts.on_time_ratio is None else facts.on_time_ratio.quantize(RATIO_PLACES),
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
    inputs: ProfileInputs, ledger: LedgerFacts, value_tier: tier.Tier, *, policy: CreditPolicy, today: date
) -> dict:
    """DOMAIN §2.1: the classes by time, transaction process and volume, and core vs ordinary."""
    facts = classes.TradeFacts(
        first_order_on=ledger.first_order_on,
        last_order_on=ledger.last_order_on,
        has_open_order=ledger.has_open_order,
        has_held_order=ledger.has_held_order,
        last_opportunity_on=inputs.last_opportunity_on,
    )
    since, first = inputs.relationship_since, facts.first_order_on
    years = classes.relationship_years(since=since, first_order_on=first, today=today)
    core = classes.core_decision(trailing=ledger.trailing, years=years, pin=inputs.core_pin, policy=policy)
    return {
        "is_core": core.is_core,
        "computed_core": core.computed,
        "core_pinned": core.pinned,
        "time_class": classes.time_class(facts, today=today, policy=policy).value,
        "process_class": classes.process_class(facts, today=today, policy=policy).value,
        "volume_class": classes.volume_class(value_tier).value,
    }
