"""Parsing of a bulk-upsert batch (API.md bulk-upsert): each raw record is checked with the model fields' own
rules, without touching the database, and becomes a ``CustomerInput`` for the one write path
(``customers.services.dossiers_write``), which saves a batch of up to 1,000 in a constant number of queries."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.validators import plausible_date
from customers.models import Contact, Customer
from customers.sections import CONTACT_FIELDS, CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.services import Action, CustomerInput

MAX_BATCH = 1000
_CUSTOMER_MODEL_FIELDS = {name: Customer._meta.get_field(name) for name in CUSTOMER_FIELDS}
_SECTION_MODEL_FIELDS = {
    section: {name: model._meta.get_field(name) for name in section_model_fields(section)}
    for section, model in SECTION_MODELS.items()
}
NUL_MESSAGE = gettext_lazy("Null characters are not allowed.")


def _plain_text_rule(model_field) -> tuple[int | None, bool, frozenset | None] | None:
    """(max_length, blank, choice codes) of a plain text field, whose ``clean`` keeps a string as it is when it
    is not too long, not blank where blank is refused and one of the choices; None for any other field."""
    if type(model_field) not in {models.CharField, models.TextField}:
        return None
    if any(not isinstance(v, MaxLengthValidator) for v in model_field.validators):
        return None
    choices = model_field.flatchoices if model_field.choices else None
    if choices is not None and any(isinstance(v, list | tuple) for _code, v in model_field.choices):
        return None
    return model_field.max_length, model_field.blank, None if choices is None else frozenset(c for c, _l in choices)


_PLAIN_TEXT = {  # by (model, name): a field's own hash is computed in Python, a few µs each time
    (model_field.model, model_field.name): rule
    for model_field in [
        *_CUSTOMER_MODEL_FIELDS.values(),
        *(f for fs in _SECTION_MODEL_FIELDS.values() for f in fs.values()),
    ]
    if (rule := _plain_text_rule(model_field)) is not None
}


def _kept_as_is(model_field, value: str) -> bool:
    """Whether the field's own ``clean`` would return this string unchanged (most bulk values): then it need not
    run, a third of the parsing time of a batch. Anything else goes through ``clean`` and its messages."""
    rule = _PLAIN_TEXT.get((model_field.model, model_field.name))
    if rule is None:
        return False
    max_length, blank, codes = rule
    if value == "":
        return blank
    return (max_length is None or len(value) <= max_length) and (codes is None or value in codes)


_IMMUTABLE = (str, int, float, Decimal, date, bool, type(None))  # datetime is a date
_CLEANED_MAX = 20_000
_cleaned: dict[tuple, Any] = {}
"""Texts the fields' own ``clean`` accepted, with what it made of them, by (model, field name, text): the rows of an
import repeat most of their dates, choices and numbers (a file's 100,000 rows often share one date), and a model
field's ``clean`` is a function of the text alone. Only accepted texts with immutable results are kept (a refusal's
messages are in the language of its request); the whole store is emptied when full. A field that checks a date
against today (``plausible_date``, which forms and serializers add) is never kept: its answer changes with the day."""


def _clean_text(model_field, value: str) -> Any:
    key = (model_field.model, model_field.name, value)
    try:
        return _cleaned[key]
    except KeyError:
        pass
    cleaned = model_field.clean(value, None)
    if isinstance(cleaned, _IMMUTABLE) and plausible_date not in model_field.validators:
        if len(_cleaned) >= _CLEANED_MAX:
            _cleaned.clear()
        _cleaned[key] = cleaned
    return cleaned


def _clean_value(model_field, value: Any) -> Any:
    if isinstance(value, dict | list):
        raise ValidationError(_("Not a valid value."))
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(NUL_MESSAGE)  # as DRF's fields say; PostgreSQL cannot store NUL in text
    if type(value) is str and _kept_as_is(model_field, value):
        return value
    if model_field.name == "unified_social_credit_code" and isinstance(value, str):
        value = value.strip().upper()
    if type(value) is str:
        return _clean_text(model_field, value)
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


def clean_dossier_values(raw: Mapping, errors: dict) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The customer fields and section objects of a raw record, each checked by its model field's own rules (the
    bulk upsert's records and an import's rows alike); each bad value's messages go into ``errors``."""
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
    return values, sections


_CONTACT_MODEL_FIELDS = {name: Contact._meta.get_field(name) for name in CONTACT_FIELDS}


def clean_contact_values(raw: Mapping, errors: dict) -> dict[str, Any]:
    """A contact's fields of a raw record, each checked by its model field's own rules (an import's rows)."""
    return _clean_fields(raw, _CONTACT_MODEL_FIELDS, errors)


def clean_record(index: int, raw: Any) -> tuple[CustomerInput | None, dict]:
    """Validate one raw record with the model fields' own rules, without touching the database."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Expected an object.")]}
    errors: dict[str, Any] = {}
    external_id = raw.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id.strip()) > 64:
        errors["external_id"] = [_("A non-empty external_id of at most 64 characters is required.")]
    elif "\x00" in external_id:
        errors["external_id"] = [NUL_MESSAGE]
    values, sections = clean_dossier_values(raw, errors)
    owner = raw.get("owner")
    if owner is not None and (not isinstance(owner, str) or "\x00" in owner):
        errors["owner"] = [_("Give the owner's username.")]
    if errors:
        return None, errors
    key = external_id.strip()
    return CustomerInput.of(
        Action.UPSERT, values=values, sections=sections, external_id=key, owner=owner, index=index
    ), {}
