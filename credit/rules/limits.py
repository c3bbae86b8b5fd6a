"""Recommended credit limit, sales policy and the order credit check (DOMAIN §4.1, §6)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from credit.rules.grade import Grade, PaymentIn, Receivable, allocate
from credit.rules.policy import CreditPolicy
from credit.rules.scoring import RiskClass


class SalesPolicy(StrEnum):
    """DOMAIN §4.1."""

    CREDIT_EXTENDED = "credit_extended"  # 甲: credit sales; A tier may get extended terms / temporary over-limit
    CREDIT_WITHIN_LIMIT = "credit_within_limit"  # 乙: ship first, collect later, within the limit
    PREPAYMENT = "prepayment"  # 丙: payment before shipment, no new credit
    PREPAYMENT_PHASE_OUT = "prepayment_phase_out"  # 丁: payment before shipment strictly; flagged for phase-out
    NOT_RATED = "not_rated"  # nothing due yet: credit within an approved limit


class Reason(StrEnum):
    """Why the engine recommends a limit (DOMAIN §6.1–§6.2) or holds an order (§6.4): every code a profile or a
    credit check stores. The words are ``credit.models.REASON_LABELS``; a test walks this list."""

    RISK_LOW = "risk_low"
    RISK_MODERATE = "risk_moderate"
    RISK_HIGH = "risk_high"
    RISK_VERY_HIGH = "risk_very_high"
    UNASSESSED_SMALL_CUSTOMER_CEILING = "unassessed_small_customer_ceiling"
    INVESTIGATION_REQUIRED = "investigation_required"
    CAPPED_BY_NET_WORTH = "capped_by_net_worth"
    NO_VALID_CREDIT_REPORT = "no_valid_credit_report"
    GRADE_YI = "grade_yi"
    GRADE_BING = "grade_bing"
    GRADE_DING = "grade_ding"
    GRADE_OVERRIDDEN = "grade_overridden"
    DEFAULT_LIST_LIMIT_WITHDRAWN = "default_list_limit_withdrawn"
    NO_VALID_LIMIT = "no_valid_limit"  # order check
    OVER_LIMIT = "over_limit"  # order check
    GRADE_REQUIRES_PREPAYMENT = "grade_requires_prepayment"  # order check
    HISTORICAL_IMPORT = "historical_import"  # a completed order imported without a check


SALES_POLICY_BY_GRADE = {
    Grade.JIA: SalesPolicy.CREDIT_EXTENDED,
    Grade.YI: SalesPolicy.CREDIT_WITHIN_LIMIT,
    Grade.BING: SalesPolicy.PREPAYMENT,
    Grade.DING: SalesPolicy.PREPAYMENT_PHASE_OUT,
    Grade.UNRATED: SalesPolicy.NOT_RATED,
}


def sales_policy(grade: Grade) -> SalesPolicy:
    return SALES_POLICY_BY_GRADE[grade]


@dataclass(frozen=True, slots=True)
class LimitFacts:
    trailing_purchases: Decimal
    payment_terms_days: int
    expected_monthly_purchases: Decimal | None
    net_worth: Decimal | None
    size: str  # small | medium | large
    risk: RiskClass
    grade: Grade
    has_valid_credit_report: bool  # agency report or bank certificate (DOMAIN §6.2)


@dataclass(frozen=True, slots=True)
class Recommendation:
    amount: Decimal
    need: Decimal
    investigation_required: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


_FACTOR_OF = {
    RiskClass.LOW: "factor_low",
    RiskClass.MODERATE: "factor_moderate",
    RiskClass.HIGH: "factor_high",
    RiskClass.VERY_HIGH: "factor_very_high",
}
_RISK_REASON = {risk: Reason(f"risk_{risk.value}") for risk in _FACTOR_OF}
_GRADE_REASON = {Grade.BING: Reason.GRADE_BING, Grade.DING: Reason.GRADE_DING}


def _factor(risk: RiskClass, policy: CreditPolicy) -> Decimal:
    return getattr(policy, _FACTOR_OF[risk])


def monthly_need(f: LimitFacts) -> Decimal:
    """need = trailing purchases / 12 × (terms / 30); without history, the rep's expected monthly purchases."""
    monthly = f.trailing_purchases / 12 if f.trailing_purchases > 0 else (f.expected_monthly_purchases or Decimal(0))
    return monthly * Decimal(f.payment_terms_days) / 30


def _base(f: LimitFacts, need: Decimal, policy: CreditPolicy, reasons: list[Reason]) -> tuple[Decimal, bool]:
    if f.risk is RiskClass.UNASSESSED:
        if f.size == "small":
            reasons.append(Reason.UNASSESSED_SMALL_CUSTOMER_CEILING)
            return min(need, policy.small_customer_ceiling), False
        reasons.append(Reason.INVESTIGATION_REQUIRED)
        return Decimal(0), True
    reasons.append(_RISK_REASON[f.risk])
    return need * _factor(f.risk, policy), False


