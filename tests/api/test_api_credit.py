"""API.md "Trade" and "Credit" for every role (DOMAIN §1, §4–§6)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditLimitRequest, Order
from crm import roles
from customers.models import CreditDocument
from tests.factories import make_customer, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, rep):
    return {
        "rep": rep,
        "other_rep": make_user(roles.SALES, username="other_rep"),
        "manager": make_user(roles.SALES_MANAGER, username="manager"),
        "service": make_user(roles.CUSTOMER_SERVICE, username="service"),
        "analyst": make_user(roles.CREDIT_ANALYST, username="analyst"),
        "cm": make_user(roles.CREDIT_MANAGER, username="cm"),
        "cm2": make_user(roles.CREDIT_MANAGER, username="cm2"),
        "archivist": make_user(roles.ARCHIVIST, username="archivist"),
        "erp": make_user(roles.INTEGRATION, username="erp"),
    }


@pytest.fixture
def buyer(rep):
    return make_customer(owner=rep, name="Buyer", size="small")


def _order_body(amount="1000.00", **extra):
    today = timezone.localdate()
    return {
        "order_date": today.isoformat(),
        "due_date": (today + timedelta(days=30)).isoformat(),
        "lines": [{"product": "Gate valve", "model": "Z41H-16C DN100", "quantity": "2", "unit_price": amount}],
        **extra,
    }


def _url(name, customer):
    return reverse(name, args=[customer.code])


def test_order_is_held_without_a_limit_and_released_by_a_credit_manager(buyer, people, api_for):
    response = api_for(people["rep"]).post(_url("api_order_list", buyer), _order_body(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["amount"], body["status"]) == ("2000.00", "credit_hold")
    assert body["credit_check"]["passed"] is False
    assert body["credit_check"]["reasons"] == ["no_valid_limit"]
    release = reverse("api_order_release", args=[body["number"]])
    assert api_for(people["rep"]).post(release).status_code == 403
    assert api_for(people["cm"]).post(release).json()["status"] == "open"
    assert api_for(people["cm"]).post(release).status_code == 409


def test_limit_request_four_eyes_and_then_orders_pass(buyer, people, api_for):
    """DOMAIN §6.3: the requesting credit manager gets 403; another credit manager approves."""
    created = api_for(people["cm"]).post(
        _url("api_limit_request_list", buyer), {"amount": "50000", "reason": "new"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    approve = reverse("api_limit_approve", args=[created.json()["id"]])
    assert api_for(people["cm"]).post(approve, {"note": "mine"}, format="json").status_code == 403
    assert api_for(people["analyst"]).post(approve, {"note": "x"}, format="json").status_code == 403
    decided = api_for(people["cm2"]).post(approve, {"approved_amount": "30000", "note": "ok"}, format="json")
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["approved_amount"]) == ("approved", "30000.00")
    order = api_for(people["rep"]).post(_url("api_order_list", buyer), _order_body("10000.00"), format="json").json()
    assert order["status"] == "open"
    credit = api_for(people["rep"]).get(_url("api_credit_profile", buyer)).json()
    assert (credit["credit_limit"], credit["exposure"], credit["available_credit"]) == (
        "30000.00",
        "20000.00",
        "10000.00",
    )


def test_only_integration_imports_completed_orders(buyer, people, api_for):
    body = _order_body(status="completed")
    assert api_for(people["rep"]).post(_url("api_order_list", buyer), body, format="json").status_code == 403
    imported = api_for(people["erp"]).post(_url("api_order_list", buyer), body, format="json")
    assert imported.json()["status"] == "completed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"lines": []}, "lines", id="no-lines"),
        pytest.param({"lines": [{"product": "x", "quantity": "0", "unit_price": "1"}]}, "lines", id="zero-quantity"),
        pytest.param({"due_date": "2000-01-01"}, "due_date", id="due-before-order"),
    ],
)
def test_bad_orders_are_400_and_save_nothing(buyer, people, api_for, body, field):
    response = api_for(people["rep"]).post(_url("api_order_list", buyer), _order_body() | body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Order.objects.exists()


def test_payment_naming_an_order_and_the_grade(buyer, people, api_for):
    erp = api_for(people["erp"])
    order = erp.post(_url("api_order_list", buyer), _order_body(status="completed"), format="json").json()
    paid = erp.post(
        _url("api_payment_list", buyer),
        {"paid_on": timezone.localdate().isoformat(), "amount": "2000.00", "order": order["number"]},
        format="json",
    )
    assert paid.status_code == 201
    assert api_for(people["rep"]).get(_url("api_credit_profile", buyer)).json()["exposure"] == "0.00"
    other = make_customer(owner=people["rep"], name="Other")
    wrong = erp.post(
        _url("api_payment_list", other),
        {"paid_on": timezone.localdate().isoformat(), "amount": "1", "order": order["number"]},
        format="json",
    )
    assert wrong.status_code == 400


def test_assessments_by_credit_staff_only(buyer, people, api_for):
    five_c = {
        "method": "5c",
        "ratings": {"character": 8, "capacity": 8, "capital": 8, "collateral": 8, "conditions": 8},
    }
    assert api_for(people["rep"]).post(_url("api_assessment_list", buyer), five_c, format="json").status_code == 403
    created = api_for(people["analyst"]).post(_url("api_assessment_list", buyer), five_c, format="json")
    assert created.status_code == 201
    assert (created.json()["percentage"], created.json()["risk_class"]) == ("80.00", "low")
    bad = api_for(people["analyst"]).post(
        _url("api_assessment_list", buyer), {"method": "5c", "ratings": {"character": 8}}, format="json"
    )
    assert bad.status_code == 400


def test_scoring_models_list_both_shipped_models(people, api_for):
    models = api_for(people["analyst"]).get(reverse("api_scoring_models")).json()["results"]
    by_key = {m["key"]: m for m in models}
    assert len(by_key["feature-default"]["indicators"]) == 18
    assert len(by_key["valve-case"]["indicators"]) == 8
    assert by_key["feature-default"]["is_default"] is True


def test_medium_customer_needs_a_credit_report_above_the_small_ceiling(people, api_for):
    """DOMAIN §6.2: approval above 50,000 without a valid report is refused with a reason; with one it passes."""
    medium = make_customer(owner=people["rep"], name="Medium", size="medium")
    request = (
        api_for(people["analyst"])
        .post(_url("api_limit_request_list", medium), {"amount": "80000", "reason": "growth"}, format="json")
        .json()
    )
    approve = reverse("api_limit_approve", args=[request["id"]])
    refused = api_for(people["cm"]).post(approve, {"note": ""}, format="json")
    assert refused.status_code == 400
    report = api_for(people["analyst"]).post(
        _url("api_credit_report", medium),
        {"source": "credit_agency", "issued_on": timezone.localdate().isoformat(), "summary": "AA"},
        format="json",
    )
    assert report.status_code == 201
    assert api_for(people["cm"]).post(approve, {"note": "report ok"}, format="json").status_code == 200
    assert CreditLimitRequest.objects.get().basis["policy_version"] == 1


def test_credit_report_with_its_file_as_multipart(people, api_for):
    """API.md credit reports take an optional ``file``: stored with the report, checked like every upload."""
    buyer = make_customer(owner=people["rep"], name="Report holder", size="medium")
    body = {"source": "bank", "issued_on": timezone.localdate().isoformat(), "summary": "AA"}
    pdf = SimpleUploadedFile("report.pdf", pdf_bytes())
    created = api_for(people["analyst"]).post(
        _url("api_credit_report", buyer), {**body, "file": pdf}, format="multipart"
    )
    assert created.status_code == 201
    assert created.json()["has_file"] is True
    assert CreditDocument.objects.get(customer=buyer).file.read().startswith(b"%PDF-")
    script = SimpleUploadedFile("report.pdf", b"#!/bin/sh\nid\n")
    refused = api_for(people["analyst"]).post(
        _url("api_credit_report", buyer), {**body, "file": script}, format="multipart"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["file"]
    assert CreditDocument.objects.filter(customer=buyer).count() == 1


def test_another_reps_customer_credit_is_not_visible(buyer, people, api_for):
    client = api_for(people["other_rep"])
    assert client.get(_url("api_credit_profile", buyer)).status_code == 403
    assert client.post(_url("api_order_list", buyer), _order_body(), format="json").status_code == 403


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("rep", 403), ("manager", 201), ("service", 403), ("analyst", 201), ("cm", 201), ("archivist", 403), ("erp", 201)],
)
def test_payment_recording_by_role(buyer, people, api_for, actor, expected):
    body = {"paid_on": timezone.localdate().isoformat(), "amount": "10.00"}
    assert api_for(people[actor]).post(_url("api_payment_list", buyer), body, format="json").status_code == expected


def test_customer_resource_carries_the_credit_summary_and_filters_by_it(buyer, people, api_for):
    """API.md: the customer's read-only ``credit`` summary and the tier/payment_grade/risk_class filters."""
    erp = api_for(people["erp"])
    erp.post(_url("api_order_list", buyer), _order_body("200000.00", status="completed"), format="json")
    client = api_for(people["rep"])
    body = client.get(reverse("api_customer_detail", args=[buyer.code])).json()
    assert body["credit"]["tier"] == "A"
    assert body["credit"]["exposure"] == "400000.00"
    listed = client.get(reverse("api_customer_list"), {"tier": "A"}).json()["results"]
    assert [row["code"] for row in listed] == [buyer.code]
    assert listed[0]["credit"] == body["credit"]
    assert client.get(reverse("api_customer_list"), {"payment_grade": "ding"}).json()["results"] == []
    assert client.get(reverse("api_customer_list"), {"tier": "Z"}).status_code == 400


