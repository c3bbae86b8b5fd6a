from django.contrib import admin

from credit.models import (
    Assessment,
    BacktestLedger,
    CorePin,
    CreditHistory,
    CreditLimit,
    CreditLimitRequest,
    CreditNote,
    CreditPolicyVersion,
    CreditProfile,
    GradeOverride,
    Indicator,
    Order,
    OrderLine,
    Payment,
    PolicyBacktest,
    ScoringModel,
)
from crm.admin import ReadOnlyAdmin


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "customer", "order_date", "due_date", "amount", "status")
    list_filter = ("status",)
    search_fields = ("number", "external_id", "customer__code", "customer__name")
    list_select_related = ("customer",)
    inlines = [OrderLineInline]
    show_full_result_count = False


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ("order", "customer", "issued_on", "amount", "reason", "created_by")
    search_fields = ("order__number", "customer__code")
    list_select_related = ("order", "customer", "created_by")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("customer", "paid_on", "amount", "order")
    search_fields = ("external_id", "customer__code")
    list_select_related = ("customer", "order")
    show_full_result_count = False


@admin.register(CreditProfile)
class CreditProfileAdmin(ReadOnlyAdmin):
    list_display = ("customer", "tier", "payment_grade", "risk_class", "credit_limit", "exposure", "computed_on")
    list_filter = ("tier", "payment_grade", "risk_class", "recovery_flagged")
    search_fields = ("customer__code", "customer__name")
    list_select_related = ("customer",)
    show_full_result_count = False


for model in (Assessment, CorePin, CreditLimit, CreditLimitRequest, GradeOverride, CreditHistory, CreditPolicyVersion):
    admin.site.register(model, ReadOnlyAdmin)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyAdmin):
    """Scoring models are versioned data (a migration ships a new version); editing one in place would
    change what an assessment's recorded model version means, so the admin only shows them."""

    list_display = ("name", "key", "version", "is_default")
    inlines = [IndicatorInline]


for model in (Indicator, OrderLine):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(PolicyBacktest)
class PolicyBacktestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "created_by", "as_of", "status", "progress")
    list_filter = ("status",)
    list_select_related = ("created_by",)


@admin.register(BacktestLedger)
class BacktestLedgerAdmin(ReadOnlyAdmin):
    list_display = ("customer", "window_days", "computed_on")
    search_fields = ("customer__code",)
    list_select_related = ("customer",)
    show_full_result_count = False