def recommend_limit(f: LimitFacts, policy: CreditPolicy) -> Recommendation:
    """DOMAIN §6.1–§6.2: min(need × risk factor, 10% of net worth), × 0.8 for 乙, 0 for 丙/丁, floored to 1,000."""
    reasons: list[Reason] = []
    need = monthly_need(f)
    amount, investigate = _base(f, need, policy, reasons)
    if f.net_worth is not None:
        cap = f.net_worth * policy.capacity_share_of_net_worth
        if cap < amount:
            reasons.append(Reason.CAPPED_BY_NET_WORTH)
            amount = max(cap, Decimal(0))
    if f.size != "small" and not f.has_valid_credit_report and amount > policy.small_customer_ceiling:
        reasons.append(Reason.NO_VALID_CREDIT_REPORT)
        amount = policy.small_customer_ceiling
    if f.grade is Grade.YI:
        reasons.append(Reason.GRADE_YI)
        amount *= policy.yi_limit_factor
    if f.grade in _GRADE_REASON:
        reasons.append(_GRADE_REASON[f.grade])
        amount = Decimal(0)
    step = policy.limit_rounding
    amount = (amount / step).to_integral_value(rounding=ROUND_DOWN) * step
    return Recommendation(amount, need, investigate, tuple(reasons))


def max_grantable(size: str, has_valid_credit_report: bool, policy: CreditPolicy) -> Decimal | None:
    """DOMAIN §6.2–§6.3: the most a manager may approve, or None when unbounded."""
    if size == "small" or has_valid_credit_report:
        return None
    return policy.small_customer_ceiling


def four_eyes_kept(*, requested_by: int, deciding: int) -> bool:
    """Four eyes 双人复核 (DOMAIN §6.3): a limit request is decided by someone other than who asked for it."""
    return requested_by != deciding


def exposure(*, billable: Decimal, paid: Decimal, credited: Decimal = Decimal(0)) -> Decimal:
    """Exposure 风险敞口 (DOMAIN §6.4): what billable (open and completed) orders leave unpaid once every payment is
    allocated and the credit notes on them are deducted, never below zero. Payments of a cancelled order move to
    the others, so cancelling hides nothing.

    A credit note 红字冲销 (a write-off) lowers what the customer owes on a completed order, as a payment would, but
    it is no payment: the payment grade (DOMAIN §4) reads payments only, so a written-off amount stays unpaid
    there. Only a credit manager records one (``credit.write_off``), with who, when, amount and reason."""
    return max(billable - credited - paid, Decimal(0))


def credit_note_room(
    *, order_id: int, receivables: Sequence[Receivable], payments: Sequence[PaymentIn], exposure: Decimal
) -> Decimal:
    """The most a credit note on this order may credit (DOMAIN §6.4): what the payments, allocated as for the
    grade (DOMAIN §4), leave unpaid on it, and never more than the exposure, so a credit note never turns into
    a credit balance that would cover later orders. ``receivables`` are net of earlier credit notes."""
    allocated = sum((a.amount for a in allocate(receivables, payments) if a.order_id == order_id), Decimal(0))
    owed = sum((r.amount for r in receivables if r.order_id == order_id), Decimal(0))
    return max(min(owed - allocated, exposure), Decimal(0))


@dataclass(frozen=True, slots=True)
class OrderCheck:
    passed: bool
    reasons: tuple[str, ...]
    exposure: Decimal
    limit: Decimal | None
    available: Decimal


def requires_prepayment(grade: Grade) -> bool:
    """丙 and 丁 buy against payment before shipment, whatever limit they hold (DOMAIN §4.1, §6.4)."""
    return grade in (Grade.BING, Grade.DING)


def on_default_list(grade: Grade, litigation_records: int) -> bool:
    """A customer on a default list (DOMAIN §6.2): more than the policy's days late (丁), or with litigation."""
    return grade is Grade.DING or litigation_records > 0


def check_order(
    *, amount: Decimal, exposure: Decimal, limit: Decimal | None, grade: Grade, prepaid: bool
) -> OrderCheck:
    """DOMAIN §6.4: hold when 丙/丁 and not prepaid, when there is no valid limit, or when exposure + amount > limit."""
    reasons: list[Reason] = []
    if requires_prepayment(grade) and not prepaid:
        reasons.append(Reason.GRADE_REQUIRES_PREPAYMENT)
    if limit is None:
        reasons.append(Reason.NO_VALID_LIMIT)
    elif exposure + amount > limit:
        reasons.append(Reason.OVER_LIMIT)
    available = (limit or Decimal(0)) - exposure
    return OrderCheck(not reasons, tuple(reasons), exposure, limit, available)
