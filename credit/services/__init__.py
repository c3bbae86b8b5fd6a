"""Every write of the credit engine (DOMAIN §3–§6). Rules live in credit/rules; this maps rows to them."""

import json
import operator
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from queue import Empty, SimpleQueue
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from credit import selectors
from credit.ledger_sql import ledger_facts_between
from credit.models import (
    NOTE_CAUSE_LABELS,
    Assessment,
    CorePin,
    CreditHistory,
    CreditLimit,
    CreditLimitRequest,
    CreditNote,
    CreditPolicyVersion,
    CreditProfile,
    GradeOverride,
    Order,
    OrderLine,
    Payment,
    ScoringModel,
    money_words,
)
from credit.rules import decisions, limits, orders, scoring, tier
from credit.rules import grade as grade_rules
from credit.rules.policy import CreditPolicy
from credit.rules.profile import compute_profile, ledger_facts, profile_of
from crm.bulk import AnyOf, bulk_update_rows, insert_rows, upsert_rows
from crm.chunks import threads_may_share_work
from crm.events import CreditDataChanged, CustomersMerged
from crm.locks import atomic_again_on_conflict
from crm.services import number_sequence_take
from customers.classifications import CorePinState
from customers.models import Customer, Section
from customers.services.history import history_record

CENT = Decimal("0.01")


class CreditError(Exception):
    """A credit action that the rules do not allow; the message says why."""


class NotAllowed(CreditError):
    """The caller's role may not do this (DOMAIN §1); entry points answer 403."""


class FourEyesViolation(CreditError):
    pass


class DuplicateOrder(CreditError):
    """An order with this external ID exists already: a re-import changes nothing."""


class NoteRequired(CreditError):
    """The decision needs a written reason (DOMAIN §11): approving above the recommendation or for a 丙/丁 or
    default-list customer, and every rejection. ``causes`` names why (``credit.rules.decisions.NoteCause``)."""

    def __init__(self, causes: Sequence[decisions.NoteCause] = (), message: str = ""):
        self.causes = tuple(causes)
        if causes and not message:
            why = "; ".join(str(NOTE_CAUSE_LABELS[cause]) for cause in causes)
            message = gettext("Write down why you approve: %(why)s.") % {"why": why}
        super().__init__(message or gettext("Write down why you reject the request."))


@dataclass(frozen=True, slots=True)
class OrderLineInput:
    product: str
    quantity: Decimal
    unit_price: Decimal
    model: str = ""

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def _profile_for_update(customer: Customer) -> CreditProfile:
    """The customer's credit row, locked: orders of one customer are checked one at a time (DOMAIN §6.4)."""
    CreditProfile.objects.get_or_create(customer=customer)
    return CreditProfile.objects.select_for_update().get(customer=customer)


def credit_exposure(customer: Customer) -> Decimal:
    """The customer's exposure now (``rules.limits.exposure``, DOMAIN §6.4), from three sums."""
    billable = Order.objects.filter(customer=customer, status__in=tier.BILLABLE).aggregate(s=Sum("amount"))["s"]
    paid = Payment.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    credited = CreditNote.objects.filter(customer=customer, order__status__in=tier.BILLABLE).aggregate(s=Sum("amount"))[
        "s"
    ]
    return limits.exposure(billable=billable or Decimal(0), paid=paid or Decimal(0), credited=credited or Decimal(0))


