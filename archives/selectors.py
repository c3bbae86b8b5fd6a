"""Every read of the archive that pages and the API need, scoped to the caller (DOMAIN §9)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from archives.models import ArchiveDocument, Borrowing, DocumentEvent, Handover
from archives.rules.custody import ACTIVE, Custody, DocumentStatus, document_status
from crm import access, roles
from crm.errors import NotFound
from crm.models import AccessLog
from customers.models import Customer
from customers.selectors import dossier_for

PAGE_SIZE = 50
SEARCH_CUSTOMERS = 500  # customers whose name matches a register search, at most
SEARCH_MATCHES = 1000  # originals a register search shows, at most (narrow it with type or status)


def _open_borrowings() -> Prefetch:
    return Prefetch(
        "borrowings",
        queryset=Borrowing.objects.filter(status__in=list(ACTIVE)).select_related("borrower"),
        to_attr="open_borrowings",
    )


def with_status(documents: Iterable[ArchiveDocument], *, today: date) -> list[ArchiveDocument]:
    """Give each document its catalogue status and its open borrowing (if prefetched)."""
    documents = list(documents)
    for document in documents:
        document.status = document_status(
            custody=Custody(document.custody), expires_on=document.expires_on, today=today
        )
        open_ = getattr(document, "open_borrowings", [])
        document.open_borrowing = open_[0] if open_ else None
    return documents


def catalogue(*, customer: Customer, today: date) -> list[ArchiveDocument]:
    """The customer's catalogue 客户档案目录: every original with its status, in type and number order."""
    documents = ArchiveDocument.objects.filter(customer=customer).prefetch_related(_open_borrowings())
    return with_status(documents.order_by("doc_type", "number"), today=today)


EXPIRING = "expiring"  # a register filter beside the catalogue statuses: expires within ``expiring_days``


@dataclass(frozen=True, slots=True)
class RegisterFilters:
    search: str = ""
    doc_type: str = ""
    status: str = ""
    expiring_days: int = 30  # the policy's dashboard window, for the "expiring" status


def register_list(*, user: AbstractBaseUser, filters: RegisterFilters, today: date) -> QuerySet[ArchiveDocument]:
    """The register as the caller may query it: everything for archive staff, own customers for sales reps."""
    documents = ArchiveDocument.objects.select_related("customer").order_by("-registered_at", "-id")
    customers = Customer.objects.all()
    if not (user.is_superuser or access.queries_every_archive(user)):
        customers = customers.filter(owner=user) if access.is_sales_staff(user) else customers.none()
        documents = documents.filter(customer__in=customers)
    if filters.doc_type:
        documents = documents.filter(doc_type=filters.doc_type)
    if filters.status == EXPIRING:
        documents = documents.filter(expiring_documents(today=today, days=filters.expiring_days))
    elif filters.status:
        documents = documents.filter(_status_q(filters.status, today))
    if filters.search:
        # Collect the matches unordered first (index scans), then sort those: ordered by date with a LIMIT,
        # PostgreSQL would walk the date index through the whole register looking for the few matches.
        term = filters.search.strip()
        matches = documents.filter(_search_q(term, customers)).order_by().values_list("pk", flat=True)
        documents = documents.filter(pk__in=list(matches[:SEARCH_MATCHES]))
    return documents


def _search_q(term: str, customers: QuerySet[Customer]) -> Q:
    """Archive number or customer code (exact), title or customer name (substring). Each branch has its own
    index on PostgreSQL (unique number, customer codes and names, trigram on titles), so they combine."""
    caseless = term.upper() == term.lower()  # e.g. Chinese: plain LIKE, which the trigram index serves
    lookup = "contains" if caseless else "ilike"
    customers = customers.filter(Q(code=term.upper()) | Q(**{f"name__{lookup}": term}))
    # The matching customers as a list, not a subquery: PostgreSQL combines "IN (ids)" with the other indexes
    # in one bitmap scan, but scans the whole register for "OR IN (SELECT …)".
    customer_ids = list(customers.values_list("pk", flat=True)[:SEARCH_CUSTOMERS])
    return Q(number=term.upper()) | Q(customer_id__in=customer_ids) | Q(**{f"title__{lookup}": term})


def _status_q(status: str, today: date) -> Q:
    not_expired = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    return {
        DocumentStatus.MISSING: Q(custody=Custody.MISSING),
        DocumentStatus.LENT: Q(custody=Custody.LENT),
        DocumentStatus.EXPIRED: Q(custody=Custody.IN_PLACE, expires_on__lt=today),
        DocumentStatus.IN_PLACE: Q(custody=Custody.IN_PLACE) & not_expired,
    }.get(status, Q())


def expiring_documents(*, today: date, days: int) -> Q:
    """Originals whose validity ends between today and ``days`` ahead (a licence or report to renew, DOMAIN §9)."""
    return Q(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))


