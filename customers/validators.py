from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.rules.uscc import uscc_problem

_MESSAGES = {
    "length": _("A unified social credit code has exactly 18 characters."),
    "charset": _("A unified social credit code uses only digits and the letters A–Y without I, O, S, V and Z."),
    "check": _("The check character (the 18th) does not match: please check the code for a typo."),
}


def validate_uscc(value: str) -> None:
    """Validate a unified social credit code by GB 32100-2015 (DOMAIN §2)."""
    if not value:
        return
    problem = uscc_problem(value)
    if problem:
        raise ValidationError(_MESSAGES[problem], code=f"uscc_{problem}")