@transaction.atomic
def order_place(
    *,
    customer: Customer,
    lines: Sequence[OrderLineInput],
    order_date: date,
    due_date: date,
    by: AbstractBaseUser,
    today: date,
    prepaid: bool = False,
    external_id: str | None = None,
    historical: bool = False,
) -> Order:
    """Record an order; unless it is a historical import, the credit check decides open or credit hold.
    Only integration accounts and sales managers import completed orders, which skip the check (DOMAIN §1, §6.4;
    issue 12 lets a sales manager's order file be historical)."""
    if historical and not by.has_perm("credit.import_historical_orders"):
        raise NotAllowed(
            gettext("Only integration accounts and sales managers import completed orders without a credit check.")
        )
    profile = _profile_for_update(customer)
    if external_id and Order.objects.filter(external_id=external_id).exists():
        # A re-import never replaces or revives an order: the first one stands, whatever its state.
        raise DuplicateOrder(gettext("Another order already has this external ID."))
    amount = sum((line.amount for line in lines), Decimal(0))
    if historical:
        status, check = Order.Status.COMPLETED, {"passed": True, "reasons": [limits.Reason.HISTORICAL_IMPORT]}
    else:
        limit = selectors.valid_limit(customer=customer, today=today)
        if limits.Reason.DEFAULT_LIST_LIMIT_WITHDRAWN in profile.reasons:  # DOMAIN §6.2
            limit = None
        verdict = limits.check_order(
            amount=amount,
            exposure=credit_exposure(customer),
            limit=limit.amount if limit else None,
            grade=grade_rules.Grade(profile.payment_grade),
            prepaid=prepaid,
        )
        status = Order.Status.OPEN if verdict.passed else Order.Status.CREDIT_HOLD
        check = _check_json(verdict)
    number = f"SO{number_sequence_take(name='order')[0]:07d}"
    order = Order.objects.create(
        customer=customer,
        number=number,
        external_id=external_id or None,
        order_date=order_date,
        due_date=due_date,
        prepaid=prepaid,
        amount=amount,
        status=status,
        credit_check=check,
        created_by=by,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=line.product,
            model=line.model,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in lines
    )
    credit_profile_refresh(customer=customer, today=today)
    return order


def _check_json(verdict: limits.OrderCheck) -> dict[str, Any]:
    def money(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "passed": verdict.passed,
        "reasons": list(verdict.reasons),
        "exposure": money(verdict.exposure),
        "limit": money(verdict.limit),
        "available": money(verdict.available),
    }


@transaction.atomic
def order_transition(*, order: Order, action: str, by: AbstractBaseUser, today: date, note: str = "") -> Order:
    """release/reject a held order (credit manager), complete or cancel one (DOMAIN §6.4 states, as
    ``rules.orders`` allows them: a completed order is never cancelled, nothing reopens). A release or rejection
    keeps the manager's ``note``; a rejection needs one (the rep and the customer will ask why), like a rejected
    limit request."""
    _profile_for_update(order.customer)
    order = Order.objects.select_for_update().get(pk=order.pk)
    try:
        order.status = orders.transition_target(order.status, action)
    except orders.TransitionRefused:
        raise CreditError(_order_refusal_text(order.status, action)) from None
    if action == "reject" and not note.strip():
        raise NoteRequired(message=gettext("Write down why you reject the order."))
    if action in ("release", "reject"):
        order.decided_by, order.decided_at, order.decision_note = by, timezone.now(), note.strip()
    order.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    credit_profile_refresh(customer=order.customer, today=today)
    return order


ORDER_REFUSALS = {  # credit.rules.orders.TRANSITIONS: why an order's state refuses the action, in words
    "release": gettext_lazy("Only an order on credit hold can be released; this one is %(status)s."),
    "reject": gettext_lazy("Only an order on credit hold can be rejected; this one is %(status)s."),
    "complete": gettext_lazy("Only an open order can be completed; this one is %(status)s."),
    "cancel": gettext_lazy("Only an open or held order can be cancelled; this one is %(status)s."),
}


def _order_refusal_text(status: str, action: str) -> str:
    if action == "cancel" and status == Order.Status.COMPLETED:
        return gettext(
            "A completed order was delivered and is a receivable: it cannot be cancelled. "
            "A credit manager records a credit note for what will not be paid."
        )
    if action not in ORDER_REFUSALS:
        return gettext("This is not something an order can do.")
    return str(ORDER_REFUSALS[action]) % {"status": Order.Status(status).label}


