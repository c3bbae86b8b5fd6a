from django.contrib import admin

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
