"""Portfolio simulation (DOMAIN §11, issue 13 point 3): does the credit policy pay on a company's portfolio?

A synthetic portfolio of customers, each with a hidden probability of default that its observable data reflects
(size, financial ratios, payment behaviour, litigation), buys every month (seasonal orders) and pays late or never.
The same portfolio is run twice, month by month: under "credit for all" (every order ships on credit) and under
the credit policy, where every month each customer's profile is computed by ``rules.profile.compute_profile``
(the function the nightly recompute and every order's refresh store), a credit manager approves the limit the
profile recommends, every order goes through ``rules.limits.check_order`` (the live order check), and the credit
manager decides each held order as seed 004 grades customers (DOMAIN §4.1, §6.4): 甲/乙 with nothing overdue ship
over the limit, 丙/丁 pay before shipment (a customer that pays can, a failing one cannot: the sale is lost), any
other held order waits a month and is lost if held again. The year before the simulated months is history, the
same in both runs: the policy is introduced at month 0, as the valve company introduced its grading. The run is
in memory and writes nothing: the services would add only database round trips to the same
rules, and 5,000 customers × 24 months × two runs is 240,000 orders. Everything is drawn from one
``random.Random(seed)``, so a seed gives the same figures on any machine.

Calibration (``Calibration``): the public figures its parameters are set against.
- Payment terms average about 70 days: Coface China Corporate Payment Survey 2024 (70 days in 2023, down from 81).
- A third to a half of B2B invoices are paid late: Coface China 2023 (40% of companies reported overdue payments
  in 2022), Atradius Payment Practices Barometer Western Europe 2025 (47% of B2B invoices paid late). Here 55% of
  the customers that do not default pay 10% of their invoices late, 35% half of them and 10% most of them.
- Payment delays: Coface China 2024 and 2025 report an average delay of 64–65 days, as companies state it (the
  delays they typically experience, long ones weighing most). Here delays are drawn skewed (most short, a few
  long): with seed 2026, a third of all invoices are paid late, by 31 days on average (median 23), and 2.5% are
  never paid; deliberately milder than the survey, so the policy's bad-debt cut is not flattered.
- Write-offs under a lax policy: 1.3% (Atradius Western Europe 2018) to 5% (Atradius Australia 2021, Eastern Europe
  2021) and 10% (Western Europe 2021) of the value of B2B credit sales. The hidden default rates here (about 15%
  of customers default within 24 months, small firms more often) give about 3% of credit sales written off under
  credit for all, inside that range.
- The seed 004 case (the valve company): after grading its customers, receivables fell 72.8% year on year, and
  98.8% of contract payments were collected. The simulation prints the same two measures for comparison.
"""

import heapq
import math
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from credit.rules import limits
from credit.rules.grade import Grade, PaymentIn
from credit.rules.policy import CreditPolicy
from credit.rules.profile import OrderRow, ProfileInputs, compute_profile
from credit.rules.scoring import Financials, five_c_score, suggest_five_c

START = date(2025, 1, 1)  # the first simulated month; a year of history comes before it


