"""Documented decisions, one answer (issue 13 point 4, DOMAIN §11, §2.2, §6.3): approving above the recommendation
or for a 丙/丁/default-list customer needs a written reason, a rejection too; the credit tab says in words whether
the approved limit can be used; every decision records the weakest information source behind it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import services
from credit.models import CreditLimitRequest, CreditProfile
from credit.services import OrderLineInput
from customers import services as customer_services
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal


def _delivered(customer, people, *, days_ago: int, terms: int = 30, amount: int = 30_000):
    """A completed order imported by the ERP (no credit check), due ``terms`` days after its date."""
    return services.order_place(
        customer=customer,
        lines=[OrderLineInput("DN100 gate valve", D(1), D(amount))],
        order_date=TODAY - timedelta(days=days_ago),
        due_date=TODAY - timedelta(days=days_ago - terms),
        by=people["erp"],
        today=TODAY,
        historical=True,
    )


@pytest.fixture
def defaulter(people):
    """A small 丁 customer: a delivered order 100 days past due, unpaid — on a default list, recommendation 0."""
    customer = make_customer(owner=people["rep"], name="Late Payer Co", size="small")
    _delivered(customer, people, days_ago=130)
    profile = CreditProfile.objects.get(customer=customer)
    assert (profile.payment_grade, profile.recommended_limit) == ("ding", D(0))
    return customer


def _ask(customer, people, amount=200_000):
    return services.credit_limit_request_create(
        customer=customer, amount=D(amount), reason="big project", by=people["analyst"], today=TODAY
    )


def test_approving_200000_for_a_ding_defaulter_without_a_reason_is_refused_and_changes_nothing(defaulter, people):
    request = _ask(defaulter, people)
    with pytest.raises(services.NoteRequired) as refused:
        services.credit_limit_approve(request=request, by=people["cm"], today=TODAY, note="  ")
    assert "above the engine's recommendation" in str(refused.value)
    assert "丁" in str(refused.value)
    assert "default list" in str(refused.value)
    assert CreditLimitRequest.objects.get().status == "pending"
    assert not defaulter.credit_limits.exists()


def test_with_a_reason_it_is_approved_and_the_tab_says_why_it_cannot_be_used(defaulter, people, client_for):
    request = _ask(defaulter, people)
    services.credit_limit_approve(request=request, by=people["cm"], today=TODAY, note="Guaranteed by the parent")
    request.refresh_from_db()
    assert request.basis["note_causes"] == ["above_recommendation", "grade_ding", "default_list"]
    html = client_for(people["cm"]).get(reverse("customer_credit", args=[defaulter.code])).content.decode()
    assert "Approved 200,000, but withdrawn: a small customer on a default list gets no credit" in html


def test_a_medium_ding_customer_keeps_the_limit_but_must_prepay(people, client_for):
    customer = make_customer(owner=people["rep"], name="Medium Late Co", size="medium")
    _delivered(customer, people, days_ago=130)
    services.grade_override_set(  # a 丁 by override, no litigation: not withdrawn
        customer=customer,
        grade="ding",
        reason="x",
        valid_until=TODAY + timedelta(days=30),
        by=people["cm"],
        today=TODAY,
    )
    request = _ask(customer, people, amount=40_000)
    services.credit_limit_approve(request=request, by=people["cm"], today=TODAY, note="Parent guarantee")
    html = client_for(people["cm"]).get(reverse("customer_credit", args=[customer.code])).content.decode()
    assert "Approved 40,000, but grade 丁" in html
    assert "requires payment before shipment" in html


def test_an_approval_within_the_recommendation_needs_no_note(people):
    customer = make_customer(owner=people["rep"], name="Good Payer Co", size="small")
    order = _delivered(customer, people, days_ago=60, amount=60_000)
    services.payment_record(
        customer=customer,
        paid_on=TODAY - timedelta(days=31),
        amount=D(60_000),
        by=people["erp"],
        today=TODAY,
        order=order,
    )
    recommended = services.credit_profile_refresh(customer=customer, today=TODAY).recommended_limit
    assert recommended > 0
    request = _ask(customer, people, amount=recommended)
    limit = services.credit_limit_approve(request=request, by=people["cm"], today=TODAY)
    assert limit.amount == recommended


def test_a_rejection_needs_a_note(people, defaulter):
    request = _ask(defaulter, people)
    with pytest.raises(services.NoteRequired):
        services.credit_limit_reject(request=request, by=people["cm"], today=TODAY, note="")
    services.credit_limit_reject(request=request, by=people["cm"], today=TODAY, note="Arrears first")
    assert CreditLimitRequest.objects.get().note == "Arrears first"


def test_the_decision_records_the_weakest_source_behind_it(people, client_for):
    """DOMAIN §2.2: an agency report alone is the strongest footing; the customer's own net worth figure weakens
    it to "self-reported", and the decision and the credit tab say so."""
    customer = make_customer(owner=people["rep"], name="Sourced Co", size="small")
    customer_services.credit_document_add(
        customer=customer,
        by=people["analyst"],
        values={
            "doc_type": "credit_report",
            "title": "Agency report",
            "source": "credit_agency",
            "obtained_on": TODAY,
            "issued_on": TODAY,
        },
        today=TODAY,
    )
    first = _ask(customer, people, amount=1_000)
    services.credit_limit_approve(request=first, by=people["cm"], today=TODAY, note="Agency report on file")
    first.refresh_from_db()
    assert first.basis["weakest_source"] == "credit_agency"
    customer_services.operating_status_update(
        customer=customer,
        values={},
        figures=[customer_services.FigureInput("net_worth", D(500_000), TODAY)],
        source="customer",
        by=people["rep"],
        today=TODAY,
    )
    second = _ask(customer, people, amount=1_000)
    services.credit_limit_approve(request=second, by=people["cm"], today=TODAY, note="Agency report on file")
    second.refresh_from_db()
    assert second.basis["weakest_source"] == "customer"
    html = client_for(people["cm"]).get(reverse("customer_credit", args=[customer.code])).content.decode()
    assert "Customer (self-reported)" in html


def test_the_review_page_shows_the_basis_and_asks_for_the_reason(defaulter, people, client_for):
    request = _ask(defaulter, people)
    client = client_for(people["cm"])
    page = client.get(reverse("credit_limit_review", args=[request.pk])).content.decode()
    assert 'data-testid="note-causes"' in page
    assert "the customer&#x27;s payment grade is 丁" in page or "the customer's payment grade is 丁" in page
    refused = client.post(reverse("credit_limit_review", args=[request.pk]), {"decision": "approve", "note": ""})
    assert refused.status_code == 400
    assert "Write down why you approve" in refused.content.decode()
    done = client.post(
        reverse("credit_limit_review", args=[request.pk]), {"decision": "approve", "note": "Guaranteed"}, follow=True
    )
    assert "Limit of 200,000 approved for Late Payer Co, valid until 2027-11-22." in done.content.decode()


def test_the_requester_sees_no_decision_buttons(people, client_for, defaulter):
    request = services.credit_limit_request_create(
        customer=defaulter, amount=D(1000), reason="x", by=people["cm"], today=TODAY
    )
    client = client_for(people["cm"])
    assert "Your own request" in client.get(reverse("credit_approvals")).content.decode()
    page = client.get(reverse("credit_limit_review", args=[request.pk])).content.decode()
    assert 'value="approve"' not in page


def test_the_api_answers_400_on_the_note(defaulter, people, api_for):
    request = _ask(defaulter, people)
    response = api_for(people["cm"]).post(reverse("api_limit_approve", args=[request.pk]), {"note": ""}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    rejected = api_for(people["cm"]).post(reverse("api_limit_reject", args=[request.pk]), {}, format="json")
    assert rejected.status_code == 400
