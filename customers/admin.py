"""The dossier in the admin, read-only: every write goes through customers.services (history, version, completeness,
reminders), which the admin's own forms would bypass (issue 10)."""

from django.contrib import admin

from crm.admin import ReadOnlyAdmin
from customers.models import (
    BasicSection,
    ChangeRecord,
    CharacteristicsSection,
    Contact,
    CreditDocument,
    Customer,
    FinancialFigure,
    Interaction,
    NameKey,
    OperatingStatusSection,
    Review,
    ReviewState,
    SalesStatusSection,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReviewStateInline(admin.StackedInline):
    """Next review due and stale (DOMAIN §7), set by the scan and by recorded reviews: shown, not edited."""

    model = ReviewState
    fields = readonly_fields = ("next_review_due", "is_stale")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "nature",
        "size",
        "owner",
        "completeness",
        "review_state__is_stale",
        "deleted_at",
    )
    list_filter = ("kind", "nature", "size", "review_state__is_stale")
    search_fields = ("code", "name", "unified_social_credit_code", "external_id")
    list_select_related = ("owner", "review_state")
    readonly_fields = ("code", "completeness", "version", "created_at", "updated_at")
    raw_id_fields = ("owner",)
    inlines = [ReviewStateInline, ContactInline]
    show_full_result_count = False


class SectionAdmin(ReadOnlyAdmin):
    list_display = ("customer",)
    raw_id_fields = ("customer",)
    list_select_related = ("customer",)
    search_fields = ("customer__code", "customer__name")


for section_model in (BasicSection, CharacteristicsSection, SalesStatusSection, OperatingStatusSection):
    admin.site.register(section_model, SectionAdmin)


@admin.register(FinancialFigure)
class FinancialFigureAdmin(ReadOnlyAdmin):
    list_display = ("customer", "metric", "value", "as_of", "source")
    list_filter = ("metric", "source")
    raw_id_fields = ("customer", "recorded_by")
    list_select_related = ("customer",)


@admin.register(CreditDocument)
class CreditDocumentAdmin(ReadOnlyAdmin):
    list_display = ("customer", "doc_type", "title", "source", "obtained_on", "valid_until")
    list_filter = ("doc_type", "source")
    raw_id_fields = ("customer", "added_by")
    list_select_related = ("customer",)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "customer", "phone", "email")
    search_fields = ("name", "customer__name", "customer__code")
    raw_id_fields = ("customer",)
    list_select_related = ("customer",)


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "kind", "subject", "customer", "author")
    list_filter = ("kind",)
    raw_id_fields = ("customer", "author")
    list_select_related = ("customer", "author")


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "customer", "section", "field", "old", "new", "by")
    list_filter = ("section",)
    raw_id_fields = ("customer", "by")
    list_select_related = ("customer", "by")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("customer", "reviewed_on", "reviewed_by")
    raw_id_fields = ("customer", "reviewed_by")
    list_select_related = ("customer", "reviewed_by")


@admin.register(ReviewState)
class ReviewStateAdmin(ReadOnlyAdmin):
    """Read-only: the staleness scan and recorded reviews write it (DOMAIN §7)."""

    list_display = ("customer", "next_review_due", "is_stale")
    list_filter = ("is_stale",)
    raw_id_fields = ("customer",)
    list_select_related = ("customer",)
    search_fields = ("customer__code", "customer__name")


@admin.register(NameKey)
class NameKeyAdmin(ReadOnlyAdmin):
    """Read-only: the write path adds the normalised names (DOMAIN §2.3)."""

    list_display = ("key",)
    search_fields = ("key",)