@dataclass(frozen=True, slots=True)
class Calibration:
    """The generator's parameters (see the module's docstring for the figures they are set against)."""

    sizes: tuple[tuple[str, float], ...] = (("small", 0.70), ("medium", 0.22), ("large", 0.08))
    monthly_purchases: tuple[tuple[str, int], ...] = (("small", 15_000), ("medium", 60_000), ("large", 200_000))
    purchase_spread: float = 0.6  # lognormal σ of a customer's monthly purchases around its size's median
    order_probability: float = 0.8  # a customer orders in a given month
    order_noise: float = 0.3  # lognormal σ of one order around the customer's month
    terms: tuple[tuple[int, float], ...] = ((30, 0.35), (60, 0.40), (90, 0.25))  # mean ≈ 70 days
    # hidden risk: annual probability of default = logistic(base + slope × z + size shift), z ~ N(0, 1)
    default_base: float = -3.2
    default_slope: float = 1.1
    default_size_shift: tuple[tuple[str, float], ...] = (("small", 0.5), ("medium", 0.0), ("large", -0.7))
    distress_months: int = 3  # a defaulter buys more for this many months before it stops paying…
    distress_factor: float = 1.5  # …this much more
    warning_months: int = 6  # its invoices due in these months before the default are paid very late
    # payers who do not default: prompt, slow and very slow (their share, chance an invoice is late, delay range)
    payers: tuple[tuple[str, float, float, int, int], ...] = (
        ("prompt", 0.55, 0.10, 1, 20),
        ("slow", 0.35, 0.50, 5, 60),
        ("very_slow", 0.10, 0.80, 30, 110),
    )
    litigation_defaulter: float = 0.35  # chance a defaulter is sued by another creditor before it defaults
    litigation_other: float = 0.03  # chance a customer that pays has a lawsuit on record (a dispute)
    assessed_small: float = 1.0  # share of small customers assessed (seed 004: the valve company assessed them all)
    credit_report: float = 1.0  # medium and large with a valid agency report (DOMAIN §6.2 requires one above 50,000)
    # A customer with the cash, held for its grade (丙/丁 pay before shipment), pays first this often; otherwise the
    # sale is lost. No public figure measures how often a customer moved to payment before shipment pays rather
    # than buys elsewhere. The nearest: 83% of 500 business buyers in the UK and Europe say they would abandon an
    # online purchase offered without payment terms (Hokodo, B2B e-commerce buyer survey, early 2024), so
    # a half is no pessimistic guess for an established supplier such as seed 004's valve company: an assumption.
    prepay_when_graded: float = 0.5
    wallet_share: tuple[float, float] = (0.05, 0.25)  # our valves' share of the customer's revenue (its size)


@dataclass(slots=True)
class Invoice:
    day: date
    amount: Decimal
    terms: int
    delay: int | None  # days after the due date it is paid (negative: early); None: never
    prepay: float  # the customer's draw for paying first when held for its grade


@dataclass(slots=True)
class Customer:
    id: int
    size: str
    terms: int
    expected_monthly: Decimal
    defaults_in: int | None  # the simulated month it defaults in, or None
    financials: Financials
    assessed: bool
    has_report: bool
    lawsuits: list[date]
    invoices: list[Invoice]  # every order it wants to place, history and simulated months alike


def _pick_row(rng: random.Random, table: tuple) -> tuple:
    """A row of ``table`` drawn by the weight in its second place."""
    roll, total = rng.random(), 0.0
    for row in table:
        total += row[1]
        if roll < total:
            return row
    return table[-1]


def _pick(rng: random.Random, table: tuple) -> object:
    return _pick_row(rng, table)[0]


def _month(start: date, index: int) -> date:
    year, month = divmod(start.month - 1 + index, 12)
    return date(start.year + year, month + 1, 1)


def _season(day: date) -> float:
    """Valve orders: slower around the Spring Festival, busier in spring and autumn construction."""
    return {1: 0.9, 2: 0.6, 3: 1.1, 4: 1.15, 5: 1.1, 6: 1.0, 7: 0.9, 8: 0.9, 9: 1.1, 10: 1.05, 11: 1.1, 12: 1.0}[
        day.month
    ]


