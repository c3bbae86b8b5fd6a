"""Money as users read it (issue 14): one way everywhere, grouped by the locale's thousands separator
(``crm/formats``: 120,000.00 in English and 简体中文 alike). Tables show cents (``money`` filter), sentences drop
them when there are none (``money_text(value, cents=False)``: "a limit of 120,000")."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def money_text(value: object, *, cents: bool = True) -> str:
    """``value`` (a Decimal, a number or a stored decimal string) grouped by thousands, with two decimals; with
    ``cents=False`` the decimals only when there are any. Empty for None or anything that is not a number."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = 0 if not cents and amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def number_text(value: object) -> object:
    """A number in a table, grouped by thousands with the decimals it has (counts, amounts, shares alike); anything
    else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return number_format(value, use_l10n=True, force_grouping=True)
