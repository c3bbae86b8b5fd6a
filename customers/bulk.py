"""Bulk upsert of customers keyed by ``external_id`` (API.md bulk-upsert), set-based.

A batch of up to 1,000 records runs in a constant number of queries: one read of the existing
dossiers (locked), one of the owners, one of the taken credit codes, then one insert or update
per table. Each valid record is saved, each invalid one reported; resending the same batch
reports every record ``unchanged`` and writes nothing.
"""

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import bulk_update_rows, insert_rows
from crm.services import number_sequence_take
from customers import selectors
from customers.models import ChangeRecord, Contact, Customer, ReviewState, Section
from customers.rules.review import next_review_due
from customers.sections import CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.services import (
    CODE_SEQUENCE,
    _apply,
    created_entry,
    customer_code,
    customer_completeness,
    history_text,
)

MAX_BATCH = 1000
_CUSTOMER_MODEL_FIELDS = {name: Customer._meta.get_field(name) for name in CUSTOMER_FIELDS}
_SECTION_MODEL_FIELDS = {
    section: {name: model._meta.get_field(name) for name in section_model_fields(section)}
    for section, model in SECTION_MODELS.items()
}


@dataclass(slots=True)
class UpsertRecord:
    """One cleaned record of a batch."""

    index: int
    external_id: str
    values: dict[str, Any]
    sections: dict[str, dict[str, Any]]
    owner: str | None = None


@dataclass(slots=True)
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def fail(self, index: int, external_id: Any, errors: Mapping[str, Any]) -> None:
        self.errors.append({"index": index, "external_id": external_id, "errors": dict(errors)})


NUL_MESSAGE = _("Null characters are not allowed.")


def _clean_value(model_field, value: Any) -> Any:
    if isinstance(value, dict | list):
        raise ValidationError(_("Not a valid value."))
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(NUL_MESSAGE)  # as DRF's fields say; PostgreSQL cannot store NUL in text
    if model_field.name == "unified_social_credit_code" and isinstance(value, str):
        value = value.strip().upper()
    return model_field.clean(value, None)


def _clean_fields(raw: Mapping, model_fields: Mapping, errors: dict, prefix: str = "") -> dict[str, Any]:
    cleaned = {}
    for name, model_field in model_fields.items():
        if name in raw:
            try:
                cleaned[name] = _clean_value(model_field, raw[name])
            except ValidationError as error:
                errors[f"{prefix}{name}"] = error.messages
    return cleaned


