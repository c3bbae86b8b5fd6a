"""The fast list representation is exactly what the serializers (and so the OpenAPI schema) say."""

from datetime import date
from decimal import Decimal

import pytest

from customers import selectors, services
from customers.api.representation import full_customer, masked_customer
from customers.api.serializers import CustomerSerializer, MaskedCustomerSerializer
from customers.models import Customer
from tests.factories import make_customer

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_customer(rep):
    customer = make_customer(
        owner=rep,
        name="杭州精工",
        expected_monthly_purchases=Decimal("1234.5"),
        sections={
            "basic": {"relationship_since": date(2020, 2, 29), "age": 50, "website": "https://example.com"},
            "characteristics": {"is_export_oriented": True},
            "sales_status": {"market_share": Decimal("12.5")},
        },
        contacts=2,
    )
    services.dossier_update(customer=customer, values={"external_id": "E-1"}, sections={}, by=rep, today=TODAY)
    return customer


def _listed(user, customer) -> Customer:
    rows = selectors.customer_api_list(user=user, filters=selectors.CustomerFilters())
    return rows.get(pk=customer.pk)


def test_full_representation_equals_the_serializer(rich_customer, rep):
    customer = _listed(rep, rich_customer)
    fast = full_customer(customer)
    slow = CustomerSerializer(Customer.objects.get(pk=customer.pk)).data
    assert fast == slow
    assert fast["expected_monthly_purchases"] == "1234.50"
    assert fast["sales_status"]["market_share"] == "12.50"


def test_masked_representation_equals_the_serializer(rich_customer, rep):
    customer = _listed(rep, rich_customer)
    assert masked_customer(customer) == MaskedCustomerSerializer(customer).data
