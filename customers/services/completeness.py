"""Completeness 完整性 of a dossier for its kind (DOMAIN §2); which fields are required is a setting."""

import functools
import operator
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings

from customers.models import Customer
from customers.rules.completeness import filled_percentage, missing_fields
from customers.sections import SECTION_MODELS

_SECTION_ATTNAMES = {
    section: {field.name: field.attname for field in model._meta.concrete_fields}
    for section, model in SECTION_MODELS.items()
}


def _tuple_getter(attnames: Sequence[str]) -> Callable[[object], tuple]:
    getter = operator.attrgetter(*attnames)
    return getter if len(attnames) > 1 else lambda obj: (getter(obj),)


@functools.lru_cache(maxsize=32)
def _reader(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, Callable], ...], int]:
    """How to read the values of the required ``names`` part by part (``customer.phone`` is the customer's
    ``phone``, ``basic.postcode`` the basic section's ``postcode``, ``contacts`` whether there are any): the names
    in reading order, a getter per part, and how many names are ``contacts``. Names of no field read as None."""
    by_part: dict[str, list[tuple[str, str]]] = {}
    contacts, unknown = 0, []
    for name in names:
        part, _, field_name = name.partition(".")
        if part == "customer":
            by_part.setdefault(part, []).append((name, field_name))
        elif part in SECTION_MODELS:
            by_part.setdefault(part, []).append((name, _SECTION_ATTNAMES[part].get(field_name, field_name)))
        elif name == "contacts":
            contacts += 1
        else:
            unknown.append(name)
    ordered = [name for fields in by_part.values() for name, _attname in fields]
    getters = tuple((part, _tuple_getter([attname for _name, attname in fields])) for part, fields in by_part.items())
    return (*ordered, *["contacts"] * contacts, *unknown), getters, contacts


def _required_values(
    customer: Customer, *, has_contacts: bool, rows: Mapping | None, names: Sequence[str]
) -> tuple[tuple[str, ...], list[object]]:
    """The values of the required ``names`` and only those, with the names in the order read: the bulk upsert
    computes completeness for a thousand dossiers at a time."""
    ordered, getters, contacts = _reader(tuple(names))
    values: list[object] = []
    for part, get in getters:
        source = customer if part == "customer" else rows[part] if rows is not None else getattr(customer, part)
        values.extend(get(source))
    values.extend([has_contacts] * contacts)
    values.extend([None] * (len(ordered) - len(values)))
    return ordered, values


def completeness_sources() -> dict[str, set[str]]:
    """The attribute names completeness reads for any kind, by part: ``customer`` or a section (``basic``, …)."""
    parts: dict[str, set[str]] = {}
    for names in settings.CRM_COMPLETENESS_REQUIRED.values():
        for name in names:
            part, _, field_name = name.partition(".")
            if part == "customer":
                parts.setdefault(part, set()).add(field_name)
            elif part in SECTION_MODELS:
                parts.setdefault(part, set()).add(_SECTION_ATTNAMES[part].get(field_name, field_name))
    return parts


def customer_completeness(customer: Customer, *, has_contacts: bool, rows: Mapping | None = None) -> int:
    """Completeness 完整性 of the dossier for its kind (DOMAIN §2); the required fields are a setting.

    ``rows`` gives the section rows when they are not (yet) attached to the customer.
    """
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    return filled_percentage(_required_values(customer, has_contacts=has_contacts, rows=rows, names=required)[1])


def customer_missing_fields(customer: Customer, *, has_contacts: bool) -> list[str]:
    """The required fields still empty, as "<section>.<field>" names (DOMAIN §2 completeness)."""
    required = settings.CRM_COMPLETENESS_REQUIRED.get(customer.kind, [])
    names, values = _required_values(customer, has_contacts=has_contacts, rows=None, names=required)
    return missing_fields(dict(zip(names, values, strict=True)), required)
