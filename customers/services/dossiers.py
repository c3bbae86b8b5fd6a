"""The one write path of a dossier's fields, sections and owner (DOMAIN §2): ``dossiers_write``.

Browser forms, the API (single and bulk), seed data and the coming import all call it; a single-record
write is a batch of one, so every channel gets the same checks and consequences. A batch runs in a
constant number of queries: one read of the existing dossiers (locked), one of their section tables each,
one of the owners, one of the taken credit codes and external ids, then one insert or update per table.
Each valid input is saved and each invalid one reported; an input that changes nothing writes nothing.

Consequences that other parts own are announced after commit (``crm.events``): an owner change moves
the rep's open reminders to the new owner; changed credit data has the credit app derive the profile again.
"""

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events, roles
from crm.beside import BesideAbandoned, transaction_beside
from crm.bulk import AnyOf, bulk_update_rows, insert_keys, insert_rows
from crm.chunks import threads_may_share_work
from crm.services import number_sequence_take
from customers.models import ChangeRecord, Contact, Customer, NameKey, ReviewState, Section
from customers.policy import review_policy
from customers.rules.names import name_key
from customers.rules.review import next_review_due
from customers.sections import (
    CREDIT_INPUT_FIELDS,
    CUSTOMER_FIELDS,
    CUSTOMER_FIELDS_BY_KIND,
    SECTION_MODELS,
    section_model_fields,
)
from customers.services.completeness import completeness_sources, customer_completeness
from customers.services.history import created_entry, customer_code, history_text

CODE_SEQUENCE = "customer"
UPDATABLE_FIELDS = (*CUSTOMER_FIELDS, "external_id")


class Action(StrEnum):
    CREATE = "create"  # a new dossier; its external_id, if any, must be free
    UPDATE = "update"  # the dossier ``customer_id``
    UPSERT = "upsert"  # the dossier with this external_id, created when there is none (sync clients)


@dataclass(frozen=True, slots=True)
class SectionChanges:
    """New values for some fields of one section (``basic``, ``characteristics``, …)."""

    section: str
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CustomerInput:
    """One dossier to create or change. ``values`` are clean customer-level fields (see
    ``sections.CUSTOMER_FIELDS``; an update may also set ``external_id``); unnamed fields stay as they are.
    ``owner`` is a user or a username; None keeps the owner (or, on create, makes the writer the owner)."""

    action: Action
    values: Mapping[str, Any] = field(default_factory=dict)
    sections: tuple[SectionChanges, ...] = ()
    customer_id: int | None = None
    external_id: str | None = None
    owner: AbstractBaseUser | str | None = None
    expected_version: int | None = None
    index: int = 0

    @classmethod
    def of(
        cls, action: Action, *, sections: Mapping[str, Mapping[str, Any]] | None = None, **kwargs
    ) -> "CustomerInput":
        """Build from a ``{section: {field: value}}`` mapping, the shape forms and serializers give."""
        changes = tuple(SectionChanges(name, values) for name, values in (sections or {}).items() if values)
        return cls(action, sections=changes, **kwargs)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    CONFLICT = "conflict"  # expected_version is stale (API If-Match → 412)


@dataclass(slots=True)
class InputResult:
    """What became of one input. ``key`` names it as the caller did: its external_id, or its customer_id."""

    index: int
    key: Any
    outcome: Outcome
    customer_id: int | None = None
    errors: dict[str, Any] = field(default_factory=dict)
    planned: SimpleNamespace | None = field(default=None, repr=False)  # a new dossier before it has its pk
    # An updated dossier's values before the write, of the fields it changed (``name``, ``owner`` as a username,
    # ``basic.postcode``, …), read under the batch's lock, and its version after: what an import keeps to undo it.
    replaced: dict[str, Any] | None = field(default=None, repr=False)
    version: int | None = None