@transaction.atomic
def credit_note_issue(*, order: Order, amount: Decimal, reason: str, by: AbstractBaseUser, today: date) -> CreditNote:
    """A credit manager credits (writes off) part or all of what is unpaid on a completed order, with a reason
    (DOMAIN §6.4). It lowers the exposure like a payment but is no payment for the grade (DOMAIN §4); it never
    exceeds what the payments leave unpaid on the order, nor the exposure (``rules.limits.credit_note_room``)."""
    if not by.has_perm("credit.write_off", order.customer):
        raise NotAllowed(gettext("Only a credit manager records a credit note."))
    if not reason.strip():
        raise CreditError(gettext("A credit note needs a reason."))
    _profile_for_update(order.customer)
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.status != Order.Status.COMPLETED:
        raise CreditError(gettext("Only a completed (delivered) order takes a credit note; an open one is cancelled."))
    room = _credit_note_room(order)
    if amount <= 0 or amount > room:
        raise CreditError(
            gettext("A credit note on %(number)s may credit at most %(room)s.")
            % {"number": order.number, "room": money_words(room)}
        )
    note = CreditNote.objects.create(
        customer=order.customer, order=order, amount=amount, reason=reason.strip(), issued_on=today, created_by=by
    )
    credit_profile_refresh(customer=order.customer, today=today)
    return note


def _credit_note_room(order: Order) -> Decimal:
    """The customer's ledger (billable orders net of credit notes, payments) mapped to the rule's inputs."""
    customer = order.customer
    credited = dict(
        CreditNote.objects.filter(customer=customer)
        .values("order_id")
        .annotate(s=Sum("amount"))
        .values_list("order_id", "s")
    )
    receivables = [
        grade_rules.Receivable(pk, due_date, amount - credited.get(pk, Decimal(0)))
        for pk, due_date, amount in Order.objects.filter(customer=customer, status__in=tier.BILLABLE).values_list(
            "pk", "due_date", "amount"
        )
    ]
    payments = [
        grade_rules.PaymentIn(*row)
        for row in Payment.objects.filter(customer=customer).values_list("pk", "paid_on", "amount", "order_id")
    ]
    return limits.credit_note_room(
        order_id=order.pk, receivables=receivables, payments=payments, exposure=credit_exposure(customer)
    )


@transaction.atomic
def payment_record(
    *,
    customer: Customer,
    paid_on: date,
    amount: Decimal,
    by: AbstractBaseUser,
    today: date,
    order: Order | None = None,
    external_id: str | None = None,
) -> Payment:
    """Record money received; it is allocated when the grade is computed (named order, else FIFO)."""
    _profile_for_update(customer)
    payment = Payment.objects.create(
        customer=customer, paid_on=paid_on, amount=amount, order=order, external_id=external_id or None, created_by=by
    )
    credit_profile_refresh(customer=customer, today=today)
    return payment


class TradeChanged(CreditError):
    """Imported orders or payments changed since (an order's state, a payment or credit note on it): ``ids``."""

    def __init__(self, ids: Sequence[int]):
        super().__init__(list(ids))
        self.ids = list(ids)


@transaction.atomic
def trade_take_back(
    *, orders: Mapping[int, str], payment_ids: Sequence[int], by: AbstractBaseUser, today: date
) -> None:
    """Remove orders and payments an import recorded (DOMAIN §2.3 undo): ``orders`` maps each order to the status
    the import left it in. All or nothing: if an order is gone, has moved on, has a payment or a credit note that
    the import did not record, or a payment is gone, raise ``TradeChanged``. The profiles are derived again."""
    locked = {o.pk: o for o in Order.objects.select_for_update().filter(pk__in=list(orders))}
    paid = set(
        Payment.objects.filter(order_id__in=list(orders))
        .exclude(pk__in=list(payment_ids))
        .values_list("order_id", flat=True)
    )
    credited = set(CreditNote.objects.filter(order_id__in=list(orders)).values_list("order_id", flat=True))
    changed = [
        pk for pk, status in orders.items() if pk not in locked or locked[pk].status != status or pk in paid | credited
    ]
    payments = {p.pk: p.customer_id for p in Payment.objects.select_for_update().filter(pk__in=list(payment_ids))}
    changed += [pk for pk in payment_ids if pk not in payments]
    if changed:
        raise TradeChanged(sorted(changed))
    Payment.objects.filter(pk__in=list(payments)).delete()
    OrderLine.objects.filter(order_id__in=list(locked)).delete()
    Order.objects.filter(pk__in=list(locked)).delete()
    customer_ids = {o.customer_id for o in locked.values()} | set(payments.values())
    credit_profiles_refresh(customer_ids=sorted(customer_ids), today=today)