def clean_record(index: int, raw: Any) -> tuple[UpsertRecord | None, dict]:
    """Validate one raw record with the model fields' own rules, without touching the database."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Expected an object.")]}
    errors: dict[str, Any] = {}
    external_id = raw.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id.strip()) > 64:
        errors["external_id"] = [_("A non-empty external_id of at most 64 characters is required.")]
    elif "\x00" in external_id:
        errors["external_id"] = [NUL_MESSAGE]
    values = _clean_fields(raw, _CUSTOMER_MODEL_FIELDS, errors)
    sections = {}
    for section, model_fields in _SECTION_MODEL_FIELDS.items():
        if section in raw:
            if not isinstance(raw[section], dict):
                errors[section] = [_("Expected an object.")]
                continue
            section_errors: dict[str, Any] = {}
            sections[section] = _clean_fields(raw[section], model_fields, section_errors)
            if section_errors:
                errors[section] = section_errors
    owner = raw.get("owner")
    if owner is not None and (not isinstance(owner, str) or "\x00" in owner):
        errors["owner"] = [_("Give the owner's username.")]
    if errors:
        return None, errors
    return UpsertRecord(index, external_id.strip(), values, sections, owner), {}


@dataclass(slots=True)
class _Batch:
    """What one query each tells us about the records of a batch."""

    existing: dict[str, "_Row"]
    sections: dict[int, dict[str, SimpleNamespace]]  # customer pk → section → its row, as plain attributes
    owners: dict[str, Any]
    uscc_holders: dict[str, int]
    # The caller's has_perm, each (permission, customer) asked once per batch. Asked without a customer, a
    # permission that holds by role alone (sales manager, integration) holds for every customer.
    may: Callable[..., bool]


def _section_rows(pks: Sequence[int]) -> dict[int, dict[str, SimpleNamespace]]:
    """The existing customers' section rows, one query per section by primary key (joins made the planner scan
    whole section tables), as plain attributes rather than model instances (2,000 of them per batch)."""
    rows: dict[int, dict[str, SimpleNamespace]] = {pk: {} for pk in pks}
    for section, model in SECTION_MODELS.items():
        attnames = [f.attname for f in model._meta.concrete_fields]
        for values in model.objects.filter(pk__in=pks).values_list(*attnames):
            row = SimpleNamespace(**dict(zip(attnames, values, strict=True)), stored=True)
            rows[row.customer_id][section] = row
        blank = _defaults(model)
        for pk, sections in rows.items():
            if section not in sections:  # no row yet: written the first time the section gets a value
                sections[section] = SimpleNamespace(**{**blank, "customer_id": pk}, stored=False)
    return rows


class _Row(SimpleNamespace):
    """An existing customer as plain attributes (hashable, so permissions can be asked once per customer)."""

    __hash__ = object.__hash__


def _read_batch(records: Sequence[UpsertRecord], by: AbstractBaseUser) -> _Batch:
    attnames = [f.attname for f in Customer._meta.concrete_fields]
    rows = (
        Customer.objects.select_for_update(of=("self",))
        .filter(external_id__in=[r.external_id for r in records])
        .values_list(*attnames, "owner__username")
    )
    existing = [_Row(**dict(zip(attnames, row, strict=False)), pk=row[0], owner_username=row[-1]) for row in rows]
    usernames = {r.owner for r in records if r.owner}
    codes = {r.values["unified_social_credit_code"] for r in records if r.values.get("unified_social_credit_code")}
    holders = Customer.objects.filter(unified_social_credit_code__in=codes).values_list(
        "unified_social_credit_code", "pk"
    )
    return _Batch(
        existing={c.external_id: c for c in existing},
        sections=_section_rows([c.pk for c in existing]),
        owners={u.username: u for u in selectors.owner_candidates().filter(username__in=usernames)}
        if usernames
        else {},
        uscc_holders=dict(holders) if codes else {},
        may=functools.cache(by.has_perm),
    )


def _access_problems(record: UpsertRecord, customer: _Row | None, batch: _Batch) -> dict:
    if customer is None and not batch.may("customers.create_customer"):
        return {"detail": [_("You may not create customers.")]}
    if (
        customer is not None
        and not batch.may("customers.edit_dossier")
        and not batch.may("customers.edit_dossier", customer)
    ):
        return {"detail": [_("You may not change this customer.")]}
    if customer is not None and customer.deleted_at is not None:
        return {"external_id": [_("This customer is archived; restore it before changing it.")]}
    if customer is None and not record.values.get("name"):
        return {"name": [_("This field is required.")]}
    return {}


def _owner_problems(record: UpsertRecord, customer: _Row | None, batch: _Batch, by) -> dict:
    if record.owner is None:
        if customer is None and not batch.may("customers.own_customers"):
            return {"owner": [_("Name the owner: this account cannot own customers itself.")]}
        return {}
    owner = batch.owners.get(record.owner)
    if owner is None:
        return {"owner": [_("No active sales rep or sales manager has this username.")]}
    if owner != by and not batch.may("customers.choose_owner"):
        return {"owner": [_("You may not assign customers to another owner.")]}
    return {}


def _record_problems(record: UpsertRecord, customer: _Row | None, batch: _Batch, by, seen_uscc: dict) -> dict:
    """Why this record cannot be saved (permissions, owner, uniqueness), or {} when it can."""
    problems = _access_problems(record, customer, batch)
    if problems:
        return problems
    problems = _owner_problems(record, customer, batch, by)
    uscc = record.values.get("unified_social_credit_code")
    if uscc:
        holder = batch.uscc_holders.get(uscc, seen_uscc.get(uscc))
        if holder is not None and (customer is None or holder != customer.pk):
            problems["unified_social_credit_code"] = [
                _("Another customer already has this unified social credit code.")
            ]
    return problems


@dataclass(slots=True)
class _Writes:
    new: list[tuple[SimpleNamespace, dict]] = field(default_factory=list)  # customer, section rows
    changed: list[Customer] = field(default_factory=list)
    customer_fields: set[str] = field(default_factory=set)
    section_rows: dict[str, list] = field(default_factory=lambda: {s: [] for s in SECTION_MODELS})
    section_inserts: dict[str, list] = field(default_factory=lambda: {s: [] for s in SECTION_MODELS})
    section_fields: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SECTION_MODELS})
    history: list[tuple[Customer, str, list]] = field(default_factory=list)
    defaults: dict[type, dict[str, Any]] = field(
        default_factory=lambda: {model: _defaults(model) for model in (Customer, *SECTION_MODELS.values())}
    )


def _defaults(model: type) -> dict[str, Any]:
    """The model's column defaults, evaluated once per batch (``created_at`` is overwritten on save)."""
    return {field.attname: field.get_default() for field in model._meta.concrete_fields}


