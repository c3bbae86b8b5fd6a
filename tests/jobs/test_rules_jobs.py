"""DOMAIN §7–§8 rules of the scheduled jobs, every boundary; pure functions."""

from datetime import date, timedelta

import pytest

from credit.rules.policy import CreditPolicy
from credit.rules.reorder import reorder_cycle_days, reorder_due
from customers.rules.review import DossierFacts, ReviewPolicy, dossier_state

TODAY = date(2026, 11, 22)
POLICY = ReviewPolicy()
CREDIT_POLICY = CreditPolicy()


def facts(**overrides) -> DossierFacts:
    base = {
        "created_on": TODAY - timedelta(days=10),
        "last_reviewed_on": None,
        "is_core": False,
        "size": "small",
        "has_limit": False,
        "limit_valid_until": None,
        "has_valid_credit_report": False,
    }
    return DossierFacts(**(base | overrides))


@pytest.mark.parametrize(
    ("overrides", "due", "stale"),
    [
        pytest.param({}, TODAY + timedelta(days=170), False, id="new-dossier-180-days"),
        pytest.param({"is_core": True}, TODAY + timedelta(days=50), False, id="core-60-days"),
        pytest.param({"last_reviewed_on": TODAY - timedelta(days=180)}, TODAY, False, id="due-today-not-yet-stale"),
        pytest.param(
            {"last_reviewed_on": TODAY - timedelta(days=181)}, TODAY - timedelta(days=1), True, id="one-day-overdue"
        ),
        pytest.param(
            {"size": "medium", "has_limit": True}, TODAY + timedelta(days=170), True, id="medium-with-limit-no-report"
        ),
        pytest.param(
            {"size": "large", "has_limit": True}, TODAY + timedelta(days=170), True, id="large-with-limit-no-report"
        ),
        pytest.param(
            {"size": "medium", "has_limit": True, "has_valid_credit_report": True},
            TODAY + timedelta(days=170),
            False,
            id="medium-with-report",
        ),
        pytest.param(
            {"size": "small", "has_limit": True}, TODAY + timedelta(days=170), False, id="small-needs-no-report"
        ),
        pytest.param(
            {"limit_valid_until": TODAY + timedelta(days=30)},
            TODAY + timedelta(days=170),
            True,
            id="limit-expires-in-30-days",
        ),
        pytest.param(
            {"limit_valid_until": TODAY + timedelta(days=31)},
            TODAY + timedelta(days=170),
            False,
            id="limit-expires-in-31-days",
        ),
    ],
)
def test_dossier_state(overrides, due, stale):
    """DOMAIN §7: review every 60 days for core customers, 180 otherwise; stale when overdue, when a
    medium/large customer with a limit lacks a valid report, or when the limit expires within 30 days."""
    assert dossier_state(facts(**overrides), policy=POLICY, today=TODAY) == (due, stale)


def test_reorder_needs_three_orders():
    """DOMAIN §8."""
    assert reorder_cycle_days([date(2026, 1, 1), date(2026, 2, 1)]) is None
    assert reorder_cycle_days([date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)]) == 30


@pytest.mark.parametrize(
    ("today", "due"),
    [
        pytest.param(date(2026, 4, 8), None, id="within-cycle-plus-grace"),
        pytest.param(date(2026, 4, 9), date(2026, 4, 8), id="the-day-after-cycle-plus-7-days-grace"),
    ],
)
def test_reorder_due_after_cycle_and_minimum_grace(today, due):
    """DOMAIN §8: cycle 30 days, grace max(7, 20% = 6) = 7: due = last + 37 days, reminded once past it."""
    orders = [date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)]
    assert reorder_due(orders, today=today, policy=CREDIT_POLICY) == due


def test_reorder_grace_is_20_percent_of_a_long_cycle():
    orders = [date(2025, 1, 1), date(2025, 4, 11), date(2025, 7, 20)]  # 100-day cycle, grace 20
    assert reorder_due(orders, policy=CREDIT_POLICY, today=date(2025, 11, 16)) is None
    assert reorder_due(orders, policy=CREDIT_POLICY, today=date(2025, 11, 18)) == date(2025, 11, 17)
