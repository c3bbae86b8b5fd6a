"""Bounded input (issue 16 §3): amounts that overflow a money column, implausible dates and credit reports valid
"for ever" are refused or capped, never a 500 and never a limit lifted for good."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditLimitRequest, Order, Payment
from crm import roles
from customers.models import Interaction
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(rep):
    return make_customer(owner=rep, name="Buyer", size="small")


def _order(**extra):
    today = timezone.localdate()
    return {
        "order_date": today.isoformat(),
        "due_date": (today + timedelta(days=30)).isoformat(),
        "lines": [{"product": "Valve", "quantity": "2", "unit_price": "100.00"}],
        **extra,
    }


def _orders(customer):
    return reverse("api_order_list", args=[customer.code])


def test_a_unit_price_of_ten_trillion_is_a_400_on_the_line(buyer, rep, api_for):
    """1,000 × 10,000,000,000,000.00 does not fit the amount column (16 digits): PostgreSQL's numeric overflow."""
    lines = [{"product": "Valve", "quantity": "1000", "unit_price": "10000000000000.00"}]
    response = api_for(rep).post(_orders(buyer), _order(lines=lines), format="json")
    assert response.status_code == 400
    assert "unit_price" in response.json()["lines"]["0"]
    assert not Order.objects.exists()


def test_lines_that_each_fit_but_overflow_together_are_a_400(buyer, rep, api_for):
    line = {"product": "Valve", "quantity": "1", "unit_price": "60000000000000.00"}
    response = api_for(rep).post(_orders(buyer), _order(lines=[line, line]), format="json")
    assert response.status_code == 400
    assert "lines" in response.json()


def test_a_unit_price_beyond_the_column_is_a_400(buyer, rep, api_for):
    lines = [{"product": "Valve", "quantity": "1", "unit_price": "100000000000000000.00"}]
    response = api_for(rep).post(_orders(buyer), _order(lines=lines), format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("order_date", "0001-01-01", id="order-year-1"),
        pytest.param("due_date", "9999-12-31", id="due-year-9999"),
        pytest.param("order_date", "1899-12-31", id="order-before-1900"),
    ],
)
def test_implausible_order_dates_are_a_400(buyer, rep, api_for, field, value):
    response = api_for(rep).post(_orders(buyer), _order(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Order.objects.exists()


def test_a_payment_of_year_1_is_a_400(buyer, make_user, api_for):
    url = reverse("api_payment_list", args=[buyer.code])
    response = api_for(make_user(roles.SALES_MANAGER, username="manager")).post(
        url, {"paid_on": "0001-01-01", "amount": "10.00"}, format="json"
    )
    assert response.status_code == 400
    assert "paid_on" in response.json()
    assert not Payment.objects.exists()


def test_an_interaction_of_year_1_is_a_400(buyer, rep, api_for):
    url = reverse("api_interaction_list", args=[buyer.code])
    body = {"kind": "visit", "occurred_on": "0001-01-01", "subject": "x"}
    response = api_for(rep).post(url, body, format="json")
    assert response.status_code == 400
    assert "occurred_on" in response.json()
    assert not Interaction.objects.exists()


def test_a_section_birth_date_of_year_1_is_a_400(rep, api_for):
    body = {"name": "Zhang San", "kind": "end", "nature": "individual", "basic": {"birth_date": "0001-01-01"}}
    response = api_for(rep).post("/api/v1/customers/", body, format="json")
    assert response.status_code == 400
    assert "birth_date" in response.json()["basic"]


def test_a_credit_report_valid_until_9999_counts_only_the_policy_months(make_user, rep, api_for):
    """DOMAIN §6.2, §7: a report issued two years ago does not lift a medium customer's ceiling, whatever its
    valid-until says; the credit policy's validity (6 months by default) is the maximum."""
    analyst, cm = make_user(roles.CREDIT_ANALYST, username="analyst"), make_user(roles.CREDIT_MANAGER, username="cm")
    medium = make_customer(owner=rep, name="Medium", size="medium")
    issued = timezone.localdate() - timedelta(days=730)
    report = {"source": "credit_agency", "issued_on": issued.isoformat(), "summary": "AA"}
    created = api_for(analyst).post(
        reverse("api_credit_report", args=[medium.code]), {**report, "valid_until": "2036-01-01"}, format="json"
    )
    assert created.status_code == 201
    request = api_for(analyst).post(
        reverse("api_limit_request_list", args=[medium.code]), {"amount": "80000", "reason": "growth"}, format="json"
    )
    approve = reverse("api_limit_approve", args=[request.json()["id"]])
    assert api_for(cm).post(approve, {"note": ""}, format="json").status_code == 400
    assert CreditLimitRequest.objects.get().status == "pending"


def test_a_credit_report_valid_until_9999_is_a_400(make_user, rep, api_for):
    analyst = make_user(roles.CREDIT_ANALYST, username="analyst")
    medium = make_customer(owner=rep, name="Medium", size="medium")
    body = {"source": "credit_agency", "issued_on": date(2026, 11, 1).isoformat(), "valid_until": "9999-12-31"}
    response = api_for(analyst).post(reverse("api_credit_report", args=[medium.code]), body, format="json")
    assert response.status_code == 400
    assert "valid_until" in response.json()
