"""Completeness 完整性 of a dossier for its kind (DOMAIN §2); which fields are required is a setting."""

import functools
from collections.abc import Mapping, Sequence

from django.conf import settings

from customers.models import Customer
from customers.rules.completeness import completeness, missing_fields
from customers.sections import SECTION_MODELS

_SECTION_ATTNAMES = {
    section: {field.name: field.attname for field in model._meta.concrete_fields}
    for section, model in SECTION_MODELS.items()
}


@functools.lru_cache(maxsize=32)
def _sources(names: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """(name, part, attribute) of each required name that is a field: ``customer.phone`` → the customer's
    ``phone``, ``basic.postcode`` → the basic section's ``postcode``; ``contacts`` is not a field."""
    sources = []
    for name in names:
        part, _, field_name = name.partition(".")
        if part == "customer":
            sources.append((name, part, field_name))
        elif part in SECTION_MODELS:
            sources.append((name, part, _SECTION_ATTNAMES[part].get(field_name, field_name)))
    return tuple(sources)


def _completeness_values(
    customer: Customer, *, has_contacts: bool, rows: Mapping | None, names: Sequence[str]
) -> dict[str, object]:
    """The values of the required ``names`` (``customer.phone``, ``basic.postcode``, ``contacts``), and only those:
    the bulk upsert computes completeness for a thousand dossiers at a time."""
    values: dict[str, object] = {"contacts": has_contacts}
    for name, part, attname in _sources(tuple(names)):
        if part == "customer":
            values[name] = getattr(customer, attname)
        else:
            values[name] = getattr(rows[part] if rows is not None else getattr(customer, part), attname)
    return values


def completeness_sources() -> dict[str, set[str]]:
    """The attribute names completeness reads for any kind, by part: ``customer`` or a section (``basic``, …)."""
    parts: dict[str, set[str]] = {}
    for names in settings.CRM_COMPLETENESS_REQUIRED.values():
        for name in names:
            part, _, field_name = name.partition(".")
            if part == "customer":
                parts.setdefault(part, set()).add(Customer._meta.get_field(field_name).attname)
            elif part in SECTION_MODELS:
                parts.setdefault(part, set()).add(_SECTION_ATTNAMES[part].get(field_name, field_name))
    return parts


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
