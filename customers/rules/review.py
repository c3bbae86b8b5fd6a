"""Comprehensive review cycle 全面修订核查 (DOMAIN §7)."""

from datetime import date, timedelta


def next_review_due(*, last_reviewed_on: date | None, created_on: date, interval_days: int) -> date:
    """The next review falls ``interval_days`` after the last review, or after creation if never reviewed."""
    return (last_reviewed_on or created_on) + timedelta(days=interval_days)


def is_review_overdue(*, due: date | None, today: date) -> bool:
    return due is not None and today > due
