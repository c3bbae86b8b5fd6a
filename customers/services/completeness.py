"""Completeness 完整性 of a dossier for its kind (DOMAIN §2); which fields are required is a setting."""

from collections.abc import Mapping, Sequence

from django.conf import settings

from customers.models import Customer
from customers.rules.completeness import completeness, missing_fields
from customers.sections import SECTION_MODELS

_SECTION_ATTNAMES = {
    section: {field.name: field.attname for field in model._meta.concrete_fields}
    for section, model in SECTION_MODELS.items()
}


def _completeness_values(
    customer: Customer, *, has_contacts: bool, rows: Mapping | None, names: Sequence[str]
) -> dict[str, object]:
    """The values of the required ``names`` (``customer.phone``, ``basic.postcode``, ``contacts``), and only those:
    the bulk upsert computes completeness for a thousand dossiers at a time."""
    values: dict[str, object] = {"contacts": has_contacts}
    for name in names:
        owner_part, _, field_name = name.partition(".")
        if owner_part == "customer":
            values[name] = getattr(customer, field_name)
        elif owner_part in SECTION_MODELS:
            row = rows[owner_part] if rows is not None else getattr(customer, owner_part)
            values[name] = getattr(row, _SECTION_ATTNAMES[owner_part].get(field_name, field_name))
    return values


def customer_completeness(customer: Customer, *, has_contacts: bool, rows: Mapping | None = None) -> int:
    """Completeness 完整性 of the dossier for its kind (DOMAIN §2); the required fields are a setting.

    ``rows`` gives the section rows when they are not (yet) attached to the customer.
    """
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    return completeness(_completeness_values(customer, has_contacts=has_contacts, rows=rows, names=required), required)


def customer_missing_fields(customer: Customer, *, has_contacts: bool) -> list[str]:
    """The required fields still empty, as "<section>.<field>" names (DOMAIN §2 completeness)."""
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    return missing_fields(
        _completeness_values(customer, has_contacts=has_contacts, rows=None, names=required), required
    )
