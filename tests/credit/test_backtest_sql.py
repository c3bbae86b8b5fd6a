"""The back-test's set-based ledger facts (issue 13 point 2, DOMAIN §11): what PostgreSQL gathers for each order of
the year — T before it (§3), the grade's window on its day from the payments made by then, allocated as §4 says,
the exposure (§6.4) and what it has been paid since — equals what the rule's replay (``order_ledgers``) gives, on a
varied history: partial, late, never paid, paid on the order's day, unnamed and over-payments, credit notes and
orders cancelled or held. Customers the set-based read cannot reproduce are named for the rule to replay."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from credit import backtest_sql, selectors
from credit.models import BacktestLedger, CreditNote, Order, Payment
from credit.rules.backtest import BAD_DEBT_DAYS, backtest, order_ledger_of, order_ledgers
from credit.rules.policy import CreditPolicy
from credit.services import backtests
from tests.factories import make_customer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TODAY = date(2026, 11, 22)
SINCE = date(2025, 11, 22)
D = Decimal
# How each customer pays its orders; the last four leave the allocation to the rule (DOMAIN §4: oldest due first).
HABITS = (
    "on_time", "late", "partial", "never", "same_day", "late_and_same_day", "arrears_then_same_day", "unnamed", "over",
    "cancelled",
)  # fmt: skip
REPLAYED = {"arrears_then_same_day", "unnamed", "over", "cancelled"}


def _pay(rng: random.Random, habit: str, order: Order, by) -> list[Payment]:
    due, amount = order.due_date, order.amount
    if habit == "never" and rng.random() < 0.5:
        return []
    if habit in ("same_day", "arrears_then_same_day") or (habit == "late_and_same_day" and rng.random() < 0.5):
        days = [order.order_date]
    elif habit == "late_and_same_day":
        days = [due + timedelta(days=rng.choice((10, 40)))]
    elif habit == "late":
        days = [due + timedelta(days=rng.choice((1, 30, 91, 120, 400)))]
    elif habit == "partial":
        days = [
            max(order.order_date + timedelta(days=1), due - timedelta(days=3)),
            due + timedelta(rng.choice((5, 95))),
        ]
    else:
        days = [due - timedelta(days=rng.randrange(0, (due - order.order_date).days + 1))]
    parts = (
        [amount] if len(days) == 1 else [(amount / 2).quantize(D("0.01")), amount - (amount / 2).quantize(D("0.01"))]
    )
    if habit == "over":
        parts[0] += D(500)
    named = None if habit == "unnamed" and rng.random() < 0.5 else order
    customer = order.customer
    return [
        Payment(customer=customer, order=named, paid_on=day, amount=part, created_by=by)
        for day, part in zip(days, parts, strict=True)
        if day <= TODAY
    ]


@pytest.fixture
def varied_ledgers(people):
    """Ten customers of 14 orders over two years, each with its payment habit; terms of 0 to 60 days; a few orders
    cancelled or held (not billable), one of nothing (a free replacement), a credit note on some completed ones."""
    rng, by = random.Random(13), people["erp"]
    customers = []
    for index, habit in enumerate(HABITS):
        customer = make_customer(owner=people["rep"], name=f"Ledger {habit}")
        customers.append((customer, habit))
        days = sorted(TODAY - timedelta(days=rng.randrange(0, 700)) for _ in range(13))
        days.insert(0, TODAY - timedelta(days=720))
        for number, day in enumerate(days):
            status = (
                "completed" if number == 0 else rng.choice(["completed"] * 8 + ["open", "cancelled", "credit_hold"])
            )
            if habit == "cancelled" and number == 1:
                status = "cancelled"  # and paid: the payment names no billable order
            order = Order.objects.create(
                customer=customer, number=f"T{index:02}{number:03}", order_date=day,
                due_date=day + timedelta(days=rng.choice((0, 30, 30, 60))),
                amount=D(0) if number == 5 else D(rng.randrange(1_000, 90_000)),
                status=status, created_by=by, prepaid=rng.random() < 0.1,
            )  # fmt: skip
            if habit == "arrears_then_same_day" and number == 0:
                continue  # never paid: in arrears, and out of the trailing window, when the later ones are paid
            if order.amount and (status in ("open", "completed") or habit == "cancelled"):
                Payment.objects.bulk_create(_pay(rng, habit, order, by))
            if status == "completed" and rng.random() < 0.2:
                CreditNote.objects.create(
                    customer=customer, order=order, amount=D(100), reason="goodwill", issued_on=day + timedelta(5),
                    created_by=by,
                )  # fmt: skip
    return customers


def test_the_set_based_facts_equal_the_rule_replay_on_a_varied_history(varied_ledgers):
    """DOMAIN §3, §4, §6.4: every order of the year, for two window lengths, the same facts as the replay."""
    if connection.vendor != "postgresql":
        pytest.skip("the set-based facts are PostgreSQL's (elsewhere the back-test replays by the rule); CI runs this")
    ids = sorted(customer.pk for customer, _habit in varied_ledgers)
    habits = {customer.pk: habit for customer, habit in varied_ledgers}
    histories = selectors.backtest_histories(ids, today=TODAY, trade=True)
    for window in (365, 180):
        read = backtest_sql.checked_orders(
            ids, since=SINCE, today=TODAY, window_days=window, bad_debt_days=BAD_DEBT_DAYS
        )
        assert {habits[pk] for pk in read.replay} == REPLAYED
        for pk, orders in read.orders.items():
            replayed = order_ledgers(histories[pk], since=SINCE, today=TODAY, window_days=window)
            assert [order_ledger_of(sums) for sums in orders] == replayed, habits[pk]
            assert len(replayed) > 2, habits[pk]


def test_the_back_test_gives_the_figures_of_the_rule_replay(varied_ledgers):
    """The service's back-test (set-based facts, the rest replayed) against the rule replaying every customer."""
    draft = {"tier_a_threshold": D(100_000), "yi_on_time_ratio": D("0.95"), "window_days": 180}
    found = backtests.policy_backtest_compute(changes=draft, today=TODAY, current=CreditPolicy()).result
    ids = sorted(customer.pk for customer, _habit in varied_ledgers)
    histories = selectors.backtest_histories(ids, today=TODAY, trade=True).values()
    policies = {"current": CreditPolicy(), "draft": selectors.draft_policy(CreditPolicy(), draft)}
    expected = backtest(histories, policies=policies, since=SINCE, today=TODAY)
    assert found == expected
    assert found.tallies["draft"].orders_held > 0


@pytest.mark.django_db(transaction=True)
def test_chunks_gathered_one_ahead_on_a_second_connection_give_the_same_figures(
    data_migrations, varied_ledgers, monkeypatch
):
    """Outside a transaction the next chunk is gathered by a second thread on its own connection while this one is
    decided: chunks of three customers give the figures of the rule replaying everyone, and keep every customer's
    facts."""
    monkeypatch.setattr(backtests, "CHUNK", 3)
    found = backtests.policy_backtest_compute(changes={}, today=TODAY, current=CreditPolicy()).result
    ids = sorted(customer.pk for customer, _habit in varied_ledgers)
    histories = selectors.backtest_histories(ids, today=TODAY, trade=True).values()
    policies = {"current": CreditPolicy(), "draft": CreditPolicy()}
    assert found == backtest(histories, policies=policies, since=SINCE, today=TODAY)
    assert BacktestLedger.objects.filter(customer_id__in=ids).count() == len(ids)
    assert backtests.backtest_ledgers_refresh(today=TODAY) == 0
