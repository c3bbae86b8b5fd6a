"""Two years of demo orders and payments that produce every tier A–D and grade 甲乙丙丁 (seed_demo), and a mix of
the DOMAIN §2.1 classes: one customer in ten has not ordered yet (future; a few with a first order on credit hold,
upcoming), one in ten started within the year (new), the rest are old, current, lapsing or past by their orders.

Written in bulk (demo tooling, like the benchmark generators); the profiles are then computed by
the real recompute, and a few limits, assessments and requests go through the real services.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from credit import services
from credit.models import Order, OrderLine, Payment, ScoringModel
from credit.services import OrderLineInput
from crm.services import number_sequence_take
from customers.models import Customer

TIER_PLANS = {"A": (6, 60_000), "B": (5, 50_000), "C": (4, 20_000), "D": (0, 0)}
# How each customer pays, in a cycle of ten: four on time (甲), three a little late (乙), two badly (丙), and one leaves
# an order unpaid for over 90 days (丁) — a portfolio a credit manager would recognise.
GRADE_PLANS = ("jia", "yi", "jia", "bing", "yi", "jia", "ding", "yi", "jia", "bing")
PRODUCTS = [
    ("闸阀 Gate valve", "Z41H-16C DN100"),
    ("球阀 Ball valve", "Q41F-16P DN50"),
    ("蝶阀 Butterfly valve", "D341X-10 DN300"),
    ("安全阀 Safety valve", "A42Y-25 DN80"),
]


def _history(customer: Customer) -> str:
    """The customer's story by DOMAIN §2.1 time class: ``future`` (no order), ``new`` (this year only), ``old``."""
    return {9: "future", 8: "new"}.get(customer.pk % 10, "old")


SEASON = (0.7, 0.45, 0.95, 1.05, 1.1, 1.0, 0.85, 0.8, 1.0, 1.15, 1.25, 1.4)  # Jan … Dec: New Year lull, year-end
GROWTH = Decimal("0.8")  # the year before sold less: orders and amounts (a trend for the analysis, DOMAIN §10.3)


def _seasonal_day(rng, today, nearest, farthest):
    """A day ``nearest``…``farthest`` days ago, busy months more likely (rejection sampling on ``SEASON``)."""
    while True:
        day = today - timedelta(days=rng.randrange(nearest, farthest))
        if rng.random() * max(SEASON) < SEASON[day.month - 1]:
            return day


def _orders(rng, customer, tier_plan, today, user, numbers):
    """The plan's orders in the last 360 days (its T, DOMAIN §3) and fewer, smaller ones in the year before: 24
    months of sales with a season and growth."""
    count, size = TIER_PLANS[tier_plan]
    earlier = max(1, round(count * GROWTH)) if count else rng.randrange(1, 4)
    if count and _history(customer) == "new":  # a new customer has bought within the year only
        earlier = 0
    planned = [(_seasonal_day(rng, today, 3, 360), size) for _ in range(count)]
    planned += [(_seasonal_day(rng, today, 366, 740), round(size * GROWTH)) for _ in range(earlier)]
    orders = []
    for order_date, typical in planned:
        amount = Decimal(typical or rng.randrange(5, 40) * 1000)
        status = Order.Status.COMPLETED if order_date < today - timedelta(days=60) else Order.Status.OPEN
        orders.append(
            Order(
                customer=customer,
                number=f"SO{next(numbers):07d}",
                order_date=order_date,
                due_date=order_date + timedelta(days=customer.payment_terms_days or 30),
                amount=amount,
                status=status,
                created_by=user,
                credit_check={"passed": True, "reasons": ["demo"]},
            )
        )
    return orders


def _payments(rng, orders, grade_plan, today, user):
    payments, worst_done = [], False
    for order in sorted(orders, key=lambda o: o.due_date):
        if order.due_date > today:
            continue
        late = grade_plan in ("yi", "bing") and rng.random() < 0.5
        if grade_plan == "ding" and not worst_done and order.due_date < today - timedelta(days=100):
            worst_done = True  # never paid: over 90 days overdue
            continue
        on_time = order.amount * (
            Decimal("0.85") if grade_plan == "yi" and late else Decimal("0.5") if grade_plan == "bing" and late else 1
        )
        payments.append(
            Payment(customer=order.customer, paid_on=order.due_date, amount=on_time, order=order, created_by=user)
        )
        if on_time < order.amount:
            paid_on = min(order.due_date + timedelta(days=rng.choice([20, 45, 60])), today)
            payments.append(
                Payment(
                    customer=order.customer,
                    paid_on=paid_on,
                    amount=order.amount - on_time,
                    order=order,
                    created_by=user,
                )
            )
    return payments