def generate(customers: int, months: int, seed: int, calibration: Calibration = Calibration()) -> list[Customer]:
    """The portfolio: ``customers`` customers with a year of history before ``START`` and ``months`` after."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    return [_customer(rng, number, months, calibration) for number in range(1, customers + 1)]


def _customer(rng: random.Random, number: int, months: int, c: Calibration) -> Customer:
    size = _pick(rng, c.sizes)
    z = rng.gauss(0, 1)  # the hidden risk: what the observable data below reflects
    annual = 1 / (1 + math.exp(-(c.default_base + c.default_slope * z + dict(c.default_size_shift)[size])))
    monthly_hazard = 1 - (1 - annual) ** (1 / 12)
    defaults_in = next((m for m in range(months) if rng.random() < monthly_hazard), None)
    base = dict(c.monthly_purchases)[size] * math.exp(rng.gauss(0, c.purchase_spread))
    terms = _pick(rng, c.terms)
    invoices = _invoices(rng, c, base=base, terms=terms, z=z, months=months, defaults_in=defaults_in)
    lawsuits = []
    if defaults_in is not None and rng.random() < c.litigation_defaulter:
        lawsuits.append(_month(START, defaults_in) - timedelta(days=rng.randint(30, 300)))
    elif rng.random() < c.litigation_other:
        lawsuits.append(_month(START, -12) + timedelta(days=rng.randrange(365 * 2)))
    return Customer(
        id=number,
        size=size,
        terms=terms,
        expected_monthly=Decimal(round(base * math.exp(rng.gauss(0, 0.3)), -2)),
        defaults_in=defaults_in,
        financials=_financials(rng, c, base=base, z=z),
        assessed=size != "small" or rng.random() < c.assessed_small,
        has_report=size != "small" and rng.random() < c.credit_report,
        lawsuits=lawsuits,
        invoices=invoices,
    )


def _invoices(rng: random.Random, c: Calibration, *, base: float, terms: int, z: float, months: int,
              defaults_in: int | None) -> list[Invoice]:  # fmt: skip
    """Seasonal monthly orders and when each is paid: the payer's habit, or a defaulter's decline."""
    _, _, late_share, low, high = _pick_row(rng, c.payers)
    if z > 1:  # riskier firms pay later even when they survive
        late_share = min(1.0, late_share + 0.2)
    collapse = _month(START, defaults_in) if defaults_in is not None else None
    invoices = []
    for index in range(-12, months if defaults_in is None else defaults_in):  # insolvent: no more orders
        month = _month(START, index)
        if rng.random() > c.order_probability:
            continue
        amount = base * _season(month) * math.exp(rng.gauss(0, c.order_noise))
        if collapse and index >= defaults_in - c.distress_months:
            amount *= c.distress_factor
        day = month + timedelta(days=rng.randrange(28))
        due = day + timedelta(days=terms)
        if collapse and due >= _month(START, defaults_in - c.warning_months):
            delay = rng.randint(60, 160)  # the warning: very late, or never once it collapses
            delay = None if due + timedelta(days=delay) >= collapse else delay
        elif rng.random() < late_share:
            delay = int(low + (high - low) * rng.random() ** 2)  # skewed: most delays short
        else:
            delay = -rng.randint(0, 5)
        invoices.append(Invoice(day, Decimal(round(amount, -2)), terms, delay, rng.random()))
    return invoices


def _financials(rng: random.Random, c: Calibration, *, base: float, z: float) -> Financials:
    """Figures that reflect the hidden risk: debt ratio up, current ratio and margin down as ``z`` rises."""
    revenue = Decimal(round(base * 12 / rng.uniform(*c.wallet_share), -3))
    assets = revenue * Decimal(str(round(rng.uniform(0.6, 1.2), 2)))
    debt_ratio = min(1.2, max(0.05, 0.5 + 0.15 * z + rng.gauss(0, 0.1)))
    current_ratio = min(4.0, max(0.2, 1.5 - 0.35 * z + rng.gauss(0, 0.25)))
    margin = 0.06 - 0.04 * z + rng.gauss(0, 0.03)
    return Financials(
        total_assets=assets,
        total_liabilities=assets * Decimal(str(round(debt_ratio, 3))),
        current_assets=Decimal(1000) * Decimal(str(round(current_ratio, 3))),
        current_liabilities=Decimal(1000),
        annual_revenue=revenue,
        net_profit=revenue * Decimal(str(round(margin, 3))),
    )


@dataclass(slots=True)
class Figures:
    """One run's measures over the simulated months (DOMAIN §11)."""

    credit_sales: Decimal = Decimal(0)  # shipped on credit
    prepaid_sales: Decimal = Decimal(0)  # shipped against payment first
    held: Decimal = Decimal(0)  # orders lost to the credit check
    released: Decimal = Decimal(0)  # held over the limit, released by the credit manager
    bad_debt: Decimal = Decimal(0)  # shipped on credit to a customer that defaulted, never paid
    collected: Decimal = Decimal(0)  # paid by the end, of what fell due by the end
    fell_due: Decimal = Decimal(0)
    receivables_month_end: list[Decimal] = field(default_factory=list)
    sales_to_payers: Decimal = Decimal(0)  # credit and prepaid sales to customers that do not default
    days: int = 0

    @property
    def average_receivables(self) -> Decimal:
        ends = self.receivables_month_end
        return sum(ends, Decimal(0)) / len(ends) if ends else Decimal(0)

    @property
    def dso(self) -> Decimal:
        """Days sales outstanding: average receivables ÷ credit sales × days."""
        if not self.credit_sales:
            return Decimal(0)
        return self.average_receivables / self.credit_sales * self.days

    @property
    def collection_rate(self) -> Decimal:
        return self.collected / self.fell_due if self.fell_due else Decimal(1)


