"""DOMAIN §2.1 classifications: by time, by transaction process, by volume, core vs ordinary; pure rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit.rules.classification import (
    CorePin,
    ProcessClass,
    TimeClass,
    TradeFacts,
    VolumeClass,
    completed_years,
    core_decision,
    process_class,
    relationship_years,
    time_class,
    trade_facts,
    volume_class,
)
from credit.rules.policy import CreditPolicy
from credit.rules.tier import Purchase, Tier

POLICY = CreditPolicy()
TODAY = date(2026, 11, 22)


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _bought(first_days_ago: int, last_days_ago: int | None = None, **extra) -> TradeFacts:
    last = first_days_ago if last_days_ago is None else last_days_ago
    return TradeFacts(first_order_on=_ago(first_days_ago), last_order_on=_ago(last), **extra)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(TradeFacts(), TimeClass.FUTURE, id="no-order-future"),
        pytest.param(TradeFacts(has_held_order=True), TimeClass.FUTURE, id="held-order-only-still-future"),
        pytest.param(_bought(0), TimeClass.NEW, id="first-order-today-new"),
        pytest.param(_bought(364), TimeClass.NEW, id="first-order-364-days-ago-new"),
        pytest.param(_bought(365), TimeClass.OLD, id="first-order-365-days-ago-old"),
        pytest.param(_bought(366), TimeClass.OLD, id="first-order-366-days-ago-old"),
        pytest.param(_bought(2000, 1), TimeClass.OLD, id="old-with-a-recent-order"),
        pytest.param(_bought(-3), TimeClass.NEW, id="first-order-dated-after-today-new"),
    ],
)
def test_time_class_domain_2_1(facts, expected):
    """§2.1 by time: future (no order yet), new (first order within the last 365 days: the tier's window, so an
    order exactly 365 days old is outside it), old."""
    assert time_class(facts, today=TODAY, policy=POLICY) is expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(_bought(500, 89), ProcessClass.CURRENT, id="last-order-89-days-ago-current"),
        pytest.param(_bought(500, 90), ProcessClass.LAPSING, id="last-order-90-days-ago-lapsing"),
        pytest.param(_bought(500, 91), ProcessClass.LAPSING, id="last-order-91-days-ago-lapsing"),
        pytest.param(_bought(500, 364), ProcessClass.LAPSING, id="last-order-364-days-ago-lapsing"),
        pytest.param(_bought(500, 365), ProcessClass.PAST, id="last-order-365-days-ago-past"),
        pytest.param(_bought(500, 366), ProcessClass.PAST, id="last-order-366-days-ago-past"),
        pytest.param(_bought(900, 800, has_open_order=True), ProcessClass.CURRENT, id="open-order-current"),
        pytest.param(_bought(500, 0), ProcessClass.CURRENT, id="order-today-current"),
        pytest.param(
            _bought(900, 800, has_held_order=True), ProcessClass.PAST, id="held-order-of-a-past-customer-still-past"
        ),
        pytest.param(TradeFacts(), ProcessClass.NONE, id="nothing-none"),
        pytest.param(TradeFacts(has_held_order=True), ProcessClass.UPCOMING, id="first-order-on-hold-upcoming"),
        pytest.param(TradeFacts(last_opportunity_on=_ago(89)), ProcessClass.UPCOMING, id="opportunity-89-days-ago"),
        pytest.param(TradeFacts(last_opportunity_on=_ago(90)), ProcessClass.NONE, id="opportunity-90-days-ago-none"),
        pytest.param(TradeFacts(last_opportunity_on=_ago(91)), ProcessClass.NONE, id="opportunity-91-days-ago-none"),
        pytest.param(
            _bought(400, 380, last_opportunity_on=_ago(1)), ProcessClass.PAST, id="opportunity-of-a-past-customer"
        ),
    ],
)
def test_process_class_domain_2_1(facts, expected):
    """§2.1 by transaction process: current (an open order or one in the last 90 days), past (orders, none open,
    none in the last 365 days), upcoming (no order yet, an open opportunity: an order on credit hold or a technical
    requirement / promotion response in the last 90 days); lapsing and none where DOMAIN names no class."""
    assert process_class(facts, today=TODAY, policy=POLICY) is expected


def test_process_class_windows_follow_the_policy_domain_2_1():
    """§2.1 numbers are the policy's: with a 30-day current window an order 31 days old is no longer current."""
    policy = CreditPolicy(current_customer_days=30, past_customer_days=180)
    assert process_class(_bought(400, 29), today=TODAY, policy=policy) is ProcessClass.CURRENT
    assert process_class(_bought(400, 30), today=TODAY, policy=policy) is ProcessClass.LAPSING
    assert process_class(_bought(400, 180), today=TODAY, policy=policy) is ProcessClass.PAST
    assert time_class(_bought(100), today=TODAY, policy=CreditPolicy(new_customer_days=100)) is TimeClass.OLD


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        pytest.param(Tier.A, VolumeClass.KEY, id="A-key"),
        pytest.param(Tier.B, VolumeClass.GENERAL, id="B-general"),
        pytest.param(Tier.C, VolumeClass.GENERAL, id="C-general"),
        pytest.param(Tier.D, VolumeClass.SCATTERED, id="D-scattered"),
    ],
)
def test_volume_class_domain_2_1(tier, expected):
    """§2.1 by volume and market position: key (tier A), general (B, C), scattered (D)."""
    assert volume_class(tier) is expected


