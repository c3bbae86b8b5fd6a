"""Back-test (issue 13 point 2, DOMAIN §11): a year of orders replayed under a policy, each checked on its own day
(§3 trailing purchases, §4 grade from the payments made by then, §5.3 risk class, §6.1 recommended limit, §6.4 the
order check), then judged by what happened next. Small hand-built histories where the right numbers are obvious."""

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from credit.rules.backtest import (
    CREDIT_FOR_ALL,
    CustomerHistory,
    Override,
    Report,
    TradeOrder,
    backtest,
    month_labels,
    order_ledgers,
)
from credit.rules.grade import PaymentIn, Receivable, allocate, collections, grade_facts
from credit.rules.policy import CreditPolicy
from credit.rules.tier import Purchase, trailing_purchases

TODAY = date(2026, 11, 22)
SINCE = date(2025, 11, 22)
D = Decimal
POLICY = CreditPolicy()


def _valve_buyer(**changes) -> CustomerHistory:
    """Assessed at 85% (low risk, ×1.5); 120,000 bought and paid on time before the year; then three orders of
    30,000: O1 paid on time, O2 never paid, O3 not yet 90 days overdue."""
    history = CustomerHistory(
        customer_id=7,
        size="medium",
        payment_terms_days=30,
        orders=[
            TradeOrder(10, date(2025, 6, 1), date(2025, 7, 1), D(120_000)),
            TradeOrder(11, date(2026, 1, 10), date(2026, 2, 9), D(30_000)),
            TradeOrder(12, date(2026, 3, 10), date(2026, 4, 9), D(30_000)),
            TradeOrder(13, date(2026, 8, 1), date(2026, 8, 31), D(30_000)),
        ],
        payments=[
            PaymentIn(1, date(2025, 6, 30), D(120_000), 10),
            PaymentIn(2, date(2026, 2, 1), D(30_000), 11),
        ],
        assessments=[(date(2025, 5, 1), date(2026, 12, 31), D(85))],
        reports=[Report(obtained_on=date(2025, 12, 1))],  # medium: a valid report lifts the 50,000 ceiling
    )
    return replace(history, **changes)


def _run(*histories, **drafts):
    policies = {"current": POLICY, **{name: replace(POLICY, **values) for name, values in drafts.items()}}
    return backtest(histories, policies=policies, since=SINCE, today=TODAY)


def test_each_order_is_checked_against_the_limit_the_policy_recommended_on_its_day():
    """O1: T = 120,000 → need 10,000 × 1.5 = 15,000 < 30,000: held, and it was paid on time (good revenue delayed).
    O2: T = 150,000 → 18,000 < 30,000: held, and never paid (bad debt avoided). O3: O2 is 114 days overdue on
    1 August, so the grade is 丁 and O3 needs prepayment (DOMAIN §4.1): held; it is 83 days overdue today, not yet
    bad debt."""
    found = _run(_valve_buyer())
    current = found.tallies["current"]
    assert (found.orders, found.amount, found.bad_debt) == (3, D(90_000), D(30_000))
    assert (current.orders_held, current.held_amount) == (3, D(90_000))
    assert current.good_revenue_delayed == D(30_000)
    assert current.bad_debt_avoided == D(30_000)
    assert current.held_by_month == {"2026-01": D(30_000), "2026-03": D(30_000), "2026-08": D(30_000)}


def test_credit_for_all_holds_nothing_and_keeps_every_bad_debt():
    found = _run(_valve_buyer())
    everyone = found.tallies[CREDIT_FOR_ALL]
    assert (everyone.orders_held, everyone.held_amount, everyone.bad_debt_avoided) == (0, 0, 0)
    assert found.bad_debt == D(30_000)


def test_a_draft_with_a_larger_low_risk_factor_lets_both_orders_through():
    """×3: O1's limit is 30,000 (30,000 fits exactly), O2's 37,000; O3 is still held for the grade."""
    draft = _run(_valve_buyer(), draft={"factor_low": D(3)}).tallies["draft"]
    assert (draft.orders_held, draft.held_amount) == (1, D(30_000))
    assert (draft.good_revenue_delayed, draft.bad_debt_avoided) == (0, 0)


def test_the_profile_reads_only_the_payments_made_by_the_order_date():
    """O0 paid 100 days late, on 9 October 2025: on 10 January it is a 丁 customer whatever it paid afterwards."""
    late = _valve_buyer(
        payments=[PaymentIn(1, date(2025, 10, 9), D(120_000), 10), PaymentIn(2, date(2026, 2, 1), D(30_000), 11)]
    )
    found = _run(late, draft={"max_days_late": 120, "yi_on_time_ratio": D(0)})
    assert found.tallies["current"].orders_held == 3
    # 乙 from 0% on time and 丁 only beyond 120 days: O1's limit is 80% of 15,000 = 12,000, still < 30,000
    assert found.tallies["draft"].orders_held == 3
    generous = _run(late, draft={"max_days_late": 120, "yi_on_time_ratio": D(0), "factor_low": D(4)})
    # O1: 10,000 × 4 × 0.8 = 32,000 and O2: 12,500 × 4 × 0.8 = 40,000 pass; O3: 16,000 < 30,000 owed + 30,000
    assert generous.tallies["draft"].orders_held == 1


def test_exposure_counts_the_unpaid_orders_before_this_one():
    """Two orders of 10,000 on one day against a limit of 15,000: the first passes, the second is over the limit."""
    history = _valve_buyer(
        orders=[
            TradeOrder(10, date(2025, 6, 1), date(2025, 7, 1), D(120_000)),
            TradeOrder(20, date(2026, 1, 10), date(2026, 2, 9), D(10_000)),
            TradeOrder(21, date(2026, 1, 10), date(2026, 2, 9), D(10_000)),
        ],
        payments=[PaymentIn(1, date(2025, 6, 30), D(120_000), 10)],
    )
    held = _run(history).tallies["current"]
    assert (held.orders_held, held.held_amount) == (1, D(10_000))