@transaction.atomic
def assessment_submit(
    *,
    customer: Customer,
    method: str,
    ratings: Mapping[str, int],
    by: AbstractBaseUser,
    today: date,
    model: ScoringModel | None = None,
    weights: Mapping[str, int] | None = None,
    notes: str = "",
) -> Assessment:
    """Score and store an assessment; it keeps its model version and never changes (DOMAIN §5)."""
    policy = selectors.policy_current().as_rule()
    if method == Assessment.Method.FEATURE:
        model = model or ScoringModel.objects.get(is_default=True)
        weights = {i.key: i.weight for i in model.indicators.all()}
    else:
        model, weights = None, dict(weights or dict.fromkeys(scoring.FIVE_C, 1))
    suggested = selectors.suggested_five_c(customer=customer) if method == Assessment.Method.FIVE_C else {}
    result = scoring.weighted_score(ratings, weights)
    assessment = Assessment.objects.create(
        customer=customer,
        method=method,
        scoring_model=model,
        model_version=model.version if model else None,
        ratings=dict(ratings),
        weights=weights,
        suggested=suggested,
        notes=notes,
        score=result.score,
        max_score=result.max_score,
        percentage=result.percentage,
        risk_class=scoring.risk_class(result.percentage, policy).value,
        assessed_on=today,
        valid_until=today + timedelta(days=policy.assessment_valid_days),
        created_by=by,
    )
    credit_profile_refresh(customer=customer, today=today)
    return assessment


@transaction.atomic
def credit_limit_request_create(
    *,
    customer: Customer,
    amount: Decimal,
    reason: str,
    by: AbstractBaseUser,
    today: date,
    payment_terms_days: int | None = None,
) -> CreditLimitRequest:
    profile = credit_profile_refresh(customer=customer, today=today)
    return CreditLimitRequest.objects.create(
        customer=customer,
        amount=amount,
        reason=reason,
        requested_by=by,
        payment_terms_days=payment_terms_days if payment_terms_days is not None else customer.payment_terms_days,
        recommended_limit=profile.recommended_limit,
    )


def _basis(profile: CreditProfile, *, today: date, causes: Sequence[str] = ()) -> dict[str, Any]:
    """What a documented credit decision rests on (DOMAIN §6.3), with the weakest information source behind it
    (§2.2) and the causes that required a written reason (§11)."""
    return {
        "weakest_source": selectors.weakest_source_behind(customer=profile.customer, today=today),
        "note_causes": [str(cause) for cause in causes],
        "tier": profile.tier,
        "payment_grade": profile.payment_grade,
        "risk_class": profile.risk_class,
        "score": None if profile.score is None else str(profile.score),
        "exposure": str(profile.exposure),
        "recommended_limit": str(profile.recommended_limit),
        "reasons": profile.reasons,
        "policy_version": selectors.policy_current().pk,
        "assessment": selectors.latest_assessment_id(customer=profile.customer),
    }


