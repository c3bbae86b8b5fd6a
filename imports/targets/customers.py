"""Customer rows (DOMAIN §2.3): each row becomes a ``CustomerInput`` for the one write path of the dossier,
``customers.services.dossiers_write``, which decides access, owner, uniqueness and what changes; its dry run is
the import's check and its write the import's confirm. A row is recognised by its external id, else by its
unified social credit code (both update the dossier); a row that would create a dossier resembling an existing
one by name is a suspected duplicate, created only if the user asks."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation
from django.utils.translation import gettext as _

from customers import selectors
from customers.api.bulk import clean_dossier_values
from customers.models import Customer
from customers.sections import CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.services import (
    Action,
    CustomerInput,
    DossiersChanged,
    Outcome,
    WriteResult,
    dossiers_take_back,
    dossiers_write,
)
from imports.duplicates import Candidate, suspected_duplicates
from imports.rules.mapping import choice_code, header_key
from imports.targets.rows import RowCheck, RowsChanged, RowWritten, json_ready

__all__ = ["RowCheck", "RowWritten", "RowsChanged", "rows_check", "rows_take_back", "rows_write"]

KEYS = ("external_id", "owner")
LANGUAGES = ("en", "zh-hans")


def _model_field(name: str):
    if "." in name:
        section, column = name.split(".", 1)
        return SECTION_MODELS[section]._meta.get_field(column)
    return Customer._meta.get_field(name)


def field_names() -> tuple[str, ...]:
    """Every field a column may feed: the keys, the customer fields, then each section's as ``section.field``."""
    sections = tuple(f"{section}.{name}" for section in SECTION_MODELS for name in section_model_fields(section))
    return (*KEYS, *CUSTOMER_FIELDS, *sections)


def field_label(name: str) -> str:
    """The field's label in the current language; a section field's is prefixed with its section's."""
    label = str(_model_field(name).verbose_name)
    if "." in name:
        section = name.split(".", 1)[0]
        return f"{SECTION_MODELS[section]._meta.verbose_name}: {label}"
    return label


@cache
def header_names() -> dict[str, str]:
    """``header_key`` of each field's name and label (plain and with its section) in English and Chinese → field.
    A label shared by two fields names the first (customer fields before sections)."""
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name in field_names():
                plain = str(_model_field(name).verbose_name)
                for text in (name, name.rsplit(".", 1)[-1], plain, field_label(name)):
                    names.setdefault(header_key(text), name)
    return names


@cache
def _choice_codes() -> dict[str, dict[str, str]]:
    """For each choice or yes/no field: ``header_key`` of each code and label in both languages → the code."""
    codes: dict[str, dict[str, str]] = {}
    for name in field_names():
        model_field = _model_field(name)
        if model_field.get_internal_type() == "BooleanField":
            codes[name] = {header_key(text): value for value, texts in _YES_NO.items() for text in texts}
        elif model_field.choices:
            found = codes.setdefault(name, {})
            for language in LANGUAGES:
                with translation.override(language):
                    for value, label in model_field.flatchoices:
                        found[header_key(str(value))] = value
                        found[header_key(str(label))] = value
    return codes


_YES_NO = {"true": ("true", "yes", "y", "1", "是", "有", "对"), "false": ("false", "no", "n", "0", "否", "无", "不")}


def _raw_record(values: Mapping[str, str]) -> dict[str, Any]:
    """The row's fields in the bulk record's shape (customer fields, section objects), choices as codes."""
    codes = _choice_codes()
    raw: dict[str, Any] = {}
    for name, text in values.items():
        if name in KEYS:
            continue
        value = choice_code(text, codes[name]) if name in codes else text
        if "." in name:
            section, column = name.split(".", 1)
            raw.setdefault(section, {})[column] = value
        else:
            raw[name] = value
    return raw


