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

        from archives import dashboard
        from crm import roles
        from crm.dashboards import panel_register

        panel_register(roles.SALES_MANAGER, dashboard.handovers_panel)
        panel_register(roles.ARCHIVIST, dashboard.archivist_panel)