@transaction.atomic
def credit_limit_approve(
    *,
    request: CreditLimitRequest,
    by: AbstractBaseUser,
    today: date,
    note: str = "",
    approved_amount: Decimal | None = None,
) -> CreditLimit:
    """Four eyes: a credit manager who did not ask decides; never above the small ceiling for a medium or
    large customer without a valid credit report (DOMAIN §6.2–§6.3). The limit is valid for a year."""
    request = CreditLimitRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    if request.status != CreditLimitRequest.Status.PENDING:
        raise CreditError(gettext("This request has already been decided."))
    if not limits.four_eyes_kept(requested_by=request.requested_by_id, deciding=by.pk):
        raise FourEyesViolation(gettext("The requester cannot decide their own request."))
    customer = request.customer
    policy = selectors.policy_current().as_rule()
    amount = request.amount if approved_amount is None else approved_amount
    ceiling = limits.max_grantable(
        customer.size, selectors.has_valid_credit_report(customer=customer, today=today, policy=policy), policy
    )
    if ceiling is not None and amount > ceiling:
        raise CreditError(
            gettext("Without a valid credit report this customer may get at most %(ceiling)s.")
            % {"ceiling": money_words(ceiling)}
        )
    profile = credit_profile_refresh(customer=customer, today=today)
    causes = selectors.approval_note_causes(profile=profile, amount=amount)
    if causes and not note.strip():
        raise NoteRequired(causes)
    request.status, request.approved_amount, request.decided_by = CreditLimitRequest.Status.APPROVED, amount, by
    request.decided_at, request.note = timezone.now(), note.strip()
    request.basis = _basis(profile, today=today, causes=causes)
    request.save()
    CreditLimit.objects.filter(customer=customer, revoked_at__isnull=True, valid_until__gte=today).update(
        revoked_at=timezone.now(), revoked_reason="replaced"
    )
    limit = CreditLimit.objects.create(
        customer=customer,
        amount=amount,
        payment_terms_days=request.payment_terms_days,
        valid_from=today,
        valid_until=today + timedelta(days=policy.limit_valid_days),
        request=request,
    )
    credit_profile_refresh(customer=customer, today=today)
    return limit


@transaction.atomic
def credit_limit_reject(*, request: CreditLimitRequest, by: AbstractBaseUser, today: date, note: str) -> None:
    request = CreditLimitRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    if request.status != CreditLimitRequest.Status.PENDING:
        raise CreditError(gettext("This request has already been decided."))
    if not limits.four_eyes_kept(requested_by=request.requested_by_id, deciding=by.pk):
        raise FourEyesViolation(gettext("The requester cannot decide their own request."))
    if not note.strip():
        raise NoteRequired()
    profile = credit_profile_refresh(customer=request.customer, today=today)
    request.status, request.decided_by, request.decided_at = CreditLimitRequest.Status.REJECTED, by, timezone.now()
    request.note, request.basis = note.strip(), _basis(profile, today=today)
    request.save()


@transaction.atomic
def grade_override_set(
    *, customer: Customer, grade: str, reason: str, valid_until: date, by: AbstractBaseUser, today: date
) -> GradeOverride:
    """A credit manager overrides the grade with a reason and an expiry (DOMAIN §4)."""
    if valid_until < today:
        raise CreditError(gettext("The override must not have expired already."))
    override = GradeOverride.objects.create(
        customer=customer, grade=grade, reason=reason, valid_until=valid_until, created_by=by
    )
    credit_profile_refresh(customer=customer, today=today)
    return override


@transaction.atomic
def core_pin_set(*, customer: Customer, state: str, reason: str, by: AbstractBaseUser, today: date) -> CorePin:
    """A credit manager pins the customer core or ordinary, or hands it back to the rule (``auto``), with a reason
    (DOMAIN §2.1). The pin is kept with who and when, named in the dossier's history, and the profile follows."""
    if not by.has_perm("credit.pin_core", customer):
        raise NotAllowed(gettext("Only a credit manager pins a customer core or ordinary."))
    if state not in CorePinState.values:
        raise CreditError(gettext("Choose core, ordinary or automatic."))
    if not reason.strip():
        raise CreditError(gettext("A core pin needs a reason."))
    _profile_for_update(customer)
    before = selectors.core_pins(customer=customer).values_list("state", flat=True).first() or CorePinState.AUTOMATIC
    pin = CorePin.objects.create(customer=customer, state=state, reason=reason.strip(), created_by=by)
    history_record(customer, by, Section.RECORD, [("core_pin", str(before), state)])
    credit_profile_refresh(customer=customer, today=today)
    return pin


