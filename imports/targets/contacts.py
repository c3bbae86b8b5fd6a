"""Contact rows (DOMAIN §2.3): each row names its customer (by code or external id) and a contact of it; a
contact of the same name is updated, else one is added, through ``customers.services.contact_save``, which
writes the history and bumps the dossier's version. Undo deletes added contacts and restores updated ones while
the dossier is at the version the import left it."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers import selectors
from customers.api.bulk import clean_contact_values
from customers.models import Contact
from customers.sections import CONTACT_FIELDS
from customers.services import DossierArchived, VersionConflict, contact_delete, contact_save
from imports.rules.mapping import header_key
from imports.targets.rows import RowCheck, RowsChanged, RowWritten, json_ready

__all__ = ["RowCheck", "RowWritten", "RowsChanged", "rows_check", "rows_take_back", "rows_write"]
KEY_LABELS = {"customer": gettext_lazy("customer code"), "customer_external_id": gettext_lazy("customer external ID")}
LANGUAGES = ("en", "zh-hans")


def field_names() -> tuple[str, ...]:
    return (*KEY_LABELS, *CONTACT_FIELDS)


def field_label(name: str) -> str:
    if name in KEY_LABELS:
        return str(KEY_LABELS[name])
    return f"{Contact._meta.verbose_name}: {Contact._meta.get_field(name).verbose_name}"


@cache
def header_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name in field_names():
                plain = str(KEY_LABELS[name]) if name in KEY_LABELS else str(Contact._meta.get_field(name).verbose_name)
                for text in (name, plain, field_label(name)):
                    names.setdefault(header_key(text), name)
    return names


@dataclass(slots=True)
class ParsedRow:
    number: int
    code: str = ""
    external_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)
    customer_id: int | None = None


def _parsed(rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser) -> list[ParsedRow]:
    """Clean each row and find its customer among the dossiers the user may see in full (and so change)."""
    parsed = []
    for number, texts in rows:
        row = ParsedRow(number, texts.get("customer", "").strip(), texts.get("customer_external_id", "").strip())
        row.values = clean_contact_values({k: v for k, v in texts.items() if k in CONTACT_FIELDS}, row.errors)
        if not row.values.get("name"):
            row.errors["name"] = [_("This field is required.")]
        parsed.append(row)
    by_code = selectors.dossier_ids_by_key(user=user, column="code", values=[r.code for r in parsed])
    by_id = selectors.dossier_ids_by_key(user=user, column="external_id", values=[r.external_id for r in parsed])
    archived = selectors.archived_among(user=user, customer_ids=[*by_code.values(), *by_id.values()])
    for row in parsed:
        row.customer_id = by_code.get(row.code) or by_id.get(row.external_id)
        if row.customer_id is None:
            row.errors["customer"] = [_("No such customer.")]
        elif row.customer_id in archived:  # read-only (customers.services.DossierArchived)
            row.errors["customer"] = [_("This dossier is archived and read-only; restore it before changing it.")]
    return parsed


def _plan(row: ParsedRow, existing: Contact | None) -> str:
    if existing is None:
        return "create"
    changed = any(getattr(existing, name) != value for name, value in row.values.items())
    return "update" if changed else "unchanged"


def rows_check(*, rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser, today: date) -> list[RowCheck]:
    parsed = _parsed(rows, user)
    contacts = selectors.contacts_by_name(user=user, customer_ids={r.customer_id for r in parsed if r.customer_id})
    return [
        RowCheck(row.number, "invalid", row.errors)
        if row.errors
        else RowCheck(row.number, _plan(row, contacts.get((row.customer_id, row.values["name"]))))
        for row in parsed
    ]


def rows_write(
    *, rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser, today: date
) -> list[RowWritten]:
    """Add or update each row's contact (in the caller's transaction); keep the values an update replaced and the
    dossier's version after the chunk."""
    parsed = _parsed(rows, user)
    ids = {r.customer_id for r in parsed if r.customer_id}
    customers = {c.pk: c for c in selectors.customer_scope(user=user, archived=None).filter(pk__in=ids)}
    contacts = selectors.contacts_by_name(user=user, customer_ids=ids)
    written: list[tuple[RowWritten, int | None]] = []
    for row in parsed:
        existing = None if row.errors else contacts.get((row.customer_id, row.values["name"]))
        plan = "invalid" if row.errors else _plan(row, existing)
        if plan in {"invalid", "unchanged"}:
            outcome = "refused" if row.errors else "unchanged"
            written.append((RowWritten(row.number, outcome, existing and existing.pk, errors=row.errors), None))
            continue
        before = json_ready({name: getattr(existing, name) for name in row.values}) if existing else None
        contact = contact_save(customer=customers[row.customer_id], values=row.values, by=user, contact=existing)
        contacts[(row.customer_id, contact.name)] = contact
        outcome = "updated" if existing else "created"
        written.append((RowWritten(row.number, outcome, contact.pk, None, before), row.customer_id))
    versions = selectors.dossier_versions(user=user, customer_ids=ids)
    for done, customer_id in written:
        if customer_id is not None:
            done.version_after = versions[customer_id]
    return [done for done, _customer_id in written]


def rows_take_back(*, rows: Sequence[RowWritten], user: AbstractBaseUser, today: date) -> None:
    """Delete added contacts and restore updated ones, last row first, while each dossier is at the version the
    import left it; else raise ``RowsChanged`` (the caller rolls back)."""
    found = selectors.contacts_with_ids(user=user, contact_ids=[r.object_id for r in rows])
    expected: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.object_id in found:
            customer_id = found[row.object_id].customer_id
            expected[customer_id] = max(expected[customer_id], row.version_after or 0)
    current = selectors.dossier_versions(user=user, customer_ids=expected)
    changed = [
        r.number
        for r in rows
        if r.object_id not in found
        or current.get(found[r.object_id].customer_id) != expected[found[r.object_id].customer_id]
    ]
    if changed:
        raise RowsChanged(sorted(changed))
    try:
        for row in sorted(rows, key=lambda r: r.number, reverse=True):
            contact = found[row.object_id]
            version = current[contact.customer_id]
            if row.outcome == "created":
                contact_delete(contact=contact, by=user, expected_version=version)
            else:
                old = clean_contact_values(row.before or {}, {})
                contact_save(customer=contact.customer, values=old, by=user, contact=contact, expected_version=version)
            current[contact.customer_id] = version + 1
    except (VersionConflict, DossierArchived):
        raise RowsChanged([r.number for r in rows]) from None
