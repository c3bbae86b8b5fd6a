"""Credit pages for credit managers (DOMAIN §4–§6): panel, assessment, queues, policy, dashboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import services
from credit.models import CreditLimitRequest, CreditPolicyVersion, Order
from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    return {
        "analyst": make_user(roles.CREDIT_ANALYST, username="analyst"),
        "cm": make_user(roles.CREDIT_MANAGER, username="cm"),
        "cm2": make_user(roles.CREDIT_MANAGER, username="cm2"),
    }


@pytest.fixture
def buyer(rep):
    return make_customer(owner=rep, name="Buyer", size="medium")


def _held_order(customer, by):
    today = timezone.localdate()
    return services.order_place(
        customer=customer,
        lines=[services.OrderLineInput("valve", Decimal(1), Decimal(500))],
        order_date=today,
        due_date=today + timedelta(days=30),
        by=by,
        today=today,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.SALES, 403), (roles.CREDIT_MANAGER, 200), (roles.CREDIT_ANALYST, 200), (roles.SALES_MANAGER, 200)],
)
@pytest.mark.parametrize("page", ["credit_dashboard", "credit_approvals", "credit_holds", "credit_policy"])
def test_credit_pages_by_role(page, role, status, make_user, client_for):
    if (page, role) == ("credit_holds", roles.SALES):
        status = 200  # a rep follows their own customers' held orders (issue 14: the rep's dashboard links here)
    assert client_for(make_user(role, username="u")).get(reverse(page)).status_code == status


def test_a_rep_sees_only_their_own_customers_held_orders_and_cannot_decide(rep, other_rep, make_user, client_for):
    mine = _held_order(make_customer(owner=rep, name="Mine"), rep)
    theirs = _held_order(make_customer(owner=other_rep, name="Theirs"), other_rep)
    page = client_for(rep).get(reverse("credit_holds"))
    assert [order.number for order in page.context["page"]] == [mine.number]
    assert theirs.number not in page.content.decode()
    assert "Release" not in page.content.decode()
    assert client_for(make_user(roles.CUSTOMER_SERVICE, username="cs")).get(reverse("credit_holds")).status_code == 403


def test_new_medium_customer_from_dossier_to_approved_limit(buyer, rep, staff, client_for):
    """The issue's flow in the browser: report, assessment, request, four-eyes approval (DOMAIN §5–§6)."""
    analyst = client_for(staff["analyst"])
    analyst.post(
        reverse("credit_document_create", args=[buyer.code]),
        {
            "doc_type": "credit_report",
            "title": "Agency report",
            "source": "credit_agency",
            "obtained_on": timezone.localdate().isoformat(),
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    ratings = {f"rating_{key}": 8 for key in ("character", "capacity", "capital", "collateral", "conditions")}
    assert analyst.post(reverse("credit_assess", args=[buyer.code, "5c"]), ratings).status_code == 302
    request_page = analyst.post(
        reverse("credit_limit_request", args=[buyer.code]),
        {"amount": "120000", "payment_terms_days": 60, "reason": "Annual limit"},
    )
    assert request_page.status_code == 302
    limit_request = CreditLimitRequest.objects.get()
    client_for(staff["cm"]).post(reverse("credit_limit_decide", args=[limit_request.pk, "approve"]), {"note": "ok"})
    limit_request.refresh_from_db()
    assert (limit_request.status, limit_request.approved_amount) == ("approved", Decimal(120_000))
    panel = client_for(staff["cm"]).get(reverse("customer_credit", args=[buyer.code])).content.decode()
    assert "120,000" in panel


def test_the_requester_cannot_approve_in_the_browser(buyer, staff, client_for):
    client = client_for(staff["cm"])
    client.post(
        reverse("credit_limit_request", args=[buyer.code]), {"amount": "1000", "payment_terms_days": 30, "reason": "x"}
    )
    limit_request = CreditLimitRequest.objects.get()
    response = client.post(
        reverse("credit_limit_decide", args=[limit_request.pk, "approve"]), {"note": ""}, follow=True
    )
    assert "requester cannot decide" in response.content.decode()
    assert CreditLimitRequest.objects.get().status == "pending"


def test_held_order_is_released_from_the_queue(buyer, rep, staff, client_for):
    order = _held_order(buyer, rep)
    client = client_for(staff["cm"])
    assert order.number in client.get(reverse("credit_holds")).content.decode()
    client.post(reverse("credit_order_decide", args=[order.number, "release"]))
    assert Order.objects.get(pk=order.pk).status == "open"
    assert (
        client_for(staff["analyst"]).post(reverse("credit_order_decide", args=[order.number, "reject"])).status_code
        == 403
    )


def test_policy_edit_creates_a_new_version_with_history(staff, client_for):
    client = client_for(staff["cm"])
    form = client.get(reverse("credit_policy")).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "note"}
    response = client.post(reverse("credit_policy"), data | {"tier_a_threshold": "350000", "note": "raise A"})
    assert response.status_code == 302
    assert CreditPolicyVersion.objects.count() == 2
    assert CreditPolicyVersion.objects.order_by("-id").first().tier_a_threshold == Decimal(350_000)
    analyst = client_for(staff["analyst"])
    assert analyst.post(reverse("credit_policy"), data | {"note": "x"}).status_code == 403


def test_feature_assessment_form_carries_the_weights_for_the_live_score(buyer, staff, client_for):
    page = client_for(staff["analyst"]).get(reverse("credit_assess", args=[buyer.code, "feature"])).content.decode()
    assert page.count("data-weight=") == 18
    assert "data-live-score-output" in page


def test_queue_pages_run_a_constant_number_of_queries(rep, staff, client_for, django_assert_max_num_queries):
    client = client_for(staff["cm"])
    _held_order(make_customer(owner=rep, name="One"), rep)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("credit_holds"))
    for index in range(8):
        _held_order(make_customer(owner=rep, name=f"More {index}"), rep)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("credit_holds"))


def test_dashboard_counts_tier_and_grade(buyer, staff, client_for):
    services.credit_profile_refresh(customer=buyer, today=timezone.localdate())
    page = client_for(staff["cm"]).get(reverse("credit_dashboard"))
    matrix = {tier: cells for tier, _label, cells in page.context["matrix"]}
    assert matrix["D"][-1]["count"] == 1  # tier D, unrated