@transaction.atomic
def credit_policy_update(*, values: Mapping[str, Any], note: str, by: AbstractBaseUser) -> CreditPolicyVersion:
    """A new policy version; the previous ones stay as its history."""
    current = selectors.policy_current()
    fields = {
        f.name: getattr(current, f.name)
        for f in current._meta.concrete_fields
        if f.name not in {"id", "created_at", "created_by", "note"}
    }
    return CreditPolicyVersion.objects.create(**(fields | dict(values)), note=note, created_by=by)


def credit_profile_refresh(*, customer: Customer, today: date) -> CreditProfile:
    """Recompute and store the customer's credit profile (DOMAIN §3–§6) and its tier/grade history."""
    _store_profiles([customer.pk], today=today, policy=selectors.policy_current().as_rule())
    return CreditProfile.objects.get(customer=customer)


@transaction.atomic
def credit_profiles_follow_credit_data(fact: CreditDataChanged) -> None:
    """Reaction to new credit data from any channel (browser, API, import): derive the profiles again."""
    credit_profiles_refresh(customer_ids=fact.customer_ids, today=fact.today)


def credit_profiles_refresh(*, customer_ids: Sequence[int], today: date) -> None:
    """Recompute these customers' profiles together (e.g. after their limits expired)."""
    _store_profiles(customer_ids, today=today, policy=selectors.policy_current().as_rule())


def _store_profiles(customer_ids: Sequence[int], *, today: date, policy: CreditPolicy) -> None:
    """Compute the profiles of these customers from one read per table, then write them set-based."""
    inputs = selectors.profile_inputs(customer_ids=customer_ids, today=today, policy=policy)
    computed = {pk: compute_profile(data, policy=policy, today=today) for pk, data in inputs.items()}
    existing = {p.customer_id: p for p in CreditProfile.objects.filter(customer_id__in=computed)}
    fresh, changed_history = [], []
    for pk, fields in computed.items():
        profile = existing.get(pk) or CreditProfile(customer_id=pk)
        before = (profile.tier, profile.payment_grade) if pk in existing else None
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.computed_on = today
        if pk not in existing:
            fresh.append(profile)
        if before != (profile.tier, profile.payment_grade):
            changed_history.append(
                CreditHistory(customer_id=pk, on=today, tier=profile.tier, payment_grade=profile.payment_grade)
            )
    CreditProfile.objects.bulk_create(fresh)
    names = [*next(iter(computed.values()), {}).keys(), "computed_on"]
    bulk_update_rows([p for pk, p in existing.items()], names)
    CreditHistory.objects.filter(customer_id__in=[h.customer_id for h in changed_history], on=today).delete()
    CreditHistory.objects.bulk_create(changed_history)


RECOMPUTE_CHUNK = 20_000  # customers per chunk of the nightly recompute (about 200,000 orders at 10 a customer)


RECOMPUTE_THREADS = 2  # chunks in flight in one process: Python decides one while PostgreSQL reads another


def credit_recompute_all(*, today: date, chunk: int = RECOMPUTE_CHUNK, threads: int = RECOMPUTE_THREADS) -> int:
    """Recompute every live customer's profile (the nightly job) in this process, a range of ``chunk`` customers
    per transaction; the nightly task spreads the same ranges over the workers (``credit.tasks``).

    On PostgreSQL, outside a transaction, ``threads`` chunks run side by side, each on a connection of its own: a
    chunk spends about as long waiting for PostgreSQL (its facts statement) as computing in Python, and psycopg2
    lets go of the interpreter while it waits, so the process keeps two cores busy. Inside a transaction (whose
    uncommitted rows other connections would not see) or elsewhere, one chunk after the other."""
    ranges = selectors.customer_ranges(size=chunk)
    if threads < 2 or not threads_may_share_work():
        for part in ranges:
            credit_profiles_recompute_range(first_id=part.first_id, last_id=part.last_id, today=today)
    else:
        todo: SimpleQueue[selectors.CustomerRange] = SimpleQueue()
        for part in ranges:
            todo.put(part)
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for running in [pool.submit(_recompute_queued, todo, today=today) for _ in range(threads)]:
                running.result()
    return sum(part.count for part in ranges)


