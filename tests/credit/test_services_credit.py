"""Credit services on the database: orders, payments, profile, assessments, limits with four eyes (DOMAIN §3–§6)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import selectors, services
from credit.models import CreditHistory, CreditLimitRequest, CreditProfile, Order
from credit.services import OrderLineInput
from crm import roles
from customers import services as customer_services
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal


@pytest.fixture
def analyst(make_user):
    return make_user(roles.CREDIT_ANALYST, username="analyst")


@pytest.fixture
def credit_manager(make_user):
    return make_user(roles.CREDIT_MANAGER, username="cm")


@pytest.fixture
def buyer(rep):
    return make_customer(owner=rep, name="Buyer Co", size="small")


def _order(customer, by, amount, *, days_ago=10, terms=30, **kwargs):
    order_date = TODAY - timedelta(days=days_ago)
    return services.order_place(
        customer=customer,
        lines=[OrderLineInput("DN100 gate valve", D(1), D(amount))],
        order_date=order_date,
        due_date=order_date + timedelta(days=terms),
        by=by,
        today=TODAY,
        **kwargs,
    )


def _limit(customer, requester, manager, amount):
    request = services.credit_limit_request_create(
        customer=customer, amount=D(amount), reason="new", by=requester, today=TODAY
    )
    return services.credit_limit_approve(request=request, by=manager, today=TODAY, note=NOTE)


def test_order_without_a_limit_is_held_and_released_by_a_manager(buyer, rep, credit_manager):
    """DOMAIN §6.4: no valid limit → credit hold; a credit manager releases it."""
    order = _order(buyer, rep, 1000)
    assert order.status == Order.Status.CREDIT_HOLD
    assert order.credit_check["reasons"] == ["no_valid_limit"]
    released = services.order_transition(order=order, action="release", by=credit_manager, today=TODAY)
    assert released.status == Order.Status.OPEN
    assert CreditProfile.objects.get(customer=buyer).exposure == D(1000)


def test_orders_within_the_limit_pass_and_the_one_over_is_held(buyer, rep, analyst, credit_manager):
    """DOMAIN §6.4: exposure + order amount > limit → hold."""
    _limit(buyer, analyst, credit_manager, 10_000)
    assert _order(buyer, rep, 6000).status == Order.Status.OPEN
    held = _order(buyer, rep, 4000.01)
    assert held.status == Order.Status.CREDIT_HOLD
    assert held.credit_check == {
        "passed": False,
        "reasons": ["over_limit"],
        "exposure": "6000.00",
        "limit": "10000.00",
        "available": "4000.00",
    }
    assert _order(buyer, rep, 4000).status == Order.Status.OPEN


def test_payments_restore_available_credit(buyer, rep, analyst, credit_manager):
    _limit(buyer, analyst, credit_manager, 10_000)
    _order(buyer, rep, 10_000)
    services.payment_record(customer=buyer, paid_on=TODAY, amount=D(4000), by=rep, today=TODAY)
    profile = CreditProfile.objects.get(customer=buyer)
    assert (profile.exposure, profile.available_credit) == (D(6000), D(4000))


def test_cancelling_or_completing_orders_never_hides_exposure(buyer, rep, analyst, credit_manager):
    """DOMAIN §6.4: exposure counts open and completed orders; a cancelled order's payment moves on."""
    _limit(buyer, analyst, credit_manager, 100_000)
    first, second = _order(buyer, rep, 1000), _order(buyer, rep, 2000)
    services.payment_record(customer=buyer, paid_on=TODAY, amount=D(1000), order=first, by=rep, today=TODAY)
    services.order_transition(order=second, action="complete", by=rep, today=TODAY)
    assert services.credit_exposure(buyer) == D(2000)
    services.order_transition(order=first, action="cancel", by=rep, today=TODAY)
    assert services.credit_exposure(buyer) == D(1000)


