from axes.admin import AccessAttemptAdmin  # imported first so that its registration can be replaced below
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm import services
from crm.models import AccessLog, NumberSequence, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written through the services (four eyes, numbering, history) are only shown in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "customer", "action", "channel", "reason")
    list_filter = ("action", "channel")
    raw_id_fields = ("user", "customer")
    list_select_related = ("user", "customer")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is append-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ("name", "last")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("due_on", "kind", "recipient", "customer", "status", "emailed_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("recipient", "customer")
    list_select_related = ("recipient", "customer")
    show_full_result_count = False


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AccessAttemptAdmin):
    """django-axes' failed sign-ins per account and address, with the action that lifts a lockout (README)."""

    actions = [*AccessAttemptAdmin.actions, "lift_lockout"]

    @admin.action(description=_("Lift the lockout of the selected accounts and addresses"))
    def lift_lockout(self, request, queryset) -> None:
        rows = list(queryset.values_list("username", "ip_address"))
        removed = services.sign_in_lockouts_lift(
            usernames={username for username, _ip in rows if username}, addresses={ip for _user, ip in rows if ip}
        )
        message = ngettext(
            "Lockout lifted: %(count)d failed attempt record removed.",
            "Lockout lifted: %(count)d failed attempt records removed.",
            removed,
        )
        self.message_user(request, message % {"count": removed})