def _recompute_queued(todo: SimpleQueue, *, today: date) -> None:
    """In a worker thread: the ranges left in ``todo`` one after the other, on the thread's own connection (Django
    gives each thread one), closed at the end (a fresh backend per chunk would fill its catalog caches again). A chunk
    that fails empties ``todo`` first, so that the other threads stop after their current chunk and the failure is
    reported at once (each chunk is its own transaction: what was done stays done)."""
    try:
        while True:
            try:
                part = todo.get_nowait()
            except Empty:
                return
            try:
                credit_profiles_recompute_range(first_id=part.first_id, last_id=part.last_id, today=today)
            except BaseException:
                with suppress(Empty):
                    while True:
                        todo.get_nowait()
                raise
    finally:
        connection.close()


PROFILE_COLUMNS = (
    *("customer_id", "tier", "trailing_12m_purchases", "is_core", "computed_core", "core_pinned", "time_class"),
    *("process_class", "volume_class", "computed_grade", "payment_grade", "on_time_ratio", "max_days_late", "score"),
    *("risk_class", "recommended_limit", "investigation_required", "credit_limit", "limit_valid_until", "exposure"),
    *("available_credit", "sales_policy", "recovery_flagged", "reasons", "computed_on"),
)


def credit_profiles_recompute_range(*, first_id: int, last_id: int | None, today: date, tries: int = 3) -> int:
    """Recompute the profiles of the live customers with ``first_id ≤ id ≤ last_id`` (no upper bound when None) in
    one transaction, and return how many. Running it again for the same day gives the same profiles (a chunk task
    delivered twice is harmless).

    On PostgreSQL set-based: the range's profiles locked first (in id order, as a merge locks two), so that an order
    or payment refreshing one of them waits for the chunk instead of being overwritten by facts read before it; the
    ledger facts of the whole range from one statement (``credit.ledger_sql``), the rest of the inputs from the
    profile selector's queries, the same rule as ``credit_profile_refresh`` (``rules.profile.profile_of``) on each
    customer's compact row, and the profiles written by COPY and one ``UPDATE … FROM`` of the rows that differ. A
    customer's first profile, made by its own write while the chunk ran, fails the chunk's history row on its key:
    the chunk then runs again. Elsewhere (SQLite) the one-customer path on the range."""
    return atomic_again_on_conflict(
        lambda: _recompute_range(first_id=first_id, last_id=last_id, today=today), tries=tries
    )


SQLITE_CHUNK = 2000  # customers per profile read on the one-customer path


