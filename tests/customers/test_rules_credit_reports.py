"""Credit-report validity, the one definition (DOMAIN §6.2, §7): the policy's months after its issue date, else
after the day it was obtained, or until its own valid-until date when that is earlier (the policy is the maximum)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.rules.credit_reports import credit_report_expires_on, earliest_report_date_valid_on, is_credit_report


@pytest.mark.parametrize(
    ("valid_until", "issued_on", "obtained_on", "months", "expires"),
    [
        pytest.param(
            date(2026, 5, 1), date(2026, 1, 1), date(2026, 1, 5), 6, date(2026, 5, 1), id="earlier-own-date-wins"
        ),
        pytest.param(date(2026, 12, 1), date(2026, 1, 1), date(2026, 1, 5), 6, date(2026, 7, 1), id="capped-by-policy"),
        pytest.param(date(9999, 12, 31), None, date(2026, 1, 5), 6, date(2026, 7, 5), id="year-9999-capped"),
        pytest.param(None, date(2026, 5, 22), date(2026, 6, 1), 6, date(2026, 11, 22), id="months-after-issue"),
        pytest.param(None, None, date(2026, 6, 1), 6, date(2026, 12, 1), id="no-issue-date-months-after-obtained"),
        pytest.param(None, date(2026, 2, 28), date(2026, 3, 2), 6, date(2026, 8, 28), id="month-end"),
        pytest.param(None, date(2025, 8, 31), date(2025, 9, 1), 6, date(2026, 2, 28), id="clamped-to-february"),
        pytest.param(None, date(2026, 1, 10), date(2026, 1, 10), 3, date(2026, 4, 10), id="policy-3-months"),
        pytest.param(None, date(2026, 1, 10), date(2026, 1, 10), 12, date(2027, 1, 10), id="policy-12-months"),
    ],
)
def test_a_report_expires_months_after_its_date_or_earlier_on_its_own_date(
    valid_until, issued_on, obtained_on, months, expires
):
    assert (
        credit_report_expires_on(valid_until=valid_until, issued_on=issued_on, obtained_on=obtained_on, months=months)
        == expires
    )


@pytest.mark.parametrize(
    ("day", "months", "earliest"),
    [
        pytest.param(date(2026, 11, 22), 6, date(2026, 5, 22), id="plain"),
        pytest.param(date(2026, 8, 31), 6, date(2026, 3, 1), id="no-31-february-so-from-1-march"),
        pytest.param(date(2026, 8, 28), 6, date(2026, 2, 28), id="28-february"),
        pytest.param(date(2028, 8, 31), 6, date(2028, 3, 1), id="leap-year"),
        pytest.param(date(2028, 8, 29), 6, date(2028, 2, 29), id="29-february"),
    ],
)
def test_the_earliest_date_still_valid(day, months, earliest):
    assert earliest_report_date_valid_on(day, months=months) == earliest


@given(
    dated=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    offset=st.integers(min_value=-400, max_value=400),
    months=st.integers(min_value=3, max_value=12),
)
def test_the_sql_bound_and_the_expiry_date_agree_on_every_day(dated, offset, months):
    """The database filter (date ≥ earliest) and the reminder's expiry date say the same thing on every day."""
    day = dated + timedelta(days=offset)
    expires = credit_report_expires_on(valid_until=None, issued_on=dated, obtained_on=dated, months=months)
    assert (expires >= day) == (dated >= earliest_report_date_valid_on(day, months=months))


@pytest.mark.parametrize(
    ("doc_type", "source", "counts"),
    [
        ("credit_report", "credit_agency", True),
        ("credit_report", "bank", True),
        ("credit_report", "customer", False),  # a self-reported "report" is not an investigation (DOMAIN §2.2)
        ("bank_credit_certificate", "customer", True),
        ("litigation_record", "court", False),
    ],
)
def test_what_counts_as_a_credit_report(doc_type, source, counts):
    """DOMAIN §6.2: an agency or bank report, or a bank credit certificate."""
    assert is_credit_report(doc_type=doc_type, source=source) is counts
