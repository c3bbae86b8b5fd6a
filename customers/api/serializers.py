"""API shapes of the dossier (API.md "Customers"). Validation here, writes in customers.services."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api.fields import PlausibleDatesMixin
from customers import selectors
from customers.classifications import Classes, ProcessClass, TimeClass, VolumeClass
from customers.models import ChangeRecord, Contact, Customer, Interaction
from customers.rules.interactions import promotion_fields_missing
from customers.sections import CONTACT_FIELDS, CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.validators import validate_uscc

CHOICE_FIELDS = ("kind", "nature", "size")
READ_ONLY = ("code", "completeness", "created_at", "updated_at")


def _section_serializer(section: str) -> type[serializers.ModelSerializer]:
    model = SECTION_MODELS[section]
    meta = type("Meta", (), {"model": model, "fields": section_model_fields(section)})
    name = f"{model.__name__.removesuffix('Section')}Section"
    return type(f"{name}Serializer", (PlausibleDatesMixin, serializers.ModelSerializer), {"Meta": meta})


SECTION_SERIALIZERS = {section: _section_serializer(section) for section in SECTION_MODELS}


class ContactSerializer(PlausibleDatesMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ("id", *CONTACT_FIELDS, "created_at")
        read_only_fields = ("id", "created_at")


class MaskedContactSerializer(serializers.ModelSerializer):
    """DOMAIN §1: what a rep sees of another rep's customer's contacts."""

    class Meta:
        model = Contact
        fields = ("name", "title")


class CreditSummarySerializer(serializers.Serializer):
    """Read-only credit summary from the credit profile (DOMAIN §3–§6); nulls before its first computation."""

    tier = serializers.CharField(allow_null=True)
    payment_grade = serializers.CharField(allow_null=True)
    risk_class = serializers.CharField(allow_null=True)
    credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    available_credit = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    exposure = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


EMPTY_CREDIT = dict.fromkeys(CreditSummarySerializer._declared_fields)


def credit_summary(customer: Customer) -> dict:
    """The credit summary of a customer whose ``credit_profile`` is joined (or absent)."""
    profile = getattr(customer, "credit_profile", None)
    if profile is None:
        return dict(EMPTY_CREDIT)

    def money(value):
        return None if value is None else f"{value:.2f}"

    return {
        "tier": profile.tier,
        "payment_grade": profile.payment_grade,
        "risk_class": profile.risk_class,
        "credit_limit": money(profile.credit_limit),
        "available_credit": money(profile.available_credit),
        "exposure": money(profile.exposure),
    }


class ClassField(serializers.ChoiceField):
    """One class of DOMAIN §2.1 (``time_class``, ``process_class``, ``volume_class``), read from the customer's
    credit profile; a customer the credit engine has not seen yet has the classes of ``UNCLASSIFIED``."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, source="*", read_only=True, **kwargs)

    def to_representation(self, customer: Customer) -> str:
        return getattr(Classes.of(customer), self.field_name)


