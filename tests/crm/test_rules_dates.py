"""Plausible dates (issue 16 §3, crm/rules/dates.py): from 1900-01-01 to the same day ten years ahead, inclusive."""

from datetime import date

import pytest

from crm.rules.dates import EARLIEST, is_plausible, latest_plausible

TODAY = date(2026, 11, 22)


def test_ten_years_ahead_on_the_same_day_and_28_february_for_29_february():
    assert latest_plausible(TODAY) == date(2036, 11, 22)
    assert latest_plausible(date(2028, 2, 29)) == date(2038, 2, 28)
    assert latest_plausible(date(2028, 2, 28)) == date(2038, 2, 28)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        (date(1899, 12, 31), False),
        (EARLIEST, True),
        (date(1900, 1, 2), True),
        (date(2036, 11, 22), True),
        (date(2036, 11, 23), False),
        (date(9999, 12, 31), False),
        (date(1, 1, 1), False),
    ],
    ids=["day-before-1900", "1900-01-01", "1900-01-02", "last-day", "day-after", "year-9999", "year-1"],
)
def test_the_bounds_are_inclusive(value, plausible):
    assert is_plausible(value, today=TODAY) is plausible
