"""Input validators every entry point shares (forms and API serializers)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.rules.dates import EARLIEST, YEARS_AHEAD, is_plausible, latest_plausible
from crm.rules.phones import is_phone_number


def plausible_date(value) -> None:
    """Refuse a date before 1900 or more than ten years ahead (crm/rules/dates.py)."""
    today = timezone.localdate()
    if value is not None and not is_plausible(value, today=today):
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s (%(years)s years ahead).")
            % {"earliest": EARLIEST.isoformat(), "latest": latest_plausible(today).isoformat(), "years": YEARS_AHEAD},
            code="implausible_date",
        )


def phone_number(value: str) -> None:
    """Refuse a phone or fax number that is not digits, spaces, +, -, parentheses and an extension
    (crm/rules/phones.py); the model fields carry it, so forms, the API and imports refuse the same numbers."""
    if value and not is_phone_number(value):
        raise ValidationError(
            _("Enter a phone number: digits, spaces, +, - and parentheses, and an extension such as x123 or 转123."),
            code="phone_number",
        )