@dataclass(slots=True)
class _Ledger:
    """What the profile rule sees of one customer: shipped orders, the payments made so far, those to come."""

    orders: list[OrderRow] = field(default_factory=list)
    payments: list[PaymentIn] = field(default_factory=list)
    unpaid: Decimal = Decimal(0)
    pending: list[tuple[date, int, Decimal]] = field(default_factory=list)  # a heap: (paid on, order id, amount)
    assessment: Decimal | None = None  # the latest 5C credit level (%)
    waiting: list[Invoice] = field(default_factory=list)  # held orders, checked again next month
    open_due: dict[int, date] = field(default_factory=dict)  # unpaid orders on credit: their due dates

    def receive(self, *, until: date) -> None:
        """Book the payments made before ``until``."""
        while self.pending and self.pending[0][0] < until:
            paid_on, order_id, amount = heapq.heappop(self.pending)
            self.payments.append(PaymentIn(order_id, paid_on, amount, order_id))
            self.unpaid -= amount
            del self.open_due[order_id]

    def overdue(self, day: date) -> bool:
        return any(due < day for due in self.open_due.values())


def run(
    portfolio: list[Customer],
    *,
    months: int,
    policy: CreditPolicy | None,
    calibration: Calibration = Calibration(),
) -> Figures:
    """Run the portfolio month by month: under ``policy``, or under credit for all when it is None. The policy
    starts with the simulated months; the year before them is history, the same in both runs. An order held over
    its limit waits for the next month's check (the customer pays meanwhile) and is lost if held again."""
    figures = Figures(days=(_month(START, months) - START).days)
    ledgers = {customer.id: _Ledger() for customer in portfolio}
    shop = _Shop(figures, calibration, end=_month(START, months))
    for index in range(-12, months):
        month, following = _month(START, index), _month(START, index + 1)
        shop.simulated = index >= 0
        for customer in portfolio:
            ledger = ledgers[customer.id]
            ledger.receive(until=month)
            shop.terms = None
            if policy is not None and shop.simulated:
                if index % 12 == 0:  # the analyst's yearly 5C assessment
                    ledger.assessment = _assessment(customer, ledger, policy, month)
                shop.terms = _credit_terms(customer, ledger, policy, month)
            waiting, ledger.waiting = ledger.waiting, []
            for invoice in waiting:
                shop.order(customer, ledger, replace(invoice, day=month), retry=True)
            for invoice in (i for i in customer.invoices if month <= i.day < following):
                ledger.receive(until=invoice.day)
                shop.order(customer, ledger, invoice, retry=False)
        if shop.simulated:
            for ledger in ledgers.values():
                ledger.receive(until=following)
            figures.receivables_month_end.append(sum((ledger.unpaid for ledger in ledgers.values()), Decimal(0)))
    for ledger in ledgers.values():
        figures.held += sum((invoice.amount for invoice in ledger.waiting), Decimal(0))
    return figures


