from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM core")

    def ready(self) -> None:
        # Register the access rules in every process (web, worker, commands), not only where a view imports them.
        from crm import access, events, lookups, services  # noqa: F401

        events.subscribe(events.OwnerChanged, services.reminders_follow_owner)
