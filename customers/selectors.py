"""Every read of dossiers the UI and API need, scoped to the caller, in a constant number of queries."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from crm import access, roles
from crm.errors import AccessDenied, NotFound
from crm.services import access_log_record, access_log_record_rows
from customers.models import (
    ChangeRecord,
    Contact,
    CreditDocument,
    Customer,
    FinancialFigure,
    InformationSource,
    Interaction,
    Review,
)
from customers.rules.credit_reports import earliest_report_date_valid_on
from customers.rules.figures import latest_by_metric
from customers.rules.review import ReviewPolicy

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
    "review": ("review_state__next_review_due", "id"),
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
COMPLETENESS_BANDS = {"lt50": (0, 49), "50-79": (50, 79), "80-99": (80, 99), "100": (100, 100)}


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
    archived: bool = False
    ordering: str = "name"


def customer_scope(*, user: AbstractBaseUser, archived: bool | None = False) -> QuerySet[Customer]:
    """The dossiers a user may list: every role sees the list (masked where not allowed), others nothing.

    ``archived``: False for live dossiers, True for archived ones, None for both.
    """
    qs = Customer.objects.all()
    if not (user.is_superuser or roles.roles_of(user)):
        return qs.none()
    return qs if archived is None else qs.filter(deleted_at__isnull=not archived)


def _search(qs: QuerySet[Customer], q: str, fully_visible: Q | None) -> QuerySet[Customer]:
    """Match name or contact name (substring), code or USCC (exact), case-insensitively; the USCC is hidden on a
    masked row (DOMAIN §1), so it matches only rows the user may see in full.

    Text without letter case (Chinese) uses a plain LIKE, twice as fast as a case-insensitive match;
    on PostgreSQL both LIKE and ILIKE use the trigram index on the name for 3+ characters.
    """
    q = q.strip()
    if not q:
        return qs
    lookup = "name__contains" if q.upper() == q.lower() else "name__ilike"
    contacts = Contact.objects.filter(**{lookup: q}).values("customer_id")
    uscc = Q(unified_social_credit_code=q.upper())
    if fully_visible is not None:
        uscc &= fully_visible
    return qs.filter(Q(**{lookup: q}) | Q(code=q.upper()) | uscc | Q(pk__in=contacts))


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
    """The customer list, filtered and sorted; rows carry their owner and review state (two queries per page).

    A condition on a field that a masked row hides holds only for the rows the user may see in full (``crm.access
    .dossiers_fully_visible``), so a rep's results are the same whatever another rep's customers hold (DOMAIN §1).
    ``orderings``: the sort keys the caller offers (the browser's ``ORDERINGS`` by default, or ``API_ORDERINGS``).
    """
    orderings = orderings or ORDERINGS
    fully_visible = access.dossiers_fully_visible(user)
    qs = _search(customer_scope(user=user, archived=filters.archived), filters.q, fully_visible)
    if filters.owner:
        qs = qs.filter(owner__username=filters.owner)
    conditions = _hidden_conditions(filters)
    for condition in conditions:
        qs = qs.filter(condition)
    if conditions and fully_visible is not None:
        qs = qs.filter(fully_visible)
    # The review state comes in a second query for the page's rows only: joined, it would be read for every row
    # a deep page skips (the last page at 100k dossiers: +70 ms).
    qs = qs.select_related("owner").prefetch_related("review_state")
    return _ordered(qs, orderings.get(filters.ordering) or next(iter(orderings.values())), fully_visible)


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


CREDIT_REPORT = Q(
    doc_type=CreditDocument.Type.CREDIT_REPORT, source__in=(InformationSource.CREDIT_AGENCY, InformationSource.BANK)
) | Q(doc_type=CreditDocument.Type.BANK_CREDIT_CERTIFICATE)
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
    qs = customer_scope(user=user, archived=True)
    fully_visible = access.dossiers_fully_visible(user)
    shown = F("external_id") if fully_visible is None else Case(When(fully_visible, then=F("external_id")))
    qs = qs.annotate(feed_external_id=shown)
    return qs.filter(deleted_at__gte=since) if since is not None else qs


def customer_api_list(*, user: AbstractBaseUser, filters: CustomerFilters) -> QuerySet[Customer]:
    """The API list: every row with its sections and contacts, in a constant number of queries, sorted by
    ``API_ORDERINGS`` (the cursor pages by the first key of ``query.order_by``)."""
    return (
        customer_list(user=user, filters=filters, orderings=API_ORDERINGS)
        .select_related("basic", "characteristics", "sales_status", "operating_status", "credit_profile")
        .prefetch_related(Prefetch("contacts", to_attr="contact_list"))
    )


def dossier_get(*, user: AbstractBaseUser, code: str, archived: bool | None = False) -> Customer:
    """One dossier with its owner and four sections joined; raises Customer.DoesNotExist if not listable."""
    qs = customer_scope(user=user, archived=archived)
    return qs.select_related(
        "owner", "review_state", "basic", "characteristics", "sales_status", "operating_status", "credit_profile"
    ).get(code=code)


class CustomerNotFound(NotFound):
    """No dossier with this code that the user may list (unknown, archived, or the user holds no role)."""


def dossier_for(
    *, user: AbstractBaseUser, code: str, perm: str = "customers.list_customers", archived: bool | None = False
) -> Customer:
    """The dossier behind ``code`` for a gate: ``CustomerNotFound`` if the user may not list it, ``AccessDenied``
    without ``perm``. Pages, API views and every app use this one gate, so they cannot disagree (DOMAIN §1)."""
    customer = _listable(user, code, archived)
    if not user.has_perm(perm, customer):
        raise AccessDenied
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
            raise AccessDenied
        return _masked(customer)
    access_log_record(user=user, customer=customer, channel=channel, object_ref=str(part))
    if part != DossierPart.WHOLE:
        contacts = list(customer.contacts.all()) if part == DossierPart.CONTACTS else []
        return Dossier(customer=customer, contacts=contacts, is_stale=_is_stale(customer))
    return _full(customer)


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


def _full(customer: Customer, recent: int = 20) -> Dossier:
    """The full dossier: sections, contacts, recent interactions and history, figures, documents, reviews."""
    interactions = customer.interactions.select_related("author")
    figures = list(customer.financial_figures.order_by("metric", "-as_of"))
    latest = latest_by_metric(figures)
    return Dossier(
        customer=customer,
        contacts=list(customer.contacts.all()),
        is_stale=_is_stale(customer),
        interactions=list(interactions[:recent]),
        interaction_count=interactions.count(),
        history=list(customer.changes.select_related("by")[:recent]),
        latest_figures=list(latest.values()),
        figure_history=figures,
        documents=list(customer.credit_documents.select_related("added_by")),
        reviews=list(customer.reviews.select_related("reviewed_by")[:5]),
    )


class DossierRow(NamedTuple):
    """A list row and whether the user sees it in full (True) or masked (DOMAIN §1)."""

    customer: Customer
    full: bool


def dossier_rows(*, user: AbstractBaseUser, customers: Iterable[Customer], channel: str) -> list[DossierRow]:
    """The rows of a customer list page, each with the masking decision of ``crm/access.py``. The full rows of
    customers the user does not own are access-logged (DOMAIN §1: they show phones, USCC, figures), one entry per
    customer with ``list`` as the object, in one INSERT per page."""
    rows = [DossierRow(customer, user.has_perm("customers.view_dossier", customer)) for customer in customers]
    access_log_record_rows(
        user=user, customers=[row.customer for row in rows if row.full], channel=channel, object_ref="list"
    )
    return rows


def latest_figure_values(*, customer_ids: Sequence[int], metrics: Sequence[str] = ()) -> dict[int, dict[str, Decimal]]:
    """Per customer, the value of the latest figure of each metric (``rules.figures.latest_by_metric``), one query."""
    figures = FinancialFigure.objects.filter(customer_id__in=customer_ids).only(
        "customer_id", "metric", "as_of", "value"
    )
    if metrics:
        figures = figures.filter(metric__in=metrics)
    by_customer: dict[int, list[FinancialFigure]] = {pk: [] for pk in customer_ids}
    for figure in figures.order_by():
        by_customer[figure.customer_id].append(figure)
    return {pk: {m: f.value for m, f in latest_by_metric(rows).items()} for pk, rows in by_customer.items()}


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


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The signed-in rep's start page."""

    my_count: int
    incomplete_count: int
    review_due_count: int
    soon_days: int  # "reviews due soon" means within this many days (the policy's dashboard window)
    incomplete: list[Customer]
    review_due: list[Customer]
    recent_interactions: list[Interaction]


def dashboard_for(*, user: AbstractBaseUser, today: date, policy: ReviewPolicy) -> Dashboard:
    """My customers, my incomplete dossiers, reviews due within the policy's dashboard window and recent
    interactions on my customers."""
    mine = customer_scope(user=user).filter(owner=user)
    due_by = date.fromordinal(today.toordinal() + policy.dashboard_days)
    review_due = mine.filter(Q(review_state__next_review_due__lte=due_by) | Q(review_state__is_stale=True))
    incomplete = mine.filter(completeness__lt=100)
    recent = (
        Interaction.objects.filter(customer__owner=user, customer__deleted_at__isnull=True)
        .select_related("customer", "author")
        .order_by("-occurred_on", "-id")[:10]
    )
    return Dashboard(
        my_count=mine.count(),
        incomplete_count=incomplete.count(),
        review_due_count=review_due.count(),
        soon_days=policy.dashboard_days,
        incomplete=list(incomplete.order_by("completeness", "name")[:10]),
        review_due=list(review_due.select_related("review_state").order_by("review_state__next_review_due")[:10]),
        recent_interactions=list(recent),
    )


def customer_choice_labels() -> dict[str, dict[str, str]]:
    """Codes and their translated labels, in display order: kind, nature, size (DOMAIN §2)."""
    return {name: dict(Customer._meta.get_field(name).choices) for name in ("kind", "nature", "size")}