CREDIT_MATRIX = {
    # actor: (place order, read credit, assess, request limit, decide limit, release held order)
    "rep": (201, 200, 403, 201, 403, 403),
    "other_rep": (403, 403, 403, 403, 403, 403),
    "manager": (201, 200, 403, 201, 403, 403),
    "service": (403, 200, 403, 403, 403, 403),
    "analyst": (403, 200, 201, 201, 403, 403),
    "cm": (403, 200, 201, 201, 200, 200),
    "archivist": (403, 200, 403, 403, 403, 403),
    "erp": (201, 200, 403, 403, 403, 403),
}


@pytest.mark.parametrize("actor", list(CREDIT_MATRIX))
def test_credit_api_role_matrix(actor, buyer, people, api_for):
    """DOMAIN §1 for trade and credit: who may order, read, assess, request, decide and release."""
    place, read, assess, request_limit, decide, release = CREDIT_MATRIX[actor]
    client = api_for(people[actor])
    assert client.post(_url("api_order_list", buyer), _order_body(), format="json").status_code == place
    assert client.get(_url("api_credit_profile", buyer)).status_code == read
    five_c = {
        "method": "5c",
        "ratings": dict.fromkeys(("character", "capacity", "capital", "collateral", "conditions"), 5),
    }
    assert client.post(_url("api_assessment_list", buyer), five_c, format="json").status_code == assess
    asked = client.post(_url("api_limit_request_list", buyer), {"amount": "1000", "reason": "x"}, format="json")
    assert asked.status_code == request_limit
    pending = (
        api_for(people["analyst"])
        .post(_url("api_limit_request_list", buyer), {"amount": "1000", "reason": "y"}, format="json")
        .json()
    )
    decided = client.post(reverse("api_limit_approve", args=[pending["id"]]), {"note": "yearly line"}, format="json")
    assert decided.status_code == decide
    held = api_for(people["rep"]).post(_url("api_order_list", buyer), _order_body("99999.00"), format="json").json()
    assert held["status"] == "credit_hold"
    assert client.post(reverse("api_order_release", args=[held["number"]])).status_code == release
