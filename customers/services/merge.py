"""Merging two dossiers of one customer 合并客户档案 (DOMAIN §2.3): ``customer_merge``."""

from collections.abc import Mapping
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events
from crm.models import Reminder
from customers.models import ChangeRecord, Contact, CreditDocument, Customer, FinancialFigure, Interaction, Review
from customers.models import Section as HistorySection
from customers.sections import CUSTOMER_FIELDS, SECTION_MODELS, section_model_fields
from customers.services import DossierRefused, VersionConflict, _touch, dossier_update
from customers.services.history import history_record

SURVIVOR, DUPLICATE = "survivor", "duplicate"
UNIQUE_FIELDS = ("unified_social_credit_code", "external_id")  # one dossier each: the duplicate lets go first
MERGEABLE_FIELDS = (
    *CUSTOMER_FIELDS,
    "external_id",
    *(f"{section}.{name}" for section in SECTION_MODELS for name in section_model_fields(section)),
)
"""The fields whose value a merge may take from the duplicate: customer fields by name, section fields as
``section.field`` (``basic.postcode``)."""
MOVED_MODELS = (Contact, Interaction, ChangeRecord, Review, CreditDocument, Reminder)


class MergeRefused(Exception):
    """The merge cannot be done (into itself, a merged or archived dossier, an unknown field): ``errors`` says why."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(errors)
        self.errors = dict(errors)


def field_value(customer: Customer, name: str):
    """A mergeable field's value: ``phone`` on the customer, ``basic.postcode`` on its section."""
    section, _dot, field = name.rpartition(".")
    return getattr(getattr(customer, section) if section else customer, field)


def fields_differing(survivor: Customer, duplicate: Customer) -> list[str]:
    """The mergeable fields on which the two dossiers differ, where the duplicate has a value: the choices a merge
    offers (an empty value of the duplicate never replaces the survivor's)."""
    return [
        name
        for name in MERGEABLE_FIELDS
        if field_value(duplicate, name) not in (None, "")
        and field_value(duplicate, name) != field_value(survivor, name)
    ]


def _locked(survivor: Customer, duplicate: Customer) -> tuple[Customer, Customer]:
    """Both rows locked in primary-key order (no deadlock with a merge the other way round), then read afresh."""
    list(Customer.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk").values("pk"))
    rows = Customer.objects.select_related("owner", *SECTION_MODELS).in_bulk([survivor.pk, duplicate.pk])
    return rows[survivor.pk], rows[duplicate.pk]


def _problems(survivor: Customer, duplicate: Customer, keep: Mapping[str, str]) -> dict[str, list[str]]:
    if survivor.pk == duplicate.pk:
        return {"duplicate": [_("A dossier cannot be merged into itself.")]}
    if any(c.merged_into_id is not None for c in (survivor, duplicate)):
        return {"duplicate": [_("This dossier was already merged into another one.")]}
    if any(c.deleted_at is not None for c in (survivor, duplicate)):
        return {"duplicate": [_("This customer is archived; restore it before changing it.")]}
    unknown = sorted(
        name for name, side in keep.items() if name not in MERGEABLE_FIELDS or side not in {SURVIVOR, DUPLICATE}
    )
    if unknown:
        return {"keep": [_("Unknown field or choice: %(fields)s.") % {"fields": ", ".join(unknown)}]}
    return {}


def _taken_values(duplicate: Customer, keep: Mapping[str, str]) -> tuple[dict, dict]:
    """The duplicate's values the user chose, as the write path's customer values and section values."""
    values, sections = {}, {}
    for name, side in keep.items():
        if side != DUPLICATE:
            continue
        section, _dot, field = name.rpartition(".")
        target = sections.setdefault(section, {}) if section else values
        target[field] = field_value(duplicate, name)
    return values, sections


def _move_records(survivor: Customer, duplicate: Customer) -> None:
    """Contacts, interactions, history, reviews, credit documents and reminders go to the survivor; a financial
    figure moves unless the survivor has one of the same metric and date (the survivor's stays)."""
    for model in MOVED_MODELS:
        model.objects.filter(customer_id=duplicate.pk).update(customer_id=survivor.pk)
    taken = set(FinancialFigure.objects.filter(customer_id=survivor.pk).values_list("metric", "as_of"))
    figures = FinancialFigure.objects.filter(customer_id=duplicate.pk).values_list("pk", "metric", "as_of")
    moving = [pk for pk, metric, as_of in figures if (metric, as_of) not in taken]
    FinancialFigure.objects.filter(pk__in=moving).update(customer_id=survivor.pk)


@transaction.atomic
def customer_merge(
    *,
    survivor: Customer,
    duplicate: Customer,
    keep: Mapping[str, str],
    by: AbstractBaseUser,
    today: date,
    expected_version: int | None = None,
) -> Customer:
    """Merge ``duplicate`` into ``survivor`` in one transaction (DOMAIN §2.3). The survivor keeps its code and takes
    the duplicate's value of each field ``keep`` names ``"duplicate"`` (through the one write path: its history
    records them), its contacts, interactions, history, reviews, documents, reminders, and — through the apps that
    own them, in the same transaction (``crm.events.CustomersMerged``) — its orders, payments, credit data and archive
    documents. The duplicate is archived with ``merged_into`` pointing to the survivor; both histories record the
    merge; the credit profiles are derived again after commit. ``expected_version``: the survivor's (If-Match)."""
    survivor, duplicate = _locked(survivor, duplicate)
    problems = _problems(survivor, duplicate, keep)
    if problems:
        raise MergeRefused(problems)
    if expected_version is not None and expected_version != survivor.version:
        raise VersionConflict(str(survivor.version))
    values, sections = _taken_values(duplicate, keep)
    released = {name: None if name == "external_id" else "" for name in UNIQUE_FIELDS if name in values}
    if released:
        Customer.objects.filter(pk=duplicate.pk).update(**released)
    _move_records(survivor, duplicate)
    try:
        dossier_update(customer=survivor, values=values, sections=sections, by=by, today=today)
    except DossierRefused as refusal:  # the write path's own checks (a chosen value it will not take)
        raise MergeRefused(refusal.errors) from None
    events.publish_now(events.CustomersMerged(survivor_id=survivor.pk, duplicate_id=duplicate.pk, today=today))
    now = timezone.now()
    history_record(survivor, by, HistorySection.RECORD, [("merged", None, f"{duplicate.code} {duplicate.name}")])
    history_record(duplicate, by, HistorySection.RECORD, [("merged_into", None, f"{survivor.code} {survivor.name}")])
    Customer.objects.filter(pk=duplicate.pk).update(
        deleted_at=now, deleted_by=by, merged_into=survivor, version=F("version") + 1, updated_at=now
    )
    survivor = Customer.objects.select_related("owner", *SECTION_MODELS).get(pk=survivor.pk)
    _touch(survivor)  # the contacts it took count in its completeness; a new version for ETags
    return survivor
