"""The review state of dossiers (DOMAIN §7): next review due and stale, set-based for the nightly scan and for one
dossier right after a review. Reads in chunks and writes set-based; running it twice changes nothing more.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from crm.bulk import upsert_from_query
from crm.chunks import id_ranges
from crm.locks import atomic_again_on_conflict
from customers.models import Customer, ReviewState, Size
from customers.rules.review import ReviewPolicy
from customers.selectors import valid_credit_reports

SCAN_CHUNK = 50_000  # dossiers a chunk of the scan covers: a part of the nightly chord


class _AddDays(Func):
    """``date + days`` (an integer expression) as a date, on PostgreSQL and on SQLite."""

    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s || ' days')", **extra)


def _key_in(relation: str, low: int, high: int) -> Q:
    return Q(**{f"{relation}__customer_id__gte": low, f"{relation}__customer_id__lt": high})


def _dossier_states(low: int, high: int, *, today: date, policy: ReviewPolicy) -> QuerySet:
    """``rules.review.dossier_state`` of the live dossiers with ids in [low, high), as SQL: (id, due, stale)
    for the ones whose stored state differs or is missing. The rule stays the definition; a test holds the two
    to the same answers (DOMAIN §7)."""
    reports = valid_credit_reports(today=today, months=policy.report_months).filter(
        customer_id=OuterRef("pk"), customer_id__gte=low, customer_id__lt=high
    )
    interval = Case(When(core=True, then=Value(policy.core_days)), default=Value(policy.other_days))
    warn_by = today + timedelta(days=policy.limit_warning_days)
    report_missing = Q(size__in=(Size.MEDIUM, Size.LARGE)) & Q(limit__isnull=False) & Q(has_report=False)
    limit_ending = Q(limit_until__isnull=False, limit_until__lte=warn_by)
    # The joined rows' own key ranges (in the join's ON): the planner then reads the chunk's profiles, states and
    # reports by their indexes instead of hashing every row of those tables once per chunk.
    return (
        Customer.objects.filter(pk__gte=low, pk__lt=high, deleted_at__isnull=True)
        .alias(
            profile=FilteredRelation("credit_profile", condition=_key_in("credit_profile", low, high)),
            state=FilteredRelation("review_state", condition=_key_in("review_state", low, high)),
        )
        .annotate(
            core=Coalesce(F("profile__is_core"), Value(False)),
            limit=F("profile__credit_limit"),
            limit_until=F("profile__limit_valid_until"),
            has_report=Exists(reports),
            old_due=F("state__next_review_due"),
            old_stale=F("state__is_stale"),
        )
        .annotate(due=_AddDays(Coalesce("last_reviewed_on", TruncDate("created_at")), interval))
        .annotate(stale=ExpressionWrapper(Q(due__lt=today) | report_missing | limit_ending, BooleanField()))
        .filter(Q(old_due__isnull=True) | ~Q(old_due=F("due")) | ~Q(old_stale=F("stale")))
        .order_by()
        .values_list("pk", "due", "stale")
    )


def _scan_chunk(low: int, high: int, *, today: date, policy: ReviewPolicy) -> int:
    states = _dossier_states(low, high, today=today, policy=policy)
    return upsert_from_query(ReviewState, ("customer", "next_review_due", "is_stale"), states)


def dossier_state_refresh(*, customer_ids: Sequence[int], today: date, policy: ReviewPolicy) -> int:
    """These dossiers' review state by the scan's own query, e.g. right after a review or when they were created
    (DOMAIN §7): the next due date follows the policy's interval for its tier at once, not the night after.
    Returns how many changed."""
    if not customer_ids:
        return 0
    return _scan_chunk(min(customer_ids), max(customer_ids) + 1, today=today, policy=policy)


def dossier_id_bounds() -> tuple[int | None, int | None]:
    """The lowest and highest dossier id, the span the staleness scan covers in chunks (None, None when empty)."""
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    return bounds["low"], bounds["high"]


def dossier_staleness_scan_chunk(*, low: int, high: int, today: date, policy: ReviewPolicy, tries: int = 3) -> int:
    """One chunk of the scan: the live dossiers with ids in [low, high), in one transaction. Idempotent, so a chunk
    run twice (a redelivered task) changes nothing the second time. A dossier deleted while the chunk ran (an
    import undone, say) fails the chunk's commit on its state row's key: the chunk then runs again without it.
    Returns how many dossiers changed."""
    return atomic_again_on_conflict(lambda: _scan_chunk(low, high, today=today, policy=policy), tries=tries)


def dossier_staleness_scan(*, today: date, policy: ReviewPolicy, chunk: int = SCAN_CHUNK) -> int:
    """Set next review due and stale on every live dossier (DOMAIN §7), a chunk of ids at a time, inside the
    database: only changed review states are written, on the narrow review state table. A scan killed midway
    is simply run again. Returns how many dossiers changed. (On workers the nightly task spreads the same chunks
    over every worker, customers/tasks.py.)"""
    return sum(
        dossier_staleness_scan_chunk(low=low, high=high, today=today, policy=policy)
        for low, high in id_ranges(*dossier_id_bounds(), chunk)
    )
