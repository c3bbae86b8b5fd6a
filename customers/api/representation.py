"""The customer JSON of API lists, built from plain rows without DRF's per-field machinery.

DRF serializes a full dossier (≈60 fields in five objects) at about 1.5 ms, and a model instance per customer,
section, profile and contact costs more than the page's query; a page of 100 rows would miss its target on that
alone. ``list_bodies`` produces exactly what ``CustomerSerializer`` / ``MaskedCustomerSerializer`` produce (a test
compares them, key order included) from the rows of ``selectors.customer_api_list``: the same model fields, each
read by its position in the row and converted as the serializer's field would (dates, times in the current time
zone, decimals), so the schema stays the serializer's. What is the same for every row (the time zone, the choice
labels in the reader's language, the layout of the row) is worked out once per page.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any

from django.db import models
from django.utils import timezone

from customers.api.serializers import CHOICE_FIELDS, CLASS_FIELDS, EMPTY_CREDIT
from customers.classifications import UNCLASSIFIED
from customers.models import Contact, Customer
from customers.sections import CONTACT_FIELDS, CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.selectors import DossierRow, PageDetails

CONTACT_COLUMNS = ("id", *CONTACT_FIELDS, "created_at")
CREDIT_COLUMNS = ("tier", "payment_grade", "risk_class", "credit_limit", "available_credit", "exposure")
_NAME, _TITLE = CONTACT_COLUMNS.index("name"), CONTACT_COLUMNS.index("title")
DATETIME = "datetime"  # converted in the page's time zone


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal(places: int) -> Callable[[Decimal | None], str | None]:
    def convert(value: Decimal | None) -> str | None:
        return None if value is None else f"{Decimal(value):.{places}f}"

    return convert


def _datetime_in(zone: tzinfo) -> Callable[[datetime | None], str | None]:
    """As DRF's ``DateTimeField``: ISO 8601 in the current time zone, ``Z`` for UTC."""

    def convert(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _conversion(field: models.Field) -> Any:
    """How the serializer's field for a model field changes its value: None (as it is), or a converter
    (``DATETIME``: made for the page's time zone)."""
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.DecimalField):
        return _decimal(field.decimal_places)
    return None


@dataclass(frozen=True, slots=True)
class _Block:
    """An object of the body (or a run of the top level's fields): its keys, read from the columns of these names."""

    keys: tuple[str, ...]
    conversions: tuple[tuple[str, Any], ...]  # (key, conversion) of the keys whose value is converted

    @classmethod
    def of(cls, model: type[models.Model], names: Sequence[str]) -> "_Block":
        fields = [model._meta.get_field(name) for name in names]
        return cls(tuple(names), tuple((f.name, _conversion(f)) for f in fields if _conversion(f) is not None))

    def reader(self, positions: dict[str, int], zone: tzinfo) -> Callable[[Sequence], dict[str, Any]]:
        """A function of a row (``positions``: of its columns) giving this block's object."""
        values = itemgetter(*(positions[key] for key in self.keys))
        keys = self.keys
        datetime_in_zone = _datetime_in(zone)
        converted = tuple((key, datetime_in_zone if c == DATETIME else c) for key, c in self.conversions)

        def read(row: Sequence) -> dict[str, Any]:
            body = dict(zip(keys, values(row), strict=True))
            for key, convert in converted:
                body[key] = convert(body[key])
            return body

        return read


_TOP = _Block.of(Customer, ("code", "external_id", *CUSTOMER_FIELDS))
_TAIL = _Block.of(Customer, ("created_at", "updated_at"))
_SECTIONS = {section: _Block.of(model, section_model_fields(section)) for section, model in SECTION_MODELS.items()}
_PROFILE = (*CLASS_FIELDS, *CREDIT_COLUMNS)  # of the credit profile
_CLASSES = _Block(CLASS_FIELDS, ())
_CREDIT = _Block(
    CREDIT_COLUMNS, tuple((name, _decimal(2)) for name in ("credit_limit", "available_credit", "exposure"))
)
_CONTACT = _Block.of(Contact, CONTACT_COLUMNS)

