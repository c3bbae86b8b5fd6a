"""Reads of the credit engine, each a constant number of queries however many customers it covers."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from credit.models import (
    Assessment,
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
from credit.rules.grade import PaymentIn
from credit.rules.policy import CreditPolicy
from credit.rules.profile import OrderRow, ProfileInputs, compute_profile
from credit.rules.tier import BILLABLE
from customers.models import CreditDocument, Customer, FinancialMetric, Interaction
from customers.rules.review import ReviewPolicy
from customers.selectors import latest_figure_values, valid_credit_reports


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


def profile_inputs(*, customer_ids: Sequence[int], today: date, policy: CreditPolicy) -> dict[int, ProfileInputs]:
    """Everything the profile rule needs for these customers, in eleven queries whatever their number."""
    inputs: dict[int, ProfileInputs] = {}
    for row in Customer.objects.filter(pk__in=customer_ids).values(
        "pk", "size", "payment_terms_days", "expected_monthly_purchases", "basic__relationship_since"
    ):
        inputs[row["pk"]] = ProfileInputs(
            row["size"], row["payment_terms_days"], row["expected_monthly_purchases"], row["basic__relationship_since"]
        )
    _add_ledger(inputs, customer_ids)
    net_worth = latest_figure_values(customer_ids=list(inputs), metrics=[FinancialMetric.NET_WORTH])
    for customer_id, latest in net_worth.items():
        inputs[customer_id].net_worth = latest.get(FinancialMetric.NET_WORTH)
    for customer_id, percentage in (
        Assessment.objects.filter(customer_id__in=customer_ids, valid_until__gte=today)
        .order_by("customer_id", "assessed_on", "id")
        .values_list("customer_id", "percentage")
    ):
        inputs[customer_id].assessment_percentage = percentage
    for customer_id in (
        _valid_reports(today, policy).filter(customer_id__in=customer_ids).values_list("customer_id", flat=True)
    ):
        inputs[customer_id].has_valid_credit_report = True
    for customer_id, amount, until in (
        CreditLimit.objects.filter(
            customer_id__in=customer_ids, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today
        )
        .order_by("customer_id", "valid_from", "id")
        .values_list("customer_id", "amount", "valid_until")
    ):
        inputs[customer_id].limit, inputs[customer_id].limit_valid_until = amount, until
    for customer_id in CreditDocument.objects.filter(
        customer_id__in=customer_ids, doc_type=CreditDocument.Type.LITIGATION_RECORD
    ).values_list("customer_id", flat=True):
        inputs[customer_id].litigation_records += 1
    for customer_id, grade in (
        GradeOverride.objects.filter(customer_id__in=customer_ids, valid_until__gte=today)
        .order_by("customer_id", "created_at", "id")
        .values_list("customer_id", "grade")
    ):
        inputs[customer_id].grade_override = grade
    return inputs


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


def customer_orders(*, customer: Customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).prefetch_related("lines")


def order_credit_notes(*, order: Order) -> QuerySet[CreditNote]:
    return CreditNote.objects.filter(order=order).select_related("order", "created_by")


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
    from credit.rules.grade import Grade
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
    return (
        OrderLine.objects.filter(order__status__in=BILLABLE, order__order_date__lte=until)
        .order_by()
        .values("product")
        .distinct()
    )


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
    was still valid, or unassessed)."""
    policy = policy_current().as_rule()
    window = _billable(as_of - timedelta(days=policy.window_days), as_of)
    trailing = Coalesce(
        Subquery(
            window.filter(customer=OuterRef("pk")).order_by().values("customer").annotate(t=Sum("amount")).values("t")
        ),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    tier_code = Case(
        When(trailing__gte=policy.tier_a_threshold, then=Value(Tier.A)),
        When(trailing__gte=policy.tier_b_threshold, then=Value(Tier.B)),
        When(trailing__gt=0, then=Value(Tier.C)),
        default=Value(Tier.D),
    )
    qs = customers.annotate(trailing=trailing).annotate(tier_code=tier_code)
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