class _Shop:
    """Takes one order: the credit check (when the month has credit terms), then shipping and booking it."""

    def __init__(self, figures: Figures, calibration: Calibration, *, end: date):
        self.figures, self.calibration, self.end = figures, calibration, end
        self.simulated = False
        self.terms: tuple[Decimal | None, Grade] | None = None
        self.order_ids = iter(range(1, 10**9))

    def order(self, customer: Customer, ledger: _Ledger, invoice: Invoice, *, retry: bool) -> None:
        prepaid = False
        if self.terms is not None:
            limit, grade = self.terms
            verdict = limits.check_order(
                amount=invoice.amount, exposure=ledger.unpaid, limit=limit, grade=grade, prepaid=False
            )
            if not verdict.passed:
                decision = self._decide(customer, ledger, invoice, verdict.reasons, grade)
                if decision == "hold":
                    if retry:
                        self.figures.held += invoice.amount
                    else:
                        ledger.waiting.append(invoice)
                    return
                if decision == "lost":
                    self.figures.held += invoice.amount
                    return
                prepaid = decision == "prepaid"
                if decision == "released" and self.simulated:
                    self.figures.released += invoice.amount
        order_id = next(self.order_ids)
        due = invoice.day + timedelta(days=invoice.terms)
        ledger.orders.append(OrderRow(order_id, invoice.day, due, invoice.amount, "completed"))
        if prepaid:
            ledger.payments.append(PaymentIn(order_id, invoice.day, invoice.amount, order_id))
        else:
            ledger.unpaid += invoice.amount
            ledger.open_due[order_id] = due
            if invoice.delay is not None:
                heapq.heappush(ledger.pending, (due + timedelta(days=invoice.delay), order_id, invoice.amount))
        if self.simulated:
            _count_sale(self.figures, customer, invoice, prepaid=prepaid, due=due, end=self.end)

    def _decide(self, customer: Customer, ledger: _Ledger, invoice: Invoice, reasons: tuple, grade: Grade) -> str:
        """The credit manager's decision on a held order (DOMAIN §6.4), as seed 004 §4.1 grades the customers:
        甲/乙 with nothing overdue ship over the limit ("先发货后收款"); 丙/丁 pay before shipment, which a customer
        with the cash does as often as ``prepay_when_graded`` and a failing one cannot (``_can_prepay``); the rest
        waits a month."""
        if reasons == ("over_limit",) and grade in (Grade.JIA, Grade.YI) and not ledger.overdue(invoice.day):
            return "released"
        if "grade_requires_prepayment" in reasons:
            return "prepaid" if _can_prepay(customer, invoice, self.calibration) else "lost"
        return "hold"


def _can_prepay(customer: Customer, invoice: Invoice, c: Calibration) -> bool:
    """Whether a customer held for its grade pays the order first: as often as ``prepay_when_graded`` while it has
    the cash, never once it is failing. A customer that will default is failing from its warning months on (the
    invoices due then are paid very late, ``_invoices``); before them it pays like any other, so it prepays as
    often. Counting every future defaulter out from the first simulated month, as this once did, lost orders that
    a customer still paying its way would have paid for (and kept its grade from recovering with them)."""
    if customer.defaults_in is not None and invoice.day >= _month(START, customer.defaults_in - c.warning_months):
        return False
    return invoice.prepay < c.prepay_when_graded


def _count_sale(figures: Figures, customer: Customer, invoice: Invoice, *, prepaid: bool, due: date, end: date):
    if prepaid:
        figures.prepaid_sales += invoice.amount
    else:
        figures.credit_sales += invoice.amount
        if invoice.delay is None:
            figures.bad_debt += invoice.amount
        if due < end:
            figures.fell_due += invoice.amount
            if invoice.delay is not None and due + timedelta(days=invoice.delay) < end:
                figures.collected += invoice.amount
    if customer.defaults_in is None:
        figures.sales_to_payers += invoice.amount


def _inputs(customer: Customer, ledger: _Ledger, today: date) -> ProfileInputs:
    return ProfileInputs(
        size=customer.size,
        payment_terms_days=customer.terms,
        expected_monthly_purchases=customer.expected_monthly,
        net_worth=customer.financials.total_assets - customer.financials.total_liabilities,
        assessment_percentage=ledger.assessment,
        has_valid_credit_report=customer.has_report,
        litigation_records=sum(1 for day in customer.lawsuits if day <= today),
        orders=ledger.orders,
        payments=ledger.payments,
    )


def _assessment(customer: Customer, ledger: _Ledger, policy: CreditPolicy, today: date) -> Decimal | None:
    """The 5C credit level an analyst gives on the suggested ratings (DOMAIN §5.1), for the customers assessed:
    character from the grade and lawsuits, capacity and capital from the figures, collateral by size."""
    if not customer.assessed:
        return None
    inputs = _inputs(customer, ledger, today)
    grade = Grade(compute_profile(inputs, policy=policy, today=today)["payment_grade"])
    ratings = suggest_five_c(customer.financials, grade, inputs.litigation_records, policy)
    ratings.update(collateral={"small": 3, "medium": 5, "large": 7}[customer.size], conditions=6)
    return five_c_score({key: 5 if value is None else value for key, value in ratings.items()}).percentage