LIST_COLUMNS = (*_TOP.keys, "owner__username", "completeness", *_TAIL.keys)
"""The customer's own columns, which ``selectors.customer_api_list`` reads for a page."""
PARTS = {
    **{section: block.keys for section, block in _SECTIONS.items()},
    "credit_profile": _PROFILE,
    "review_state": ("is_stale", "next_review_due"),
}
"""The one-to-one parts of a full row and their columns, which ``selectors.customer_api_page_details`` reads."""


def _choice_labels() -> dict[str, dict[Any, str]]:
    """``get_<field>_display()`` of each choice field as a table, in the current language."""
    return {
        name: {code: str(label) for code, label in Customer._meta.get_field(name).flatchoices} for name in CHOICE_FIELDS
    }


@cache
def _positions(fields: tuple[str, ...]) -> dict[str, int]:
    return {name: position for position, name in enumerate(fields)}


class _Page:
    """What every row of one page shares: readers for the rows' layouts, labels, the blank sections."""

    def __init__(self, fields: tuple[str, ...], details: PageDetails) -> None:
        zone = timezone.get_current_timezone()
        positions = _positions(fields)
        self.top = _TOP.reader(positions, zone)
        self.tail = _TAIL.reader(positions, zone)
        self.labels = [(f"{name}_display", positions[name], labels) for name, labels in _choice_labels().items()]
        self.code, self.name, self.owner = positions["code"], positions["name"], positions["owner__username"]
        self.completeness = positions["completeness"]
        self.sections = [
            (name, block.reader(_positions(block.keys), zone), details.parts[name], _blank(name, block, zone))
            for name, block in _SECTIONS.items()
        ]
        self.profiles, self.review_states = details.parts["credit_profile"], details.parts["review_state"]
        self.classes = _CLASSES.reader(_positions(_PROFILE), zone)
        self.credit = _CREDIT.reader(_positions(_PROFILE), zone)
        self.contact = _CONTACT.reader(_positions(CONTACT_COLUMNS), zone)
        self.contacts = details.contacts

    def full(self, row: Sequence) -> dict[str, Any]:
        """What ``CustomerSerializer(customer).data`` gives."""
        body = self.top(row)
        for key, position, labels in self.labels:
            value = row[position]
            body[key] = labels[value] if value in labels else str(value)
        body["owner"] = row[self.owner]
        for name, read, found, blank in self.sections:
            section = found.get(row.pk)
            body[name] = read(section) if section is not None else dict(blank)
        body["contacts"] = [self.contact(contact) for contact in self.contacts.get(row.pk, ())]
        body["completeness"] = row[self.completeness]
        is_stale, due = self.review_states.get(row.pk, (None, None))
        body["is_stale"], body["next_review_due"] = is_stale, _date(due)
        profile = self.profiles.get(row.pk)
        body.update(self.classes(profile) if profile is not None else UNCLASSIFIED)
        body.update(self.tail(row))
        body["credit"] = self.credit(profile) if profile is not None else dict(EMPTY_CREDIT)
        body["masked"] = False
        return body

    def masked(self, row: Sequence) -> dict[str, Any]:
        """DOMAIN §1: code, unit name, owner, contact names and titles (``MaskedCustomerSerializer``)."""
        contacts = [{"name": c[_NAME], "title": c[_TITLE]} for c in self.contacts.get(row.pk, ())]
        return {
            "code": row[self.code],
            "name": row[self.name],
            "owner": row[self.owner],
            "contacts": contacts,
            "masked": True,
        }


def _blank(section: str, block: _Block, zone: tzinfo) -> dict[str, Any]:
    """A section the dossier has no row for yet: what its blank row gives (``customers.models._BlankIfMissing``)."""
    blank = SECTION_MODELS[section]()
    return block.reader(_positions(block.keys), zone)([getattr(blank, name) for name in block.keys])


def list_bodies(rows: Iterable[DossierRow], details: PageDetails) -> list[dict[str, Any]]:
    """The bodies of a page of ``selectors.customer_api_list`` rows as ``selectors.dossier_rows`` decided them."""
    rows = list(rows)
    if not rows:
        return []
    page = _Page(type(rows[0].customer)._fields, details)
    return [page.full(row) if full else page.masked(row) for row, full in rows]