def test_illegal_transitions_are_refused(buyer, rep, credit_manager):
    order = _order(buyer, rep, 100)
    services.order_transition(order=order, action="reject", by=credit_manager, today=TODAY, note="no")
    with pytest.raises(services.CreditError):
        services.order_transition(order=order, action="release", by=credit_manager, today=TODAY)


def test_historical_import_is_completed_without_a_check(buyer, make_user):
    integration = make_user(roles.INTEGRATION, username="erp")
    order = _order(buyer, integration, 500_000, days_ago=100, historical=True)
    assert order.status == Order.Status.COMPLETED
    profile = CreditProfile.objects.get(customer=buyer)
    assert profile.tier == "A"
    assert profile.trailing_12m_purchases == D(500_000)


def test_profile_grade_from_late_payments_and_history_of_changes(buyer, make_user):
    """DOMAIN §4: a 91-day-late payment makes 丁; the tier/grade history records the change."""
    erp = make_user(roles.INTEGRATION, username="erp")
    order = _order(buyer, erp, 1000, days_ago=200, historical=True)
    services.payment_record(customer=buyer, paid_on=order.due_date, amount=D(1000), by=erp, today=TODAY)
    assert CreditProfile.objects.get(customer=buyer).payment_grade == "jia"
    late = _order(buyer, erp, 1000, days_ago=150, historical=True)
    services.payment_record(
        customer=buyer, paid_on=late.due_date + timedelta(days=91), amount=D(1000), by=erp, today=TODAY
    )
    profile = CreditProfile.objects.get(customer=buyer)
    assert (profile.payment_grade, profile.sales_policy) == ("ding", "prepayment_phase_out")
    assert list(CreditHistory.objects.filter(customer=buyer).values_list("payment_grade", flat=True))[:1] == ["ding"]


def test_grade_override_takes_effect_until_it_expires(buyer, credit_manager):
    services.grade_override_set(
        customer=buyer, grade="bing", reason="court ruling", valid_until=TODAY, by=credit_manager, today=TODAY
    )
    profile = CreditProfile.objects.get(customer=buyer)
    assert (profile.payment_grade, profile.computed_grade) == ("bing", "unrated")
    services.credit_profile_refresh(customer=buyer, today=TODAY + timedelta(days=1))
    assert CreditProfile.objects.get(customer=buyer).payment_grade == "unrated"


def test_feature_assessment_keeps_its_model_version_and_sets_the_risk_class(buyer, analyst):
    """DOMAIN §5.2–§5.3."""
    model = selectors.scoring_models().get(is_default=True)
    ratings = {i.key: 8 for i in model.indicators.all()}
    assessment = services.assessment_submit(customer=buyer, method="feature", ratings=ratings, by=analyst, today=TODAY)
    assert (assessment.percentage, assessment.risk_class, assessment.model_version) == (D("80.00"), "low", 1)
    assert CreditProfile.objects.get(customer=buyer).risk_class == "low"


def test_four_eyes_the_requester_cannot_approve(buyer, credit_manager):
    """DOMAIN §6.3: decided by a credit manager who is not the requester."""
    request = services.credit_limit_request_create(
        customer=buyer, amount=D(10_000), reason="x", by=credit_manager, today=TODAY
    )
    with pytest.raises(services.FourEyesViolation):
        services.credit_limit_approve(request=request, by=credit_manager, today=TODAY, note=NOTE)
    assert CreditLimitRequest.objects.get().status == "pending"


def test_approval_stores_its_basis_and_lasts_a_year(buyer, analyst, credit_manager):
    limit = _limit(buyer, analyst, credit_manager, 20_000)
    assert limit.valid_until == TODAY + timedelta(days=365)
    request = CreditLimitRequest.objects.get()
    assert set(request.basis) >= {"tier", "payment_grade", "risk_class", "exposure", "recommended_limit"}
    assert selectors.valid_limit(customer=buyer, today=TODAY + timedelta(days=366)) is None