@dataclass(slots=True)
class ParsedRow:
    """One row read: the input the write path gets (its action chosen later), or the reasons it is invalid."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    external_id: str | None = None
    owner: str | None = None
    errors: dict[str, Any] = field(default_factory=dict)


def parse_row(number: int, values: Mapping[str, str]) -> ParsedRow:
    """Clean a row's texts with the model fields' own rules (the bulk upsert's cleaning), without the database."""
    row = ParsedRow(number)
    row.values, row.sections = clean_dossier_values(_raw_record(values), row.errors)
    external_id = values.get("external_id", "").strip()
    if len(external_id) > Customer._meta.get_field("external_id").max_length or "\x00" in external_id:
        row.errors["external_id"] = [_("A non-empty external_id of at most 64 characters is required.")]
    row.external_id = external_id or None
    row.owner = values.get("owner", "").strip() or None
    return row


def _by_credit_code(rows: Sequence[ParsedRow], user: AbstractBaseUser) -> Mapping[str, int]:
    """The dossiers (the user may see in full) that rows without an external id name by their credit code. A row
    with an external id goes to the write path by it, which finds its dossier under its lock and decides access."""
    return selectors.dossier_ids_by_key(
        user=user,
        column="unified_social_credit_code",
        values=[r.values.get("unified_social_credit_code") for r in rows if not r.external_id],
    )


def _inputs(rows: Sequence[ParsedRow], user: AbstractBaseUser) -> list[CustomerInput]:
    """The write path's input of each valid row: by external id (created when new), else the dossier holding its
    credit code, else a new dossier."""
    by_credit_code = _by_credit_code(rows, user)
    inputs = []
    for index, row in enumerate(rows):
        common = {"values": row.values, "sections": row.sections, "owner": row.owner, "index": index}
        if row.external_id:
            inputs.append(CustomerInput.of(Action.UPSERT, external_id=row.external_id, **common))
        elif (pk := by_credit_code.get(row.values.get("unified_social_credit_code"))) is not None:
            inputs.append(CustomerInput.of(Action.UPDATE, customer_id=pk, **common))
        else:
            inputs.append(CustomerInput.of(Action.CREATE, **common))
    return inputs


_PLANS = {Outcome.CREATED: "create", Outcome.UPDATED: "update", Outcome.UNCHANGED: "unchanged"}


def _checked(rows: Sequence[ParsedRow], result: WriteResult, user: AbstractBaseUser) -> list[RowCheck]:
    checks = [
        RowCheck(row.number, _PLANS.get(item.outcome, "invalid"), item.errors)
        for row, item in zip(rows, result.items, strict=True)
    ]
    creating = [
        Candidate(i, row.values.get("name", ""), row.values.get("phone", ""), row.values.get("region", ""))
        for i, (row, check) in enumerate(zip(rows, checks, strict=True))
        if check.plan == "create"
    ]
    for index, resemblance in suspected_duplicates(user=user, candidates=creating).items():
        checks[index].plan, checks[index].duplicate = "duplicate", resemblance.as_json()
    return checks


def rows_check(*, rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser, today: date) -> list[RowCheck]:
    """The dry run of some rows ``(number, {field: text})``: each row's plan, its reasons, what it resembles."""
    parsed = [parse_row(number, values) for number, values in rows]
    valid = [row for row in parsed if not row.errors]
    result = dossiers_write(items=_inputs(valid, user), by=user, today=today, dry_run=True)
    by_number = {check.number: check for check in _checked(valid, result, user)}
    return [by_number.get(row.number) or RowCheck(row.number, "invalid", row.errors) for row in parsed]


def rows_write(
    *, rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser, today: date
) -> list[RowWritten]:
    """Write some rows through the write path (in the caller's transaction), keeping for each updated dossier the
    values it replaced and for each written one its version after, so that the import can be taken back: the write
    path reports both, read under its lock (no second read of the dossiers, and nothing can change between)."""
    parsed = [parse_row(number, values) for number, values in rows]
    valid = [row for row in parsed if not row.errors]
    result = dossiers_write(items=_inputs(valid, user), by=user, today=today)
    written = {row.number: _row_written(row, item) for row, item in zip(valid, result.items, strict=True)}
    return [written.get(row.number) or RowWritten(row.number, "refused", errors=row.errors) for row in parsed]


def _row_written(row: ParsedRow, item) -> RowWritten:
    if item.outcome == Outcome.CREATED:
        return RowWritten(row.number, "created", item.customer_id, item.version)
    if item.outcome == Outcome.UPDATED:
        return RowWritten(row.number, "updated", item.customer_id, item.version, json_ready(item.replaced))
    if item.outcome == Outcome.UNCHANGED:
        return RowWritten(row.number, "unchanged", item.customer_id)
    return RowWritten(row.number, "refused", errors=item.errors)


def rows_take_back(*, rows: Sequence[RowWritten], user: AbstractBaseUser, today: date) -> None:
    """Undo written rows (in the caller's transaction): an updated dossier gets back the values it had before its
    first row, a created one is removed; each must still be at the version its last row left. If any changed since
    the import, raise ``RowsChanged`` and the caller rolls back."""
    last_version: dict[int, int] = {}
    for row in rows:
        last_version[row.object_id] = max(last_version.get(row.object_id, 0), row.version_after or 0)
    created = {row.object_id: row.number for row in rows if row.outcome == "created"}
    restore: dict[int, dict[str, Any]] = {}
    numbers: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r.number, reverse=True):  # the first row's old values win
        if row.outcome == "updated" and row.object_id not in created:
            restore.setdefault(row.object_id, {}).update(row.before or {})
            numbers[row.object_id] = row.number
    changed = _restored(restore, last_version, numbers, user, today)
    try:
        dossiers_take_back(versions={pk: last_version[pk] for pk in created}, by=user)
    except DossiersChanged as refusal:
        changed += [created[pk] for pk in refusal.customer_ids if pk in created]
    if changed:
        raise RowsChanged(sorted(changed))


def _restored(restore: Mapping[int, dict], versions: Mapping[int, int], numbers, user, today: date) -> list[int]:
    """Write the old values back, each dossier at the version the import left; the row numbers that could not be."""
    inputs = []
    for index, (pk, old) in enumerate(restore.items()):
        old = dict(old)
        owner = old.pop("owner", None)
        values, sections = clean_dossier_values(_nested(old), {})
        inputs.append(
            CustomerInput.of(
                Action.UPDATE,
                values=values,
                sections=sections,
                customer_id=pk,
                owner=owner,
                expected_version=versions[pk],
                index=index,
            )
        )
    result = dossiers_write(items=inputs, by=user, today=today)
    pks = list(restore)
    return [numbers[pks[item.index]] for item in result.items if item.outcome in {Outcome.CONFLICT, Outcome.REFUSED}]


def _nested(values: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name, value in values.items():
        if "." in name:
            section, column = name.split(".", 1)
            raw.setdefault(section, {})[column] = value
        elif name != "version":
            raw[name] = value
    return raw
