from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    """Archives (DOMAIN §9): built in the archives issue."""

    name = "archives"
    verbose_name = _("Archives")
