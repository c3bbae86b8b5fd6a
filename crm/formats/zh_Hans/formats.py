"""Dates shown ISO in Chinese as in English (issue 14 point 7): the same formats as crm/formats/en."""

from crm.formats.en.formats import (  # noqa: F401 (Django reads these names from this module)
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
