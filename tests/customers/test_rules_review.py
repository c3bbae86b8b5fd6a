"""DOMAIN §7 comprehensive review cycle."""

from datetime import date

from customers.rules.review import is_review_overdue, next_review_due


def test_first_review_is_due_one_interval_after_creation():
    assert next_review_due(last_reviewed_on=None, created_on=date(2026, 1, 1), interval_days=180) == date(2026, 6, 30)


def test_a_review_restarts_the_cycle():
    due = next_review_due(last_reviewed_on=date(2026, 3, 1), created_on=date(2025, 1, 1), interval_days=60)
    assert due == date(2026, 4, 30)


def test_overdue_only_after_the_due_day():
    due = date(2026, 4, 30)
    assert not is_review_overdue(due=due, today=due)
    assert is_review_overdue(due=due, today=date(2026, 5, 1))
    assert not is_review_overdue(due=None, today=date(2026, 5, 1))
