from django.contrib import admin

from crm.models import AccessLog, NumberSequence


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
