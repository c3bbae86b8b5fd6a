"""``{{ amount|money }}``: every amount on every page in one format (``crm.money``)."""

from django import template

from crm.money import money_text, number_text

register = template.Library()


@register.filter
def money(value: object, cents: bool = True) -> str:
    """Grouped by thousands with two decimals; ``|money:False`` drops ``.00`` (totals, counts of money)."""
    return money_text(value, cents=cents)


@register.filter
def grouped(value: object) -> object:
    """A table cell's number grouped by thousands, with its own decimals (``crm.money.number_text``)."""
    return number_text(value)
