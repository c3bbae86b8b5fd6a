from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Getting data in from spreadsheets (DOMAIN §2.3): mapping, dry run, confirm, undo, progress."""

    name = "imports"
    verbose_name = _("Imports")