def test_medium_customer_without_a_credit_report_gets_no_more_than_the_small_ceiling(
    rep, analyst, credit_manager, django_capture_on_commit_callbacks
):
    """DOMAIN §6.2–§6.3."""
    medium = make_customer(owner=rep, name="Medium Co", size="medium")
    request = services.credit_limit_request_create(
        customer=medium, amount=D(80_000), reason="x", by=analyst, today=TODAY
    )
    with pytest.raises(services.CreditError):
        services.credit_limit_approve(request=request, by=credit_manager, today=TODAY, note=NOTE)
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.credit_document_add(
            customer=medium,
            by=analyst,
            values={
                "doc_type": "credit_report",
                "title": "Report",
                "source": "credit_agency",
                "obtained_on": TODAY,
                "issued_on": TODAY,
            },
            today=TODAY,
        )
    assert services.credit_limit_approve(request=request, by=credit_manager, today=TODAY, note=NOTE).amount == D(80_000)


def test_recompute_all_matches_the_per_customer_refresh(rep, make_user):
    erp = make_user(roles.INTEGRATION, username="erp")
    customers = [make_customer(owner=rep, name=f"C{i}") for i in range(3)]
    for index, customer in enumerate(customers):
        _order(customer, erp, 100_000 * (index + 1), days_ago=40, historical=True)
    CreditProfile.objects.update(tier="D")
    assert services.credit_recompute_all(today=TODAY, chunk=2) == 3
    assert [CreditProfile.objects.get(customer=c).tier for c in customers] == ["C", "B", "A"]


def test_small_customer_on_a_default_list_loses_its_limit(buyer, rep, analyst, credit_manager, make_user):
    """DOMAIN §6.2: overdue > 90 days (or litigation) withdraws a small customer's limit; arrears flagged."""
    _limit(buyer, analyst, credit_manager, 50_000)
    erp = make_user(roles.INTEGRATION, username="erp")
    _order(buyer, erp, 5000, days_ago=200, historical=True)  # due 170 days ago, unpaid
    profile = CreditProfile.objects.get(customer=buyer)
    assert profile.payment_grade == "ding"
    assert profile.credit_limit is None
    assert profile.recovery_flagged is True
    assert "default_list_limit_withdrawn" in profile.reasons
    held = _order(buyer, rep, 100)
    assert held.status == Order.Status.CREDIT_HOLD


def test_litigation_record_withdraws_a_small_customers_limit(
    buyer, analyst, credit_manager, django_capture_on_commit_callbacks
):
    """DOMAIN §6: the profile follows the new credit data after commit, with no separate refresh call."""
    _limit(buyer, analyst, credit_manager, 20_000)
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.credit_document_add(
            customer=buyer,
            by=analyst,
            values={"doc_type": "litigation_record", "title": "Court case", "source": "court", "obtained_on": TODAY},
            today=TODAY,
        )
    assert CreditProfile.objects.get(customer=buyer).credit_limit is None


def test_five_c_assessment_keeps_the_suggested_ratings(buyer, analyst):
    """DOMAIN §5.1: suggestions are computed, the analyst confirms or changes them; both are kept."""
    ratings = dict.fromkeys(("character", "capacity", "capital", "collateral", "conditions"), 6)
    assessment = services.assessment_submit(customer=buyer, method="5c", ratings=ratings, by=analyst, today=TODAY)
    assert assessment.suggested["character"] == 5  # unrated grade
    assert assessment.ratings["character"] == 6


def test_section_1_only_integration_imports_completed_orders_whatever_the_entry_point(buyer, rep):
    """DOMAIN §1, §6.4: a historical import skips the credit check, so the service itself refuses it to a rep."""
    with pytest.raises(services.NotAllowed):
        _order(buyer, rep, 1000, historical=True)
    assert not Order.objects.filter(customer=buyer).exists()
