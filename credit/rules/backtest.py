"""Back-test (DOMAIN §11): a year of real orders replayed under a policy, each order checked as the live credit check
checks one (§6.4), against the profile the customer had on the order's date, then judged by what happened next.

The profile on the order's date is rebuilt from the history with the live rules: the trailing purchases and tier
(§3) from the orders placed before it, the payment grade (§4) from the payments made by that day, the risk class
(§5.3) from the assessment valid that day, and the limit the policy recommends on those facts (§6.1), withdrawn for
a small customer on a default list (§6.2). The recommended limit stands in for the approved one: the back-test
judges the policy, not the limits people approved beside it. The order is held when the live check would hold it:
grade 丙/丁 without prepayment, no limit, or exposure + amount over the limit.

What happened next comes from the ledger as it stands: of a held order, the part later paid on or before its due
date is good revenue the policy would have delayed; the part paid more than 90 days after its due date, or still
unpaid more than 90 days after it, is bad debt it would have avoided. "Credit for all" checks nothing, so it
holds nothing and keeps every bad debt.

Pure: ``credit.services.backtests.policy_backtest_compute`` keeps each order's ledger facts (the expensive half)
until the customer's trade records change, and gathers them again set-based (``credit.backtest_sql``: sums that
``order_ledger_of`` completes) or, for the customers whose allocation that cannot reproduce, by ``order_ledgers``'
replay; this decides on them.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from credit.rules import grade as grade_rules
from credit.rules import limits
from credit.rules.policy import CreditPolicy
from credit.rules.preview import CustomerFacts, decided
from customers.rules.credit_reports import credit_report_expires_on

BAD_DEBT_DAYS = 90  # DOMAIN §11: more than 90 days overdue, or still unpaid
CREDIT_FOR_ALL = "credit_for_all"


@dataclass(frozen=True, slots=True)
class TradeOrder:
    """A billable order (open or completed) as the back-test sees it."""

    order_id: int
    order_date: date
    due_date: date
    amount: Decimal
    prepaid: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """A credit report or bank certificate (DOMAIN §6.2), valid by ``credit_report_expires_on``."""

    obtained_on: date
    issued_on: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class Override:
    created_on: date
    valid_until: date
    grade: str


@dataclass(slots=True)
class CustomerHistory:
    """One customer's dated history: what the profile rule needs on any past day."""

    customer_id: int
    size: str = "small"
    payment_terms_days: int = 30
    expected_monthly_purchases: Decimal | None = None
    orders: list[TradeOrder] = field(default_factory=list)
    payments: list[grade_rules.PaymentIn] = field(default_factory=list)
    credit_notes: list[tuple[date, Decimal]] = field(default_factory=list)  # (issued on, amount)
    net_worth: list[tuple[date, Decimal]] = field(default_factory=list)  # (as of, value)
    assessments: list[tuple[date, date, Decimal]] = field(default_factory=list)  # (assessed on, valid until, %)
    reports: list[Report] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    litigation: list[date] = field(default_factory=list)  # litigation records, by the day they were obtained


@dataclass(frozen=True, slots=True)
class Fate:
    """What became of an order, from the ledger as it stands."""

    paid_on_time: Decimal
    bad_debt: Decimal  # paid more than 90 days late, or unpaid more than 90 days after the due date


@dataclass(slots=True)
class Tally:
    orders_held: int = 0
    held_amount: Decimal = Decimal(0)
    good_revenue_delayed: Decimal = Decimal(0)
    bad_debt_avoided: Decimal = Decimal(0)
    held_by_month: dict[str, Decimal] = field(default_factory=dict)


@dataclass(slots=True)
class Backtest:
    """The replay's totals per scenario (``credit_for_all`` and each named policy)."""

    since: date
    until: date
    months: list[str]
    orders: int = 0
    amount: Decimal = Decimal(0)
    bad_debt: Decimal = Decimal(0)  # of every replayed order: what credit for all lets through
    tallies: dict[str, Tally] = field(default_factory=dict)


def month_labels(since: date, until: date) -> list[str]:
    """ "YYYY-MM" of every month with a day after ``since`` and not after ``until``."""
    labels, day = [], since + timedelta(days=1)
    while day <= until:
        labels.append(f"{day:%Y-%m}")
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return labels