def _recompute_range(*, first_id: int, last_id: int | None, today: date) -> int:
    policy = selectors.policy_current().as_rule()
    if connection.vendor != "postgresql":
        ids = selectors.live_customer_ids(first_id=first_id, last_id=last_id)
        for start in range(0, len(ids), SQLITE_CHUNK):
            _store_profiles(ids[start : start + SQLITE_CHUNK], today=today, policy=policy)
        return len(ids)
    _lock_profiles(first_id=first_id, last_id=last_id)
    gathered = ledger_facts_between(first_id=first_id, last_id=last_id, today=today, policy=policy)
    inputs = selectors.profile_inputs(today=today, policy=policy, ledger=False, id_range=(first_id, last_id))
    facts = dict(gathered.facts)
    if gathered.replay:  # payments naming orders the FIFO line reached first: the rule allocates these ledgers
        ledgers = selectors.profile_inputs(customer_ids=sorted(gathered.replay), today=today, policy=policy)
        for pk, ledger in ledgers.items():
            facts[pk] = ledger_facts(ledger.orders, ledger.payments, today=today, policy=policy)
    rows, reasons_json = [], {}  # a chunk's customers share a few lists of reasons: each is written as JSON once
    for pk, data in inputs.items():
        if pk not in facts:  # created since the facts were read: its own writes gave it a profile
            continue
        data.credited = gathered.credited[pk]
        profile = profile_of(data, facts[pk], policy=policy, today=today)
        reasons = tuple(profile["reasons"])
        if reasons not in reasons_json:
            reasons_json[reasons] = json.dumps(reasons)
        rows.append((pk, *_rule_values(profile), reasons_json[reasons], today))
    _write_profiles(rows, first_id=first_id, last_id=last_id, today=today)
    return len(rows)


_rule_values = operator.itemgetter(*PROFILE_COLUMNS[1:-2])  # the rule's fields between the key and the reasons


def _lock_profiles(*, first_id: int, last_id: int | None) -> None:
    ranged = CreditProfile.objects.filter(customer_id__gte=first_id)
    if last_id is not None:
        ranged = ranged.filter(customer_id__lte=last_id)
    list(ranged.select_for_update().order_by("customer_id").values_list("customer_id", flat=True))


def _write_profiles(rows: list[tuple], *, first_id: int, last_id: int | None, today: date) -> None:
    """The profiles by COPY (only the rows that differ are written), and today's tier/grade history entry of each
    customer whose tier or grade changed or that had no profile (as ``_store_profiles`` keeps it). ``rows`` are in
    ``PROFILE_COLUMNS`` order, the reasons as JSON text."""
    before = selectors.profile_grades_between(first_id=first_id, last_id=last_id)
    tier_at, grade_at = PROFILE_COLUMNS.index("tier"), PROFILE_COLUMNS.index("payment_grade")
    changed = [row for row in rows if before.get(row[0]) != (row[tier_at], row[grade_at])]
    upsert_rows(CreditProfile, PROFILE_COLUMNS, rows)
    if changed:
        ids = [row[0] for row in changed]
        CreditHistory.objects.filter(AnyOf(F("customer_id"), ids), on=today).delete()
        insert_rows(
            CreditHistory,
            ("customer_id", "on", "tier", "payment_grade"),
            [(row[0], today, row[tier_at], row[grade_at]) for row in changed],
        )


MERGED_RECORDS = (Order, Payment, CreditLimitRequest, CreditLimit, GradeOverride, Assessment, CreditNote)


def customers_merge_take_over(fact: CustomersMerged) -> None:
    """DOMAIN §2.3, inside the merging transaction: the survivor takes the duplicate's orders (with their lines),
    payments, assessments, limit requests, limits, grade overrides and credit notes; its tier/grade history too,
    except on days the survivor has its own. The duplicate's core pins stay with it: the survivor's own pin (or its
    rule) decides, not a newer pin made on the other record. Both credit profiles are locked first, as an order
    check locks them."""
    ids = sorted((fact.survivor_id, fact.duplicate_id))
    list(CreditProfile.objects.select_for_update().filter(customer_id__in=ids).values("pk"))
    for model in MERGED_RECORDS:
        model.objects.filter(customer_id=fact.duplicate_id).update(customer_id=fact.survivor_id)
    own_days = CreditHistory.objects.filter(customer_id=fact.survivor_id).values("on")
    CreditHistory.objects.filter(customer_id=fact.duplicate_id).exclude(on__in=own_days).update(
        customer_id=fact.survivor_id
    )


@transaction.atomic
def credit_profiles_follow_merge(fact: CustomersMerged) -> None:
    """After a merge commits: the survivor's profile from its orders and payments, the duplicate's emptied."""
    credit_profiles_refresh(customer_ids=[fact.survivor_id, fact.duplicate_id], today=fact.today)