def test_trade_facts_count_open_and_completed_orders_only():
    """§2.1 with §3: an order on hold, rejected or cancelled is no purchase; a held one is an opportunity."""
    purchases = [
        Purchase(_ago(700), Decimal(1), "cancelled"),
        Purchase(_ago(500), Decimal(1), "completed"),
        Purchase(_ago(200), Decimal(1), "completed"),
        Purchase(_ago(10), Decimal(1), "rejected"),
        Purchase(_ago(5), Decimal(1), "credit_hold"),
    ]
    facts = trade_facts(purchases, last_opportunity_on=_ago(3))
    assert facts == TradeFacts(_ago(500), _ago(200), False, True, _ago(3))
    assert trade_facts([Purchase(_ago(1), Decimal(1), "open")]).has_open_order is True


A, B = POLICY.tier_a_threshold, POLICY.tier_b_threshold
CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("trailing", "years", "core"),
    [
        pytest.param(A, 0, True, id="exactly-A-threshold-core"),
        pytest.param(A - CENT, 10, True, id="just-below-A-with-10-years-core-by-B"),
        pytest.param(A - CENT, 2, False, id="just-below-A-2-years-ordinary"),
        pytest.param(B, 3, True, id="exactly-B-threshold-3-years-core"),
        pytest.param(B, 2, False, id="exactly-B-threshold-2-years-ordinary"),
        pytest.param(B - CENT, 3, False, id="just-below-B-3-years-ordinary"),
        pytest.param(B, None, False, id="B-relationship-unknown-ordinary"),
    ],
)
def test_core_by_the_rule_domain_2_1(trailing, years, core):
    """§2.1 core = trailing-12-month purchases ≥ the A threshold, or ≥ the B threshold with 3+ years."""
    decision = core_decision(trailing=trailing, years=years, pin=CorePin.AUTOMATIC, policy=POLICY)
    assert (decision.is_core, decision.computed, decision.pinned) == (core, core, False)


@pytest.mark.parametrize(
    ("pin", "trailing", "is_core", "computed"),
    [
        pytest.param(CorePin.CORE, Decimal(0), True, False, id="pinned-core-without-purchases"),
        pytest.param(CorePin.ORDINARY, A, False, True, id="pinned-ordinary-above-A"),
        pytest.param(CorePin.CORE, A, True, True, id="pinned-core-agrees-with-the-rule"),
    ],
)
def test_a_pin_decides_core_domain_2_1(pin, trailing, is_core, computed):
    """§2.1 "a credit manager may pin it": the pin decides, the rule's answer is kept beside it."""
    decision = core_decision(trailing=trailing, years=0, pin=pin, policy=POLICY)
    assert (decision.is_core, decision.computed, decision.pinned) == (is_core, computed, True)


@pytest.mark.parametrize(
    ("since", "years"),
    [
        pytest.param(date(2023, 11, 22), 3, id="third-anniversary-3"),
        pytest.param(date(2023, 11, 23), 2, id="a-day-before-the-third-anniversary-2"),
        pytest.param(date(2026, 11, 22), 0, id="today-0"),
        pytest.param(date(2027, 1, 1), -1, id="in-the-future-negative"),
    ],
)
def test_completed_years_are_calendar_years(since, years):
    """§2.1 "3+ years": whole calendar years, so core on the third anniversary whatever the leap days between."""
    assert completed_years(since, TODAY) == years


def test_a_29_february_start_counts_from_1_march_in_a_common_year():
    assert completed_years(date(2024, 2, 29), date(2027, 2, 28)) == 2
    assert completed_years(date(2024, 2, 29), date(2027, 3, 1)) == 3
    assert completed_years(date(2024, 2, 29), date(2028, 2, 29)) == 4


def test_relationship_counts_from_its_start_date_else_the_first_order():
    """§2.1: the dossier's relationship start date, else the first order; unknown without either."""
    assert relationship_years(since=date(2020, 1, 1), first_order_on=date(2026, 1, 1), today=TODAY) == 6
    assert relationship_years(since=None, first_order_on=date(2023, 11, 22), today=TODAY) == 3
    assert relationship_years(since=None, first_order_on=None, today=TODAY) is None
    assert relationship_years(since=date(2027, 1, 1), first_order_on=None, today=TODAY) == 0