@transaction.atomic
def seed_trade(*, customers: list[Customer], users: dict, today: date) -> int:
    """Orders and payments for customers that have none yet (but for the future ones); returns how many customers
    got some."""
    fresh = [c for c in customers if _history(c) != "future" and not c.orders.exists()]
    if not fresh:
        return 0
    numbers = iter(number_sequence_take(name="order", count=len(fresh) * 12))
    orders, plans = [], {}
    for index, customer in enumerate(fresh):
        rng = random.Random(customer.pk)
        plans[customer.pk] = GRADE_PLANS[index % len(GRADE_PLANS)]
        orders += _orders(rng, customer, "ABCD"[(index // 4) % 4], today, users["erp-sync"], numbers)
    Order.objects.bulk_create(orders)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=PRODUCTS[order.customer_id % len(PRODUCTS)][0],
            model=PRODUCTS[order.customer_id % len(PRODUCTS)][1],
            quantity=Decimal(10),
            unit_price=order.amount / 10,
            amount=order.amount,
        )
        for order in orders
    )
    payments = []
    by_customer: dict[int, list[Order]] = {}
    for order in orders:
        by_customer.setdefault(order.customer_id, []).append(order)
    for customer_id, customer_orders in by_customer.items():
        payments += _payments(random.Random(customer_id), customer_orders, plans[customer_id], today, users["erp-sync"])
    Payment.objects.bulk_create(payments)
    _decisions(fresh, users, today)  # recomputes every profile once its assessments are in
    future = [c for c in customers if _history(c) == "future" and not c.orders.exists()]
    _held_orders(future[:2], users, today)  # a first order awaiting a credit decision: upcoming (DOMAIN §2.1)
    return len(fresh)


def _assessments(customers: list[Customer], users: dict, today: date) -> None:
    """Nine customers in ten assessed a year ago and again before that expired (DOMAIN §5.3: valid a year), so the
    policy's back-test (DOMAIN §11) finds each order's risk class on its day instead of "unassessed" everywhere;
    every tenth is left for an investigation (DOMAIN §6.2)."""
    model = ScoringModel.objects.get(is_default=True)
    indicators = list(model.indicators.values_list("key", flat=True))
    for index, customer in enumerate(customers):
        if index % 10 == 9:
            continue
        rng = random.Random(customer.pk)
        first = today - timedelta(days=rng.randrange(380, 420))
        ratings = {key: rng.randrange(3, 11) for key in indicators}
        for day in (first, first + timedelta(days=340)):
            services.assessment_submit(
                customer=customer, method="feature", ratings=ratings, by=users["analyst"], today=day
            )
            ratings = {key: min(10, max(0, value + rng.choice((-1, 0, 0, 1)))) for key, value in ratings.items()}


def _decisions(customers: list[Customer], users: dict, today: date) -> None:
    """Assessments, approved and pending limit requests, and held orders, through the real services."""
    _assessments(customers, users, today)
    # every profile for today: the assessments refreshed theirs on their days
    services.credit_recompute_all(today=today)
    for index, customer in enumerate(customers[:40]):
        rng = random.Random(customer.pk)
        amount = Decimal(rng.randrange(2, 5) * 10_000)
        request = services.credit_limit_request_create(
            customer=customer, amount=amount, reason="年度授信 annual", by=users["analyst"], today=today
        )
        if index % 4:
            services.credit_limit_approve(
                request=request, by=users["creditmgr"], today=today, note="Long-standing customer"
            )
    _held_orders(customers[40:46], users, today)
    for customer in customers[-1:]:  # a credit manager's pin (DOMAIN §2.1)
        services.core_pin_set(
            customer=customer, state="core", reason="战略项目 strategic project", by=users["creditmgr"], today=today
        )


def _held_orders(customers: list[Customer], users: dict, today: date) -> None:
    """Orders without a limit to cover them: the credit check holds them (DOMAIN §6.4)."""
    for customer in customers:
        product, model = PRODUCTS[customer.pk % len(PRODUCTS)]
        services.order_place(
            customer=customer,
            lines=[OrderLineInput(product=product, model=model, quantity=Decimal(5), unit_price=Decimal(9_800))],
            order_date=today,
            due_date=today + timedelta(days=30),
            by=users["sales1"],
            today=today,
        )
