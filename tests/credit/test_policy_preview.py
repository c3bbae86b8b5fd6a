"""Policy preview (issue 13 point 1, DOMAIN §11): what a draft would do to today's portfolio — customers moving
between tiers, grades and risk classes, the recommended total, who would lose credit — from the stored facts and
the live rules; nothing is saved."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import services
from credit.models import CreditPolicyVersion, CreditProfile
from credit.rules.policy import CreditPolicy
from credit.rules.preview import CustomerFacts, outcome, preview
from credit.services import OrderLineInput
from tests.factories import make_customer

TODAY = date(2026, 11, 22)
D = Decimal


def _facts(**changes) -> CustomerFacts:
    values = {
        "customer_id": 1,
        "trailing": D(350_000),
        "on_time_ratio": D("0.85"),
        "max_days_late": 20,
        "override": None,
        "score": D(70),
        "size": "small",
        "payment_terms_days": 30,
        "expected_monthly_purchases": None,
        "net_worth": None,
        "has_valid_credit_report": False,
    }
    facts = CustomerFacts(**(values | changes), current=None)
    return replace(facts, current=outcome(facts, CreditPolicy()))  # as the policy in force stored it


def test_the_outcome_follows_the_policy_it_is_given():
    """DOMAIN §3, §4, §5.3: tier A at 300,000; 乙 at 80% on time; moderate risk from 60."""
    policy = CreditPolicy()
    now = outcome(_facts(), policy)
    assert (now.tier, now.grade, now.risk_class) == ("A", "yi", "moderate")
    draft = outcome(_facts(), replace(policy, tier_a_threshold=D(400_000), yi_on_time_ratio=D("0.90")))
    assert (draft.tier, draft.grade, draft.risk_class) == ("B", "bing", "moderate")
    assert draft.recommended == 0  # 丙: no new credit (DOMAIN §6.1)


def test_an_override_keeps_its_grade_under_any_draft():
    facts = _facts(override="jia", max_days_late=200)
    assert outcome(facts, replace(CreditPolicy(), max_days_late=10)).grade == "jia"


def test_the_preview_counts_moves_totals_and_the_customers_losing_credit():
    rows = [_facts(customer_id=1), _facts(customer_id=2, trailing=D(250_000), on_time_ratio=D(1), max_days_late=0)]
    result = preview(rows, draft=replace(CreditPolicy(), yi_on_time_ratio=D("0.90")))
    assert result.customers == 2
    assert result.moves["grade"] == {("yi", "bing"): 1, ("jia", "jia"): 1}
    assert result.moves["tier"] == {("A", "A"): 1, ("B", "B"): 1}
    assert [pk for pk, _amount in result.losing_credit] == [1]
    assert result.recommended_draft < result.recommended_current


@pytest.fixture
def portfolio(people):
    """A (350,000 in the year, paid on time) and B (250,000) customers, with profiles computed by the engine."""
    made = {}
    for name, amount in (("Alpha", 350_000), ("Beta", 250_000)):
        customer = make_customer(owner=people["rep"], name=name)
        order = services.order_place(
            customer=customer,
            lines=[OrderLineInput("DN100 gate valve", D(1), D(amount))],
            order_date=TODAY - timedelta(days=60),
            due_date=TODAY - timedelta(days=30),
            by=people["erp"],
            today=TODAY,
            historical=True,
        )
        services.payment_record(
            customer=customer, paid_on=TODAY - timedelta(days=31), amount=D(amount), order=order, by=people["erp"],
            today=TODAY,
        )  # fmt: skip
        made[name] = customer
    return made


@pytest.mark.django_db
def test_raising_the_tier_a_threshold_shows_who_drops_to_b_and_saves_nothing(portfolio, people, client_for):
    versions, profiles = CreditPolicyVersion.objects.count(), list(CreditProfile.objects.values())
    client = client_for(people["cm"])
    current = client.get(reverse("credit_policy")).context["form"].initial
    data = {name: value for name, value in current.items() if value is not None and name != "id"}
    response = client.post(reverse("credit_policy"), {**data, "tier_a_threshold": "400000", "preview": "1"})
    assert response.status_code == 200
    found = response.context["preview"]
    assert {"from": "A", "to": "B", "customers": 1} in found["changes"]["tier"]
    assert found["customers_losing_credit_count"] == 0
    assert 'data-testid="policy-preview"' in response.content.decode()
    assert CreditPolicyVersion.objects.count() == versions
    assert list(CreditProfile.objects.values()) == profiles


@pytest.mark.django_db
def test_the_api_preview_for_credit_staff_only(portfolio, people, api_for):
    url = reverse("api_policy_preview")
    response = api_for(people["analyst"]).post(url, {"max_days_late": 10, "yi_on_time_ratio": "0.99"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["customers"] == 2
    assert body["recommended_limit_total"]["current"] == body["recommended_limit_total"]["draft"]  # all paid on time
    assert api_for(people["rep"]).post(url, {}, format="json").status_code == 403
    assert api_for(people["manager"]).post(url, {}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_draft_that_breaks_the_policy_rules_gets_a_400(portfolio, people, api_for):
    response = api_for(people["cm"]).post(
        reverse("api_policy_preview"), {"tier_a_threshold": "100000", "tier_b_threshold": "200000"}, format="json"
    )
    assert response.status_code == 400