class CoreFlagField(serializers.BooleanField):
    """``is_core`` (core vs ordinary, DOMAIN §2.1) or ``core_pinned`` (a credit manager's pin decided it)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, customer: Customer) -> bool:
        return getattr(Classes.of(customer), self.field_name)


CLASS_FIELDS = ("time_class", "process_class", "volume_class", "is_core", "core_pinned")


class CustomerSerializer(serializers.ModelSerializer):
    """A full dossier. Writes: POST creates, PATCH merges section objects field by field, PUT replaces
    the top-level fields and every section object it carries (absent sections stay as they are).
    Contacts are read-only here; change them under ``/customers/{code}/contacts/``.

    For a sales rep who does not own the customer, only ``code``, ``name``, ``owner``,
    ``contacts[].name``, ``contacts[].title`` and ``masked: true`` are present (DOMAIN §1).
    """

    owner = serializers.SlugRelatedField(slug_field="username", queryset=selectors.owner_candidates(), required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    nature_display = serializers.CharField(source="get_nature_display", read_only=True)
    size_display = serializers.CharField(source="get_size_display", read_only=True)
    basic = SECTION_SERIALIZERS["basic"](required=False)
    characteristics = SECTION_SERIALIZERS["characteristics"](required=False)
    sales_status = SECTION_SERIALIZERS["sales_status"](required=False)
    operating_status = SECTION_SERIALIZERS["operating_status"](required=False)
    contacts = ContactSerializer(many=True, read_only=True)
    is_stale = serializers.BooleanField(source="review_state.is_stale", read_only=True)
    next_review_due = serializers.DateField(source="review_state.next_review_due", read_only=True, allow_null=True)
    time_class = ClassField(TimeClass.choices)
    process_class = ClassField(ProcessClass.choices)
    volume_class = ClassField(VolumeClass.choices)
    is_core = CoreFlagField()
    core_pinned = CoreFlagField()
    credit = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = (
            "code",
            "external_id",
            *CUSTOMER_FIELDS,
            *(f"{name}_display" for name in CHOICE_FIELDS),
            "owner",
            *SECTION_MODELS,
            "contacts",
            "completeness",
            "is_stale",
            "next_review_due",
            *CLASS_FIELDS,
            "created_at",
            "updated_at",
            "credit",
            "masked",
        )
        read_only_fields = READ_ONLY
        extra_kwargs = {  # uniqueness is the write service's, with the message the writer may be told (DOMAIN §1)
            "external_id": {"validators": []},
            "unified_social_credit_code": {"validators": [validate_uscc]},
        }

    @extend_schema_field(CreditSummarySerializer)
    def get_credit(self, customer: Customer) -> dict:
        return credit_summary(customer)

    def get_masked(self, customer: Customer) -> bool:
        return False

    # Uniqueness is the write service's question (customers.services.dossiers._unique_problems), with the message
    # a writer may be told (DOMAIN §1): here only the normalised values.
    def validate_unified_social_credit_code(self, value: str) -> str:
        return value.strip().upper()

    def validate_external_id(self, value: str | None) -> str | None:
        return (value or "").strip() or None


class MaskedCustomerSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    contacts = MaskedContactSerializer(many=True, read_only=True)
    masked = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ("code", "name", "owner", "contacts", "masked")

    def get_masked(self, customer: Customer) -> bool:
        return True


def customer_representation(dossier: selectors.Dossier, *, context: dict) -> dict:
    """The API body of one dossier read (``selectors.dossier_read``): full, or masked as the read decided."""
    serializer = MaskedCustomerSerializer if dossier.masked else CustomerSerializer
    return serializer(dossier.customer, context=context).data


class DeletedCustomerSerializer(serializers.ModelSerializer):
    """A row of ``selectors.deleted_feed``: the external id is null where the caller may not see it."""

    external_id = serializers.CharField(source="feed_external_id", allow_null=True, read_only=True)
    deleted_at = serializers.DateTimeField()
    merged_into = serializers.CharField(
        source="merged_into_code", allow_null=True, read_only=True, help_text="the survivor's code, if merged"
    )

    class Meta:
        model = Customer
        fields = ("code", "external_id", "deleted_at", "merged_into")


class ChangeRecordSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = ("at", "by", "section", "field", "old", "new")


class InteractionSerializer(PlausibleDatesMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Interaction
        fields = (
            "id",
            "kind",
            "kind_display",
            "occurred_on",
            "subject",
            "details",
            "promotion",
            "response",
            "cost",
            "author",
            "created_at",
        )
        read_only_fields = ("id", "author", "created_at")
        extra_kwargs = {
            "promotion": {"help_text": "required for kind promotion_response (DOMAIN §10.6)"},
            "response": {"help_text": "positive or negative; required for kind promotion_response"},
            "cost": {"help_text": "the promotion's cost for this customer; required for kind promotion_response"},
        }

    def validate_occurred_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("An interaction cannot be dated in the future."))
        return value

    def validate_kind(self, value: str) -> str:
        allowed = self.context.get("allowed_kinds")
        if allowed is not None and value not in allowed:
            raise serializers.ValidationError(_("You may not record this type of interaction."))
        return value

    def validate(self, attrs: dict) -> dict:
        missing = promotion_fields_missing(attrs.get("kind", ""), attrs)
        if missing:
            message = _("A promotion response needs its promotion, response and cost.")
            raise serializers.ValidationError({key: [message] for key in missing})
        return attrs
