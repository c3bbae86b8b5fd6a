"""API shapes of trade and credit (API.md "Trade" and "Credit")."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from credit.models import (
    POLICY_FIELDS,
    Assessment,
    CreditLimitRequest,
    CreditNote,
    CreditPolicyVersion,
    CreditProfile,
    Indicator,
    Order,
    OrderLine,
    Payment,
    ScoringModel,
)
from credit.selectors import policy_current
from crm.api.fields import PlausibleDatesMixin
from crm.uploads import CheckedUploadField
from customers.models import CreditDocument, InformationSource

MONEY = {"max_digits": 16, "decimal_places": 2}
MAX_MONEY = Decimal("99999999999999.99")  # the largest amount a MONEY column holds (credit/models.py)


class OrderLineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit_price = serializers.DecimalField(**MONEY, min_value=0)

    class Meta:
        model = OrderLine
        fields = ("product", "model", "quantity", "unit_price", "amount")
        read_only_fields = ("amount",)

    def validate(self, data):
        if data["quantity"] * data["unit_price"] > MAX_MONEY:
            raise serializers.ValidationError(
                {"unit_price": [_("The line amount (quantity × unit price) is too large.")]}
            )
        return data


class OrderSerializer(PlausibleDatesMixin, serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True)
    status = serializers.ChoiceField(
        choices=[("open", "open"), ("completed", "completed")],
        required=False,
        help_text="`completed` imports a historical order without a credit check (integration, sales managers)",
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Order
        fields = (
            "number",
            "external_id",
            "order_date",
            "due_date",
            "prepaid",
            "lines",
            "amount",
            "status",
            "status_display",
            "credit_check",
            "created_at",
        )
        read_only_fields = ("number", "amount", "credit_check", "created_at")
        extra_kwargs = {"external_id": {"validators": []}}

    def validate_lines(self, lines):
        if not lines:
            raise serializers.ValidationError(_("An order needs at least one line."))
        if sum(line["quantity"] * line["unit_price"] for line in lines) > MAX_MONEY:
            raise serializers.ValidationError(_("The order amount is too large."))
        return lines

    def validate_external_id(self, value):
        if value and Order.objects.filter(external_id=value).exists():
            raise serializers.ValidationError(_("Another order already has this external ID."))
        return value or None

    def validate(self, data):
        if data["due_date"] < data["order_date"]:
            raise serializers.ValidationError({"due_date": [_("The due date cannot be before the order date.")]})
        return data

    def to_representation(self, instance):
        body = super().to_representation(instance)
        body["status"] = instance.status
        return body


class OrderOutputSerializer(OrderSerializer):
    """An order as the API answers it: its status is any of the order's states (DOMAIN §6.4), while a client
    may only send ``open`` or ``completed`` (``OrderSerializer``)."""

    status = serializers.ChoiceField(choices=Order.Status.choices, read_only=True)


class CreditNoteSerializer(serializers.ModelSerializer):
    """A credit note (write-off) on a completed order, by a credit manager (DOMAIN §6.4)."""

    order = serializers.SlugRelatedField(slug_field="number", read_only=True)
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300, allow_blank=False, trim_whitespace=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CreditNote
        fields = ("id", "order", "amount", "reason", "issued_on", "created_by", "created_at")
        read_only_fields = ("id", "issued_on", "created_at")


class PaymentSerializer(PlausibleDatesMixin, serializers.ModelSerializer):
    order = serializers.SlugRelatedField(
        slug_field="number", queryset=Order.objects.all(), required=False, allow_null=True
    )
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))

    class Meta:
        model = Payment
        fields = ("id", "external_id", "paid_on", "amount", "order", "created_at")
        read_only_fields = ("id", "created_at")
        extra_kwargs = {"external_id": {"validators": []}}

    def validate_external_id(self, value):
        if value and Payment.objects.filter(external_id=value).exists():
            raise serializers.ValidationError(_("Another payment already has this external ID."))
        return value or None

    def validate_paid_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("A payment cannot be dated in the future."))
        return value

    def validate_order(self, order):
        customer = self.context.get("customer")
        if order is not None and customer is not None and order.customer_id != customer.pk:
            raise serializers.ValidationError(_("This order belongs to another customer."))
        return order


class CreditProfileSerializer(serializers.ModelSerializer):
    """API.md ``GET /customers/{code}/credit/``."""

    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    on_time_ratio = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    tier_display = serializers.CharField(source="get_tier_display")
    payment_grade_display = serializers.CharField(source="get_payment_grade_display")
    risk_class_display = serializers.CharField(source="get_risk_class_display")
    time_class_display = serializers.CharField(source="get_time_class_display")
    process_class_display = serializers.CharField(source="get_process_class_display")
    volume_class_display = serializers.CharField(source="get_volume_class_display")

    class Meta:
        model = CreditProfile
        fields = (
            "tier",
            "tier_display",
            "trailing_12m_purchases",
            "is_core",
            "computed_core",
            "core_pinned",
            "time_class",
            "time_class_display",
            "process_class",
            "process_class_display",
            "volume_class",
            "volume_class_display",
            "payment_grade",
            "payment_grade_display",
            "computed_grade",
            "on_time_ratio",
            "max_days_late",
            "score",
            "risk_class",
            "risk_class_display",
            "recommended_limit",
            "credit_limit",
            "limit_valid_until",
            "exposure",
            "available_credit",
            "sales_policy",
            "investigation_required",
            "reasons",
            "computed_on",
        )


class AssessmentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Assessment.Method.choices)
    model = serializers.PrimaryKeyRelatedField(queryset=ScoringModel.objects.all(), required=False, allow_null=True)
    ratings = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=10), allow_empty=False)
    weights = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=10), required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Assessment
        fields = (
            "id",
            "method",
            "scoring_model",
            "model_version",
            "ratings",
            "weights",
            "score",
            "max_score",
            "percentage",
            "risk_class",
            "notes",
            "assessed_on",
            "valid_until",
            "created_by",
        )


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ("key", "group", "label", "weight")


class ScoringModelSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = ScoringModel
        fields = ("id", "key", "name", "version", "is_default", "indicators")


class LimitRequestSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, min_value=0)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = CreditLimitRequest
        fields = (
            "id",
            "amount",
            "payment_terms_days",
            "reason",
            "status",
            "recommended_limit",
            "requested_by",
            "requested_at",
            "approved_amount",
            "decided_by",
            "decided_at",
            "note",
            "basis",
        )
        read_only_fields = (
            "id",
            "status",
            "recommended_limit",
            "requested_at",
            "approved_amount",
            "decided_at",
            "note",
            "basis",
        )
        extra_kwargs = {"payment_terms_days": {"required": False, "max_value": 365}}


class OrderDecisionSerializer(serializers.Serializer):
    """Why a held order is released or rejected; a rejection needs it (DOMAIN §6.4). Ignored by cancel."""

    note = serializers.CharField(allow_blank=True, default="", max_length=2000)


class LimitDecisionSerializer(serializers.Serializer):
    approved_amount = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    note = serializers.CharField(allow_blank=True, default="")


class CreditReportSerializer(PlausibleDatesMixin, serializers.ModelSerializer):
    """API.md credit reports: a credit-data document with its information source (DOMAIN §2.2)."""

    source = serializers.ChoiceField(choices=InformationSource.choices)
    file = CheckedUploadField(
        required=False, write_only=True, help_text="the report itself: PDF, PNG, JPEG or TIFF (multipart upload)"
    )
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = CreditDocument
        fields = (
            *("id", "doc_type", "title", "source", "obtained_on", "issued_on", "valid_until", "summary"),
            *("file", "has_file"),
        )
        read_only_fields = ("id",)
        extra_kwargs = {
            "doc_type": {"required": False},
            "title": {"required": False},
            "obtained_on": {"required": False},
        }

    def get_has_file(self, document) -> bool:
        """Whether the report's file is stored; it is downloaded from the dossier page (logged)."""
        return bool(document.file)

    def validate(self, data):
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            raise serializers.ValidationError({"valid_until": [_("The validity cannot end before the issue date.")]})
        return data