@dataclass(frozen=True, slots=True)
class OrderLedger:
    """One order with what the ledger said before it on its day (DOMAIN §3, §4, §6.4) and what it has been paid
    since: all the back-test needs of the trade records, and what ``credit.models.BacktestLedger`` keeps."""

    order_id: int
    order_date: date
    due_date: date
    amount: Decimal
    prepaid: bool
    trailing: Decimal  # T on the order's day, before it
    on_time_ratio: Decimal | None
    max_days_late: int
    exposure: Decimal  # before it
    paid: Decimal  # allocated to it so far
    paid_on_time: Decimal
    paid_over_90_days_late: Decimal

    def fate(self, today: date) -> Fate:
        unpaid_too_long = (today - self.due_date).days > BAD_DEBT_DAYS
        return Fate(
            self.paid_on_time, self.paid_over_90_days_late + (self.amount - self.paid if unpaid_too_long else 0)
        )


def order_ledgers(history: CustomerHistory, *, since: date, today: date, window_days: int) -> list[OrderLedger]:
    """The expensive half of the back-test: each order after ``since`` with the ledger facts of its day (the
    allocation, collections and grade facts of DOMAIN §4 on the orders placed before it and the payments made by
    then; T over ``window_days``; exposure), and its payments by ``today``."""
    replay = _Replay(history)
    policy = CreditPolicy(window_days=window_days)  # of the policy's numbers, the ledger's facts read only this
    allocated = _allocated(history, today=today)
    found = []
    for index, order in enumerate(replay.orders):
        if not since < order.order_date <= today:
            continue
        trailing, ratio, worst, exposure = replay.ledger(index, policy)
        paid, on_time, late = allocated.get(order.order_id, (Decimal(0), Decimal(0), Decimal(0)))
        found.append(
            OrderLedger(
                order.order_id, order.order_date, order.due_date, order.amount, order.prepaid, trailing, ratio, worst,
                exposure, paid, on_time, late,
            )
        )  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class OrderSums:
    """An order with the ledger's sums on its day before it, as a set-based read gathers them
    (``credit.backtest_sql``): what ``order_ledger_of`` turns into its ``OrderLedger`` by the rules."""

    order_id: int
    order_date: date
    due_date: date
    amount: Decimal
    prepaid: bool
    trailing: Decimal  # T (DOMAIN §3)
    due: Decimal  # the grade's window (DOMAIN §4): the amount due
    paid_on_time: Decimal  # of it, paid by the due dates
    max_days_late: int
    billed: Decimal  # every billable order before it
    paid: Decimal  # every payment by its day
    credited: Decimal  # every credit note by its day
    paid_since: Decimal  # allocated to it by today
    paid_since_on_time: Decimal
    paid_since_over_90_days_late: Decimal


def order_ledger_of(sums: OrderSums) -> OrderLedger:
    """The ``OrderLedger`` of these sums: the on-time ratio as the grade reads it (``grade_facts_of_totals``), the
    exposure as the live check (``limits.exposure``); what ``order_ledgers`` gives for the same ledger."""
    facts = grade_rules.grade_facts_of_totals(
        due=sums.due, paid_on_time=sums.paid_on_time, worst=sums.max_days_late, policy=_LEDGER_POLICY
    )
    exposure = limits.exposure(billable=sums.billed, paid=sums.paid, credited=sums.credited)
    return OrderLedger(
        sums.order_id, sums.order_date, sums.due_date, sums.amount, sums.prepaid, sums.trailing, facts.on_time_ratio,
        facts.max_days_late, exposure, sums.paid_since, sums.paid_since_on_time, sums.paid_since_over_90_days_late,
    )  # fmt: skip


_LEDGER_POLICY = CreditPolicy()  # the ratio and the worst days late do not depend on the policy's numbers


