"""Comprehensive review cycle 全面修订核查 (DOMAIN §7)."""

from dataclasses import dataclass
from datetime import date, timedelta


def next_review_due(*, last_reviewed_on: date | None, created_on: date, interval_days: int) -> date:
    """The next review falls ``interval_days`` after the last review, or after creation if never reviewed."""
    return (last_reviewed_on or created_on) + timedelta(days=interval_days)


def is_review_overdue(*, due: date | None, today: date) -> bool:
    return due is not None and today > due


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """The credit policy's numbers that dossier work needs (DOMAIN §7): review intervals, staleness, reminder
    horizons and the dashboard window. Entry points take it from the current policy version; the defaults
    here are DOMAIN's, for rule tests."""

    core_days: int = 60
    other_days: int = 180
    limit_warning_days: int = 30
    report_months: int = 6  # a credit report's validity
    reminder_days: int = 14  # review reminders this far ahead
    birthday_days: int = 7  # contact birthday reminders this far ahead
    dashboard_days: int = 14  # the dashboard's "reviews due soon"
    dashboard_expiry_days: int = 30  # the dashboards' limits, credit reports and documents "expiring soon"


@dataclass(frozen=True, slots=True)
class DossierFacts:
    created_on: date
    last_reviewed_on: date | None
    is_core: bool
    size: str
    has_limit: bool
    limit_valid_until: date | None
    has_valid_credit_report: bool


def dossier_state(facts: DossierFacts, *, policy: ReviewPolicy, today: date) -> tuple[date, bool]:
    """(next review due, stale?) — stale when the review is overdue, a medium/large customer with a limit
    has no valid credit report, or the limit expires within the policy's warning days (DOMAIN §7)."""
    interval = policy.core_days if facts.is_core else policy.other_days
    due = next_review_due(last_reviewed_on=facts.last_reviewed_on, created_on=facts.created_on, interval_days=interval)
    report_missing = facts.size in ("medium", "large") and facts.has_limit and not facts.has_valid_credit_report
    limit_ending = (
        facts.limit_valid_until is not None and (facts.limit_valid_until - today).days <= policy.limit_warning_days
    )
    return due, is_review_overdue(due=due, today=today) or report_missing or limit_ending