class PolicyPreviewInputSerializer(serializers.ModelSerializer):
    """The policy fields a draft changes (the names of the policy page); the others keep the policy in force."""

    class Meta:
        model = CreditPolicyVersion
        fields = POLICY_FIELDS
        extra_kwargs = {key: {"required": False} for key in POLICY_FIELDS}

    def validate(self, attrs):
        """The draft as a whole obeys the policy's constraints (tier A above tier B, cut-offs in order…)."""
        draft = CreditPolicyVersion(**{**model_to_dict(policy_current(), fields=POLICY_FIELDS), **attrs})
        try:
            draft.full_clean(exclude=["created_by", "note"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class PolicyMoveSerializer(serializers.Serializer):
    to = serializers.CharField()
    customers = serializers.IntegerField()

    def get_fields(self):  # "from" is a Python keyword
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        return fields


class PolicyMovesSerializer(serializers.Serializer):
    tier = PolicyMoveSerializer(many=True)
    payment_grade = PolicyMoveSerializer(many=True)
    risk_class = PolicyMoveSerializer(many=True)


class MoneyPairSerializer(serializers.Serializer):
    current = serializers.DecimalField(**MONEY)
    draft = serializers.DecimalField(**MONEY)


class LosingCreditSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    current_recommendation = serializers.DecimalField(**MONEY)


class CountTripleSerializer(serializers.Serializer):
    credit_for_all = serializers.IntegerField()
    current = serializers.IntegerField()
    draft = serializers.IntegerField()


class MoneyTripleSerializer(serializers.Serializer):
    credit_for_all = serializers.DecimalField(**MONEY)
    current = serializers.DecimalField(**MONEY)
    draft = serializers.DecimalField(**MONEY)


class MoneySeriesSerializer(serializers.Serializer):
    credit_for_all = serializers.ListField(child=serializers.DecimalField(**MONEY))
    current = serializers.ListField(child=serializers.DecimalField(**MONEY))
    draft = serializers.ListField(child=serializers.DecimalField(**MONEY))


class BacktestSerializer(serializers.Serializer):
    """DOMAIN §11: the orders after ``since`` replayed under credit for all, the policy in force and the draft."""

    months = serializers.ListField(child=serializers.CharField(), help_text='"YYYY-MM" of the months replayed')
    since = serializers.DateField(help_text="orders dated after this day…")
    until = serializers.DateField(help_text="…and up to this one")
    orders = serializers.IntegerField(help_text="open or completed orders replayed")
    amount = serializers.DecimalField(**MONEY)
    bad_debt = serializers.DecimalField(
        **MONEY, help_text="of all replayed orders: paid more than 90 days late or unpaid 90 days after the due date"
    )
    orders_held = CountTripleSerializer()
    held_amount = MoneyTripleSerializer()
    good_revenue_delayed = MoneyTripleSerializer(help_text="held amounts that were later paid on time")
    bad_debt_avoided = MoneyTripleSerializer(help_text="held amounts that became bad debt")
    held_amount_by_month = MoneySeriesSerializer(help_text="held amounts per month, in the order of months")


class BacktestRunSerializer(serializers.Serializer):
    """A back-test run: ``result`` once ``status`` is ``done`` (a worker runs the large ones; poll ``url``)."""

    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=["running", "done", "failed"])
    progress = serializers.IntegerField(help_text="0–100")
    url = serializers.SerializerMethodField()
    result = BacktestSerializer(allow_null=True)

    def get_url(self, run) -> str:
        return self.context["request"].build_absolute_uri(reverse("api_policy_backtest", args=[run.pk]))


class PolicyPreviewSerializer(serializers.Serializer):
    customers = serializers.IntegerField(help_text="live customers with a credit profile, each compared")
    changes = PolicyMovesSerializer()
    recommended_limit_total = MoneyPairSerializer()
    customers_losing_credit = LosingCreditSerializer(many=True, help_text="the 100 largest current recommendations")
    customers_losing_credit_count = serializers.IntegerField()
    backtest = BacktestSerializer(
        allow_null=True, help_text="null while a worker runs a large back-test: follow backtest_run.url"
    )
    backtest_run = BacktestRunSerializer()
