"""Reads of the credit engine, each a constant number of queries however many customers it covers."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

from credit.models import (
    Assessment,
    BacktestLedger,
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
    PaymentGrade,
    RiskClass,
    ScoringModel,
    Tier,
)
from credit.rules import classification
from credit.rules.ageing import ledger_ageing
from credit.rules.backtest import Backtest, CustomerHistory, OrderLedger, Override, Report, TradeOrder
from credit.rules.decisions import LimitStanding, NoteCause, limit_standing, note_causes
from credit.rules.grade import Grade, PaymentIn, Receivable
from credit.rules.limits import on_default_list
from credit.rules.policy import CreditPolicy
from credit.rules.preview import CustomerFacts, Outcome, Preview, preview
from credit.rules.profile import OrderRow, ProfileInputs, compute_profile
from credit.rules.tier import BILLABLE
from crm import access, roles
from crm.bulk import AnyOf
from customers.classifications import OPPORTUNITY_KINDS
from customers.models import CreditDocument, Customer, FinancialFigure, FinancialMetric, Interaction
from customers.rules.figures import financial_ratios
from customers.rules.review import ReviewPolicy
from customers.rules.sources import weakest_source
from customers.selectors import (
    CREDIT_REPORT,
    Dossier,
    archived_customers,
    due_count,
    latest_figure_values,
    valid_credit_reports,
)


def policy_current() -> CreditPolicyVersion:
    """The version in force: the last one saved (by id, so a clock that moved back cannot bring an older back)."""
    policy = CreditPolicyVersion.objects.order_by("-id").first()
    return policy or CreditPolicyVersion.objects.create(note="defaults")


def review_policy() -> ReviewPolicy:
    """The current policy's numbers for dossier work (DOMAIN §7): review intervals, staleness, report validity,
    reminder horizons and the dashboard window, as the one value the customers app takes."""
    policy = policy_current()
    return ReviewPolicy(
        core_days=policy.review_days_core,
        other_days=policy.review_days_other,
        limit_warning_days=policy.limit_warning_days,
        report_months=policy.credit_report_valid_months,
        reminder_days=policy.review_reminder_days,
        birthday_days=policy.birthday_reminder_days,
        dashboard_days=policy.dashboard_review_days,
        dashboard_expiry_days=policy.dashboard_limit_days,
    )


def policy_history() -> QuerySet[CreditPolicyVersion]:
    return CreditPolicyVersion.objects.select_related("created_by")


def valid_limit(*, customer: Customer, today: date) -> CreditLimit | None:
    return (
        CreditLimit.objects.filter(
            customer=customer, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today
        )
        .order_by("-valid_from", "-id")
        .first()
    )


def _valid_reports(today: date, policy: CreditPolicy) -> QuerySet[CreditDocument]:
    return valid_credit_reports(today=today, months=policy.credit_report_valid_months)


def has_valid_credit_report(*, customer: Customer, today: date, policy: CreditPolicy) -> bool:
    return _valid_reports(today, policy).filter(customer=customer).exists()


def latest_assessment_id(*, customer: Customer) -> int | None:
    return (
        Assessment.objects.filter(customer=customer)
        .order_by("-assessed_on", "-id")
        .values_list("id", flat=True)
        .first()
    )


def profile_inputs(
    *,
    customer_ids: Sequence[int] = (),
    today: date,
    policy: CreditPolicy,
    ledger: bool = True,
    id_range: tuple[int, int | None] | None = None,
) -> dict[int, ProfileInputs]:
    """Everything the profile rule needs for these customers, in thirteen queries whatever their number: those of
    ``customer_ids`` (sent as one array, ``crm.bulk.AnyOf``), or the live customers with ids in ``id_range``
    (first, last; no upper bound when last is None), read by index ranges: a chunk of the nightly recompute.
    Without their orders, payments and credit notes when ``ledger`` is false (the set-based recompute reads those
    in SQL, ``credit.ledger_sql``)."""
    among = _among(list(customer_ids), id_range)
    customers = Customer.objects.filter(among("pk"))
    if id_range is not None:
        customers = customers.filter(deleted_at__isnull=True)
    inputs: dict[int, ProfileInputs] = {}
    # In key order: the model's default order (by name) cost PostgreSQL a sort of the whole chunk, 80 ms in 20,000.
    for pk, size, terms, expected, since in customers.order_by("pk").values_list(
        "pk", "size", "payment_terms_days", "expected_monthly_purchases", "basic__relationship_since"
    ):
        inputs[pk] = ProfileInputs(size, terms, expected, since)
    if ledger:
        _add_ledger(inputs, list(inputs))
    net_worth = latest_figure_values(customer_ids=list(inputs), metrics=[FinancialMetric.NET_WORTH])
    for customer_id, latest in net_worth.items():
        inputs[customer_id].net_worth = latest.get(FinancialMetric.NET_WORTH)
    assessments = Assessment.objects.filter(among("customer_id"), valid_until__gte=today)
    for one, percentage in _of(inputs, assessments.order_by("customer_id", "assessed_on", "id"), "percentage"):
        one.assessment_percentage = percentage
    for one, _pk in _of(inputs, _valid_reports(today, policy).filter(among("customer_id")), "pk"):
        one.has_valid_credit_report = True
    limits = CreditLimit.objects.filter(
        among("customer_id"), revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today
    ).order_by("customer_id", "valid_from", "id")
    for one, amount, until in _of(inputs, limits, "amount", "valid_until"):
        one.limit, one.limit_valid_until = amount, until
    litigation = CreditDocument.objects.filter(among("customer_id"), doc_type=CreditDocument.Type.LITIGATION_RECORD)
    for one, _pk in _of(inputs, litigation, "pk"):
        one.litigation_records += 1
    overrides = GradeOverride.objects.filter(among("customer_id"), valid_until__gte=today)
    for one, grade in _of(inputs, overrides.order_by("customer_id", "created_at", "id"), "grade"):
        one.grade_override = grade
    _add_classification_inputs(inputs, among, today=today)
    return inputs


def _among(customer_ids: list[int], id_range: tuple[int, int | None] | None) -> Callable[[str], Q | AnyOf]:
    """The filter on a customer key column: in the list, or within the id range."""
    if id_range is None:
        return lambda column: AnyOf(F(column), customer_ids)
    first, last = id_range
    return lambda column: Q(**{f"{column}__gte": first}) & (Q() if last is None else Q(**{f"{column}__lte": last}))


def _of(inputs: dict[int, ProfileInputs], rows: QuerySet, *columns: str) -> Iterator[tuple]:
    """(the customer's inputs, *values) of each row of a customer's record, skipping customers not in ``inputs``
    (archived ones in an id range)."""
    for customer_id, *values in rows.values_list("customer_id", *columns):
        one = inputs.get(customer_id)
        if one is not None:
            yield (one, *values)


def _add_classification_inputs(
    inputs: dict[int, ProfileInputs], among: Callable[[str], Q | AnyOf], *, today: date
) -> None:
    """The core pin in force (the latest) and the latest opportunity on or before ``today`` (DOMAIN §2.1), two
    queries."""
    pins = CorePin.objects.filter(among("customer_id")).order_by("customer_id", "created_at", "id")
    for one, state in _of(inputs, pins, "state"):
        one.core_pin = classification.CorePin(state)
    opportunities = (
        Interaction.objects.filter(among("customer_id"), kind__in=OPPORTUNITY_KINDS, occurred_on__lte=today)
        .values("customer_id")
        .annotate(latest=Max("occurred_on"))
    )
    for one, latest in _of(inputs, opportunities, "latest"):
        one.last_opportunity_on = latest


def _add_ledger(inputs: dict[int, ProfileInputs], customer_ids: Sequence[int]) -> None:
    """Orders, payments and the credit notes on billable orders (DOMAIN §4, §6.4), three queries."""
    for o in Order.objects.filter(customer_id__in=customer_ids).values_list(
        "customer_id", "id", "order_date", "due_date", "amount", "status"
    ):
        inputs[o[0]].orders.append(OrderRow(*o[1:]))
    for p in Payment.objects.filter(customer_id__in=customer_ids).values_list(
        "customer_id", "id", "paid_on", "amount", "order_id"
    ):
        inputs[p[0]].payments.append(PaymentIn(*p[1:]))
    for customer_id, amount in CreditNote.objects.filter(
        customer_id__in=customer_ids, order__status__in=BILLABLE
    ).values_list("customer_id", "amount"):
        inputs[customer_id].credited += amount


def credit_profile(*, customer: Customer) -> CreditProfile | None:
    return CreditProfile.objects.filter(customer=customer).first()


def credit_profile_read(*, customer: Customer, today: date) -> CreditProfile:
    """The customer's credit profile for a page or the API, never written by the read (no GET writes).

    The stored profile, kept fresh by the writes that change credit data and by the nightly recompute. A
    customer without one yet (created since the last run, with no credit write) gets the profile computed now
    through the same rule and not saved (``computed_on`` today, no primary key).
    """
    stored = credit_profile(customer=customer)
    if stored is not None:
        return stored
    policy = policy_current().as_rule()
    inputs = profile_inputs(customer_ids=[customer.pk], today=today, policy=policy)[customer.pk]
    return CreditProfile(customer=customer, computed_on=today, **compute_profile(inputs, policy=policy, today=today))


def credit_history(*, customer: Customer) -> QuerySet[CreditHistory]:
    return CreditHistory.objects.filter(customer=customer)


def core_pins(*, customer: Customer) -> QuerySet[CorePin]:
    """The core pin's history, latest (in force) first (DOMAIN §2.1)."""
    return CorePin.objects.filter(customer=customer).select_related("created_by")


def customer_orders(*, customer: Customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).prefetch_related("lines")


def order_credit_notes(*, order: Order) -> QuerySet[CreditNote]:
    return CreditNote.objects.filter(order=order).select_related("order", "created_by")


def trade_ids_by_external_id(*, model: str, external_ids: Iterable[str]) -> dict[str, int]:
    """The order or payment (``model``) holding each external id: an imported row that names one already recorded
    leaves it as it is (DOMAIN §2.3, re-importing changes nothing). One query."""
    table = {"order": Order, "payment": Payment}[model]
    ids = {value for value in external_ids if value}
    return dict(table.objects.filter(external_id__in=ids).values_list("external_id", "pk")) if ids else {}


def orders_by_number(*, customer_ids: Iterable[int], numbers: Iterable[str]) -> dict[tuple[int, str], Order]:
    """The customers' orders by (customer id, number or external id), for payments that name their order."""
    keys = {value for value in numbers if value}
    if not keys:
        return {}
    qs = Order.objects.filter(customer_id__in=list(customer_ids)).filter(Q(number__in=keys) | Q(external_id__in=keys))
    found = {}
    for order in qs:
        found[(order.customer_id, order.number)] = order
        if order.external_id:
            found.setdefault((order.customer_id, order.external_id), order)
    return found


def customer_payments(*, customer: Customer) -> QuerySet[Payment]:
    return Payment.objects.filter(customer=customer).select_related("order")


def customer_assessments(*, customer: Customer) -> QuerySet[Assessment]:
    return Assessment.objects.filter(customer=customer).select_related("scoring_model", "created_by")


def customer_limit_requests(*, customer: Customer) -> QuerySet[CreditLimitRequest]:
    return CreditLimitRequest.objects.filter(customer=customer).select_related("requested_by", "decided_by")


def scoring_models() -> QuerySet[ScoringModel]:
    return ScoringModel.objects.prefetch_related("indicators")


def suggested_five_c(*, customer: Customer) -> dict[str, int | None]:
    """Suggested 5C ratings from the latest figures, the payment grade and litigation records (DOMAIN §5.1)."""
    from credit.rules.scoring import Financials, suggest_five_c

    latest = latest_figure_values(customer_ids=[customer.pk])[customer.pk]
    figures = Financials(**{name: latest.get(name) for name in Financials.__dataclass_fields__})
    profile = credit_profile(customer=customer)
    grade = Grade(profile.payment_grade) if profile else Grade.UNRATED
    litigation = CreditDocument.objects.filter(
        customer=customer, doc_type=CreditDocument.Type.LITIGATION_RECORD
    ).count()
    return suggest_five_c(figures, grade, litigation, policy_current().as_rule())


PROMOTION_RESPONSE = Interaction.Kind.PROMOTION_RESPONSE

# Reads for the analysis (DOMAIN §10): querysets over the customers a caller may read in full, for analytics to
# aggregate in SQL. Sales are the amounts of open and completed orders (§10, as T of §3).


def _billable(since: date | None, until: date) -> QuerySet[Order]:
    qs = Order.objects.filter(status__in=BILLABLE, order_date__lte=until)
    return qs if since is None else qs.filter(order_date__gt=since)


def sales_orders(*, customers: QuerySet[Customer], since: date | None = None, until: date) -> QuerySet[Order]:
    """Open and completed orders of these customers dated after ``since`` (if given) and not after ``until``."""
    return _billable(since, until).filter(customer__in=customers.values("pk"))


def sales_lines(*, customers: QuerySet[Customer], since: date | None = None, until: date) -> QuerySet[OrderLine]:
    """The lines of ``sales_orders`` (products, DOMAIN §10.1)."""
    orders = sales_orders(customers=customers, since=since, until=until)
    return OrderLine.objects.filter(order__in=orders.values("pk"))


def products_sold(*, until: date) -> QuerySet:
    """The distinct products of any customer's sales (open or completed orders) up to ``until``, as a ``product``
    values queryset for a subquery: a product sold in a window and not in this set is new there (DOMAIN §10.6)."""
    return _products_until(until).distinct()


def products_first_sold(*, until: date) -> QuerySet:
    """Each product of any customer's sales up to ``until`` with the day of its first sale (``first_sold_on``), as
    values for a nightly INSERT … SELECT (DOMAIN §10.6: a product first sold in a window is new there)."""
    return _products_until(until).annotate(first_sold_on=Min("order__order_date"))


def _products_until(until: date) -> QuerySet:
    """The ``product`` of every line of any customer's sales (open or completed orders) up to ``until``."""
    sold = OrderLine.objects.filter(order__status__in=BILLABLE, order__order_date__lte=until)
    return sold.order_by().values("product")


def sales_until(*, until: date) -> QuerySet[Order]:
    """Every customer's open and completed orders up to ``until``, for a correlated subquery (an EXISTS on the
    customer's orders index)."""
    return _billable(None, until)


def promotion_responder_orders(*, customers: QuerySet[Customer], until: date, days: int) -> QuerySet:
    """Each (promotion, order) where the customer's order (a sale, up to ``until``) came on the day of a response
    to that promotion or in the ``days`` after it (DOMAIN §10.6): distinct values ``promo``, ``id``, ``sale``, so an
    order after two responses to one promotion counts once."""
    return (
        sales_orders(customers=customers, until=until)
        .filter(
            customer__interactions__kind=PROMOTION_RESPONSE,
            customer__interactions__promotion__gt="",
            customer__interactions__occurred_on__lte=F("order_date"),
            customer__interactions__occurred_on__gte=ExpressionWrapper(
                F("order_date") - timedelta(days=days), output_field=DateField()
            ),
        )
        .annotate(promo=F("customer__interactions__promotion"), sale=F("amount"))
        .order_by()
        .values("promo", "pk", "sale")
        .distinct()
    )


def customers_with_credit_facts(*, customers: QuerySet[Customer], as_of: date, today: date) -> QuerySet[Customer]:
    """These customers annotated with their credit picture as of a day (DOMAIN §3–§5.3, §10.1):
    ``trailing`` (T: sales in the trailing window ending on ``as_of``), ``tier_code`` (from T and the policy in
    force), ``grade_code`` (the profile's grade; for a past day the grade recorded in the credit history then, or
    unrated) and ``risk_code`` (the profile's risk class; for a past day the latest assessment made by then that
    was still valid, or unassessed).

    T and the tier are read from the stored profile where it was computed on ``as_of``, as
    ``customers_with_trailing`` and ``customers_with_tier`` read them (every order write refreshes the profile, the
    nightly recompute dates it today), and summed from the orders for the others: a portfolio recomputed today
    sums no orders at all, instead of a subquery per customer."""
    policy = policy_current().as_rule()
    summed = _trailing_summed(as_of, policy)
    computed_then = Q(credit_profile__computed_on=as_of)
    qs = customers.annotate(
        trailing=Case(
            When(computed_then, then=F("credit_profile__trailing_12m_purchases")),
            default=summed,
            output_field=summed.output_field,
        ),
        tier_code=Case(When(computed_then, then=F("credit_profile__tier")), default=_tier_of(summed, policy)),
    )
    if as_of >= today:
        return qs.annotate(
            grade_code=Coalesce("credit_profile__payment_grade", Value(PaymentGrade.UNRATED)),
            risk_code=Coalesce("credit_profile__risk_class", Value(RiskClass.UNASSESSED)),
        )
    graded = CreditHistory.objects.filter(customer=OuterRef("pk"), on__lte=as_of).order_by("-on")
    assessed = Assessment.objects.filter(customer=OuterRef("pk"), assessed_on__lte=as_of, valid_until__gte=as_of)
    return qs.annotate(
        grade_code=Coalesce(Subquery(graded.values("payment_grade")[:1]), Value(PaymentGrade.UNRATED)),
        risk_code=Coalesce(
            Subquery(assessed.order_by("-assessed_on", "-id").values("risk_class")[:1]), Value(RiskClass.UNASSESSED)
        ),
    )


def _latest_figure(metric: str, as_of: date) -> Subquery:
    figures = FinancialFigure.objects.filter(customer=OuterRef("pk"), metric=metric, as_of__lte=as_of)
    return Subquery(figures.order_by("-as_of").values("value")[:1])


def customers_with_analysis_variables(*, customers: QuerySet[Customer], as_of: date, today: date) -> QuerySet[Customer]:
    """These customers with the variables the correlation compares (DOMAIN §10.4), as of a day where the data is
    dated: ``trailing`` (T), ``orders_365`` (open and completed orders in the 365 days to ``as_of``), the profile's
    ``on_time_ratio``, ``max_days_late``, ``exposure`` and ``credit_limit``, ``assessment_percentage`` (the latest
    assessment made by then), ``completeness``, the latest ``net_worth``, ``total_assets`` and
    ``total_liabilities`` dated by then, and ``relationship_since``. One query."""
    orders = (
        _billable(as_of - timedelta(days=365), as_of)
        .filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assessed = Assessment.objects.filter(customer=OuterRef("pk"), assessed_on__lte=as_of).order_by(
        "-assessed_on", "-id"
    )
    return customers_with_credit_facts(customers=customers, as_of=as_of, today=today).annotate(
        orders_365=Coalesce(Subquery(orders), Value(0)),
        on_time_ratio=F("credit_profile__on_time_ratio"),
        max_days_late=F("credit_profile__max_days_late"),
        exposure=F("credit_profile__exposure"),
        credit_limit=F("credit_profile__credit_limit"),
        assessment_percentage=Subquery(assessed.values("percentage")[:1]),
        net_worth=_latest_figure(FinancialMetric.NET_WORTH, as_of),
        total_assets=_latest_figure(FinancialMetric.TOTAL_ASSETS, as_of),
        total_liabilities=_latest_figure(FinancialMetric.TOTAL_LIABILITIES, as_of),
        relationship_since=F("basic__relationship_since"),
    )


def _trailing_summed(as_of: date, policy: CreditPolicy) -> Coalesce:
    """T of DOMAIN §3 as a subquery per customer: open and completed sales in the trailing window ending on as_of."""
    window = _billable(as_of - timedelta(days=policy.window_days), as_of)
    return Coalesce(
        Subquery(
            window.filter(customer=OuterRef("pk")).order_by().values("customer").annotate(t=Sum("amount")).values("t")
        ),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def customers_with_trailing(*, customers: QuerySet[Customer], as_of: date) -> QuerySet[Customer]:
    """These customers annotated with ``trailing``: T of DOMAIN §3, sales in the trailing window ending on
    ``as_of`` (DOMAIN §10.2), as ``customers_with_credit_facts`` computes it, but read from the stored profile
    when it was computed on that very day (every order write refreshes it, the nightly recompute dates it today),
    so a portfolio freshly recomputed sums no orders at all."""
    summed = _trailing_summed(as_of, policy_current().as_rule())
    stored = When(credit_profile__computed_on=as_of, then=F("credit_profile__trailing_12m_purchases"))
    return customers.annotate(trailing=Case(stored, default=summed, output_field=summed.output_field))


def customers_with_tier(*, customers: QuerySet[Customer], as_of: date) -> QuerySet[Customer]:
    """These customers annotated with ``tier_code`` as of a day (DOMAIN §3), the stored profile's tier where it was
    computed that day, else from T summed and the policy in force (as ``customers_with_credit_facts``)."""
    policy = policy_current().as_rule()
    stored = When(credit_profile__computed_on=as_of, then=F("credit_profile__tier"))
    return customers.annotate(tier_code=Case(stored, default=_tier_of(_trailing_summed(as_of, policy), policy)))


def _tier_of(trailing, policy: CreditPolicy) -> Case:
    """``rules.tier.value_tier`` as SQL over a T expression (DOMAIN §3): A, B by the thresholds, C above 0, else D."""
    return Case(
        When(GreaterThanOrEqual(trailing, policy.tier_a_threshold), then=Value(Tier.A)),
        When(GreaterThanOrEqual(trailing, policy.tier_b_threshold), then=Value(Tier.B)),
        When(GreaterThan(trailing, 0), then=Value(Tier.C)),
        default=Value(Tier.D),
    )


def rfm_order_facts(*, as_of: date, active_days: int, window_days: int) -> QuerySet:
    """Per customer with a sale in the ``active_days`` ending on ``as_of`` (DOMAIN §10.5), one aggregate over the
    orders alone, as values: ``customer_id``, ``last_order`` (date of the latest sale), ``frequency`` (sales in the
    ``window_days``) and ``monetary`` (their amount, T of §3), for the nightly segmentation's SQL to join."""
    window = Q(order_date__gt=as_of - timedelta(days=window_days))
    return (
        _billable(as_of - timedelta(days=active_days), as_of)
        .order_by()
        .values("customer_id")
        .annotate(
            last_order=Max("order_date"),
            frequency=Count("pk", filter=window),
            monetary=Coalesce(
                Sum("amount", filter=window), Value(0), output_field=DecimalField(max_digits=14, decimal_places=2)
            ),
        )
    )


def live_customers_on_time() -> QuerySet:
    """Every live customer's id and on-time ratio (``on_time``, None without a profile or nothing due), as values
    for the nightly segmentation to join (DOMAIN §4, §10.5)."""
    return (
        Customer.objects.filter(deleted_at__isnull=True)
        .order_by()
        .annotate(on_time=F("credit_profile__on_time_ratio"))
        .values("id", "on_time")
    )


def credit_choice_labels() -> dict[str, dict[str, str]]:
    """Codes and their translated labels, in display order: tiers, payment grades, risk classes."""
    return {
        "tier": dict(Tier.choices),
        "payment_grade": dict(PaymentGrade.choices),
        "risk_class": dict(RiskClass.choices),
    }


def weakest_source_behind(*, customer: Customer, today: date) -> str | None:
    """The least reliable information source behind the customer's credit picture (DOMAIN §2.2): its latest
    financial figures, its valid credit reports and its litigation and tax records."""
    policy = policy_current().as_rule()
    latest = FinancialFigure.objects.filter(customer=customer).order_by("metric", "-as_of", "-id")
    figures: dict[str, str] = {}
    for metric, source in latest.values_list("metric", "source"):
        figures.setdefault(metric, source)  # the latest of each figure
    records = CreditDocument.objects.filter(
        customer=customer, doc_type__in=(CreditDocument.Type.LITIGATION_RECORD, CreditDocument.Type.TAX_RECORD)
    )
    reports = _valid_reports(today, policy).filter(customer=customer)
    sources = [*figures.values(), *records.values_list("source", flat=True), *reports.values_list("source", flat=True)]
    return weakest_source(sources)


def approval_note_causes(*, profile: CreditProfile, amount: Decimal) -> tuple[NoteCause, ...]:
    """Why approving ``amount`` for this profile needs a written reason (``rules.decisions.note_causes``)."""
    litigation = CreditDocument.objects.filter(
        customer_id=profile.customer_id, doc_type=CreditDocument.Type.LITIGATION_RECORD
    ).exists()
    return note_causes(
        amount=amount,
        recommended=profile.recommended_limit,
        grade=Grade(profile.payment_grade),
        on_default_list=on_default_list(Grade(profile.computed_grade), int(litigation)),
    )


def limit_standing_read(*, customer: Customer, profile: CreditProfile, today: date) -> LimitStanding:
    """The customer's last approved limit and whether it can carry an order today (``rules.decisions``)."""
    last = (
        CreditLimit.objects.filter(customer=customer, revoked_at__isnull=True, valid_from__lte=today)
        .order_by("-valid_from", "-id")
        .first()
    )
    return limit_standing(
        approved=last.amount if last else None,
        valid_until=last.valid_until if last else None,
        grade=Grade(profile.payment_grade),
        withdrawn="default_list_limit_withdrawn" in profile.reasons,
        today=today,
    )


@dataclass(slots=True)
class CreditFile:
    """The credit file 客户资信档案 (DOMAIN §11): everything a credit manager files or sends upward on a customer."""

    dossier: Dossier
    profile: CreditProfile
    history: list[CreditHistory]
    assessments: list[Assessment]  # the latest 5C and the latest feature analysis
    decisions: list[CreditLimitRequest]
    ageing: dict[str, Decimal]
    ratios: dict[str, Decimal | None]
    figures: dict[str, Decimal]
    weakest_source: str | None
    standing: LimitStanding


def _ledger(customer: Customer) -> tuple[list[Receivable], list[PaymentIn]]:
    """The billable orders, each net of its credit notes, and the payments (DOMAIN §4, §6.4)."""
    credited = dict(
        CreditNote.objects.filter(customer=customer)
        .values("order_id")
        .annotate(total=Sum("amount"))
        .values_list("order_id", "total")
    )
    receivables = [
        Receivable(pk, due, amount - credited.get(pk, Decimal(0)))
        for pk, due, amount in Order.objects.filter(customer=customer, status__in=BILLABLE).values_list(
            "pk", "due_date", "amount"
        )
    ]
    payments = [
        PaymentIn(pk, paid_on, amount, order_id)
        for pk, paid_on, amount, order_id in Payment.objects.filter(customer=customer).values_list(
            "pk", "paid_on", "amount", "order_id"
        )
    ]
    return receivables, payments


def credit_file_read(*, dossier: Dossier, today: date) -> CreditFile:
    """The credit file of a dossier read in full (``customers.selectors.dossier_read``), as of ``today``."""
    customer = dossier.customer
    profile = credit_profile_read(customer=customer, today=today)
    latest: dict[str, Assessment] = {}
    for assessment in customer_assessments(customer=customer):
        latest.setdefault(assessment.method, assessment)
    receivables, payments = _ledger(customer)
    figures = {figure.metric: figure.value for figure in dossier.latest_figures}
    return CreditFile(
        dossier=dossier,
        profile=profile,
        history=list(credit_history(customer=customer)[:24]),
        assessments=list(latest.values()),
        decisions=list(customer_limit_requests(customer=customer).select_related("decided_by")),
        ageing=ledger_ageing(receivables, payments, today=today),
        ratios=financial_ratios(figures),
        figures=figures,
        weakest_source=weakest_source_behind(customer=customer, today=today),
        standing=limit_standing_read(customer=customer, profile=profile, today=today),
    )


def _preview_facts(*, today: date, policy: CreditPolicy):
    """Every live customer's stored credit facts and profile as ``rules.preview.CustomerFacts``, in one query."""
    net_worth = FinancialFigure.objects.filter(customer=OuterRef("customer_id"), metric=FinancialMetric.NET_WORTH)
    override = GradeOverride.objects.filter(customer=OuterRef("customer_id"), valid_until__gte=today)
    rows = (
        CreditProfile.objects.filter(customer__deleted_at__isnull=True)
        .annotate(
            latest_net_worth=Subquery(net_worth.order_by("-as_of").values("value")[:1]),
            has_report=Exists(_valid_reports(today, policy).filter(customer=OuterRef("customer_id"))),
            override=Subquery(override.order_by("-created_at", "-id").values("grade")[:1]),
        )
        .values_list(
            "customer_id",
            "trailing_12m_purchases",
            "on_time_ratio",
            "max_days_late",
            "override",
            "score",
            "customer__size",
            "customer__payment_terms_days",
            "customer__expected_monthly_purchases",
            "latest_net_worth",
            "has_report",
            "tier",
            "payment_grade",
            "risk_class",
            "recommended_limit",
        )
    )
    return (CustomerFacts(*row[:11], Outcome(*row[11:])) for row in rows.iterator(chunk_size=5000))


@dataclass(frozen=True, slots=True)
class PolicyPreview:
    """What a draft policy would do today (DOMAIN §11), next to the policy in force; nothing is saved."""

    result: Preview
    losing: list[tuple[Customer, Decimal]]  # the customers who would lose credit, largest current recommendation first

    def as_json(self) -> dict:
        """API.md "Policy preview": moves from → to with their customers (changed ones first), totals, losers."""
        kinds = {"tier": "tier", "payment_grade": "grade", "risk_class": "risk"}
        changes = {
            name: [
                {"from": old, "to": new, "customers": count}
                for (old, new), count in sorted(
                    self.result.moves[key].items(), key=lambda m: (m[0][0] == m[0][1], m[0])
                )
            ]
            for name, key in kinds.items()
        }
        return {
            "customers": self.result.customers,
            "changes": changes,
            "recommended_limit_total": {
                "current": self.result.recommended_current,
                "draft": self.result.recommended_draft,
            },
            "customers_losing_credit": [
                {"code": customer.code, "name": customer.name, "current_recommendation": amount}
                for customer, amount in self.losing
            ],
            "customers_losing_credit_count": len(self.result.losing_credit),
        }


def policy_preview(*, changes: dict, today: date, listed: int = 100) -> PolicyPreview:
    """The policy in force with ``changes`` (policy field → value) applied, compared with the policy in force."""
    current = policy_current().as_rule()
    result = preview(_preview_facts(today=today, policy=current), draft=draft_policy(current, changes))
    top = sorted(result.losing_credit, key=lambda pair: (-pair[1], pair[0]))[:listed]
    customers = Customer.objects.select_related("owner").in_bulk([pk for pk, _amount in top])
    return PolicyPreview(result, [(customers[pk], amount) for pk, amount in top if pk in customers])


def open_items_sql(
    *, customers: QuerySet[Customer], as_of: date, today: date, due_before: date | None = None
) -> tuple[str, list]:
    """SQL (and its parameters) for the unpaid remainder of every open or completed order of these customers as
    of a day (DOMAIN §10.7), columns ``customer_id, order_id, due_date, unpaid`` (``unpaid`` ≥ 0; 0 for a paid
    order). Orders dated by ``as_of``, payments made and credit notes issued by then; statuses as they are now.

    The allocation of DOMAIN §4 (``rules.grade.allocate``: a payment to the order it names up to what is open on
    it, the rest oldest due first) set-based, with window functions. Its end state does not depend on the order
    the payments came in: each order first keeps what payments naming it cover (``claimed`` = min(owed, named));
    everything else paid (unnamed payments, what named ones leave over, payments naming another order) fills the
    remaining ``owed − claimed`` in due order (due date, then id). So an order's unpaid part is
    clamp(running remaining through it − that pool, 0, its remaining). Orders are net of their credit notes, as
    for ``credit_note_room``, so the unpaid parts add up to the exposure of DOMAIN §6.4 (``rules.limits.exposure``).
    tests/analytics/test_ageing_allocation.py checks both against the rule on generated ledgers.

    As of today (or later) the ledger as it stands is read through the stored credit profile instead (see
    ``_open_items_now_sql``); a past day reads every ledger in scope. ``due_before``: the caller wants only items
    due before that day (an ageing bucket such as "over 90 days"); as of today, customers whose stored lateness
    rules those out are skipped (a shortcut, not a filter: the caller still filters the items)."""
    if as_of >= today:
        return _open_items_now_sql(customers, due_before=due_before)
    scope_sql, scope_params = customers.order_by().values("pk").query.sql_with_params()
    order, payment, note = Order._meta.db_table, Payment._meta.db_table, CreditNote._meta.db_table
    billable = ", ".join(f"'{status}'" for status in sorted(BILLABLE))
    sql = f"""
        WITH notes AS (SELECT order_id, SUM(amount) AS credited FROM {note}
                       WHERE issued_on <= %s AND customer_id IN ({scope_sql}) GROUP BY order_id),
        named AS (SELECT order_id, SUM(amount) AS named FROM {payment}
                  WHERE order_id IS NOT NULL AND paid_on <= %s AND customer_id IN ({scope_sql}) GROUP BY order_id),
        paid AS (SELECT customer_id, SUM(amount) AS paid FROM {payment}
                 WHERE paid_on <= %s AND customer_id IN ({scope_sql}) GROUP BY customer_id),
        owed AS (SELECT o.id, o.customer_id, o.due_date, o.amount - COALESCE(n.credited, 0) AS owed,
                        COALESCE(p.named, 0) AS named
                 FROM {order} o LEFT JOIN notes n ON n.order_id = o.id LEFT JOIN named p ON p.order_id = o.id
                 WHERE o.status IN ({billable}) AND o.order_date <= %s AND o.customer_id IN ({scope_sql})),
        claimed AS (SELECT id, customer_id, due_date, owed,
                           CASE WHEN named < owed THEN named ELSE owed END AS claimed FROM owed),
        running AS (SELECT id, customer_id, due_date, owed - claimed AS remaining,
                           SUM(owed - claimed) OVER (PARTITION BY customer_id ORDER BY due_date, id
                                                     ROWS UNBOUNDED PRECEDING) AS through,
                           SUM(claimed) OVER (PARTITION BY customer_id) AS claimed_total
                    FROM claimed),
        beyond AS (SELECT r.customer_id, r.id AS order_id, r.due_date, r.remaining,
                          r.through - (COALESCE(pd.paid, 0) - r.claimed_total) AS beyond
                   FROM running r LEFT JOIN paid pd ON pd.customer_id = r.customer_id)
        SELECT customer_id, order_id, due_date,
               CASE WHEN beyond <= 0 THEN 0 WHEN beyond < remaining THEN beyond ELSE remaining END AS unpaid
        FROM beyond"""  # noqa: S608 - our SQL fragments and table names, values bound
    params = [as_of, *scope_params] * 4
    return sql, params


def _days_before(day: str, days: str) -> str:
    if connection.vendor == "sqlite":
        return f"date({day}, '-' || {days} || ' days')"
    return f"({day} - {days})"


def _open_items_now_sql(customers: QuerySet[Customer], *, due_before: date | None = None) -> tuple[str, list]:
    """``open_items_sql`` for today: the same unpaid parts, reading only the orders that can still be unpaid.

    The stored profile holds the exposure E and, from the payment grade's allocation on ``computed_on``, the most
    days late L of any order then unpaid past due (DOMAIN §4); every write of an order, a payment or a credit note
    refreshes it. So only customers with E > 0 owe, and only their orders due on or after ``computed_on − L``
    can be unpaid (credit notes only shrink what is unpaid). The unpaid parts are the last E of what named
    payments leave open, in due order: unpaid = clamp(E − remaining of the orders due after it, 0, its remaining)
    — the same end state as ``open_items_sql`` (the pool fills the oldest first), from far fewer rows.

    With ``due_before``, only debtors who can owe an item due before it are read: an unpaid item is due on or after
    ``computed_on − L``, so a customer whose ``computed_on − L`` is not before ``due_before`` owes none (the
    dashboard's "over 90 days" reads a few debtors instead of every one)."""
    scope_sql, scope_params = customers.order_by().values("pk").query.sql_with_params()
    order, payment, note = Order._meta.db_table, Payment._meta.db_table, CreditNote._meta.db_table
    profile = CreditProfile._meta.db_table
    billable = ", ".join(f"'{status}'" for status in sorted(BILLABLE))
    since = _days_before("d.computed_on", "d.max_days_late")
    lateness = "" if due_before is None else f" AND {since} < %s"
    sql = f"""
        WITH debtors AS (SELECT customer_id, exposure, computed_on, max_days_late FROM {profile} d
                         WHERE exposure > 0 AND customer_id IN ({scope_sql}){lateness}),
        owed AS MATERIALIZED (SELECT o.id, o.customer_id, o.due_date, d.exposure,
                        o.amount - COALESCE((SELECT SUM(cn.amount) FROM {note} cn WHERE cn.order_id = o.id), 0) AS owed,
                        COALESCE((SELECT SUM(pm.amount) FROM {payment} pm WHERE pm.order_id = o.id), 0) AS named
                 FROM debtors d JOIN {order} o ON o.customer_id = d.customer_id
                 WHERE o.status IN ({billable}) AND o.due_date >= {since}),
        remaining AS (SELECT id, customer_id, due_date, exposure,
                             owed - CASE WHEN named < owed THEN named ELSE owed END AS remaining FROM owed),
        later AS (SELECT id, customer_id, due_date, remaining,
                         exposure - COALESCE(SUM(remaining) OVER (
                             PARTITION BY customer_id ORDER BY due_date DESC, id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS beyond
                  FROM remaining)
        SELECT customer_id, id AS order_id, due_date,
               CASE WHEN beyond <= 0 THEN 0 WHEN beyond < remaining THEN beyond ELSE remaining END AS unpaid
        FROM later"""  # noqa: S608 - our SQL fragments and table names, values bound
    return sql, [*scope_params, *([] if due_before is None else [due_before])]


def draft_policy(current: CreditPolicy, changes: dict) -> CreditPolicy:
    """The policy ``current`` with ``changes`` (policy field → value) applied."""
    return replace(
        current, **{name: value for name, value in changes.items() if name in CreditPolicy.__dataclass_fields__}
    )


@dataclass(frozen=True, slots=True)
class PolicyBacktest:
    """The back-test of DOMAIN §11 under credit for all, the policy in force and a draft."""

    result: Backtest

    def as_json(self) -> dict:
        """API.md "Policy preview and back-test": per measure, ``credit_for_all``, ``current`` and ``draft``."""
        tallies = self.result.tallies
        measures = ("orders_held", "held_amount", "good_revenue_delayed", "bad_debt_avoided")
        body = {measure: {name: getattr(tally, measure) for name, tally in tallies.items()} for measure in measures}
        return {
            "months": self.result.months,
            "since": self.result.since,
            "until": self.result.until,
            "orders": self.result.orders,
            "amount": self.result.amount,
            "bad_debt": self.result.bad_debt,
            **body,
            "held_amount_by_month": {
                name: [tally.held_by_month.get(month, Decimal(0)) for month in self.result.months]
                for name, tally in tallies.items()
            },
        }


def backtest_customer_ids(*, since: date, today: date) -> list[int]:
    """Live customers with an open or completed order after ``since`` and up to ``today``, in id order."""
    return sorted(
        Order.objects.filter(
            status__in=BILLABLE, order_date__gt=since, order_date__lte=today, customer__deleted_at__isnull=True
        )
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )


def backtest_histories(ids: list[int], *, today: date, trade: bool) -> dict[int, CustomerHistory]:
    """These customers' dated credit history (``rules.backtest.CustomerHistory``), with their trade records when
    ``trade``: nine queries at most, over the range of ids (which the customer indexes serve)."""
    found = {
        pk: CustomerHistory(pk, size, terms, expected)
        for pk, size, terms, expected in Customer.objects.filter(pk__gte=ids[0], pk__lte=ids[-1])
        .order_by()
        .values_list("pk", "size", "payment_terms_days", "expected_monthly_purchases")
    }
    found = {pk: found[pk] for pk in ids}
    if trade:
        _add_trade_history(found, today)
    _add_credit_history(found, today)
    return found


def backtest_fingerprints(ids: list[int], *, today: date) -> dict[int, str]:
    """Per customer, the count, id sum and amount sum of its billable orders, payments and credit notes dated by
    ``today``: any order, payment or note added, taken back or cancelled since changes it."""
    parts: dict[int, list[str]] = {pk: ["", "", ""] for pk in ids}
    tables = (
        Order.objects.filter(status__in=BILLABLE, order_date__lte=today),
        Payment.objects.filter(paid_on__lte=today),
        CreditNote.objects.filter(order__status__in=BILLABLE, issued_on__lte=today),
    )
    for index, queryset in enumerate(tables):
        rows = (
            queryset.filter(customer_id__gte=ids[0], customer_id__lte=ids[-1])
            .order_by()
            .values("customer_id")
            .annotate(n=Count("pk"), ids=Sum("pk"), amount=Sum("amount"))
            .values_list("customer_id", "n", "ids", "amount")
        )
        for customer_id, n, id_sum, amount in rows:
            if customer_id in parts:
                parts[customer_id][index] = f"{n}:{id_sum}:{amount}"
    return {pk: "|".join(values) for pk, values in parts.items()}


def backtest_ledgers_kept(ids: list[int], *, windows: Iterable[int]) -> dict[tuple[int, int], tuple[str, date, list]]:
    """The kept ``BacktestLedger`` rows of these customers: (customer, window) → (fingerprint, computed on, the
    orders as ``rules.backtest.OrderLedger``)."""
    rows = BacktestLedger.objects.filter(customer_id__gte=ids[0], customer_id__lte=ids[-1], window_days__in=windows)
    return {
        (customer_id, window): (fingerprint, computed_on, [order_ledger_from_json(row) for row in orders])
        for customer_id, window, fingerprint, computed_on, orders in rows.values_list(
            "customer_id", "window_days", "fingerprint", "computed_on", "orders"
        )
    }


def order_ledger_from_json(row: list) -> OrderLedger:
    """An ``OrderLedger`` from its JSON list (``order_ledger_json``)."""
    order_id, day, due, amount, prepaid, trailing, ratio, worst, exposure, paid, on_time, late = row
    return OrderLedger(
        order_id, date.fromisoformat(day), date.fromisoformat(due), Decimal(amount), prepaid, Decimal(trailing),
        None if ratio is None else Decimal(ratio), worst, Decimal(exposure), Decimal(paid), Decimal(on_time),
        Decimal(late),
    )  # fmt: skip


def order_ledger_json(order: OrderLedger) -> list:
    """An ``OrderLedger`` as a JSON list: dates ISO, decimals as text."""
    return [
        order.order_id, order.order_date.isoformat(), order.due_date.isoformat(), str(order.amount), order.prepaid,
        str(order.trailing), None if order.on_time_ratio is None else str(order.on_time_ratio), order.max_days_late,
        str(order.exposure), str(order.paid), str(order.paid_on_time), str(order.paid_over_90_days_late),
    ]  # fmt: skip


def _rows(
    found: dict[int, CustomerHistory], queryset: QuerySet, *columns: str
) -> Iterator[tuple[CustomerHistory, list]]:
    """``columns`` of the rows of these customers (read as a range of ids, which the customer index serves; by their
    ids when they are a few spread over a wide range), each with the history it belongs to."""
    first, last = min(found), max(found)
    if len(found) * 4 < last - first:
        chunk = queryset.filter(customer_id__in=sorted(found)).order_by().values_list(*columns)
    else:
        chunk = queryset.filter(customer_id__gte=first, customer_id__lte=last).order_by().values_list(*columns)
    for customer_id, *values in chunk.iterator(chunk_size=20_000):
        if customer_id in found:
            yield found[customer_id], values


def _add_trade_history(found: dict[int, CustomerHistory], today: date) -> None:
    billable = Order.objects.filter(status__in=BILLABLE, order_date__lte=today)
    for history, values in _rows(found, billable, "customer_id", "id", "order_date", "due_date", "amount", "prepaid"):
        history.orders.append(TradeOrder(*values))
    payments = Payment.objects.filter(paid_on__lte=today)
    for history, values in _rows(found, payments, "customer_id", "id", "paid_on", "amount", "order_id"):
        history.payments.append(PaymentIn(*values))
    notes = CreditNote.objects.filter(order__status__in=BILLABLE, issued_on__lte=today)
    for history, (issued_on, amount) in _rows(found, notes, "customer_id", "issued_on", "amount"):
        history.credit_notes.append((issued_on, amount))


def _add_credit_history(found: dict[int, CustomerHistory], today: date) -> None:
    net_worth = FinancialFigure.objects.filter(metric=FinancialMetric.NET_WORTH, as_of__lte=today)
    for history, (as_of, value) in _rows(found, net_worth, "customer_id", "as_of", "value"):
        history.net_worth.append((as_of, value))
    assessments = Assessment.objects.filter(assessed_on__lte=today)
    for history, values in _rows(found, assessments, "customer_id", "assessed_on", "valid_until", "percentage"):
        history.assessments.append(tuple(values))
    reports = CreditDocument.objects.filter(CREDIT_REPORT, obtained_on__lte=today)
    for history, values in _rows(found, reports, "customer_id", "obtained_on", "issued_on", "valid_until"):
        history.reports.append(Report(*values))
    lawsuits = CreditDocument.objects.filter(doc_type=CreditDocument.Type.LITIGATION_RECORD, obtained_on__lte=today)
    for history, (obtained_on,) in _rows(found, lawsuits, "customer_id", "obtained_on"):
        history.litigation.append(obtained_on)
    overrides = GradeOverride.objects.annotate(created_on=TruncDate("created_at"))
    for history, values in _rows(found, overrides, "customer_id", "created_on", "valid_until", "grade"):
        history.overrides.append(Override(*values))


# Queues and dashboards (DOMAIN §6.3, §6.4; issue 14) ----------------------------------------------------------------


def held_orders(*, user) -> QuerySet[Order]:
    """Orders on credit hold the user follows, oldest first: every one for credit staff and sales managers, a
    sales rep's own customers' otherwise (DOMAIN §6.4)."""
    held = Order.objects.filter(status=Order.Status.CREDIT_HOLD)
    if not user.has_perm("credit.view_credit_queues"):
        held = held.filter(customer__owner=user) if user.has_perm("customers.own_customers") else held.none()
    return held.select_related("customer", "customer__owner", "customer__credit_profile", "created_by").order_by(
        "created_at", "id"
    )


def pending_limit_requests() -> QuerySet[CreditLimitRequest]:
    """Limit requests waiting for a credit manager's decision, oldest first (DOMAIN §6.3)."""
    return (
        CreditLimitRequest.objects.filter(status=CreditLimitRequest.Status.PENDING)
        .select_related("customer", "customer__owner", "customer__credit_profile", "requested_by")
        .order_by("requested_at", "id")
    )


def assessments_due_count(*, user, today: date, windows) -> int:
    """The analyst's "assessments due" (``customers.selectors.due_condition``'s "assessment"): for a reader of every
    dossier the profiles that need an investigation (their partial index) less the archived customers', instead of
    a join to every customer; for anyone else the customer list's count."""
    if access.dossiers_fully_visible(user) is not None or not roles.roles_of(user):
        return due_count(user=user, due="assessment", today=today, windows=windows)
    return _live_profiles().filter(investigation_required=True).count()


def _live_profiles() -> QuerySet[CreditProfile]:
    """The live customers' profiles: every profile less the few archived customers' (a hashed NOT IN over their
    index), instead of a join to every customer."""
    return CreditProfile.objects.exclude(customer_id__in=archived_customers())


def tier_grade_counts() -> dict[tuple[str, str], int]:
    """Live customers per tier × payment grade (the start page's matrix): ``tier_grade_cells``' counts alone, from
    the same covering index without summing a million amounts."""
    rows = _live_profiles().order_by().values_list("tier", "payment_grade").annotate(count=Count("pk"))
    return {(tier, grade): count for tier, grade, count in rows}


def tier_grade_cells() -> dict[tuple[str, str], dict]:
    """Live customers, trailing-12-month purchases and exposure per tier × payment grade: one grouped query over
    the profiles' covering index (tier, payment grade and the sums) of the live customers."""
    rows = (
        _live_profiles()
        .values("tier", "payment_grade")
        .annotate(count=Count("pk"), purchases=Sum("trailing_12m_purchases"), exposure=Sum("exposure"))
    )
    return {(r["tier"], r["payment_grade"]): r for r in rows.order_by()}


@dataclass(frozen=True, slots=True)
class CustomerRange:
    """Live customers with ``first_id ≤ id ≤ last_id`` (``last_id`` None: no upper bound), ``count`` of them."""

    first_id: int
    last_id: int | None
    count: int


def customer_ranges(*, size: int) -> list[CustomerRange]:
    """The live customers cut into ranges of ``size`` by id, in one query (the nightly recompute's chunks). The last
    range has no upper bound, so a customer created after the cut is still in one."""
    sql = (
        "SELECT MIN(id), MAX(id), COUNT(*) FROM (SELECT id, (ROW_NUMBER() OVER (ORDER BY id) - 1) / %s AS part "
        "FROM customers_customer WHERE deleted_at IS NULL) AS numbered GROUP BY part ORDER BY part"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [size])
        parts = cursor.fetchall()
    return [
        CustomerRange(first, None if index == len(parts) - 1 else last, count)
        for index, (first, last, count) in enumerate(parts)
    ]


def live_customer_ids(*, first_id: int, last_id: int | None) -> list[int]:
    customers = Customer.objects.filter(deleted_at__isnull=True, pk__gte=first_id)
    if last_id is not None:
        customers = customers.filter(pk__lte=last_id)
    return list(customers.order_by("pk").values_list("pk", flat=True))


def profile_grades_between(*, first_id: int, last_id: int | None) -> dict[int, tuple[str, str]]:
    """The stored (tier, payment grade) of the profiles with ``first_id ≤ customer ≤ last_id`` (no upper bound when
    None), one query read by the key's range (a chunk of the nightly recompute)."""
    sql = "SELECT customer_id, tier, payment_grade FROM credit_creditprofile WHERE customer_id >= %s"
    params = [first_id]
    if last_id is not None:
        sql, params = f"{sql} AND customer_id <= %s", [first_id, last_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (tier, grade) for pk, tier, grade in cursor.fetchall()}
