"""简体中文 number formats (issue 14): amounts grouped by thousands with a comma, as Chinese invoices and ledgers write
them (120,000.00), the same as in English; Django's own zh_Hans formats group nothing. Every other format is Django's
(settings.FORMAT_MODULE_PATH reads this module first and falls back to Django's for what it does not name)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
