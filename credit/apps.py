from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit engine (DOMAIN §3–§6): built in the credit-engine issue."""

    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from credit import services
        from crm import events

        events.subscribe(events.CreditDataChanged, services.credit_profiles_follow_credit_data)
        events.take_part(events.CustomersMerged, services.customers_merge_take_over)
        events.subscribe(events.CustomersMerged, services.credit_profiles_follow_merge)

        # The review intervals and report validity of dossiers are numbers of the credit policy (DOMAIN §7).
        from credit.selectors import review_policy
        from customers.policy import review_policy_source_set

        review_policy_source_set(review_policy)

        from credit import dashboard
        from crm import roles
        from crm.dashboards import panel_register

        panel_register(roles.SALES, dashboard.rep_holds_panel)
        panel_register(roles.CREDIT_ANALYST, dashboard.analyst_panel)
        panel_register(roles.CREDIT_MANAGER, dashboard.manager_panel)
