"""Credit-report validity (DOMAIN §6.2, §7): one definition for the limit approval, the staleness scan and the
expiry reminder."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

REPORT_TYPE = "credit_report"
REPORT_SOURCES = frozenset({"credit_agency", "bank"})
CERTIFICATE_TYPE = "bank_credit_certificate"


def is_credit_report(*, doc_type: str, source: str) -> bool:
    """A document that counts as a credit report (DOMAIN §6.2): an agency's or a bank's report, or a bank credit
    certificate. ``customers.selectors.CREDIT_REPORT`` is the same condition in SQL."""
    return doc_type == CERTIFICATE_TYPE or (doc_type == REPORT_TYPE and source in REPORT_SOURCES)


def credit_report_expires_on(
    *, valid_until: date | None, issued_on: date | None, obtained_on: date, months: int
) -> date:
    """The last day a credit report counts (DOMAIN §6.2, §7): ``months`` (3–12, the credit policy) after its date,
    which is the issue date or, for a report without one, the day it was obtained; or its own valid-until date when
    that comes earlier. The policy's validity is the maximum: a report "valid until 9999-12-31" counts no longer than
    any other, so it cannot lift the approval ceiling for ever."""
    policy_end = (issued_on or obtained_on) + relativedelta(months=months)
    return policy_end if valid_until is None else min(valid_until, policy_end)


def earliest_report_date_valid_on(day: date, *, months: int) -> date:
    """The earliest date (issue, else obtained) of a report without a valid-until date that still counts on ``day``:
    ``credit_report_expires_on(...) >= day`` exactly when the report's date is on or after this one. Month ends
    included: six months after 28 February is 28 August, so on 31 August a report needs a date from 1 March."""
    oldest = day - relativedelta(months=months)
    return oldest if oldest + relativedelta(months=months) >= day else oldest + timedelta(days=1)
