"""The fast list representation is exactly what the serializers (and so the OpenAPI schema) say: the same keys in
the same order, the same values, for full and masked rows, in each language and time zone."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from credit.models import CreditProfile
from crm import access, roles
from crm.models import AccessLog
from customers import selectors, services
from customers.api.representation import CONTACT_COLUMNS, LIST_COLUMNS, PARTS, list_bodies
from customers.api.serializers import CustomerSerializer, MaskedCustomerSerializer
from customers.models import Customer
from tests.factories import make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(rep, other_rep):
    """A rich dossier, a bare one (no section rows, no contacts, no credit profile) and another rep's."""
    rich = make_customer(
        owner=rep,
        name="杭州精工",
        kind="end",
        size="large",
        expected_monthly_purchases=Decimal("1234.5"),
        sections={
            "basic": {"relationship_since": date(2020, 2, 29), "age": 50, "website": "https://example.com"},
            "characteristics": {"is_export_oriented": True},
            "sales_status": {"market_share": Decimal("12.5")},
        },
        contacts=2,
    )
    services.dossier_update(customer=rich, values={"external_id": "E-1"}, sections={}, by=rep, today=TODAY)
    CreditProfile.objects.update_or_create(
        customer=rich,
        defaults={
            "tier": "A",
            "payment_grade": "jia",
            "risk_class": "low",
            "credit_limit": Decimal("300000"),
            "available_credit": Decimal("123.4"),
            "exposure": Decimal("299876.6"),
            "volume_class": "key",
            "is_core": True,
        },
    )
    make_customer(owner=rep, name="Bare Valve")
    theirs = make_customer(owner=other_rep, name="Their Pump", phone="0571-88001234", contacts=1)
    CreditProfile.objects.update_or_create(customer=theirs, defaults={"tier": "B"})
    return rich


def _listed(user) -> list[dict]:
    """The list's bodies as the API view makes them."""
    filters = selectors.CustomerFilters(ordering="code")
    page = selectors.customer_api_list(user=user, filters=filters, columns=LIST_COLUMNS)
    rows = selectors.dossier_rows(user=user, customers=page, channel=AccessLog.Channel.API)
    details = selectors.customer_api_page_details(rows=rows, contact_columns=CONTACT_COLUMNS, parts=PARTS)
    return list_bodies(rows, details)


def _serialized(user) -> list[dict]:
    """The same customers through the serializers, each read alone."""
    bodies = []
    for customer in Customer.objects.filter(deleted_at__isnull=True).order_by("code"):
        full = user.has_perm("customers.view_dossier", customer)
        bodies.append((CustomerSerializer if full else MaskedCustomerSerializer)(customer).data)
    return bodies


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("reader", ["rep", "manager"])
def test_list_bodies_are_the_serializers_bodies(book, rep, manager, zone, language, reader):
    user = {"rep": rep, "manager": manager}[reader]
    with timezone.override(zone), translation.override(language):
        listed, serialized = _listed(user), _serialized(user)
    assert len(listed) == 3
    assert json.dumps(listed, ensure_ascii=False) == json.dumps(serialized, ensure_ascii=False)  # key order too
    assert [body["masked"] for body in listed] == [False, False, reader == "rep"]


def test_list_values_are_converted_as_the_api_says(book, rep, api_for):
    rows = {row["name"]: row for row in api_for(rep).get(reverse("api_customer_list")).json()["results"]}
    rich, bare, theirs = rows["杭州精工"], rows["Bare Valve"], rows["Their Pump"]
    assert rich["expected_monthly_purchases"] == "1234.50"
    assert rich["sales_status"]["market_share"] == "12.50"
    assert rich["basic"]["relationship_since"] == "2020-02-29"
    assert rich["credit"] == {
        "tier": "A",
        "payment_grade": "jia",
        "risk_class": "low",
        "credit_limit": "300000.00",
        "available_credit": "123.40",
        "exposure": "299876.60",
    }
    assert rich["external_id"] == "E-1"
    assert [contact["name"] for contact in rich["contacts"]] == ["Contact 0", "Contact 1"]
    assert bare["credit"]["tier"] is None
    assert bare["contacts"] == []
    assert bare["basic"]["website"] == ""
    assert theirs == {
        "code": theirs["code"],
        "name": "Their Pump",
        "owner": "other_rep",
        "contacts": [{"name": "Contact 0", "title": "Buyer"}],
        "masked": True,
    }


@pytest.mark.parametrize("role", [None, *roles.ALL_ROLES, "superuser"])
def test_the_list_decision_is_the_permission_of_each_row(book, make_user, other_rep, role):
    """``access.dossier_view_test`` answers as ``has_perm("customers.view_dossier")`` for every role, owned or not."""
    user = make_user(role if role != "superuser" else None, username="reader", is_superuser=role == "superuser")
    owned = make_customer(owner=user, name="Own Valve") if role in (roles.SALES, roles.SALES_MANAGER) else None
    sees_in_full = access.dossier_view_test(user)
    for customer in [*Customer.objects.exclude(pk=getattr(owned, "pk", None)), *([owned] if owned else [])]:
        assert sees_in_full(customer) is user.has_perm("customers.view_dossier", customer)
