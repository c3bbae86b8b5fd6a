"""Plausible dates (issue 16 §3): a date typed or sent by a client lies between 1900 (birth dates of end customers)
and ten years ahead (due dates, validity ends). Years 1 and 9999 would overflow date arithmetic and lift limits for
ever."""

from datetime import date

EARLIEST = date(1900, 1, 1)
YEARS_AHEAD = 10


def latest_plausible(today: date) -> date:
    """The last date accepted on ``today``: the same day ``YEARS_AHEAD`` years on (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def is_plausible(value: date, *, today: date) -> bool:
    return EARLIEST <= value <= latest_plausible(today)