def _allocated(history: CustomerHistory, *, today: date) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Per order, by the allocation of DOMAIN §4 over the ledger up to ``today``: paid, paid on time, paid more
    than 90 days late."""
    receivables = [grade_rules.Receivable(o.order_id, o.due_date, o.amount) for o in history.orders]
    due = {o.order_id: o.due_date for o in history.orders}
    found: dict[int, list[Decimal]] = {}
    for a in grade_rules.allocate(receivables, [p for p in history.payments if p.paid_on <= today]):
        paid = found.setdefault(a.order_id, [Decimal(0), Decimal(0), Decimal(0)])
        paid[0] += a.amount
        if a.paid_on <= due[a.order_id]:
            paid[1] += a.amount
        elif (a.paid_on - due[a.order_id]).days > BAD_DEBT_DAYS:
            paid[2] += a.amount
    return {order_id: tuple(values) for order_id, values in found.items()}


class _Replay:
    """One customer's ledger on past days, walked forward: ``ledger`` is asked for its orders in their order."""

    def __init__(self, history: CustomerHistory):
        self.h = history
        self.orders = sorted(history.orders, key=lambda o: (o.order_date, o.order_id))
        self.order_dates = [o.order_date for o in self.orders]
        self.receivables = [grade_rules.Receivable(o.order_id, o.due_date, o.amount) for o in self.orders]
        self.billed = list(accumulate((o.amount for o in self.orders), initial=Decimal(0)))
        self.payments = sorted(history.payments, key=lambda p: (p.paid_on, p.payment_id))
        self.paid_dates = [p.paid_on for p in self.payments]
        self.paid = list(accumulate((p.amount for p in self.payments), initial=Decimal(0)))
        self.allocator = grade_rules.Allocator([])
        self.allocated = (0, 0)  # the orders and payments the allocator holds: the first so many of each

    def ledger(self, index: int, policy: CreditPolicy) -> tuple[Decimal, Decimal | None, int, Decimal]:
        """Before order ``index`` (placed before it: by date, then as numbered), with the payments of its day:
        T, the on-time ratio, the most days late, the exposure."""
        day = self.orders[index].order_date
        paid = bisect_right(self.paid_dates, day)
        allocator = self._allocator(index, paid)
        facts = grade_rules.grade_facts(
            grade_rules.collections_paid(self.receivables[:index], allocator.paid, today=day, policy=policy), policy
        )
        exposure = limits.exposure(
            billable=self.billed[index],
            paid=self.paid[paid],
            credited=sum((amount for issued, amount in self.h.credit_notes if issued <= day), Decimal(0)),
        )
        # T (DOMAIN §3, ``tier.trailing_purchases``): every order here is billable, and those placed before this
        # one after ``day − window`` are the ones from ``window_start`` to ``index``: a difference of running sums.
        window_start = bisect_right(self.order_dates, day - timedelta(days=policy.window_days))
        trailing = self.billed[index] - self.billed[min(window_start, index)]
        return trailing, facts.on_time_ratio, facts.max_days_late, exposure

    def _allocator(self, index: int, paid: int) -> grade_rules.Allocator:
        """The allocation (DOMAIN §4) of the first ``index`` orders and ``paid`` payments: the last one carried on
        where that allocates exactly as ``grade.allocate`` would from scratch, else allocated again."""
        orders, payments = self.allocated
        allocator = self.allocator
        fresh = orders > index or payments > paid
        while not fresh and orders < index:
            fresh = not allocator.extend(self.receivables[orders])
            orders += 1
        if fresh:
            allocator, payments = grade_rules.Allocator(self.receivables[:index]), 0
        for payment in self.payments[payments:paid]:
            allocator.pay(payment)
        self.allocator, self.allocated = allocator, (index, paid)
        return allocator


@dataclass(frozen=True, slots=True)
class OnDay:
    """What a customer's dated credit history (not its ledger) says on a day, whatever the policy: the grade
    override in force, the latest valid assessment's percentage, the latest net worth, the litigation records."""

    override: str | None
    score: Decimal | None
    net_worth: Decimal | None
    litigation: int

    @classmethod
    def of(cls, h: CustomerHistory, day: date) -> "OnDay":
        return cls(
            _latest((o.created_on, o.grade) for o in h.overrides if o.created_on <= day <= o.valid_until)
            if h.overrides
            else None,
            _latest((on, pct) for on, until, pct in h.assessments if on <= day <= until) if h.assessments else None,
            _latest((on, value) for on, value in h.net_worth if on <= day) if h.net_worth else None,
            sum(1 for on in h.litigation if on <= day) if h.litigation else 0,
        )


