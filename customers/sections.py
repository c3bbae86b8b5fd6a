"""Which fields make up each dossier section, per customer kind (DOMAIN §2).

The basic section spans two tables: the searchable columns on ``Customer`` and the rest on
``BasicSection``. Forms, the completeness count, the history and the API all read these lists.
"""

from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.classifications import CorePinState
from customers.models import (
    BasicSection,
    CharacteristicsSection,
    Contact,
    Customer,
    FinancialMetric,
    Kind,
    OperatingStatusSection,
    SalesStatusSection,
    Section,
)

CUSTOMER_FIELDS = (
    "name",
    "kind",
    "nature",
    "size",
    "unified_social_credit_code",
    "region",
    "industry",
    "phone",
    "email",
    "address",
    "payment_terms_days",
    "expected_monthly_purchases",
)
CONTACT_FIELDS = ("name", "title", "phone", "mobile", "email", "birthday", "preferences", "notes")
"""What a contact 联系人 has (DOMAIN §2 contacts): the form, the API, the history and the write path read this list."""

CREDIT_INPUT_FIELDS = frozenset(
    {"size", "payment_terms_days", "expected_monthly_purchases", "basic.relationship_since"}
)
"""The dossier fields the credit assessment reads (DOMAIN §3–§6: size, terms, expected purchases, years of
relationship; with the financial figures and credit documents): a change to one is a change of credit data."""

CUSTOMER_FIELDS_BY_KIND = {
    Kind.INTERMEDIATE.value: CUSTOMER_FIELDS,
    Kind.END.value: tuple(f for f in CUSTOMER_FIELDS if f not in {"unified_social_credit_code", "industry"}),
}

SECTION_MODELS = {
    Section.BASIC.value: BasicSection,
    Section.CHARACTERISTICS.value: CharacteristicsSection,
    Section.SALES_STATUS.value: SalesStatusSection,
    Section.OPERATING_STATUS.value: OperatingStatusSection,
}

SECTION_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    Section.BASIC.value: {
        Kind.INTERMEDIATE.value: (
            "postcode",
            "fax",
            "website",
            "legal_representative",
            "owner_names",
            "manager_names",
            "personality",
            "interests",
            "hobbies",
            "family",
            "education",
            "age",
            "ability",
            "background",
            "relationship_since",
            "business_types",
        ),
        Kind.END.value: (
            "postcode",
            "gender",
            "birth_date",
            "age",
            "education",
            "occupation",
            "personality",
            "interests",
            "hobbies",
            "family",
            "ability",
            "background",
            "relationship_since",
        ),
    },
    Section.CHARACTERISTICS.value: {
        Kind.INTERMEDIATE.value: (
            "market_area",
            "sales_capability",
            "development_potential",
            "business_philosophy",
            "business_direction",
            "business_policy",
            "business_features",
            "is_export_oriented",
            "market_policy_news",
        ),
        Kind.END.value: (
            "regional_culture",
            "customs",
            "development_potential",
            "is_export_oriented",
            "market_policy_news",
        ),
    },
    Section.SALES_STATUS.value: {
        Kind.INTERMEDIATE.value: (
            "sales_performance",
            "market_share",
            "competitiveness",
            "market_position",
            "competitor_relations",
            "cooperation",
        ),
        Kind.END.value: ("competitors_nearby", "cooperation"),
    },
    Section.OPERATING_STATUS.value: {
        Kind.INTERMEDIATE.value: (
            "sales_activities",
            "problems",
            "strategy",
            "outlook",
            "image",
            "reputation",
            "financial_status",
            "credit_status",
        ),
        Kind.END.value: ("sales_activities", "problems", "outlook", "reputation", "financial_status", "credit_status"),
    },
}

EDITABLE_SECTIONS = tuple(SECTION_MODELS)


@cache
def section_model_fields(section: str) -> tuple[str, ...]:
    """Every field of the section's model, whatever the kind (the API exposes all of them)."""
    model = SECTION_MODELS[section]
    return tuple(f.name for f in model._meta.concrete_fields if f.name != "customer")