class DocumentNotFound(NotFound):
    """No original with this archive number."""


def document_for(*, user: AbstractBaseUser, number: str, perm: str = "archives.view_documents") -> ArchiveDocument:
    """The document behind ``number`` through the dossier gate (``DocumentNotFound``, or ``CustomerNotFound`` if
    its customer is not listable for the user, ``AccessDenied`` without ``perm``), so archive pages cannot
    disagree with the dossier's access rules."""
    documents = ArchiveDocument.objects.select_related("customer", "registered_by").prefetch_related(_open_borrowings())
    document = documents.filter(number=number).first()
    if document is None:
        raise DocumentNotFound(number)
    document.customer = dossier_for(user=user, code=document.customer.code, perm=perm, archived=None)
    return document


def document_events(*, document: ArchiveDocument) -> QuerySet[DocumentEvent]:
    return document.events.select_related("by").order_by("-at", "-id")


def document_borrowings(*, document: ArchiveDocument) -> QuerySet[Borrowing]:
    return document.borrowings.select_related("borrower", "decided_by").order_by("-requested_at", "-id")


@dataclass(slots=True)
class BorrowingQueue:
    """The archivist's desk: requests to decide, approvals to hand over, loans out (overdue first)."""

    requested: list[Borrowing] = field(default_factory=list)
    approved: list[Borrowing] = field(default_factory=list)
    lent: list[Borrowing] = field(default_factory=list)


def borrowing_queue(*, user: AbstractBaseUser, stage: str = "", overdue_on: date | None = None) -> BorrowingQueue:
    """Open borrowings: every one for the archivist, the caller's own for everyone else; only one ``stage``
    (requested, approved, lent) if given, only loans due back before ``overdue_on`` if given."""
    rows = open_borrowings(user=user, stage=stage, overdue_on=overdue_on).select_related(
        "document__customer", "borrower", "decided_by"
    )
    queue = BorrowingQueue()
    for borrowing in rows.order_by("due_on", "requested_at", "id"):
        getattr(queue, borrowing.status).append(borrowing)
    return queue


def open_borrowings(*, user: AbstractBaseUser, stage: str = "", overdue_on: date | None = None) -> QuerySet[Borrowing]:
    """The open borrowings behind the queue and its dashboard counts (index: status, due day)."""
    rows = Borrowing.objects.filter(status__in=[stage] if stage in ACTIVE else list(ACTIVE))
    if overdue_on is not None:
        rows = rows.filter(status=Borrowing.Status.LENT, due_on__lt=overdue_on)
    if not user.has_perm("archives.keep_register"):
        rows = rows.filter(borrower=user)
    return rows


def borrowing_get(*, pk: int) -> Borrowing | None:
    return Borrowing.objects.select_related("document__customer", "borrower").filter(pk=pk).first()


@dataclass(frozen=True, slots=True)
class AccessLogFilters:
    user: AbstractBaseUser | None = None
    customer: str = ""
    action: str = ""
    channel: str = ""
    month: date | None = None  # the first day of the month
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_list(*, filters: AccessLogFilters) -> QuerySet[AccessLog]:
    """The access log, newest first, for managers (DOMAIN §1, §9): who, what, when, why."""
    rows = AccessLog.objects.select_related("user", "customer").order_by("-at", "-id")
    if filters.user:
        rows = rows.filter(user=filters.user)
    if filters.customer:
        rows = rows.filter(customer__code=filters.customer.strip().upper())
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.month:
        following = (filters.month.replace(day=28) + timedelta(days=4)).replace(day=1)
        rows = rows.filter(at__gte=_day_start(filters.month), at__lt=_day_start(following))
    if filters.since:
        rows = rows.filter(at__gte=_day_start(filters.since))
    if filters.until:
        rows = rows.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return rows


def staff_users() -> QuerySet:
    """Users who hold a role, for filters and handover choices."""
    return get_user_model().objects.filter(groups__name__in=roles.ALL_ROLES).distinct().order_by("username")


def customer_owners() -> QuerySet:
    """Everyone who owns customers, active or not: a rep who left is deactivated, and is the one handed over."""
    return get_user_model().objects.filter(pk__in=Customer.objects.values("owner_id")).order_by("username")


def owned_customers(*, owner: AbstractBaseUser) -> QuerySet[Customer]:
    return Customer.objects.filter(owner=owner).order_by("code").only("pk", "code", "name", "deleted_at")


def handover_list(*, since: date | None = None) -> QuerySet[Handover]:
    """Handovers, newest first; only those on or after ``since`` if given."""
    rows = Handover.objects.select_related("from_owner", "to_owner", "by").order_by("-at", "-id")
    return rows if since is None else rows.filter(at__gte=_day_start(since))


def handover_customers(*, handover: Handover) -> QuerySet[Customer]:
    return handover.customers.select_related("owner").order_by("code")
