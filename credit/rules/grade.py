"""Payment grade 甲乙丙丁 (DOMAIN §4): allocation of payments to orders, then the grade."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
    allocator = Allocator(receivables)
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.payment_id)):
        allocator.pay(payment)
    return allocator.allocations


class Allocator:
    """The allocation of ``allocate`` kept open, to be carried on: payments are taken one at a time in date order,
    and an order can join later when that changes nothing already allocated (``extend``). The back-test walks a
    customer's orders one after another this way instead of allocating its ledger again for each of them.
    ``paid`` keeps, per order, what ``collections`` needs of its allocations."""

    def __init__(self, receivables: Sequence[Receivable]):
        self.open_amounts = {r.order_id: r.amount for r in receivables}
        self.due = {r.order_id: r.due_date for r in receivables}
        ordered = sorted(receivables, key=lambda r: (r.due_date, r.order_id))
        self.by_due = [r.order_id for r in ordered]
        self.last = (ordered[-1].due_date, ordered[-1].order_id) if ordered else None
        self.oldest_open = 0
        self.allocations: list[Allocation] = []
        self.paid = {r.order_id: _Paid() for r in receivables}
        self.credit = False  # a payment was left (partly) unallocated
        self.named_absent: set[int] = set()  # orders named by a payment while not in the ledger

    def pay(self, payment: PaymentIn) -> None:
        """Allocate one more payment; payments must come in (paid on, payment id) order."""
        open_amounts, by_due = self.open_amounts, self.by_due
        left, named = payment.amount, payment.order_id
        if named in open_amounts and open_amounts[named] > 0 and left > 0:
            share = min(left, open_amounts[named])
            self._allocate(Allocation(payment.payment_id, named, payment.paid_on, share))
            left -= share
        elif named is not None and named not in open_amounts:
            self.named_absent.add(named)
        while self.oldest_open < len(by_due) and open_amounts[by_due[self.oldest_open]] <= 0:
            self.oldest_open += 1
        index = self.oldest_open
        while left > 0 and index < len(by_due):
            order_id = by_due[index]
            share = min(left, open_amounts[order_id])
            if share > 0:
                self._allocate(Allocation(payment.payment_id, order_id, payment.paid_on, share))
                left -= share
            index += 1
        if left > 0:
            self.credit = True

    def _allocate(self, allocation: Allocation) -> None:
        self.allocations.append(allocation)
        self.open_amounts[allocation.order_id] -= allocation.amount
        _record(self.paid[allocation.order_id], self.due[allocation.order_id], allocation)

    def extend(self, receivable: Receivable) -> bool:
        """Add an order if the allocation so far is what ``allocate`` would make with it: it falls due after every
        other order (FIFO reaches it last), every payment so far was absorbed before FIFO reached the end (none
        would have flowed on to it), and none named it. Otherwise nothing changes and False says so."""
        key = (receivable.due_date, receivable.order_id)
        if self.credit or receivable.order_id in self.named_absent or (self.last is not None and key < self.last):
            return False
        self.open_amounts[receivable.order_id] = receivable.amount
        self.due[receivable.order_id] = receivable.due_date
        self.by_due.append(receivable.order_id)
        self.paid[receivable.order_id] = _Paid()
        self.last = key
        return True


@dataclass(frozen=True, slots=True)
class Collection:
    """One order seen from the customer's payments (DOMAIN §4)."""

    due: Decimal
    paid_on_time: Decimal
    days_late: int  # worst lateness of any part, paid late or still unpaid past due


@dataclass(slots=True)
class _Paid:
    on_time: Decimal = Decimal(0)
    worst_late: int = 0  # the most days late of any part paid late
    total: Decimal = Decimal(0)


def _record(paid: "_Paid", due_date: date, allocation: Allocation) -> None:
    paid.total += allocation.amount
    if allocation.paid_on <= due_date:
        paid.on_time += allocation.amount
    else:
        paid.worst_late = max(paid.worst_late, (allocation.paid_on - due_date).days)


def collections(
    receivables: Sequence[Receivable], allocations: Iterable[Allocation], *, today: date, policy: CreditPolicy
) -> list[Collection]:
    """The grade's window: orders due in the trailing window, plus any order still unpaid past its due date."""
    paid = {r.order_id: _Paid() for r in receivables}
    due_of = {r.order_id: r.due_date for r in receivables}
    for a in allocations:
        _record(paid[a.order_id], due_of[a.order_id], a)
    return collections_paid(receivables, paid, today=today, policy=policy)


def collections_paid(
    receivables: Sequence[Receivable], paid: Mapping[int, "_Paid"], *, today: date, policy: CreditPolicy
) -> list[Collection]:
    """``collections`` from what each order was paid (``Allocator.paid``)."""
    start = today - timedelta(days=policy.window_days)
    result = []
    for r in receivables:
        record = paid[r.order_id]
        unpaid = r.amount - record.total
        overdue = unpaid > 0 and today > r.due_date
        if not (start < r.due_date <= today or overdue):
            continue
        worst = max(record.worst_late, (today - r.due_date).days) if overdue else record.worst_late
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