def held(
    order: OrderLedger,
    h: CustomerHistory,
    policy: CreditPolicy,
    *,
    reports: list[tuple[date, date]] | None = None,
    on_day: OnDay | None = None,
) -> bool:
    """Whether the live check (DOMAIN §6.4) would have held this order under ``policy`` on its day: the profile
    of that day by the live rules (``rules.preview.decided``), the recommended limit as the limit. ``reports``:
    the customer's ``report_spans`` under ``policy``, when read once for all its orders; ``on_day``: its
    ``OnDay`` on the order's day, when read once for every policy."""
    day = order.order_date
    spans = report_spans(h, policy) if reports is None else reports
    known = OnDay.of(h, day) if on_day is None else on_day
    facts = CustomerFacts(
        customer_id=h.customer_id,
        trailing=order.trailing,
        on_time_ratio=order.on_time_ratio,
        max_days_late=order.max_days_late,
        override=known.override,
        score=known.score,
        size=h.size,
        payment_terms_days=h.payment_terms_days,
        expected_monthly_purchases=h.expected_monthly_purchases,
        net_worth=known.net_worth,
        has_valid_credit_report=any(start <= day <= end for start, end in spans),
        current=None,
    )
    grade, _risk, recommendation = decided(facts, policy)
    limit = recommendation.amount if recommendation.amount > 0 else None
    if h.size == "small" and limits.on_default_list(grade, known.litigation):  # DOMAIN §6.2, as compute_profile
        limit = None
    verdict = limits.check_order(
        amount=order.amount, exposure=order.exposure, limit=limit, grade=grade, prepaid=order.prepaid
    )
    return not verdict.passed


def report_spans(h: CustomerHistory, policy: CreditPolicy) -> list[tuple[date, date]]:
    """The days each credit report or bank certificate is valid (DOMAIN §6.2, §7): from its issue day (else the
    day it was obtained) to ``credit_report_expires_on`` under ``policy``."""
    return [
        (
            report.issued_on or report.obtained_on,
            credit_report_expires_on(
                valid_until=report.valid_until,
                issued_on=report.issued_on,
                obtained_on=report.obtained_on,
                months=policy.credit_report_valid_months,
            ),
        )
        for report in h.reports
    ]


def _latest(dated: Iterable[tuple[date, object]]):
    found = max(dated, key=lambda pair: pair[0], default=None)
    return None if found is None else found[1]


def backtest(
    histories: Iterable[CustomerHistory],
    *,
    policies: Mapping[str, CreditPolicy],
    since: date,
    today: date,
) -> Backtest:
    """Replay the orders dated after ``since`` and up to ``today`` under each policy and under credit for all."""
    windows = {policy.window_days for policy in policies.values()}
    rows = ((h, {w: order_ledgers(h, since=since, today=today, window_days=w) for w in windows}) for h in histories)
    return backtest_ledgers(rows, policies=policies, since=since, today=today)


def backtest_ledgers(
    rows: Iterable[tuple[CustomerHistory, Mapping[int, list[OrderLedger]]]],
    *,
    policies: Mapping[str, CreditPolicy],
    since: date,
    today: date,
    into: Backtest | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """The cheap half: each customer's orders (with their ledger facts per window length) checked under each
    policy; added ``into`` a running result when given."""
    result = into or Backtest(since, today, month_labels(since, today))
    for name in (CREDIT_FOR_ALL, *policies):
        result.tallies.setdefault(name, Tally())
    for done, (history, by_window) in enumerate(rows, start=1):
        orders = {
            w: {o.order_id: o for o in ledgers if since < o.order_date <= today} for w, ledgers in by_window.items()
        }
        reports = {name: report_spans(history, policy) for name, policy in policies.items()}
        for order in next(iter(orders.values()), {}).values():
            fate = order.fate(today)
            result.orders += 1
            result.amount += order.amount
            result.bad_debt += fate.bad_debt
            on_day = OnDay.of(history, order.order_date)
            for name, policy in policies.items():
                ledger = orders[policy.window_days][order.order_id]
                if held(ledger, history, policy, reports=reports[name], on_day=on_day):
                    _count(result.tallies[name], order, fate)
        if progress is not None:
            progress(done)
    return result


def _count(tally: Tally, order: OrderLedger, fate: Fate) -> None:
    tally.orders_held += 1
    tally.held_amount += order.amount
    tally.good_revenue_delayed += fate.paid_on_time
    tally.bad_debt_avoided += fate.bad_debt
    day = order.order_date
    month = f"{day.year}-{day.month:02}"  # as month_labels, without strftime's cost per order
    tally.held_by_month[month] = tally.held_by_month.get(month, Decimal(0)) + order.amount