def _new_row(defaults: Mapping[str, Any], values: Mapping[str, Any]) -> SimpleNamespace:
    """A row to insert, as plain attributes: model instances cost ~25 µs each to build, 2,500 per batch.
    ``values`` are clean field values (clean_record keeps only the model's own fields)."""
    return SimpleNamespace(**{**defaults, **values})


def _plan_create(record: UpsertRecord, owner, by, writes: _Writes) -> None:
    customer = _new_row(writes.defaults[Customer], record.values)
    customer.owner_id, customer.created_by_id, customer.external_id = owner.pk, by.pk, record.external_id
    rows = {
        section: _new_row(writes.defaults[model], record.sections.get(section, {}))
        for section, model in SECTION_MODELS.items()
    }
    customer.filled_sections = {section for section, values in record.sections.items() if values}
    writes.history.append((customer, Section.RECORD, [created_entry(owner)]))
    customer.completeness = customer_completeness(customer, has_contacts=False, rows=rows)
    writes.new.append((customer, rows))


def _plan_update(record: UpsertRecord, customer: _Row, sections: dict, owner, writes: _Writes) -> bool:
    changes = _apply(customer, record.values, CUSTOMER_FIELDS)
    writes.customer_fields.update(name for name, _, _ in changes)
    writes.history.append((customer, Section.BASIC, changes))
    changed = bool(changes)
    for section in SECTION_MODELS:
        row = sections[section]
        row_changes = _apply(row, record.sections.get(section, {}), section_model_fields(section))
        if row_changes and not row.stored:
            writes.section_inserts[section].append(row)
            writes.history.append((customer, section, row_changes))
            changed = True
        elif row_changes:
            writes.section_rows[section].append(row)
            writes.section_fields[section].update(name for name, _, _ in row_changes)
            writes.history.append((customer, section, row_changes))
            changed = True
    if owner is not None and owner.pk != customer.owner_id:
        writes.history.append((customer, Section.RECORD, [("owner", customer.owner_username, owner.username)]))
        customer.owner_id = owner.pk
        writes.customer_fields.add("owner")
        changed = True
    if changed:
        writes.changed.append(customer)
    return changed


def _columns(model: type) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if not f.primary_key or f.is_relation)


def _values(objects, columns: tuple[str, ...]) -> list[tuple]:
    row_of = operator.attrgetter(*columns)
    return [row_of(obj) for obj in objects]


