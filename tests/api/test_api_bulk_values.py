"""API.md bulk-upsert: whatever a text holds (quotes, commas, line breaks, backslashes, tabs, Chinese, the text
``\\N``) comes back exactly as sent, in the dossier and in its history; an absent value stays absent. On
PostgreSQL the write path sends rows by COPY (CSV), so these are the values its encoding must not change."""

from datetime import date
from decimal import Decimal

import pytest

from customers import services
from customers.models import ChangeRecord, Customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)
URL = "/api/v1/customers/bulk-upsert/"
AWKWARD = [
    'He said "yes", then no',
    "two\nlines\r\nand a tab\there",
    "back\\slash and \\N and \\.",
    "\\N",
    "华东区，杭州市西湖区",
    " leading and trailing ",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_texts_are_stored_and_recorded_exactly(rep, api_for, text):
    client = api_for(rep)
    first = {"external_id": "ERP-1", "name": "Valve Co", "address": text, "sales_status": {"cooperation": text}}
    assert client.post(URL, [first], format="json").json()["created"] == 1
    customer = Customer.objects.get(external_id="ERP-1")
    assert (customer.address, customer.sales_status.cooperation) == (text, text)
    changed = {"external_id": "ERP-1", "industry": text + "!", "sales_status": {"cooperation": text + "?"}}
    assert client.post(URL, [changed], format="json").json()["updated"] == 1
    history = dict(ChangeRecord.objects.filter(customer=customer).values_list("field", "new"))
    assert (history["industry"], history["cooperation"]) == (text + "!", text + "?")


def test_absent_values_stay_absent_and_numbers_keep_their_value(rep, api_for):
    record = {
        "external_id": "ERP-2",
        "name": "Figures Co",
        "payment_terms_days": 45,
        "expected_monthly_purchases": "12345.60",
        "basic": {"age": None, "relationship_since": "2020-02-29"},
        "sales_status": {"market_share": "12.50"},
        "characteristics": {"is_export_oriented": True},
    }
    assert api_for(rep).post(URL, [record], format="json").json()["created"] == 1
    customer = Customer.objects.get(external_id="ERP-2")
    assert customer.payment_terms_days == 45
    assert customer.expected_monthly_purchases == Decimal("12345.60")
    assert customer.basic.age is None
    assert customer.basic.relationship_since.isoformat() == "2020-02-29"
    assert customer.sales_status.market_share == Decimal("12.50")
    assert customer.characteristics.is_export_oriented is True
    assert customer.deleted_at is None


def test_dossiers_created_together_without_an_external_id_do_not_collide(rep):
    """No external id is stored as none at all (NULL), not as an empty text that only one dossier could have."""
    items = [services.CustomerInput.of(services.Action.CREATE, values={"name": f"N{i}"}, index=i) for i in range(3)]
    result = services.dossiers_write(items=items, by=rep, today=TODAY)
    assert result.count(services.Outcome.CREATED) == 3
    assert Customer.objects.filter(external_id__isnull=True).count() == 3
