from django.contrib import admin

from archives.models import ArchiveDocument, Borrowing, DocumentEvent, Handover
from crm.admin import ReadOnlyAdmin

# The register is kept through the archive pages, so numbers, custody and every step's history stay whole.


@admin.register(ArchiveDocument)
class ArchiveDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "customer", "doc_type", "title", "custody", "view_only", "expires_on")
    list_filter = ("doc_type", "custody", "view_only")
    search_fields = ("number", "title", "customer__code", "customer__name")
    list_select_related = ("customer",)
    show_full_result_count = False
    exclude = ("scan",)  # scans have no URL; they are downloaded (and logged) from the archive pages


@admin.register(Borrowing)
class BorrowingAdmin(ReadOnlyAdmin):
    list_display = ("document", "borrower", "status", "due_on", "requested_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("document__number", "borrower__username")
    list_select_related = ("document", "borrower", "decided_by")


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "document", "action", "by", "note")
    list_filter = ("action",)
    search_fields = ("document__number",)
    list_select_related = ("document", "by")


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("at", "from_owner", "to_owner", "customer_count", "reason", "by")
    list_select_related = ("from_owner", "to_owner", "by")
