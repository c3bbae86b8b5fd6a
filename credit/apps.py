from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit engine (DOMAIN §3–§6): built in the credit-engine issue."""

    name = "credit"
    verbose_name = _("Credit")
