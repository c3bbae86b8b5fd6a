"""简体中文 formats (issue 14): dates ISO as in English (points 7: the same formats as crm/formats/en), and amounts
grouped by thousands with a comma, as Chinese invoices and ledgers write them (120,000.00), the same as in English;
Django's own zh_Hans formats group nothing. Every other format is Django's."""

from crm.formats.en.formats import (  # noqa: F401 (Django reads these names from this module)
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