# Events of the dossier record (archive, review, handover) stored in the history under these names.
RECORD_EVENT_LABELS = {
    "created": gettext_lazy("created"),
    "archived": gettext_lazy("archived"),
    "reviewed": gettext_lazy("reviewed"),
    "handover": gettext_lazy("handover"),
    "merged": gettext_lazy("merged from"),  # DOMAIN §2.3: the survivor's entry names the duplicate …
    "merged_into": gettext_lazy("merged into"),  # … and the duplicate's the survivor
    "core_pin": gettext_lazy("core pin"),  # DOMAIN §2.1: a credit manager pins core or ordinary, or back to automatic
}
RECORD_EVENT_CHOICES = {"core_pin": CorePinState}
OTHER_HISTORY_LABELS = {  # entries of the other sections that name no model field
    (Section.CREDIT_DATA, "document"): gettext_lazy("credit document"),
}
CONTACT_FIELD_SEPARATOR = " · "
"""A contact's change is stored as "<contact name> · <field>" (``customers.services.contact_save``)."""


def _history_field(section: str, field: str) -> models.Field | None:
    """The model field a history entry is about, if it names one."""
    if section == Section.CONTACTS:
        if CONTACT_FIELD_SEPARATOR not in field:  # a deleted contact: its name
            return None
        model, field = Contact, field.rpartition(CONTACT_FIELD_SEPARATOR)[2]
    else:
        model = Customer if field in CUSTOMER_FIELDS or section not in SECTION_MODELS else SECTION_MODELS[section]
    try:
        return model._meta.get_field(field)
    except FieldDoesNotExist:  # record events, documents and a deleted contact have free-form names
        return None


def field_label(section: str, field: str) -> str:
    """The translated label of a section field, for the history and forms, capitalised as a form labels it."""
    if section == Section.RECORD and field in RECORD_EVENT_LABELS:
        return str(RECORD_EVENT_LABELS[field])
    if field in FinancialMetric.values:
        return str(FinancialMetric(field).label)
    if (section, field) in OTHER_HISTORY_LABELS:
        return str(OTHER_HISTORY_LABELS[section, field])
    model_field = _history_field(section, field)
    if model_field is None:  # documents and record events have free-form names
        return field
    if section == Section.CONTACTS:
        name = field.rpartition(CONTACT_FIELD_SEPARATOR)[0]
        return f"{name}{CONTACT_FIELD_SEPARATOR}{capfirst(model_field.verbose_name)}"
    return capfirst(model_field.verbose_name)


def value_label(section: str, field: str, value: str) -> str:
    """A value stored in the history in words: a choice code as its label (``small`` → 小型), a yes/no as 是/否
    (stored ``true``/``false`` by ``history_text``); other values as stored."""
    if section == Section.RECORD and field in RECORD_EVENT_CHOICES:
        choices = RECORD_EVENT_CHOICES[field]
        return str(choices(value).label) if value in choices.values else value
    model_field = _history_field(section, field)
    if isinstance(model_field, models.BooleanField) and value in ("true", "false"):
        return _("Yes") if value == "true" else _("No")
    if model_field is None or not model_field.choices:
        return value
    return str(dict(model_field.flatchoices).get(value, value))


def history_rows(records) -> list[tuple[object, str, str, str]]:
    """(record, field label, old, new) with choice codes shown as their labels."""
    return [
        (
            r,
            field_label(r.section, r.field),
            value_label(r.section, r.field, r.old),
            value_label(r.section, r.field, r.new),
        )
        for r in records
    ]


def _display(obj, name: str) -> tuple[str, object]:
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if field.choices and value:
        value = getattr(obj, f"get_{name}_display")()
    elif isinstance(value, bool):
        value = _("Yes") if value else _("No")
    return capfirst(field.verbose_name), value


def section_values(customer: Customer, section: str) -> list[tuple[str, object]]:
    """(label, display value) of each field the section shows for the customer's kind."""
    rows = []
    if section == Section.BASIC:
        rows = [_display(customer, name) for name in CUSTOMER_FIELDS_BY_KIND[customer.kind]]
    row = getattr(customer, section)
    return rows + [_display(row, name) for name in SECTION_FIELDS[section][customer.kind]]
