from django.contrib import admin

from crm.admin import ReadOnlyAdmin
from imports.models import ImportBatch, SavedMapping

# Imports are checked, confirmed and undone on the Import page, so every row's record for the undo stays whole.


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "file_name", "target", "status", "rows", "progress", "created_by")
    list_filter = ("target", "status")
    search_fields = ("file_name", "sha256", "created_by__username")
    list_select_related = ("created_by",)
    exclude = ("headers",)


@admin.register(SavedMapping)
class SavedMappingAdmin(ReadOnlyAdmin):
    list_display = ("target", "name", "saved_by", "saved_at")
    list_select_related = ("saved_by",)
