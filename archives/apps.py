from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    """Archives (DOMAIN §9): built in the archives issue."""

    name = "archives"
    verbose_name = _("Archives")

    def ready(self) -> None:
        from archives import services
        from crm import events

        events.take_part(events.CustomersMerged, services.customers_merge_take_over)