def _credit_terms(
    customer: Customer, ledger: _Ledger, policy: CreditPolicy, today: date
) -> tuple[Decimal | None, Grade]:
    """The month's profile (``compute_profile``): the limit a credit manager approves on its recommendation
    (none when it recommends none or withdraws it, DOMAIN §6.2), and the grade."""
    _forget_settled(ledger, today, policy)
    profile = compute_profile(_inputs(customer, ledger, today), policy=policy, today=today)
    recommended = profile["recommended_limit"]
    withdrawn = "default_list_limit_withdrawn" in profile["reasons"]
    return (recommended if recommended > 0 and not withdrawn else None), Grade(profile["payment_grade"])


def _forget_settled(ledger: _Ledger, today: date, policy: CreditPolicy) -> None:
    """Drop orders paid in full that fell due before the grade's window and were bought before the tier's: each
    payment names its order, so they no longer change the allocation, the grade, the trailing sum or exposure."""
    start = today - timedelta(days=policy.window_days)
    paid: dict[int, Decimal] = {}
    for payment in ledger.payments:
        paid[payment.order_id] = paid.get(payment.order_id, Decimal(0)) + payment.amount
    settled = {
        o.order_id
        for o in ledger.orders
        if o.due_date <= start and o.order_date <= start and paid.get(o.order_id, 0) >= o.amount
    }
    if settled:
        ledger.orders = [o for o in ledger.orders if o.order_id not in settled]
        ledger.payments = [p for p in ledger.payments if p.order_id not in settled]


@dataclass(frozen=True, slots=True)
class Comparison:
    customers: int
    months: int
    seed: int
    defaulters: int
    credit_for_all: Figures
    policy: Figures

    @property
    def bad_debt_cut(self) -> Decimal:
        if not self.credit_for_all.bad_debt:
            return Decimal(0)
        return 1 - self.policy.bad_debt / self.credit_for_all.bad_debt

    @property
    def sales_kept(self) -> Decimal:
        """Sales to customers who pay under the policy, as a share of theirs under credit for all."""
        if not self.credit_for_all.sales_to_payers:
            return Decimal(1)
        return self.policy.sales_to_payers / self.credit_for_all.sales_to_payers

    @property
    def receivables_cut(self) -> Decimal:
        everyone = self.credit_for_all.average_receivables
        return 1 - self.policy.average_receivables / everyone if everyone else Decimal(0)


def simulate(*, customers: int, months: int, seed: int, policy: CreditPolicy, processes: int = 1) -> Comparison:
    """Both runs of one generated portfolio. Customers do not touch one another in a run, so ``processes`` > 1
    splits the portfolio between processes and adds up their figures (exact sums: the same figures)."""
    portfolio = generate(customers, months, seed)
    jobs = [(portfolio[i::processes], months, scenario) for scenario in (None, policy) for i in range(processes)]
    if processes > 1:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            figures = list(pool.map(_run_part, jobs))
    else:
        figures = [_run_part(job) for job in jobs]
    return Comparison(
        customers=customers,
        months=months,
        seed=seed,
        defaulters=sum(1 for c in portfolio if c.defaults_in is not None),
        credit_for_all=_added(figures[:processes]),
        policy=_added(figures[processes:]),
    )


def _run_part(job: tuple[list[Customer], int, CreditPolicy | None]) -> Figures:
    part, months, policy = job
    return run(part, months=months, policy=policy)


def _added(parts: list[Figures]) -> Figures:
    total = Figures(days=parts[0].days)
    for name in ("credit_sales", "prepaid_sales", "held", "released", "bad_debt", "collected", "fell_due",
                 "sales_to_payers"):  # fmt: skip
        setattr(total, name, sum((getattr(part, name) for part in parts), Decimal(0)))
    ends = zip(*(part.receivables_month_end for part in parts), strict=True)
    total.receivables_month_end = [sum(month, Decimal(0)) for month in ends]
    return total
