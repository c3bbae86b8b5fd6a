"""Every read of dossiers the UI and API need, scoped to the caller, in a constant number of queries."""

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Reverse, RowNumber
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import access, keyset, roles
from crm.bulk import AnyOf
from crm.dashboards import Windows
from crm.errors import AccessDenied, NotFound
from crm.exports import Column, Table
from crm.services import OwnedDossier, access_log_record, access_log_record_rows
from customers.classifications import UNCLASSIFIED
from customers.models import (
    ChangeRecord,
    Contact,
    CreditDocument,
    Customer,
    FinancialFigure,
    Interaction,
    NameKey,
    Review,
)
from customers.policy import review_policy
from customers.rules import names as names_rule
from customers.rules.credit_reports import (
    CERTIFICATE_TYPE,
    REPORT_SOURCES,
    REPORT_TYPE,
    credit_report_expires_on,
    earliest_report_date_valid_on,
    is_credit_report,
)
from customers.rules.figures import latest_by_metric

__all__ = ["AccessDenied", "CustomerNotFound"]  # the refusals entry points translate (crm.http)

PAGE_SIZE = 50
ORDERINGS = {  # the browser list's
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "code": ("code",),
    "-code": ("-code",),
    "completeness": ("completeness", "name", "id"),
    "-completeness": ("-completeness", "name", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "review": ("review_due", "id"),  # the next review due (customer_list annotates it)
}
API_ORDERINGS = {  # API.md customers ``ordering``; the first key is the cursor's position
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "completeness": ("completeness", "id"),
    "-completeness": ("-completeness", "-id"),
}
VISIBLE_SORT_KEYS = frozenset({"name", "code", "id"})
"""What a list may sort masked rows by (DOMAIN §1: code, unit name, owner); every other key is a hidden field."""
COMPLETENESS_BANDS = {"lt100": (0, 99), "lt50": (0, 49), "50-79": (50, 79), "80-99": (80, 99), "100": (100, 100)}


@dataclass(frozen=True, slots=True)
class CustomerFilters:
    """The list filters of the customer page and API (DOMAIN §2; API.md customers)."""

    q: str = ""
    kind: str = ""
    nature: str = ""
    size: str = ""
    owner: str = ""  # a username
    completeness: str = ""  # a key of COMPLETENESS_BANDS
    is_stale: bool | None = None
    updated_since: datetime | None = None
    tier: str = ""  # credit profile filters (API.md); the credit app keeps the profile
    payment_grade: str = ""
    risk_class: str = ""
    region: str = ""
    industry: str = ""
    within: QuerySet | None = None  # customer ids a caller derived (an analysis drill-down), read in full only
    time_class: str = ""  # the classifications of DOMAIN §2.1, on the credit profile too
    process_class: str = ""
    volume_class: str = ""
    is_core: bool | None = None
    archived: bool = False
    ordering: str = "name"
    due: str = ""  # a key of DUE_KINDS: the dashboards' work lists, as of ``as_of`` in the policy's ``windows``
    as_of: date | None = None
    windows: Windows | None = None


def customer_scope(*, user: AbstractBaseUser, archived: bool | None = False) -> QuerySet[Customer]:
    """The dossiers a user may list: every role sees the list (masked where not allowed), others nothing.

    ``archived``: False for live dossiers, True for archived ones, None for both.
    """
    qs = Customer.objects.all()
    if not (user.is_superuser or roles.roles_of(user)):
        return qs.none()
    return qs if archived is None else qs.filter(deleted_at__isnull=not archived)


CODE_END = re.compile(r"[A-Za-z]*[0-9]+")
"""A query that may be the end of a code (C000184): one of three or more characters ("184", "0184") matches every
code ending so, by the index of the reversed code; a shorter one only the code itself."""
PHONE = re.compile(r"\+?[0-9][0-9 ()-]*")
PHONE_DIGITS = 4
"""A query of digits (and + - ( ) or spaces) with at least this many digits also matches the phones and mobiles that
end with it."""


def _search(qs: QuerySet[Customer], q: str, fully_visible: Q | None) -> QuerySet[Customer]:
    """Every word of ``q`` must match (``数字 科技``: both, in any field): name or contact name (substring), code
    (exact, or its last three or more characters: ``184`` finds C000184), USCC (exact) or a phone of the customer or
    of a contact (its end), case-insensitively. The USCC and the phones
    are hidden on a masked row (DOMAIN §1), so they match only rows the user may see in full.

    The name is a condition on the row; everything else one list of ids per word, each field found by its own
    index and the list taken once (``in_array``): ``name LIKE … OR id = ANY(those ids)``. With few matches PostgreSQL
    reads the trigram and primary-key indexes side by side; with many (a word in a tenth of the names) it walks the
    list's order and checks each row, stopping at the page. ``OR id IN (contacts)`` allowed neither and read the
    whole table; a UNION of every field's ids had to gather all of a common word's matches before sorting them.
    Text without letter case (Chinese) uses a plain LIKE, twice as fast as a case-insensitive match; on PostgreSQL
    both LIKE and ILIKE use the trigram index of the column for 3+ characters, and a name of two characters the index
    of its two-character pieces (``has_bigram``).
    """
    q = q.strip()
    words = [q] if PHONE.fullmatch(q) else q.split()[:SEARCH_WORDS]  # "5555 1234" is one phone number
    for word in words:
        qs = qs.filter(_name_matches(word) | Q(pk__in_array=_other_ids(word, fully_visible)))
    return qs


SEARCH_WORDS = 5  # words of a search beyond these are ignored (each is one more lookup)


def _name_matches(q: str) -> Q:
    """The name (a customer's or a contact's) holds the word: a condition on the row, which the trigram index (or,
    for two characters on PostgreSQL, the bigram index) answers, or which a walk of the name index in list order
    checks."""
    name = Q(**{f"name__{'contains' if q.upper() == q.lower() else 'ilike'}": q})
    if len(q) == 2 and connection.vendor == "postgresql":  # no trigram in two characters: the bigram index
        name &= Q(name__has_bigram=q)
    return name


def _other_ids(q: str, fully_visible: Q | None) -> QuerySet:
    """The ids of the customers one word matches by anything but their name: a UNION of one indexed lookup per
    field (contact names, code, and on rows the user sees in full USCC and phones), found once per search
    (``in_array``): a few rows, where the name may match a hundred thousand."""
    customers = Customer.objects.order_by().values("pk")
    code = q.upper()
    found = [
        Contact.objects.filter(_name_matches(q)).order_by().values("customer_id"),
        _ending(Customer.objects, code, "code").values("pk")
        if len(q) >= 3 and CODE_END.fullmatch(q)
        else customers.filter(code=code),
    ]
    hidden = [customers.filter(unified_social_credit_code=code)] if len(code) == 18 else []
    if PHONE.fullmatch(q) and sum(char.isdigit() for char in q) >= PHONE_DIGITS:
        contact_phones = _ending(Contact.objects, q, "phone", "mobile").values("customer_id")
        hidden += [_ending(Customer.objects, q, "phone").values("pk"), customers.filter(pk__in=contact_phones)]
    if fully_visible is not None:
        hidden = [lookup_.filter(fully_visible) for lookup_ in hidden]
    return found[0].union(*found[1:], *hidden)


def _ending(manager, text: str, *columns: str) -> QuerySet:
    """The rows one of whose ``columns`` ends with ``text``: the reversed column starts with the reversed text, which
    PostgreSQL reads from the btree of the reversed column (customers migration 0014)."""
    reversed_columns = {f"{column}_reversed": Reverse(column) for column in columns}
    ending = Q()
    for name in reversed_columns:
        ending |= Q(**{f"{name}__startswith": text[::-1]})
    return manager.order_by().annotate(**reversed_columns).filter(ending)


def _hidden_conditions(filters: CustomerFilters) -> list[Q]:
    """The filters on fields a masked row hides (DOMAIN §1: all but code, unit name, owner and contacts)."""
    exact = {
        "kind": filters.kind,
        "nature": filters.nature,
        "size": filters.size,
        "credit_profile__tier": filters.tier,
        "credit_profile__payment_grade": filters.payment_grade,
        "credit_profile__risk_class": filters.risk_class,
        "region": filters.region,
        "industry": filters.industry,
    }
    conditions = [Q(**{key: value}) for key, value in exact.items() if value]
    if filters.within is not None:
        conditions.append(Q(pk__in=filters.within))
    conditions += _class_conditions(filters)
    if filters.due in DUE_KINDS and filters.as_of is not None and filters.windows is not None:
        conditions.append(due_condition(filters.due, today=filters.as_of, windows=filters.windows))
    if filters.completeness in COMPLETENESS_BANDS:
        low, high = COMPLETENESS_BANDS[filters.completeness]
        conditions.append(Q(completeness__gte=low, completeness__lte=high))
    if filters.updated_since is not None:
        conditions.append(Q(updated_at__gte=filters.updated_since))
    # Stale is what the daily staleness scan stored (rules/review.py, as SQL in services/review_state.py). All three
    # causes change as days pass (a review falls due, a report expires, a limit nears its end): no read re-derives one.
    stale = Q(review_state__is_stale=True)
    if filters.is_stale is not None:
        conditions.append(stale if filters.is_stale else ~stale)
    return conditions


def _class_conditions(filters: CustomerFilters) -> list[Q]:
    """DOMAIN §2.1 classes as stored on the credit profile; a customer without a profile yet has the classes of
    ``UNCLASSIFIED`` (no order, no opportunity, not core), so a filter on those finds it too."""
    wanted = {
        "time_class": filters.time_class,
        "process_class": filters.process_class,
        "volume_class": filters.volume_class,
        "is_core": filters.is_core,
    }
    conditions = []
    for name, value in wanted.items():
        if value in ("", None):
            continue
        condition = Q(**{f"credit_profile__{name}": value})
        if value == UNCLASSIFIED[name]:
            condition |= Q(credit_profile__isnull=True)
        conditions.append(condition)
    return conditions


def _ordered(qs: QuerySet[Customer], ordering: Sequence[str], fully_visible: Q | None) -> QuerySet[Customer]:
    """Sort by ``ordering``; on a hidden key, for a user who sees some rows masked, rank the rows they see in full
    by it and the masked rows after them by the remaining (visible) keys, never by a hidden value (DOMAIN §1).

    That ranking is one number, ``list_position``, so the API's cursor pages by it and carries no hidden value."""
    if fully_visible is None or ordering[0].lstrip("-") in VISIBLE_SORT_KEYS:
        return qs.order_by(*ordering)
    key = F(ordering[0].lstrip("-"))
    hidden = Case(When(fully_visible, then=key))  # NULL on masked rows
    rank = [
        Case(When(fully_visible, then=Value(0)), default=Value(1)).asc(),
        hidden.desc() if ordering[0].startswith("-") else hidden.asc(),
        *(F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in ordering[1:]),
    ]
    return qs.annotate(list_position=Window(RowNumber(), order_by=rank)).order_by("list_position")


def customer_list(
    *, user: AbstractBaseUser, filters: CustomerFilters, orderings: dict | None = None
) -> QuerySet[Customer]:
    """The customer list, filtered and sorted; rows carry their owner, review state and credit profile (three
    queries per page).

    A condition on a field that a masked row hides holds only for the rows the user may see in full (``crm.access
    .dossiers_fully_visible``), so a rep's results are the same whatever another rep's customers hold (DOMAIN §1).
    ``orderings``: the sort keys the caller offers (the browser's ``ORDERINGS`` by default, or ``API_ORDERINGS``).
    """
    orderings = orderings or ORDERINGS
    fully_visible = access.dossiers_fully_visible(user)
    ordering = orderings.get(filters.ordering) or next(iter(orderings.values()))
    qs = _with_row_parts(_filtered(user, filters, fully_visible), ordering)
    # A filter on a hidden field kept only the rows the user sees in full (``_filtered``): none to rank apart, so the
    # plain sort, which an index can serve and a LIMIT stop, instead of numbering every row found to sort them (a
    # rep's stale dossiers by review date at 1M: 210 ms the page).
    return _ordered(qs, ordering, None if _hidden_conditions(filters) else fully_visible)


def _with_row_parts(qs: QuerySet[Customer], ordering: Sequence[str]) -> QuerySet[Customer]:
    """What a listed row carries besides its columns: its owner, review state and credit profile, and the sort key
    ``review_due`` when the list is sorted by it."""
    # The review state and the credit profile (the classes of DOMAIN §2.1) come in further queries for the page's
    # rows only: joined, they would be read for every row a deep page skips (the last page at 100k dossiers: +70 ms).
    qs = qs.select_related("owner").prefetch_related("review_state", "credit_profile")
    if ordering[0] == "review_due":  # no review state yet: last, on every database, so that a page can seek past it
        qs = qs.annotate(review_due=Coalesce("review_state__next_review_due", Value(date.max)))
    return qs


def _filtered(user: AbstractBaseUser, filters: CustomerFilters, fully_visible: Q | None) -> QuerySet[Customer]:
    qs = _search(customer_scope(user=user, archived=filters.archived), filters.q, fully_visible)
    if filters.owner:  # the owner's id found first, so that an index of (owner, sort key) serves the page
        qs = qs.filter(owner_id=Subquery(get_user_model().objects.filter(username=filters.owner).values("pk")[:1]))
    conditions = _hidden_conditions(filters)
    for condition in conditions:
        qs = qs.filter(condition)
    if conditions and fully_visible is not None:
        qs = qs.filter(fully_visible)
    return qs


EXACT_COUNT_BELOW = 2_000
"""The list counts its rows exactly up to this many (reading at most that many rows); a longer list, or one that
PostgreSQL expects to be longer, shows its estimate, "about 7,500" (``crm.keyset.count_rows``)."""


def customer_page(*, user: AbstractBaseUser, filters: CustomerFilters, cursor: str = "") -> keyset.SeekPage:
    """One page of the browser's customer list (``customer_list``), found by seeking to the position the cursor
    names (first, previous, next, last: ``crm.keyset``), so that the last page costs what the first does, and the
    list's count (exact below ``EXACT_COUNT_BELOW``, else an estimate). Four queries, the count's one or two more
    unless the page holds the whole list (a search that finds a few: they are counted on the page). A search's first
    page that PostgreSQL expects to be short enough to count is counted on the read of its ids
    (``keyset.first_page_counted``): its plan's estimate, then the ids in order, then the page's rows."""

    counted = _filtered(user, filters, access.dossiers_fully_visible(user))
    listed = customer_list(user=user, filters=filters)
    numbered = "list_position" in listed.query.annotations  # numbered by a window: only over every row it reads
    by_id = None if numbered else functools.partial(_rows_by_id, ordering=listed.query.order_by)
    with keyset.without_parallel_workers():
        estimate = None
        if filters.q and not cursor and by_id is not None and connection.vendor == "postgresql":
            # a search's first page: expected short enough to count, it is counted on the same read as its page
            estimate = keyset.estimate_rows(counted)
            if estimate <= EXACT_COUNT_BELOW:
                return keyset.first_page_counted(
                    listed, size=PAGE_SIZE, exact_below=EXACT_COUNT_BELOW, estimate=estimate, by_id=by_id
                )

        def count() -> keyset.Count:
            return keyset.count_rows(counted, exact_below=EXACT_COUNT_BELOW, estimate=estimate)

        return keyset.seek_page(listed, cursor=cursor, size=PAGE_SIZE, count=count, by_id=by_id)


def _rows_by_id(ids: QuerySet, *, ordering: Sequence[str]) -> QuerySet[Customer]:
    """The listed rows whose ids ``ids`` gives (a page's, found by ``crm.keyset.seek_page``)."""
    return _with_row_parts(Customer.objects.filter(pk__in_array=ids), ordering)


def customer_search(*, user: AbstractBaseUser, q: str) -> QuerySet[Customer]:
    """The header's search: the customer list's own search (``customer_list``, so masking, scope and its speed are
    the list's), over live dossiers, by name."""
    return customer_list(user=user, filters=CustomerFilters(q=q))


def customers_read_in_full(*, user: AbstractBaseUser, owner: str = "", region: str = "") -> QuerySet[Customer]:
    """The live dossiers a user may read in full (a sales rep: own ones; DOMAIN §1), for figures over them
    (DOMAIN §10: every analysis covers exactly these), optionally one owner's (a username) or one region's."""
    qs = customer_scope(user=user)
    fully_visible = access.dossiers_fully_visible(user)
    if fully_visible is not None:
        qs = qs.filter(fully_visible)
    if owner:
        qs = qs.filter(owner__username=owner)
    if region:
        qs = qs.filter(region=region)
    return qs


def live_customers() -> QuerySet[Customer]:
    """Every live dossier, for figures the system computes over the whole portfolio by itself (the nightly
    aggregates of DOMAIN §10.3), which the analysis then narrows to a reader who may read every dossier."""
    return Customer.objects.filter(deleted_at__isnull=True)


CREDIT_REPORT = Q(doc_type=REPORT_TYPE, source__in=REPORT_SOURCES) | Q(doc_type=CERTIFICATE_TYPE)
"""Documents that count as a credit report (DOMAIN §6.2): an agency or bank report, or a bank certificate."""


def valid_credit_reports(*, today: date, months: int) -> QuerySet[CreditDocument]:
    """Credit reports that count on ``today`` (DOMAIN §6.2, §7): ``rules.credit_reports.credit_report_expires_on``
    on or after ``today``, as SQL."""
    oldest = earliest_report_date_valid_on(today, months=months)
    recent = Q(issued_on__gte=oldest) | Q(issued_on__isnull=True, obtained_on__gte=oldest)
    valid = recent & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return CreditDocument.objects.filter(CREDIT_REPORT, valid)


def credit_reports_expiring(*, today: date, until: date, months: int) -> QuerySet[CreditDocument]:
    """Credit reports whose last valid day falls between ``today`` and ``until``: valid today, no longer the day
    after ``until`` (the expiry reminder, DOMAIN §7), by the same definition as ``valid_credit_reports``."""
    still_valid = valid_credit_reports(today=until + timedelta(days=1), months=months)
    return valid_credit_reports(today=today, months=months).exclude(pk__in=still_valid.values("pk"))


def deleted_feed(*, user: AbstractBaseUser, since: datetime | None) -> QuerySet[Customer]:
    """Archived dossiers, for sync clients (API.md deleted feed): each with ``feed_external_id``, its external id,
    or null on a dossier the user may see only masked (DOMAIN §1: code and name, not another rep's sync keys)."""
    qs = customer_scope(user=user, archived=True).annotate(merged_into_code=F("merged_into__code"))
    fully_visible = access.dossiers_fully_visible(user)
    shown = F("external_id") if fully_visible is None else Case(When(fully_visible, then=F("external_id")))
    qs = qs.annotate(feed_external_id=shown)
    return qs.filter(deleted_at__gte=since) if since is not None else qs


def dossier_ids_by_key(*, user: AbstractBaseUser, column: str, values: Iterable[str | None]) -> dict[str, int]:
    """The dossier (archived ones too) holding each code, external id or unified social credit code (``column``), among
    those the user may see in full: an imported row names its dossier so (DOMAIN §2.3); another rep's dossier is not
    found, and the write path then refuses the value in neutral words (DOMAIN §1)."""
    if column not in {"code", "external_id", "unified_social_credit_code"}:
        raise ValueError(column)
    values = {value for value in values if value}
    if not values:
        return {}
    qs = customer_scope(user=user, archived=None).filter(**{f"{column}__in": values})
    fully_visible = access.dossiers_fully_visible(user)
    if fully_visible is not None:
        qs = qs.filter(fully_visible)
    return dict(qs.order_by().values_list(column, "pk"))


def archived_among(*, user: AbstractBaseUser, customer_ids: Iterable[int]) -> set[int]:
    """Which of these dossiers are archived (read-only), among those the user may list. One query."""
    ids = set(customer_ids)
    if not ids:
        return set()
    return set(customer_scope(user=user, archived=True).filter(pk__in=ids).values_list("pk", flat=True))


def contacts_by_name(*, user: AbstractBaseUser, customer_ids: Iterable[int]) -> dict[tuple[int, str], Contact]:
    """The contacts of dossiers the user may see in full, by (customer id, name): an imported contact row updates the
    contact of that name (DOMAIN §2.3). One query."""
    qs = Contact.objects.filter(customer_id__in=list(customer_ids)).order_by("pk")
    fully_visible = access.dossiers_fully_visible(user)
    if fully_visible is not None:
        qs = qs.filter(customer__in=customer_scope(user=user, archived=None).filter(fully_visible))
    return {(contact.customer_id, contact.name): contact for contact in qs}


def contacts_with_ids(*, user: AbstractBaseUser, contact_ids: Iterable[int]) -> dict[int, Contact]:
    """Contacts (with their customer) of dossiers the user may see in full, by id. One query."""
    qs = Contact.objects.select_related("customer").filter(pk__in=list(contact_ids))
    fully_visible = access.dossiers_fully_visible(user)
    if fully_visible is not None:
        qs = qs.filter(customer__in=customer_scope(user=user, archived=None).filter(fully_visible))
    return {contact.pk: contact for contact in qs}


def dossier_versions(*, user: AbstractBaseUser, customer_ids: Iterable[int]) -> dict[int, int]:
    """The version of each of these dossiers the user may see in full, by id: what an import keeps of the dossiers
    whose contacts it writes, so that it can be taken back while they are unchanged since (DOMAIN §2.3). One query."""
    qs = customer_scope(user=user, archived=None).filter(pk__in=list(customer_ids))
    fully_visible = access.dossiers_fully_visible(user)
    if fully_visible is not None:
        qs = qs.filter(fully_visible)
    return dict(qs.values_list("pk", "version"))


def customer_api_list(*, user: AbstractBaseUser, filters: CustomerFilters, columns: Sequence[str]) -> QuerySet:
    """The API list as plain rows (``values_list(named=True)``): ``columns`` of the customer (names as
    ``values_list`` takes them, ``owner__username``) and, whatever ``columns`` says, ``pk`` and ``owner_id`` for
    ``dossier_rows`` and the annotations the sort may carry; sorted by ``API_ORDERINGS`` (the cursor pages by the
    first key of ``query.order_by``, which the rows carry). No model instance per row: at 100 rows they cost more
    than the query. The sections, credit profile, review state and contacts of a page's rows come from
    ``customer_api_page_details``."""
    qs = customer_list(user=user, filters=filters, orderings=API_ORDERINGS).prefetch_related(None)
    cursor_key = qs.query.order_by[0].lstrip("-")
    names = dict.fromkeys(("pk", "owner_id", *columns, *qs.query.annotations))
    if cursor_key not in qs.query.annotations:
        names[cursor_key] = None
    return qs.values_list(*names, named=True)


@dataclass(frozen=True, slots=True)
class PageDetails:
    """What a page of API list rows shows beside the customer's own columns, by customer id."""

    contacts: dict[int, list[tuple]]  # the ``contact_columns`` of each contact of every row, in the contacts' order
    parts: dict[str, dict[int, tuple]]  # of each part, its ``columns`` for each row read in full that has one


def customer_api_page_details(
    *, rows: Sequence["DossierRow"], contact_columns: Sequence[str], parts: Mapping[str, Sequence[str]]
) -> PageDetails:
    """The contacts of every row of an API list page (``customer_api_list`` rows through ``dossier_rows``) and, of
    the rows read in full only, ``parts``: one-to-one relations of the customer keyed by it (``basic``,
    ``credit_profile``, ``review_state``…) and their columns. One query per table, by the page's ids: a query
    joining them took PostgreSQL 2-10 ms to plan at 1,000,000 customers (a merge join's estimate reads the ends of
    each key's index, slow when they hold dead rows), a query of one table by ids a tenth of a millisecond."""
    contacts: dict[int, list[tuple]] = defaultdict(list)
    listed = Contact.objects.filter(AnyOf(F("customer_id"), [row.customer.pk for row in rows]))
    for contact in listed.values_list("customer_id", *contact_columns):
        contacts[contact[0]].append(contact[1:])
    full = [row.customer.pk for row in rows if row.full]
    found = {name: _one_to_one_rows(name, columns, full) if full else {} for name, columns in parts.items()}
    return PageDetails(contacts=contacts, parts=found)


def _one_to_one_rows(relation: str, columns: Sequence[str], customer_ids: list[int]) -> dict[int, tuple]:
    """``columns`` of the customers' rows of a one-to-one relation whose key is the customer's, by customer id."""
    model = Customer._meta.get_field(relation).related_model
    rows = model.objects.filter(AnyOf(F("pk"), customer_ids)).order_by().values_list("pk", *columns)
    return {row[0]: row[1:] for row in rows}


DOSSIER_JOINS = (
    "owner",
    "review_state",
    "basic",
    "characteristics",
    "sales_status",
    "operating_status",
    "credit_profile",
)
"""What a dossier read shows beside the customer row: its owner, review state, four sections and credit profile."""


def dossier_get(*, user: AbstractBaseUser, code: str, archived: bool | None = False) -> Customer:
    """One dossier with ``DOSSIER_JOINS`` joined; raises Customer.DoesNotExist if not listable.

    One query that finds the row by its code in a subquery and joins the rest on its primary key: keyed on that
    one value, PostgreSQL plans each one-to-one row as a constant (1.3-1.6 ms at 1,000,000 customers). Joined on
    the code, it weighed every order of eight relations and priced merge joins on the ids, reading the ends of their
    indexes to do so, the longer the more rows were written since the last ANALYZE: 5 ms to plan on a freshly
    analysed table, 13 to 28 ms after bulk writes, for a query that runs in 0.2 ms."""
    found = customer_scope(user=user, archived=archived).filter(code=code).order_by().values("pk")
    return Customer.objects.select_related(*DOSSIER_JOINS).get(pk=Subquery(found))


class CustomerNotFound(NotFound):
    """No dossier with this code that the user may list (unknown, archived, or the user holds no role)."""


def dossier_for(
    *, user: AbstractBaseUser, code: str, perm: str = "customers.list_customers", archived: bool | None = False
) -> Customer:
    """The dossier behind ``code`` for a gate: ``CustomerNotFound`` if the user may not list it, ``AccessDenied``
    without ``perm``. Pages, API views and every app use this one gate, so they cannot disagree (DOMAIN §1)."""
    customer = _listable(user, code, archived)
    if not user.has_perm(perm, customer):
        raise AccessDenied(customer=customer)
    return customer


def dossier_part_read(
    *, user: AbstractBaseUser, code: str, perm: str, part: "DossierPart", channel: str, archived: bool | None = False
) -> Customer:
    """``dossier_for`` for a read of one part that its own permission guards (the archive catalogue), logged as
    ``dossier_read`` logs a full read by someone who is not the owner (DOMAIN §1)."""
    customer = dossier_for(user=user, code=code, perm=perm, archived=archived)
    access_log_record(user=user, customer=customer, channel=channel, object_ref=str(part))
    return customer


class DossierPart(StrEnum):
    """Which part of a dossier a read shows; the access log names every part but the whole dossier."""

    WHOLE = ""
    CONTACTS = "contacts"
    CONTACT = "contact"  # one contact with every field: no masked form
    CREDIT = "credit"  # the credit profile, or the whole credit panel of the browser
    ORDERS = "orders"
    PAYMENTS = "payments"
    ASSESSMENTS = "assessments"
    LIMIT_REQUESTS = "limit_requests"
    HISTORY = "history"
    INTERACTIONS = "interactions"
    CATALOGUE = "catalogue"  # the archive's catalogue of originals (DOMAIN §9), under archives.view_documents
    CREDIT_FILE = "credit_file"  # the printable credit file 客户资信档案 (DOMAIN §11): the whole dossier, logged so


PART_LABELS = {  # the access log's "object" column in words
    DossierPart.WHOLE: gettext_lazy("Whole dossier"),
    DossierPart.CONTACTS: gettext_lazy("Contacts"),
    DossierPart.CONTACT: gettext_lazy("One contact"),
    DossierPart.CREDIT: gettext_lazy("Credit"),
    DossierPart.ORDERS: gettext_lazy("Orders"),
    DossierPart.PAYMENTS: gettext_lazy("Payments"),
    DossierPart.ASSESSMENTS: gettext_lazy("Assessments"),
    DossierPart.LIMIT_REQUESTS: gettext_lazy("Limit requests"),
    DossierPart.HISTORY: gettext_lazy("History"),
    DossierPart.INTERACTIONS: gettext_lazy("Interactions"),
    DossierPart.CATALOGUE: gettext_lazy("Archive catalogue"),
    DossierPart.CREDIT_FILE: gettext_lazy("Credit file (PDF)"),
}
LIST_OBJECT = "list"
"""The access log's object of the full rows a list page showed (``access_log_record_rows``)."""
EXPORT_OBJECT = "export"
"""… and of those a file of the list carried (the customer list's CSV/XLSX export)."""

WHOLE_PARTS = frozenset({DossierPart.WHOLE, DossierPart.CREDIT_FILE})
"""The parts that show every section, figure, document and review."""


MASKABLE = frozenset({DossierPart.WHOLE, DossierPart.CONTACTS})
"""The parts with a masked form (DOMAIN §1: code, unit name, owner, contact names and titles); the others are
refused to a user who may not read the dossier in full."""


@dataclass(slots=True)
class Dossier:
    """One read of a dossier: the full view, or the masked one (``masked``: only ``customer.code``, ``.name``,
    ``.owner`` and ``contacts`` with names and titles may be shown). The lists are filled for the whole dossier;
    a read of one part carries the customer and leaves the part's rows to that part's selector."""

    customer: Customer
    contacts: list[Contact]
    masked: bool = False
    is_stale: bool = False
    interactions: list[Interaction] = field(default_factory=list)
    interaction_count: int = 0
    history: list[ChangeRecord] = field(default_factory=list)
    latest_figures: list[FinancialFigure] = field(default_factory=list)
    figure_history: list[FinancialFigure] = field(default_factory=list)
    documents: list[CreditDocument] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


def dossier_read(
    *,
    user: AbstractBaseUser,
    code: str,
    channel: str,
    today: date,
    part: DossierPart = DossierPart.WHOLE,
    archived: bool | None = False,
) -> Dossier:
    """A dossier as ``user`` may see it, full or masked, and its access-log entry (DOMAIN §1).

    Every page and API call that shows a dossier or a part of it reads it here, so the browser and the API
    mask and log alike. The masking decision is the ``customers.view_dossier`` permission of ``crm/access.py``.
    A full read by someone who is not the owner writes one access-log row (who, which customer, ``part`` as the
    object, ``channel``, and the role that allows it as the reason): the one write a read makes, on purpose.
    Raises ``CustomerNotFound`` if the user may not list the dossier, ``AccessDenied`` if they may only see it
    masked and ``part`` has no masked form. Staleness is the flag the daily scan stored (DOMAIN §7), not re-derived.
    """
    customer = _listable(user, code, archived)
    if not user.has_perm("customers.view_dossier", customer):
        if part not in MASKABLE:
            raise AccessDenied(customer=customer)
        return _masked(customer)
    access_log_record(user=user, customer=customer, channel=channel, object_ref=str(part))
    if part not in WHOLE_PARTS:
        contacts = list(customer.contacts.all()) if part == DossierPart.CONTACTS else []
        return Dossier(customer=customer, contacts=contacts, is_stale=_is_stale(customer))
    return _full(customer, today=today)


def _listable(user: AbstractBaseUser, code: str, archived: bool | None) -> Customer:
    try:
        return dossier_get(user=user, code=code, archived=archived)
    except Customer.DoesNotExist:
        raise CustomerNotFound(code) from None


def _is_stale(customer: Customer) -> bool:
    """Stale as the daily staleness scan stored it (DOMAIN §7): the one definition every page and filter reads."""
    state = getattr(customer, "review_state", None)  # a dossier may lack its state row until the first scan
    return state is not None and state.is_stale


def _masked(customer: Customer) -> Dossier:
    """DOMAIN §1: a rep who does not own the customer sees code, unit name, owner, contact names and titles."""
    contacts = list(customer.contacts.only("id", "name", "title", "customer_id"))
    return Dossier(customer=customer, contacts=contacts, masked=True)


def _documents(customer: Customer, today: date) -> list[CreditDocument]:
    """The credit documents, each with ``expires_on`` — for a credit report the last day it counts by the one
    definition (``rules.credit_reports.credit_report_expires_on``, the policy's months), else its own valid-until
    date — and ``expired`` on ``today``."""
    documents = list(customer.credit_documents.select_related("added_by"))
    months = None
    for document in documents:
        document.expires_on = document.valid_until
        if is_credit_report(doc_type=document.doc_type, source=document.source):
            months = months or review_policy().report_months
            document.expires_on = credit_report_expires_on(
                valid_until=document.valid_until,
                issued_on=document.issued_on,
                obtained_on=document.obtained_on,
                months=months,
            )
        document.expired = document.expires_on is not None and document.expires_on < today
    return documents


def _full(customer: Customer, *, today: date, recent: int = 20) -> Dossier:
    """The full dossier: sections, contacts, recent interactions and history, figures, documents, reviews."""
    interactions = customer.interactions.select_related("author")
    shown = list(interactions[:recent])
    figures = list(customer.financial_figures.order_by("metric", "-as_of"))
    latest = latest_by_metric(figures)
    return Dossier(
        customer=customer,
        contacts=list(customer.contacts.all()),
        is_stale=_is_stale(customer),
        interactions=shown,
        # fewer than ``recent`` shown: that is all of them, and most dossiers need no count query
        interaction_count=len(shown) if len(shown) < recent else interactions.count(),
        history=list(customer.changes.select_related("by")[:recent]),
        latest_figures=list(latest.values()),
        figure_history=figures,
        documents=_documents(customer, today),
        reviews=list(customer.reviews.select_related("reviewed_by")[:5]),
    )


class DossierRow(NamedTuple):
    """A list row and whether the user sees it in full (True) or masked (DOMAIN §1). The row is a ``Customer``, or
    a plain row of the API list (``customer_api_list``) with its ``pk`` and ``owner_id``."""

    customer: OwnedDossier
    full: bool


def dossier_rows(
    *, user: AbstractBaseUser, customers: Iterable[OwnedDossier], channel: str, object_ref: str = LIST_OBJECT
) -> list[DossierRow]:
    """The rows of a customer list page, each with the masking decision of ``crm/access.py``. The full rows of
    customers the user does not own are access-logged (DOMAIN §1: they show phones, USCC, figures), one entry per
    customer with ``object_ref`` (``list``, or ``export`` for a file) as the object, in one INSERT per page."""
    sees_in_full = access.dossier_view_test(user)
    rows = [DossierRow(customer, sees_in_full(customer)) for customer in customers]
    access_log_record_rows(
        user=user, customers=[row.customer for row in rows if row.full], channel=channel, object_ref=object_ref
    )
    return rows


EXPORT_ROWS = 10_000  # a customer-list export holds at most this many rows, the list's first ones


def customer_list_table(*, user: AbstractBaseUser, filters: CustomerFilters, channel: str) -> Table:
    """The customer list (its filters and order) as a table for a CSV or XLSX file: the list's first ``EXPORT_ROWS``
    rows, masked as the list masks them (DOMAIN §1: code, name and owner only) and access-logged as the list is,
    with ``export`` as the object."""
    customers = customer_list(user=user, filters=filters)[:EXPORT_ROWS]
    rows = dossier_rows(user=user, customers=customers, channel=channel, object_ref=EXPORT_OBJECT)
    return Table(columns=_export_columns(), rows=[_export_row(customer, full) for customer, full in rows])


def _export_columns() -> list[Column]:
    fields = Customer._meta
    names = ("code", "name", "owner", "kind", "nature", "size", "region", "industry", "phone", "email")
    columns = [Column(name, capfirst(fields.get_field(name).verbose_name)) for name in names]
    return [
        *columns,
        Column("unified_social_credit_code", _("USCC")),
        Column("completeness", _("Completeness (%)")),
        Column("next_review_due", _("Next review")),
        Column("is_stale", _("Stale")),
        Column("tier", _("Tier")),
        Column("payment_grade", _("Payment grade")),
        Column("risk_class", _("Risk class")),
    ]


def _export_row(customer: Customer, full: bool) -> dict:
    row = {
        "code": customer.code,
        "name": customer.name,
        "owner": customer.owner.get_full_name() or customer.owner.get_username(),
    }
    if not full:
        return row
    profile = getattr(customer, "credit_profile", None)
    state = getattr(customer, "review_state", None)
    return {
        **row,
        **{name: getattr(customer, name) for name in ("region", "industry", "phone", "email", "completeness")},
        "kind": customer.get_kind_display(),
        "nature": customer.get_nature_display(),
        "size": customer.get_size_display(),
        "unified_social_credit_code": customer.unified_social_credit_code,
        "next_review_due": state.next_review_due if state else None,
        "is_stale": _("Yes") if state and state.is_stale else _("No"),
        "tier": profile.get_tier_display() if profile else "",
        "payment_grade": profile.get_payment_grade_display() if profile else "",
        "risk_class": profile.get_risk_class_display() if profile else "",
    }


def latest_figure_values(*, customer_ids: Sequence[int], metrics: Sequence[str] = ()) -> dict[int, dict[str, Decimal]]:
    """Per customer, the value of the latest figure of each metric (``rules.figures.latest_by_metric``), one query."""
    figures = FinancialFigure.objects.filter(AnyOf(F("customer_id"), list(customer_ids)))
    if metrics:
        figures = figures.filter(metric__in=metrics)
    # Plain rows, and the rule asked only for customers with figures: the nightly recompute asks for 20,000 at once.
    by_customer: dict[int, list] = {}
    for figure in figures.order_by().values_list("customer_id", "metric", "as_of", "value", named=True):
        by_customer.setdefault(figure.customer_id, []).append(figure)
    latest = {pk: {m: f.value for m, f in latest_by_metric(rows).items()} for pk, rows in by_customer.items()}
    return {pk: latest.get(pk, {}) for pk in customer_ids}


def change_history(*, customer: Customer) -> QuerySet[ChangeRecord]:
    return customer.changes.select_related("by")


def interaction_list(*, customer: Customer) -> QuerySet[Interaction]:
    return customer.interactions.select_related("author")


def interactions_of(
    *, customers: QuerySet[Customer], kinds: Sequence[str], since: date | None = None, until: date
) -> QuerySet[Interaction]:
    """Customer-card records of these kinds by these customers dated after ``since`` (if given) and not after
    ``until`` (the behaviour analysis, DOMAIN §10.6)."""
    qs = Interaction.objects.filter(customer__in=customers.values("pk"), kind__in=kinds, occurred_on__lte=until)
    return qs if since is None else qs.filter(occurred_on__gt=since)


def interaction_kind_labels() -> dict[str, str]:
    """Interaction kinds and their translated labels, in display order."""
    return dict(Interaction.Kind.choices)


def owner_candidates() -> QuerySet:
    """Users who can own dossiers: active sales reps and sales managers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.SALES, roles.SALES_MANAGER])
        .distinct()
        .order_by("username")
    )


# Dashboards (issue 14): the work lists a count opens, and the counts ------------------------------------------------

DUE_KINDS = ("review", "assessment", "credit_report", "limit", "limit_renewal", "complaint")
"""The work lists behind dashboard counts, each also a filter of the customer list (``CustomerFilters.due``)."""


def open_complaints() -> QuerySet[Interaction]:
    """Complaints not yet followed by a service record for the same customer on or after their day (DOMAIN §10.6
    measures the same wait)."""
    answered = Interaction.objects.filter(
        customer=OuterRef("customer"), kind=Interaction.Kind.SERVICE, occurred_on__gte=OuterRef("occurred_on")
    )
    return Interaction.objects.filter(kind=Interaction.Kind.COMPLAINT).filter(~Exists(answered))


def due_condition(due: str, *, today: date, windows: Windows) -> Q:
    """The customers on a work list as of ``today``, as one condition (``DUE_KINDS``):

    - review: the review falls due within the policy's dashboard window, or the dossier is stale (DOMAIN §7);
    - assessment: a medium or large customer without a valid assessment, whose limit needs one (DOMAIN §5.3, §6.2);
    - credit_report: every credit report valid today runs out within the expiry window (DOMAIN §7);
    - limit: the approved limit ends within the expiry window (DOMAIN §6.3);
    - limit_renewal: so does the limit, and no request for a new one is pending yet;
    - complaint: a complaint waits for a service record.
    """
    until = today + timedelta(days=windows.expiry_days)
    limit_ends = Q(credit_profile__limit_valid_until__gte=today, credit_profile__limit_valid_until__lte=until)
    if due == "review":
        due_by = today + timedelta(days=windows.review_days)
        return Q(review_state__next_review_due__lte=due_by) | Q(review_state__is_stale=True)
    if due == "assessment":
        return Q(credit_profile__investigation_required=True)
    if due == "credit_report":
        valid_now = valid_credit_reports(today=today, months=windows.report_months)
        valid_after = valid_credit_reports(today=until + timedelta(days=1), months=windows.report_months)
        return Q(Exists(valid_now.filter(customer=OuterRef("pk")))) & ~Q(
            Exists(valid_after.filter(customer=OuterRef("pk")))
        )
    if due == "limit":
        return limit_ends
    if due == "limit_renewal":
        return limit_ends & ~Q(limit_requests__status="pending")
    if due == "complaint":
        return Q(Exists(open_complaints().filter(customer=OuterRef("pk"))))
    raise ValueError(due)


def due_count(*, user: AbstractBaseUser, due: str, today: date, windows: Windows) -> int:
    """How many live customers the user reads in full are on a work list: the rows ``customer_list`` shows with
    ``CustomerFilters(due=due)``. For a reader of every dossier, credit reports are counted from the reports'
    side (``credit_reports_due_count``) instead of asking each of a million customers."""
    if due == "credit_report" and access.dossiers_fully_visible(user) is None and roles.roles_of(user):
        return credit_reports_due_count(today=today, windows=windows)
    return customers_read_in_full(user=user).filter(due_condition(due, today=today, windows=windows)).count()


def archived_customers() -> QuerySet[Customer]:
    """The archived dossiers' ids (a few, on their partial index), for counts over every live dossier that
    subtract them instead of joining every customer."""
    return Customer.objects.filter(deleted_at__isnull=False).values("pk")


def credit_reports_due_count(*, today: date, windows: Windows) -> int:
    """Live customers whose every credit report valid today runs out within the expiry window (``due_condition``'s
    "credit_report" over every live dossier): distinct customers of the reports valid today, less those with one
    still valid after the window and the archived."""
    until = today + timedelta(days=windows.expiry_days)
    valid_after = valid_credit_reports(today=until + timedelta(days=1), months=windows.report_months)
    return (
        valid_credit_reports(today=today, months=windows.report_months)
        .exclude(customer_id__in=valid_after.values("customer_id"))
        .exclude(customer_id__in=archived_customers())
        .values("customer_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True, slots=True)
class RepCounts:
    """A sales rep's own dossiers and what needs doing with them."""

    mine: int
    incomplete: int
    stale: int
    review_due: int


def rep_counts(*, user: AbstractBaseUser, today: date, windows: Windows) -> RepCounts:
    """My live dossiers, the incomplete, the stale and those whose review falls due within the dashboard window:
    one query."""
    mine = customer_scope(user=user).filter(owner=user)
    incomplete = COMPLETENESS_BANDS["lt100"]
    found = mine.aggregate(
        mine=Count("pk"),
        incomplete=Count("pk", filter=Q(completeness__gte=incomplete[0], completeness__lte=incomplete[1])),
        stale=Count("pk", filter=Q(review_state__is_stale=True)),
        review_due=Count("pk", filter=due_condition("review", today=today, windows=windows)),
    )
    return RepCounts(**found)


def least_complete(*, user: AbstractBaseUser, limit: int = 10) -> list[Customer]:
    return list(
        customer_scope(user=user).filter(owner=user, completeness__lt=100).order_by("completeness", "name")[:limit]
    )


def reviews_due(*, user: AbstractBaseUser, today: date, windows: Windows, limit: int = 10) -> list[Customer]:
    mine = customer_scope(user=user).filter(owner=user).filter(due_condition("review", today=today, windows=windows))
    return list(mine.select_related("review_state").order_by("review_state__next_review_due", "pk")[:limit])


def recent_interactions(*, user: AbstractBaseUser, limit: int = 10) -> list[Interaction]:
    """The latest records on my customers."""
    recent = Interaction.objects.filter(customer__owner=user, customer__deleted_at__isnull=True)
    return list(recent.select_related("customer", "author").order_by("-occurred_on", "-id")[:limit])


@dataclass(frozen=True, slots=True)
class OwnerCounts:
    """One owner's live dossiers on the sales manager's team table."""

    owner_id: int
    username: str
    name: str
    is_active: bool
    dossiers: int
    stale: int
    incomplete: int


def team_counts(*, user: AbstractBaseUser) -> list[OwnerCounts]:
    """Live dossiers, stale and incomplete ones per owner, for a reader of every dossier (every owner, also one who
    has left and still owns customers), by username: two queries. The counts are grouped by owner id alone (a
    hash of a few hundred groups, not a sort of every customer by the owner's names) over the customers joined to
    the stale review states only (their partial index); then the owners' names."""
    if access.dossiers_fully_visible(user) is not None:
        return []
    low, high = COMPLETENESS_BANDS["lt100"]
    counts = (
        customer_scope(user=user)
        .annotate(stale_state=FilteredRelation("review_state", condition=Q(review_state__is_stale=True)))
        .order_by()
        .values("owner_id")
        .annotate(
            dossiers=Count("pk"),
            stale=Count("stale_state"),
            incomplete=Count("pk", filter=Q(completeness__gte=low, completeness__lte=high)),
        )
    )
    counts = {row.pop("owner_id"): row for row in counts}
    owners = get_user_model().objects.in_bulk(list(counts))  # every dossier has an owner
    rows = [
        OwnerCounts(
            owner_id=pk,
            username=owner.username,
            name=owner.get_full_name() or owner.username,
            is_active=owner.is_active,
            **counts[pk],
        )
        for pk, owner in owners.items()
    ]
    return sorted(rows, key=lambda row: row.username)


@dataclass(frozen=True, slots=True)
class ComplaintWait:
    """An open complaint and how many days it has waited."""

    complaint: Interaction
    days: int


def complaint_counts(*, user: AbstractBaseUser) -> int:
    """Live customers with a complaint waiting for a service record, of those the user reads in full."""
    return customers_read_in_full(user=user).filter(Exists(open_complaints().filter(customer=OuterRef("pk")))).count()


def complaints_waiting(*, user: AbstractBaseUser, today: date, limit: int = 10) -> list[ComplaintWait]:
    """The open complaints that have waited longest, of customers the user reads in full."""
    complaints = open_complaints().filter(customer__in=customers_read_in_full(user=user).values("pk"))
    # the ids first, from the complaints' and service records' indexes alone; then the rows of those few
    ids = complaints.order_by("occurred_on", "id").values("pk")[:limit]
    oldest = Interaction.objects.filter(pk__in=ids).select_related("customer").order_by("occurred_on", "id")
    return [ComplaintWait(c, (today - c.occurred_on).days) for c in oldest]


def customer_choice_labels() -> dict[str, dict[str, str]]:
    """Codes and their translated labels, in display order: kind, nature, size (DOMAIN §2)."""
    return {name: dict(Customer._meta.get_field(name).choices) for name in ("kind", "nature", "size")}


# Duplicates (DOMAIN §2.3) ------------------------------------------------------------------------------------------

SIMILAR_KEYS = 20  # the most similar stored names a suggestion weighs with the rule …
CANDIDATE_ROWS = 100  # … and at most this many of their dossiers (equal names first)
DUPLICATE_CHUNK = 5000  # keys per query of the batch variant


@dataclass(frozen=True, slots=True)
class DuplicateProbe:
    """A record about to be written, as duplicate detection compares it (an import row, a new dossier)."""

    name: str
    phone: str = ""
    region: str = ""
    external_id: str = ""
    uscc: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateSuspect:
    """A stored dossier that may be the probed customer: why (``rules.names_rule.DuplicateReason``) and how alike.

    ``masked``: the reader may not see the dossier in full, so only its name was compared (DOMAIN §1: the unit name
    is all a masked row shows; its phone, region, external id and credit code neither match nor show)."""

    customer_id: int
    code: str
    name: str
    owner: str
    reason: names_rule.DuplicateReason
    score: float
    masked: bool = False

    @property
    def is_certain(self) -> bool:
        return self.reason in names_rule.CERTAIN


_CANDIDATE_COLUMNS = ("pk", "code", "name", "name_key", "phone", "region", "external_id")


def _candidates(qs: QuerySet[Customer]) -> list[dict]:
    return list(qs.values(*_CANDIDATE_COLUMNS, "owner_id", "owner__username", uscc=F("unified_social_credit_code")))


def _sees_fully(user: AbstractBaseUser | None):
    """Whether the reader sees a candidate row in full (``customers.view_dossier``); None reads everything."""
    if user is None:
        return lambda row: True

    @functools.cache
    def sees_owners_customers(owner_id: int) -> bool:  # the policy decides by owner: asked once per owner
        return user.has_perm("customers.view_dossier", Customer(owner_id=owner_id))

    return lambda row: sees_owners_customers(row["owner_id"])


_PARTY = "party"  # a candidate row's (seen in full, Party), kept in the row: the batch variant weighs it many times


def _party_of(row: dict, sees_fully) -> tuple[bool, names_rule.Party]:
    full = sees_fully(row)
    evidence = (row["phone"], row["region"], row["external_id"] or "", row["uscc"]) if full else ()
    row[_PARTY] = full, names_rule.Party(row["name_key"], *evidence)
    return row[_PARTY]


def _suspects_of(
    probe: DuplicateProbe, rows: Iterable[dict], sees_fully, threshold: float, limit: int
) -> list[DuplicateSuspect]:
    new = names_rule.Party(
        names_rule.name_key(probe.name), probe.phone, probe.region, probe.external_id, probe.uscc.upper()
    )
    found: dict[int, DuplicateSuspect] = {}
    for row in rows:
        full, old = row.get(_PARTY) or _party_of(row, sees_fully)
        match = names_rule.duplicate_reason(new, old, threshold=threshold)
        if match is None or row["pk"] in found:
            continue
        found[row["pk"]] = DuplicateSuspect(
            row["pk"], row["code"], row["name"], row["owner__username"], match.reason, round(match.score, 1), not full
        )
    ranked = sorted(found.values(), key=lambda s: (names_rule.RANK[s.reason], -s.score, s.code))
    return ranked[:limit]


TRIGRAM_FLOOR = "0.4"
"""The trigram similarity a key needs to be weighed at all: below what one changed character of a 7-character name
gives (0.45, where rapidfuzz gives 85.7); the default 0.3 rechecks several times as many rows (DOMAIN §2.3)."""


def _similar_keys(key: str) -> list[str]:
    """``key`` and the 20 most similar normalised names on PostgreSQL, by the trigram index of ``NameKey``, of those
    a live dossier holds: a key left by a rename, a merge or an undone import (the table only grows) would otherwise
    take one of the 20 places and crowd out a live dossier's name (an index probe per key weighed)."""
    likeness = Func(F("key"), Value(key), function="similarity", output_field=FloatField())
    held = Customer.objects.filter(name_key=OuterRef("key"), deleted_at__isnull=True)
    similar = (
        NameKey.objects.filter(key__trigram_similar=key)
        .exclude(key=key)
        .filter(Exists(held))
        .annotate(likeness=likeness)
    )
    sql, params = similar.order_by("-likeness").values_list("key")[:SIMILAR_KEYS].query.sql_with_params()
    # The floor for this transaction only, set in the same round trip as the search: statements sent together run in
    # one transaction (or in the caller's). A round trip costs more than the search on a busy server (≈9 ms vs 3).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT set_config('pg_trgm.similarity_threshold', %s, true); {sql}", [TRIGRAM_FLOOR, *params])
        return [key, *(row[0] for row in cursor.fetchall())]


def duplicate_suspects(
    *,
    user: AbstractBaseUser,
    name: str,
    phone: str | None = None,
    region: str | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
    threshold: float = names_rule.DEFAULT_THRESHOLD,
) -> list[DuplicateSuspect]:
    """Live dossiers the user may list that may be the customer ``name`` (DOMAIN §2.3), best first: the same
    normalised name, or on PostgreSQL a similar one (the 20 most similar names of ``NameKey`` by its trigram index,
    weighed by the rule), together with the same phone or region. Three queries, whatever the table's size."""
    key = names_rule.name_key(name)
    if not key:
        return []
    qs = customer_scope(user=user).exclude(pk=exclude_id)
    if connection.vendor == "postgresql":  # the most similar keys from the narrow NameKey table's trigram index
        keys = _similar_keys(key)
        equal_first = Case(When(name_key=key, then=Value(0)), default=Value(1))
        # Which rows, from the normalised-name index alone (an index-only scan of its keys and ids), then only those
        # rows: a common name has hundreds of dossiers, each a page read if chosen among on the table itself.
        chosen = qs.filter(name_key__in=keys).order_by(equal_first).values("pk")[:CANDIDATE_ROWS]
        rows = _candidates(Customer.objects.filter(pk__in=chosen).order_by())
    else:  # SQLite (development): equal keys and those that start alike
        rows = _candidates(qs.filter(Q(name_key=key) | Q(name_key__startswith=key[:2]))[:CANDIDATE_ROWS])
    probe = DuplicateProbe(name, phone or "", region or "")
    return _suspects_of(probe, rows, _sees_fully(user), threshold, limit)


def duplicate_suspects_many(
    *,
    names: Sequence[DuplicateProbe | str],
    user: AbstractBaseUser | None = None,
    limit: int = 5,
    threshold: float = names_rule.DEFAULT_THRESHOLD,
) -> dict[int, list[DuplicateSuspect]]:
    """``duplicate_suspects`` for many records at once (an import's dry run): {index in ``names``: suspects} for the
    records that have any. Set-based: one query per 5,000 records finds the live dossiers with an equal
    normalised name, external id or credit code (similar but unequal names are the single suggestion's job).
    ``user`` None compares every dossier in full (a job); else as ``duplicate_suspects``."""
    probes = [DuplicateProbe(p) if isinstance(p, str) else p for p in names]
    sees_fully = _sees_fully(user)
    scope = Customer.objects.filter(deleted_at__isnull=True) if user is None else customer_scope(user=user)
    result: dict[int, list[DuplicateSuspect]] = {}
    for start in range(0, len(probes), DUPLICATE_CHUNK):
        chunk = probes[start : start + DUPLICATE_CHUNK]
        keys = {names_rule.name_key(p.name) for p in chunk} - {""}
        ids = {p.external_id for p in chunk if p.external_id}
        codes = {p.uscc.upper() for p in chunk if p.uscc}
        found = Q(name_key__in=keys) | Q(external_id__in=ids) | Q(unified_social_credit_code__in=codes)
        by_key, by_id, by_code = defaultdict(list), defaultdict(list), defaultdict(list)
        for row in _candidates(scope.filter(found).order_by()):
            by_key[row["name_key"]].append(row)
            by_id[row["external_id"]].append(row)
            by_code[row["uscc"]].append(row)
        weighed: dict[DuplicateProbe, list[DuplicateSuspect]] = {}  # a record repeated in the batch is weighed once
        for offset, probe in enumerate(chunk):
            if probe not in weighed:
                rows = (
                    [*by_id[probe.external_id], *by_code[probe.uscc.upper()]] if probe.external_id or probe.uscc else []
                )
                weighed[probe] = _suspects_of(
                    probe, rows + by_key[names_rule.name_key(probe.name)], sees_fully, threshold, limit
                )
            if weighed[probe]:
                result[start + offset] = list(weighed[probe])
    return result


def merged_into_code(*, user: AbstractBaseUser, code: str) -> str | None:
    """The code of the dossier that ``code`` was merged into (DOMAIN §2.3: a merged code stays findable), for a
    user who may list dossiers; None when ``code`` was not merged."""
    merged = customer_scope(user=user, archived=True).filter(code=code, merged_into__isnull=False)
    return merged.values_list("merged_into__code", flat=True).first()


def duplicate_pairs(*, user: AbstractBaseUser) -> QuerySet[Customer]:
    """Every live dossier that shares its normalised name with an older live one (DOMAIN §2.3), as ``other_id``
    (the oldest of its name), ordered by (name_key, id) for a cursor: the stored key and its index, not a pairwise
    comparison. The credit code needs no pairs: it is unique among all dossiers. ``duplicate_pair_rows`` weighs a
    page of them with the rule. Sales managers (``customers.merge_customers``) see every dossier in full."""
    if not user.has_perm("customers.merge_customers"):
        return Customer.objects.none()
    live = Customer.objects.filter(deleted_at__isnull=True)
    oldest = live.filter(name_key=OuterRef("name_key"), pk__lt=OuterRef("pk")).order_by("pk").values("pk")[:1]
    return live.exclude(name_key="").annotate(other_id=Subquery(oldest)).filter(other_id__isnull=False)


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    customer: Customer
    other: Customer
    reason: names_rule.DuplicateReason
    score: float


def duplicate_pair_rows(*, pairs: Iterable[Customer]) -> list[DuplicatePair]:
    """A page of ``duplicate_pairs`` with the dossiers on both sides, each pair's reason by the rule of DOMAIN §2.3:
    pairs that the rule clears (two known regions that differ, no shared phone) are left out. Two queries."""
    pairs = list(pairs)
    others = Customer.objects.select_related("owner").in_bulk({c.other_id for c in pairs})
    rows = []
    for customer in pairs:
        other = others[customer.other_id]
        match = names_rule.duplicate_reason(_party(customer), _party(other))
        if match is not None:
            rows.append(DuplicatePair(customer, other, match.reason, round(match.score, 1)))
    return rows


def _party(customer: Customer) -> names_rule.Party:
    return names_rule.Party(customer.name_key, customer.phone, customer.region)