def test_a_grade_override_valid_on_the_day_decides_the_grade():
    """With ×3 the draft lets O1 and O2 through; a 丙 override made on 1 March holds O2 (prepayment, DOMAIN §4.1);
    one made on 1 April comes too late for it."""
    march = Override(created_on=date(2026, 3, 1), valid_until=date(2026, 12, 31), grade="bing")
    assert _run(_valve_buyer(overrides=[march]), draft={"factor_low": D(3)}).tallies["draft"].orders_held == 2
    april = replace(march, created_on=date(2026, 4, 1))
    assert _run(_valve_buyer(overrides=[april]), draft={"factor_low": D(3)}).tallies["draft"].orders_held == 1


def test_a_small_customer_on_a_default_list_loses_its_limit():
    """DOMAIN §6.2: a litigation record obtained before the order withdraws the small customer's limit."""
    history = _valve_buyer(size="small", orders=_valve_buyer().orders[:2], litigation=[date(2025, 12, 1)])
    found = _run(history, draft={"factor_low": D(3)})
    assert found.tallies["draft"].orders_held == 1
    assert (
        _run(replace(history, litigation=[date(2026, 2, 1)]), draft={"factor_low": D(3)}).tallies["draft"].orders_held
        == 0
    )


def test_fates_split_paid_on_time_late_and_unpaid():
    """Part paid on time, part 100 days late (bad), the rest unpaid more than 90 days after the due date (bad)."""
    history = CustomerHistory(
        customer_id=1,
        orders=[TradeOrder(1, date(2026, 1, 1), date(2026, 2, 1), D(1_000))],
        payments=[PaymentIn(1, date(2026, 1, 20), D(300)), PaymentIn(2, date(2026, 3, 1), D(200)),
                  PaymentIn(3, date(2026, 5, 12), D(100))],
    )  # fmt: skip
    (order,) = order_ledgers(history, since=SINCE, today=TODAY, window_days=365)
    assert order.fate(TODAY).paid_on_time == D(300)
    assert order.fate(TODAY).bad_debt == D(100) + D(400)  # 200 paid 28 days late is neither
    (early,) = order_ledgers(history, since=SINCE, today=date(2026, 4, 1), window_days=365)
    assert early.fate(date(2026, 4, 1)).bad_debt == 0  # not yet 90 days overdue


def test_the_year_is_labelled_month_by_month():
    assert month_labels(SINCE, TODAY) == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02}" for m in range(1, 12)]


def _from_scratch(history: CustomerHistory, *, since: date, today: date) -> list[tuple]:
    """Each order's ledger facts the plain way: DOMAIN §4's allocation and collections of the orders placed before
    it and the payments made by its day, T by ``trailing_purchases`` (§3), exposure (§6.4)."""
    orders = sorted(history.orders, key=lambda o: (o.order_date, o.order_id))
    found = []
    for index, order in enumerate(orders):
        if not since < order.order_date <= today:
            continue
        day = order.order_date
        receivables = [Receivable(o.order_id, o.due_date, o.amount) for o in orders[:index]]
        payments = [p for p in history.payments if p.paid_on <= day]
        facts = grade_facts(collections(receivables, allocate(receivables, payments), today=day, policy=POLICY), POLICY)
        trailing = trailing_purchases(
            [Purchase(o.order_date, o.amount, "completed") for o in orders[:index]], today=day, policy=POLICY
        )
        billed = sum((o.amount for o in orders[:index]), D(0))
        exposure = max(billed - sum((p.amount for p in payments), D(0)), D(0))
        found.append((order.order_id, trailing, facts.on_time_ratio, facts.max_days_late, exposure))
    return found


def _random_history(rng: random.Random, customer_id: int) -> CustomerHistory:
    """Orders on shared and separate days with mixed terms (due dates out of order), payments that name an order,
    a later order, no order or one that does not exist, paid early, late, partly, twice or before any order."""
    orders, payments, day = [], [], date(2024, 1, 1)
    for order_id in range(1, rng.randint(1, 40)):
        day += timedelta(days=rng.choice([0, 0, 3, 17, 30, 45]))
        terms = rng.choice([0, 30, 30, 60, 90])
        orders.append(TradeOrder(order_id, day, day + timedelta(days=terms), D(rng.randint(1, 50) * 1000)))
    for payment_id in range(1, rng.randint(1, 50)):
        named = rng.choice([None, None, 999, *[o.order_id for o in orders]])
        paid_on = date(2023, 12, 1) + timedelta(days=rng.randint(0, 1100))
        payments.append(PaymentIn(payment_id, paid_on, D(rng.randint(1, 60) * 500), named))
    return CustomerHistory(customer_id=customer_id, orders=orders, payments=payments)


def test_the_walk_through_a_ledger_gives_what_each_order_replayed_from_scratch_gives():
    """The replay carries one allocation from order to order instead of allocating the ledger again for each: on
    messy histories every order's facts (T, on-time ratio, most days late, exposure) equal the plain computation."""
    rng = random.Random(13)
    for customer_id in range(300):
        history = _random_history(rng, customer_id)
        walked = order_ledgers(history, since=date(2023, 1, 1), today=date(2027, 6, 1), window_days=365)
        found = [(o.order_id, o.trailing, o.on_time_ratio, o.max_days_late, o.exposure) for o in walked]
        assert found == _from_scratch(history, since=date(2023, 1, 1), today=date(2027, 6, 1))
