"""A credit report counts for the limit approval exactly as long as its expiry reminder says (DOMAIN §6.2, §7)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import services
from credit.models import CreditLimitRequest
from credit.services.reminders import credit_report_reminders
from crm import roles
from crm.models import Reminder
from customers.models import CreditDocument
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


@pytest.fixture
def medium(rep):
    return make_customer(owner=rep, name="Medium Co", size="medium")


def _report(customer, **dates) -> CreditDocument:
    return CreditDocument.objects.create(
        customer=customer, doc_type="credit_report", title="Agency report", source="credit_agency", **dates
    )


def _request(customer, make_user, today) -> CreditLimitRequest:
    analyst = make_user(roles.CREDIT_ANALYST, username="analyst")
    return services.credit_limit_request_create(
        customer=customer, amount=Decimal(80_000), reason="x", by=analyst, today=today
    )


def _approve(request, make_user, today):
    return services.credit_limit_approve(
        request=request, by=make_user(roles.CREDIT_MANAGER, username="creditmgr"), today=today, note=NOTE
    )


def test_a_report_without_an_issue_date_counts_and_is_reminded_before_it_expires(medium, rep, make_user):
    """DOMAIN §6.2, §7: a report valid for the approval also gets its expiry reminder 30 days ahead. Before, a
    report with no issue date counted from the day it was obtained for the approval and was never reminded."""
    _report(medium, obtained_on=date(2026, 6, 1))  # counts until 2026-12-01 (six months, the default policy)
    assert _approve(_request(medium, make_user, TODAY), make_user, TODAY).amount == Decimal(80_000)
    assert credit_report_reminders(today=TODAY) == 1
    reminder = Reminder.objects.get(kind=Reminder.Kind.CREDIT_REPORT_EXPIRING)
    assert (reminder.recipient, reminder.due_on, reminder.customer) == (rep, date(2026, 12, 1), medium)
    assert credit_report_reminders(today=TODAY) == 0


def test_a_report_no_longer_counts_after_the_day_its_reminder_names(medium, make_user):
    """DOMAIN §7 at a month end: issued 28 February, six months → last valid day 28 August. Before, the approval
    still took it on 29–31 August (the issue date was compared with "today minus six months", 28 February)."""
    _report(medium, obtained_on=date(2026, 3, 2), issued_on=date(2026, 2, 28))
    reminded_on = date(2026, 8, 1)
    assert credit_report_reminders(today=reminded_on) == 1
    assert Reminder.objects.get().due_on == date(2026, 8, 28)
    expired = date(2026, 8, 31)
    with pytest.raises(services.CreditError):
        _approve(_request(medium, make_user, expired), make_user, expired)


def test_a_report_expiring_after_the_horizon_is_not_reminded_yet(medium):
    """DOMAIN §7: 30 days ahead, not earlier."""
    _report(medium, obtained_on=TODAY, issued_on=date(2026, 7, 22))  # last valid day 2027-01-22, in 61 days
    assert credit_report_reminders(today=TODAY) == 0
    assert credit_report_reminders(today=date(2027, 1, 22) - timedelta(days=31)) == 0
    assert credit_report_reminders(today=date(2027, 1, 22) - timedelta(days=30)) == 1
