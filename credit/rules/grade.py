"""Payment grade 甲乙丙丁 (DOMAIN §4): allocation of payments to orders, then the grade."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from credit.rules.policy import CreditPolicy


class Grade(StrEnum):
    JIA = "jia"  # 甲
    YI = "yi"  # 乙
    BING = "bing"  # 丙
    DING = "ding"  # 丁
    UNRATED = "unrated"


@dataclass(frozen=True, slots=True)
class Receivable:
    """A billable order as the ledger sees it."""

    order_id: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentIn:
    payment_id: int
    paid_on: date
    amount: Decimal
    order_id: int | None = None  # the order the payment names, if any


@dataclass(frozen=True, slots=True)
class Allocation:
    payment_id: int
    order_id: int
    paid_on: date
    amount: Decimal


def allocate(receivables: Sequence[Receivable], payments: Iterable[PaymentIn]) -> list[Allocation]:
    """Payments go to the order they name (up to what is open on it), the rest oldest due first (FIFO).

    Payments are taken in date order; what no billable order can absorb stays unallocated (a credit). The oldest
    order still open is remembered, so a ledger is allocated in one pass over its orders, not one per payment.
    """
    open_amounts = {r.order_id: r.amount for r in receivables}
    by_due = [r.order_id for r in sorted(receivables, key=lambda r: (r.due_date, r.order_id))]
    oldest_open = 0
    allocations: list[Allocation] = []
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.payment_id)):
        left, named = payment.amount, payment.order_id
        if named in open_amounts and open_amounts[named] > 0 and left > 0:
            share = min(left, open_amounts[named])
            allocations.append(Allocation(payment.payment_id, named, payment.paid_on, share))
            open_amounts[named] -= share
            left -= share
        while oldest_open < len(by_due) and open_amounts[by_due[oldest_open]] <= 0:
            oldest_open += 1
        index = oldest_open
        while left > 0 and index < len(by_due):
            order_id = by_due[index]
            share = min(left, open_amounts[order_id])
            if share > 0:
                allocations.append(Allocation(payment.payment_id, order_id, payment.paid_on, share))
                open_amounts[order_id] -= share
                left -= share
            index += 1
    return allocations


@dataclass(frozen=True, slots=True)
class Collection:
    """One order seen from the customer's payments (DOMAIN §4)."""

    due: Decimal
    paid_on_time: Decimal
    days_late: int  # worst lateness of any part, paid late or still unpaid past due


@dataclass(slots=True)
class _Paid:
    on_time: Decimal = Decimal(0)
    late_days: list[int] = field(default_factory=list)
    total: Decimal = Decimal(0)


def collections(
    receivables: Sequence[Receivable], allocations: Iterable[Allocation], *, today: date, policy: CreditPolicy
) -> list[Collection]:
    """The grade's window: orders due in the trailing window, plus any order still unpaid past its due date."""
    paid = {r.order_id: _Paid() for r in receivables}
    due_of = {r.order_id: r.due_date for r in receivables}
    for a in allocations:
        record = paid[a.order_id]
        record.total += a.amount
        if a.paid_on <= due_of[a.order_id]:
            record.on_time += a.amount
        else:
            record.late_days.append((a.paid_on - due_of[a.order_id]).days)
    start = today - timedelta(days=policy.window_days)
    result = []
    for r in receivables:
        record = paid[r.order_id]
        unpaid = r.amount - record.total
        overdue = unpaid > 0 and today > r.due_date
        if not (start < r.due_date <= today or overdue):
            continue
        worst = max([*record.late_days, (today - r.due_date).days if overdue else 0])
        result.append(Collection(due=r.amount, paid_on_time=record.on_time, days_late=worst))
    return result


def payment_grade(items: Sequence[Collection], policy: CreditPolicy) -> Grade:
    """丁: L > 90; 甲: R = 100% and L = 0; 乙: R ≥ 80%; 丙 otherwise; unrated when nothing is due (DOMAIN §4)."""
    due = sum((c.due for c in items), Decimal(0))
    if due == 0:
        return Grade.UNRATED
    worst = max(c.days_late for c in items)
    return grade_of(sum((c.paid_on_time for c in items), Decimal(0)) / due, worst, policy)


def grade_of(ratio: Decimal | None, worst: int, policy: CreditPolicy) -> Grade:
    """The grade of an on-time ratio and the worst days late (None: nothing was due, unrated), DOMAIN §4."""
    if ratio is None:
        return Grade.UNRATED
    if worst > policy.max_days_late:
        return Grade.DING
    if ratio == 1 and worst == 0:
        return Grade.JIA
    return Grade.YI if ratio >= policy.yi_on_time_ratio else Grade.BING


@dataclass(frozen=True, slots=True)
class GradeFacts:
    grade: Grade
    on_time_ratio: Decimal | None
    max_days_late: int


def grade_facts(items: Sequence[Collection], policy: CreditPolicy) -> GradeFacts:
    return grade_facts_of_totals(
        due=sum((c.due for c in items), Decimal(0)),
        paid_on_time=sum((c.paid_on_time for c in items), Decimal(0)),
        worst=max((c.days_late for c in items), default=0),
        policy=policy,
    )


def grade_facts_of_totals(*, due: Decimal, paid_on_time: Decimal, worst: int, policy: CreditPolicy) -> GradeFacts:
    """The grade of the window's totals (DOMAIN §4): the amount due, the part of it paid by its due dates and the
    worst days late; what ``grade_facts`` says of the collections they sum, whoever summed them (a set-based
    recompute sums them in SQL)."""
    ratio = None if due == 0 else paid_on_time / due
    return GradeFacts(grade_of(ratio, worst, policy), ratio, worst)
