from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Analysis (DOMAIN §10)."""

    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from analytics import dashboard
        from crm import roles
        from crm.dashboards import panel_register

        panel_register(roles.CREDIT_MANAGER, dashboard.receivables_panel)