@dataclass(slots=True)
class WriteResult:
    """What happened to each input, in input order."""

    items: list[InputResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def errors(self) -> list[dict]:
        """The refused inputs as API.md's bulk errors: index, external_id and field errors."""
        return [
            {"index": i.index, "external_id": i.key, "errors": i.errors}
            for i in self.items
            if i.outcome in {Outcome.REFUSED, Outcome.CONFLICT}
        ]


class _Row(SimpleNamespace):
    """An existing customer as plain attributes (hashable, so permissions can be asked once per customer)."""

    __hash__ = object.__hash__


@dataclass(slots=True)
class _Batch:
    """What one query each tells us about the inputs of a batch."""

    by_pk: dict[int, _Row]
    by_external_id: dict[str, _Row]
    sections: dict[int, dict[str, SimpleNamespace]]  # customer pk → section → its row, as plain attributes
    with_contacts: set[int]
    owners: dict[str, AbstractBaseUser]
    uscc_holders: dict[str, int]
    external_id_holders: dict[str, int]
    # The writer's has_perm, each (permission, customer) asked once per batch. Asked without a customer, a
    # permission that holds by role alone (sales manager, integration) holds for every customer.
    may: Callable[..., bool]


def _defaults(model: type) -> dict[str, Any]:
    """The model's column defaults, evaluated once per batch (``created_at`` is overwritten on save)."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


_ROW_COLUMNS = ("id", "external_id", "kind", "owner_id", "version", "deleted_at", "completeness")
"""What every existing dossier of a batch is read with: keys, access, version and the stored derived values."""


DERIVED_FIELDS = ("completeness",)
"""The customer columns computed from the others: set by ``_derive`` alone, on every dossier the batch creates or
changes, and written with it. A new one is added in these three places: here, ``_derive`` and ``_derived_sources``."""


def _derive(customer, rows: Mapping[str, Any], *, has_contacts: bool) -> None:
    """Set the derived columns (``DERIVED_FIELDS``) of a new or changed dossier from its values: completeness
    完整性 (DOMAIN §2). ``rows`` are its section rows."""
    customer.completeness = customer_completeness(customer, has_contacts=has_contacts, rows=rows)


def _derived_sources() -> dict[str, set[str]]:
    """The attribute names ``_derive`` reads, by part (``customer`` or a section): an existing dossier is read with
    these even when its input does not name them."""
    return completeness_sources()


def _columns_read(items: Sequence[CustomerInput], *, dry_run: bool = False) -> dict[str, tuple[str, ...]]:
    """The columns a batch reads of its existing dossiers, by part: the fields its inputs name (their old values go
    into the history), the fields the derived values read (``_derive``, not for a dry run, which derives nothing),
    and the fields a customer's kind blanks. Not whole rows: the section tables hold long texts that a batch mostly
    does not touch."""
    wanted = {} if dry_run else _derived_sources()
    customer = wanted.setdefault("customer", set())
    customer.update(_ROW_COLUMNS, ("unified_social_credit_code", "industry"))
    for item in items:
        if item.action != Action.CREATE:
            customer.update(name for name in item.values if name in _UPDATABLE_FIELD_SET)
            for change in item.sections:
                if change.section in SECTION_MODELS:
                    wanted.setdefault(change.section, set()).update(_fields_of(change.section, change.values))
    if "name" in customer:  # a rename in the batch writes every changed dossier's name key
        customer.add("name_key")
    customer.discard("id")
    columns = {part: tuple(sorted(names)) for part, names in wanted.items()}
    columns["customer"] = ("id", *columns["customer"])  # the key first
    return columns


def _section_rows(
    pks: Sequence[int], columns: Mapping[str, tuple[str, ...]]
) -> tuple[dict[int, dict[str, SimpleNamespace]], set[int]]:
    """The existing customers' section rows with the ``columns`` the batch needs, as plain attributes rather than
    model instances, and which of the customers have a contact (completeness counts it): one query, each section
    joined by its key (the planner probes each section's primary key per customer once the tables are large, and
    reads small ones whole). Read after the customers' rows are locked, in a query of its own: joined into the
    locking query, a writer that waited for the lock would see the sections as they were before the other writer
    committed."""
    if not pks:
        return {}, set()
    sections = [section for section in SECTION_MODELS if section in columns]
    lookups = [f"{section}__{column}" for section in sections for column in ("pk", *columns[section])]
    query = (
        Customer.objects.filter(AnyOf(F("pk"), pks))
        .annotate(has_contacts=Exists(Contact.objects.filter(customer=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "has_contacts", *lookups)
    )
    # no row yet: written the first time the section gets a value (``_plan_update`` copies this blank one, shared by
    # every customer of the batch without the section, before it changes)
    blank = {section: SimpleNamespace(**_defaults(model), stored=False) for section, model in SECTION_MODELS.items()}
    rows: dict[int, dict[str, SimpleNamespace]] = {}
    with_contacts = set()
    for pk, has_contacts, *values in query:
        if has_contacts:
            with_contacts.add(pk)
        parts, start = dict(blank), 0
        for section in sections:
            names = columns[section]
            if values[start] is not None:
                parts[section] = row = SimpleNamespace(customer_id=pk, stored=True)
                row.__dict__.update(zip(names, values[start + 1 : start + 1 + len(names)], strict=True))
            start += 1 + len(names)
        rows[pk] = parts
    return rows, with_contacts


def _read_batch(items: Sequence[CustomerInput], by: AbstractBaseUser, *, dry_run: bool = False) -> _Batch:
    """The batch's existing dossiers, locked until the write commits; a dry run, which writes nothing, reads them
    without the lock (a row lock is a write to each row: dirty pages and WAL for every dossier a check names)."""
    columns = _columns_read(items, dry_run=dry_run)
    pks = [i.customer_id for i in items if i.action == Action.UPDATE]
    keys = [i.external_id for i in items if i.action == Action.UPSERT]
    attnames = columns["customer"]
    existing_rows = Customer.objects.all() if dry_run else Customer.objects.select_for_update(of=("self",))
    rows = (
        existing_rows.filter(Q(AnyOf(F("pk"), pks)) | Q(AnyOf(F("external_id"), keys)))
        .order_by("pk")
        .values_list(*attnames, "owner__username")
    )
    existing = [_Row(**dict(zip(attnames, row, strict=False)), pk=row[0], owner_username=row[-1]) for row in rows]
    existing_pks = [c.pk for c in existing]
    usernames = {i.owner if isinstance(i.owner, str) else i.owner.get_username() for i in items if i.owner}
    codes = {i.values["unified_social_credit_code"] for i in items if i.values.get("unified_social_credit_code")}
    new_ids = {i.external_id for i in items if i.action == Action.CREATE and i.external_id}
    new_ids |= {i.values["external_id"] for i in items if i.values.get("external_id")}
    sections, with_contacts = _section_rows(existing_pks, columns)
    return _Batch(
        by_pk={c.pk: c for c in existing},
        by_external_id={c.external_id: c for c in existing if c.external_id},
        sections=sections,
        with_contacts=with_contacts,
        owners=_owners(usernames),
        uscc_holders=_holders("unified_social_credit_code", codes),
        external_id_holders=_holders("external_id", new_ids),
        may=functools.cache(by.has_perm),
    )


def _owners(usernames: set[str]) -> dict[str, AbstractBaseUser]:
    """Users who may own dossiers (active sales reps and managers), by username."""
    if not usernames:
        return {}
    candidates = get_user_model().objects.filter(
        is_active=True, username__in=usernames, groups__name__in=[roles.SALES, roles.SALES_MANAGER]
    )
    return {user.username: user for user in candidates.distinct()}


def _holders(column: str, values: set[str]) -> dict[str, int]:
    """Which customer (archived ones too) holds each of these unique values."""
    if not values:
        return {}
    return dict(Customer.objects.filter(AnyOf(F(column), list(values))).values_list(column, "pk"))


def _existing(item: CustomerInput, batch: _Batch) -> _Row | None:
    if item.action == Action.UPDATE:
        return batch.by_pk.get(item.customer_id)
    if item.action == Action.UPSERT:
        return batch.by_external_id.get(item.external_id)
    return None


def _access_problems(item: CustomerInput, customer: _Row | None, batch: _Batch) -> dict:
    if customer is None and item.action == Action.UPDATE:
        return {"detail": [_("No such customer.")]}
    if customer is None and not batch.may("customers.create_customer"):
        return {"detail": [_("You may not create customers.")]}
    if (
        customer is not None
        and not batch.may("customers.edit_dossier")
        and not batch.may("customers.edit_dossier", customer)
    ):
        if item.action == Action.UPSERT and not batch.may("customers.view_dossier", customer):
            # keyed on a dossier the writer may not see: the words of a taken external id, nothing about whose
            return {"external_id": [_("This external ID cannot be used for this customer.")]}
        return {"detail": [_("You may not change this customer.")]}
    if customer is not None and customer.deleted_at is not None:
        return {"external_id": [_("This customer is archived; restore it before changing it.")]}
    if customer is None and not item.values.get("name"):
        return {"name": [_("This field is required.")]}
    return {}


def _owner_of(item: CustomerInput, batch: _Batch) -> AbstractBaseUser | None:
    """The named owner if they may own dossiers (an active sales rep or sales manager), else None."""
    if item.owner is None:
        return None
    return batch.owners.get(item.owner if isinstance(item.owner, str) else item.owner.get_username())


def _owner_problems(item: CustomerInput, customer: _Row | None, batch: _Batch, by: AbstractBaseUser) -> dict:
    """Who may choose the owner (DOMAIN §1): sales managers and integrations; a rep creates for themself."""
    if item.owner is None:
        if customer is None and not batch.may("customers.own_customers"):
            return {"owner": [_("Name the owner: this account cannot own customers itself.")]}
        return {}
    owner = _owner_of(item, batch)
    if owner is None:
        return {"owner": [_("No active sales rep or sales manager has this username.")]}
    unchanged = customer is not None and owner.pk == customer.owner_id
    if owner.pk != by.pk and not unchanged and not batch.may("customers.choose_owner"):
        return {"owner": [_("You may not assign customers to another owner.")]}
    return {}


@dataclass(slots=True)
class _Claims:
    """Unique values claimed by earlier inputs of the same batch."""

    uscc: dict[str, int] = field(default_factory=dict)
    external_ids: dict[str, int] = field(default_factory=dict)


def _unique_problems(item: CustomerInput, customer: _Row | None, batch: _Batch, claims: _Claims) -> dict:
    """DOMAIN §2 唯一性: a credit code or external id belongs to one dossier (archived ones too)."""
    problems: dict[str, list] = {}
    mine = customer.pk if customer is not None else -item.index - 1
    # DOMAIN §1: a writer who may not read every dossier is not told that another customer holds the value
    neutral = not batch.may("customers.view_dossier")
    uscc = item.values.get("unified_social_credit_code")
    if uscc and batch.uscc_holders.get(uscc, claims.uscc.get(uscc, mine)) != mine:
        problems["unified_social_credit_code"] = [
            _("This unified social credit code cannot be used for this customer.")
            if neutral
            else _("Another customer already has this unified social credit code.")
        ]
    new_id = item.values.get("external_id") or (item.external_id if item.action == Action.CREATE else None)
    if new_id and batch.external_id_holders.get(new_id, claims.external_ids.get(new_id, mine)) != mine:
        problems["external_id"] = [
            _("This external ID cannot be used for this customer.")
            if neutral
            else _("Another customer already has this external ID.")
        ]
    return problems


_ABSENT_BY_KIND = {
    kind: {name: "" for name in CUSTOMER_FIELDS if name not in kept} for kind, kept in CUSTOMER_FIELDS_BY_KIND.items()
}


def _kind_values(values: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    """The values with the fields the customer's kind does not have stored empty: an end customer has no
    unified social credit code and no industry (DOMAIN §2), whichever channel sent them."""
    absent = _ABSENT_BY_KIND.get(kind)
    return {**values, **absent} if absent else values


def values_apply(target, values: Mapping[str, Any], fields: Sequence[str]) -> list[tuple[str, Any, Any]]:
    """Set the given fields on ``target``; return (field, old, new) for each value that changed."""
    changes = []
    for name in fields:
        if name not in values:
            continue
        old, new = getattr(target, name), values[name]
        if old != new:
            setattr(target, name, new)
            changes.append((name, old, new))
    return changes


@dataclass(slots=True)
class _Writes:
    new: list[tuple[SimpleNamespace, dict]] = field(default_factory=list)  # customer, section rows
    changed: list[_Row] = field(default_factory=list)
    customer_fields: set[str] = field(default_factory=set)
    section_rows: dict[str, list] = field(default_factory=lambda: {s: [] for s in SECTION_MODELS})
    section_inserts: dict[str, list] = field(default_factory=lambda: {s: [] for s in SECTION_MODELS})
    section_fields: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SECTION_MODELS})
    history: list[tuple[Any, str, list]] = field(default_factory=list)
    owner_moves: list[events.OwnerMove] = field(default_factory=list)
    credit_data_changed: set[int] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)  # of new and renamed dossiers, for NameKey
    defaults: dict[type, dict[str, Any]] = field(
        default_factory=lambda: {model: _defaults(model) for model in (Customer, *SECTION_MODELS.values())}
    )
    blank_sections: dict[str, SimpleNamespace] = field(default_factory=dict)  # read only: a new dossier's empty ones
    dry_run: bool = False  # decide only: a new dossier is neither built nor derived, nothing is recorded

    def __post_init__(self) -> None:
        self.blank_sections = {s: SimpleNamespace(**self.defaults[m]) for s, m in SECTION_MODELS.items()}


def _section_values(item: CustomerInput) -> dict[str, Mapping[str, Any]]:
    return {change.section: change.values for change in item.sections}


def _plan_create(
    item: CustomerInput, owner: AbstractBaseUser, by: AbstractBaseUser, writes: _Writes
) -> SimpleNamespace:
    values = {name: value for name, value in item.values.items() if name in _CUSTOMER_FIELD_SET}
    customer = SimpleNamespace(**writes.defaults[Customer])
    customer.__dict__.update(_kind_values(values, values.get("kind", customer.kind)))
    customer.name_key = name_key(customer.name)  # DOMAIN §2.3, the duplicate lookups' column
    writes.name_keys.add(customer.name_key)
    customer.owner_id, customer.created_by_id = owner.pk, by.pk
    customer.external_id = item.external_id or item.values.get("external_id") or None
    rows = dict(writes.blank_sections)
    for change in item.sections:
        filled = _fields_of(change.section, change.values)
        if filled:
            rows[change.section] = SimpleNamespace(**{**writes.defaults[SECTION_MODELS[change.section]], **filled})
    customer.filled_sections = {s for s, row in rows.items() if row is not writes.blank_sections[s]}
    writes.history.append((customer, Section.RECORD, [created_entry(owner)]))
    _derive(customer, rows, has_contacts=False)
    writes.new.append((customer, rows))
    return customer


_CUSTOMER_FIELD_SET = frozenset(CUSTOMER_FIELDS)
_UPDATABLE_FIELD_SET = frozenset(UPDATABLE_FIELDS)
_SECTION_FIELD_SETS = {section: frozenset(section_model_fields(section)) for section in SECTION_MODELS}


def _fields_of(section: str, values: Mapping[str, Any]) -> dict[str, Any]:
    names = _SECTION_FIELD_SETS.get(section, frozenset())
    return {name: value for name, value in values.items() if name in names}


def _plan_update(item: CustomerInput, customer: _Row, rows: dict, owner, writes: _Writes) -> dict[str, Any]:
    """Apply the input to the dossier's row and section rows; return the values it replaced (``InputResult.replaced``),
    empty when nothing changes."""
    values = _kind_values(item.values, item.values.get("kind", customer.kind))
    changes = values_apply(customer, values, UPDATABLE_FIELDS)
    replaced = {name: old for name, old, _new in changes}
    writes.customer_fields.update(name for name, _, _ in changes)
    if any(name == "name" for name, _, _ in changes):
        customer.name_key = name_key(customer.name)  # DOMAIN §2.3, kept with the name
        writes.customer_fields.add("name_key")
        writes.name_keys.add(customer.name_key)
    writes.history.append((customer, Section.BASIC, changes))
    if any(name in CREDIT_INPUT_FIELDS for name, _, _ in changes):
        writes.credit_data_changed.add(customer.pk)
    _plan_section_updates(item, customer, rows, writes, replaced)
    if owner is not None and owner.pk != customer.owner_id:
        owner_change = ("owner", customer.owner_username, owner.get_username())
        replaced["owner"] = customer.owner_username
        writes.history.append((customer, Section.RECORD, [owner_change]))
        writes.owner_moves.append(events.OwnerMove(customer.pk, customer.owner_id, owner.pk))
        customer.owner_id = owner.pk
        writes.customer_fields.add("owner")
    if replaced:
        writes.changed.append(customer)
    return replaced


def _plan_section_updates(item: CustomerInput, customer: _Row, rows: dict, writes: _Writes, replaced: dict) -> None:
    """Apply the input's section values to the customer's section rows; add the values they replace to ``replaced``
    as ``section.field``."""
    sections = _section_values(item)
    for section in SECTION_MODELS:
        if section not in sections:
            continue
        row = rows[section]
        if not row.stored:  # the batch's shared blank row: this customer's own from here on
            row = rows[section] = SimpleNamespace(**{**vars(row), "customer_id": customer.pk})
        row_changes = values_apply(row, sections[section], section_model_fields(section))
        if not row_changes:
            continue
        replaced.update((f"{section}.{name}", old) for name, old, _new in row_changes)
        if row.stored:
            writes.section_rows[section].append(row)
            writes.section_fields[section].update(name for name, _, _ in row_changes)
        else:
            writes.section_inserts[section].append(row)
        writes.history.append((customer, section, row_changes))
        if any(f"{section}.{name}" in CREDIT_INPUT_FIELDS for name, _, _ in row_changes):
            writes.credit_data_changed.add(customer.pk)


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
    # the review cycle starts at once: a new dossier is not core yet, so the policy's interval for the others
    due = next_review_due(last_reviewed_on=None, created_on=today, interval_days=review_policy().other_days)
    insert_rows(ReviewState, ("customer_id", "next_review_due", "is_stale"), [(pk, due, False) for pk in pks])
    for section, model in SECTION_MODELS.items():
        columns = _columns(model)
        filled = [(customer, rows[section]) for customer, rows in writes.new if section in customer.filled_sections]
        for customer, row in filled:
            row.customer_id = customer.pk
        insert_rows(model, columns, _values([row for _customer, row in filled], columns))


def _save_changed(writes: _Writes, batch: _Batch, now) -> None:
    for customer in writes.changed:
        _derive(customer, batch.sections[customer.pk], has_contacts=customer.pk in batch.with_contacts)
        customer.version += 1
        customer.updated_at = now
    fields = sorted({*DERIVED_FIELDS, "version", "updated_at", *writes.customer_fields})
    bulk_update_rows(writes.changed, fields, model=Customer)
    for section, model in SECTION_MODELS.items():
        bulk_update_rows(writes.section_rows[section], sorted(writes.section_fields[section]), model=model)
        insert_rows(model, _columns(model), _values(writes.section_inserts[section], _columns(model)))


BESIDE_MIN = 100
"""New dossiers in a batch from which they are written beside its changed ones (``crm.beside``), when the batch may
and has changed ones: below it the second connection's round trips cost more than the overlap gains."""
BESIDE_LOCK_WAIT = 5.0
"""Seconds a lock wait of a batch written on two connections may last before the batch is written again in one
transaction (``crm.beside``: a circle of waits through the two parts is invisible to PostgreSQL's deadlock detector).
Another batch's commit of the code sequence or of the same external ids is waited for in far less."""


def _history_rows(entries: Sequence[tuple[Any, str, list]], now, by: AbstractBaseUser) -> list[tuple]:
    return [
        (customer.pk, now, by.pk, section, name, history_text(old), history_text(new))
        for customer, section, changes in entries
        for name, old, new in changes
    ]


def _save_new_with_history(writes: _Writes, history: list, now, today: date, by: AbstractBaseUser) -> None:
    """The new dossiers (numbered, with their review state, sections and history) and the batch's name keys."""
    # the similar-name search's table (DOMAIN §2.3): one insert, known keys skipped
    insert_keys(NameKey, sorted(writes.name_keys - {""}))
    # the new dossiers last but for their history: their codes' number sequence stays locked from here to the commit,
    # and every other writer that creates a dossier waits for it
    if writes.new:
        _save_new(writes, now, today)
    insert_rows(ChangeRecord, _HISTORY_COLUMNS, _history_rows(history, now, by))


_HISTORY_COLUMNS = ("customer_id", "at", "by_id", "section", "field", "old", "new")


def _save(writes: _Writes, batch: _Batch, by: AbstractBaseUser, today: date, *, beside: bool) -> None:
    """Write the batch. With ``beside`` and enough new dossiers, these are written by a second connection in a
    transaction committed with this one (``crm.beside``) while this one writes the changed ones: the two parts lock
    nothing of each other (a batch's claims keep its external ids and credit codes apart), and PostgreSQL's index
    upkeep, most of a batch's time, runs on two cores."""
    now = timezone.now()
    if beside and writes.changed and len(writes.new) >= BESIDE_MIN:
        new = {id(customer) for customer, _rows in writes.new}
        history_new = [entry for entry in writes.history if id(entry[0]) in new]
        history_changed = [entry for entry in writes.history if id(entry[0]) not in new]

        def new_part() -> None:
            _save_new_with_history(writes, history_new, now, today, by)

        with transaction_beside(new_part, lock_wait=BESIDE_LOCK_WAIT) as other:
            _save_changed(writes, batch, now)
            insert_rows(ChangeRecord, _HISTORY_COLUMNS, _history_rows(history_changed, now, by))
            other.commit()
    else:
        if writes.changed:
            _save_changed(writes, batch, now)
        _save_new_with_history(writes, writes.history, now, today, by)
    if writes.owner_moves:
        events.publish(events.OwnerChanged(moves=tuple(writes.owner_moves)))
    if writes.credit_data_changed:
        events.publish(events.CreditDataChanged(customer_ids=tuple(sorted(writes.credit_data_changed)), today=today))


def _plan(item: CustomerInput, batch: _Batch, by, writes: _Writes, claims: _Claims) -> InputResult:
    customer = _existing(item, batch)
    key = item.external_id if item.action != Action.UPDATE else item.customer_id
    problems = _access_problems(item, customer, batch)
    if not problems and customer is not None and item.expected_version not in {None, customer.version}:
        return InputResult(item.index, key, Outcome.CONFLICT, customer.pk, {"version": [str(customer.version)]})
    if not problems:
        problems = _owner_problems(item, customer, batch, by) | _unique_problems(item, customer, batch, claims)
    if problems:
        return InputResult(item.index, key, Outcome.REFUSED, errors=problems)
    mine = customer.pk if customer is not None else -item.index - 1
    if item.values.get("unified_social_credit_code"):
        claims.uscc[item.values["unified_social_credit_code"]] = mine
    new_id = item.values.get("external_id") or (item.external_id if customer is None else None)
    if new_id:
        claims.external_ids[new_id] = mine
    owner = _owner_of(item, batch)
    if customer is None and writes.dry_run:  # a valid new dossier is created whatever its values
        return InputResult(item.index, key, Outcome.CREATED)
    if customer is None:
        planned = _plan_create(item, owner or by, by, writes)
        return InputResult(item.index, key, Outcome.CREATED, planned=planned)
    replaced = _plan_update(item, customer, batch.sections[customer.pk], owner, writes)
    if replaced:
        return InputResult(item.index, key, Outcome.UPDATED, customer.pk, replaced=replaced)
    return InputResult(item.index, key, Outcome.UNCHANGED, customer.pk)


def dossiers_write(
    *, items: Sequence[CustomerInput], by: AbstractBaseUser, today: date, dry_run: bool = False
) -> WriteResult:
    """Create or change each dossier; report the inputs that cannot be saved, and save the rest together.

    ``today`` starts the review cycle of new dossiers (DOMAIN §7) and dates the credit profiles derived again
    when credit data changed (DOMAIN §3–§6). ``dry_run`` decides every input as a write would (access, owner,
    uniqueness, what changes) and saves nothing: an import's check (DOMAIN §2.3); new dossiers get no id.

    One transaction, or, called outside any on PostgreSQL, two committed together (``crm.beside``, see ``_save``);
    when those two cannot commit together (a lock waited ``BESIDE_LOCK_WAIT``), both roll back and the batch is
    written again in one."""
    if not dry_run and threads_may_share_work():  # asked before our own transaction opens
        try:
            with transaction.atomic():
                return _write(items, by, today, dry_run=False, beside=True)
        except BesideAbandoned:
            pass
    with transaction.atomic():
        return _write(items, by, today, dry_run=dry_run, beside=False)


def _write(
    items: Sequence[CustomerInput], by: AbstractBaseUser, today: date, *, dry_run: bool, beside: bool
) -> WriteResult:
    batch = _read_batch(items, by, dry_run=dry_run)
    writes, claims, result = _Writes(dry_run=dry_run), _Claims(), WriteResult()
    seen: set[tuple[str, Any]] = set()
    for item in items:
        key = (item.action, item.customer_id if item.action == Action.UPDATE else item.external_id)
        if item.action != Action.CREATE and key in seen:
            message = _("Repeated in this batch.")
            result.items.append(InputResult(item.index, key[1], Outcome.REFUSED, errors={"external_id": [message]}))
            continue
        seen.add(key)
        result.items.append(_plan(item, batch, by, writes, claims))
    if dry_run:
        for item in result.items:
            item.replaced = None
        return result
    _save(writes, batch, by, today, beside=beside)
    for item in result.items:
        if item.planned is not None:
            item.customer_id, item.version, item.planned = item.planned.pk, item.planned.version, None
        elif item.outcome == Outcome.UPDATED:
            item.version = batch.by_pk[item.customer_id].version
    return result


SYNC_ATTEMPTS = 3


def dossiers_sync(*, items: Sequence[CustomerInput], by: AbstractBaseUser, today: date) -> WriteResult:
    """``dossiers_write`` for sync clients (bulk upsert), idempotent under concurrency: when another batch creates
    the same external ids (or credit codes) between our read and our insert, the unique constraints refuse our
    insert and the whole batch rolls back; it is then written again, and what the other batch created is now an
    update (usually ``unchanged``) or a reported conflict, never a 500."""
    attempt = 1
    while True:
        try:
            return dossiers_write(items=items, by=by, today=today)
        except IntegrityError:
            if attempt >= SYNC_ATTEMPTS:
                raise
            attempt += 1
