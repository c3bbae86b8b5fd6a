from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customer dossiers (DOMAIN §2)."""

    name = "customers"

    def ready(self) -> None:
        from crm import roles
        from crm.dashboards import panel_register
        from customers import dashboard

        panel_register(roles.SALES, dashboard.rep_panel)
        panel_register(roles.SALES_MANAGER, dashboard.team_panel)
        panel_register(roles.CUSTOMER_SERVICE, dashboard.complaints_panel)