def _save_new(writes: _Writes, now, today: date) -> None:
    numbers = number_sequence_take(name=CODE_SEQUENCE, count=len(writes.new))
    for (customer, _rows), number in zip(writes.new, numbers, strict=True):
        customer.code, customer.created_at, customer.updated_at = customer_code(number), now, now
    columns = _columns(Customer)
    pks = insert_rows(Customer, columns, _values([c for c, _rows in writes.new], columns), returning_pk=True)
    for (customer, _rows), pk in zip(writes.new, pks, strict=True):
        customer.pk = pk
    due = next_review_due(last_reviewed_on=None, created_on=today, interval_days=settings.CRM_REVIEW_INTERVAL_DAYS)
    insert_rows(ReviewState, ("customer_id", "next_review_due", "is_stale"), [(pk, due, False) for pk in pks])
    for section, model in SECTION_MODELS.items():
        columns = _columns(model)
        filled = [(customer, rows[section]) for customer, rows in writes.new if section in customer.filled_sections]
        for customer, row in filled:
            row.customer_id = customer.pk
        insert_rows(model, columns, _values([row for _customer, row in filled], columns))


def _save_changed(writes: _Writes, sections: Mapping[int, dict], now) -> None:
    with_contacts = set(
        Contact.objects.filter(customer_id__in=[c.pk for c in writes.changed])
        .values_list("customer_id", flat=True)
        .distinct()
    )
    for customer in writes.changed:
        customer.completeness = customer_completeness(
            customer, has_contacts=customer.pk in with_contacts, rows=sections[customer.pk]
        )
        customer.version += 1
        customer.updated_at = now
    fields = sorted({"completeness", "version", "updated_at", *writes.customer_fields})
    bulk_update_rows(writes.changed, fields, model=Customer)
    for section, model in SECTION_MODELS.items():
        bulk_update_rows(writes.section_rows[section], sorted(writes.section_fields[section]), model=model)
        insert_rows(model, _columns(model), _values(writes.section_inserts[section], _columns(model)))


def _save(writes: _Writes, sections: Mapping[int, dict], by, today: date) -> None:
    now = timezone.now()
    if writes.new:
        _save_new(writes, now, today)
    if writes.changed:
        _save_changed(writes, sections, now)
    insert_rows(
        ChangeRecord,
        ("customer_id", "at", "by_id", "section", "field", "old", "new"),
        [
            (customer.pk, now, by.pk, section, name, history_text(old), history_text(new))
            for customer, section, changes in writes.history
            for name, old, new in changes
        ],
    )


@transaction.atomic
def customers_bulk_upsert(*, records: Sequence[UpsertRecord], by: AbstractBaseUser, today: date) -> UpsertResult:
    """Create or update each record by ``external_id``; report the ones that cannot be saved."""
    result = UpsertResult()
    batch = _read_batch(records, by)
    writes, seen_ids, seen_uscc = _Writes(), set(), {}
    for record in records:
        if record.external_id in seen_ids:
            result.fail(record.index, record.external_id, {"external_id": [_("Repeated in this batch.")]})
            continue
        seen_ids.add(record.external_id)
        customer = batch.existing.get(record.external_id)
        problems = _record_problems(record, customer, batch, by, seen_uscc)
        if problems:
            result.fail(record.index, record.external_id, problems)
            continue
        if record.values.get("unified_social_credit_code"):
            seen_uscc[record.values["unified_social_credit_code"]] = customer.pk if customer else -record.index - 1
        owner = batch.owners.get(record.owner) if record.owner else None
        if customer is None:
            _plan_create(record, owner or by, by, writes)
            result.created += 1
        elif _plan_update(record, customer, batch.sections[customer.pk], owner, writes):
            result.updated += 1
        else:
            result.unchanged += 1
    _save(writes, batch.sections, by, today)
    return result
