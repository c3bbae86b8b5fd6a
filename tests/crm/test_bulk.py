"""crm/bulk.py, the set-based writes the apps share: what they write is what a plain save would have written, on
PostgreSQL (COPY, UPDATE … FROM VALUES, ``= ANY``) and elsewhere (Django's bulk methods)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from psycopg2.extras import Json

from credit.models import Order
from crm.bulk import AnyOf, insert_rows
from customers import services
from customers.models import ChangeRecord, Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)


@pytest.mark.parametrize("keys", [[], ["ERP-A"], ["ERP-A", "ERP-B", "nothing"]], ids=["none", "one", "several"])
def test_any_of_finds_exactly_the_given_keys(rep, keys):
    for key in ("ERP-A", "ERP-B", "ERP-C"):
        items = [services.CustomerInput.of(services.Action.CREATE, values={"name": key}, external_id=key)]
        services.dossiers_write(items=items, by=rep, today=TODAY)
    found = Customer.objects.filter(AnyOf(F("external_id"), keys)).values_list("external_id", flat=True)
    assert sorted(found) == sorted(k for k in keys if k != "nothing")


def test_json_values_are_inserted_as_json(rep):
    """The trade generator inserts orders with a psycopg2 ``Json`` credit check through the same helper."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg2's Json is a PostgreSQL value; CI runs this test there")
    owner = rep
    customer = make_customer(owner=owner)
    columns = (
        *("customer_id", "number", "order_date", "due_date", "prepaid", "amount", "status", "credit_check"),
        *("created_by_id", "created_at"),
    )
    check = Json({"ok": True, "note": 'a "b"'})
    row = (
        customer.pk,
        "SO0000001",
        TODAY,
        TODAY,
        False,
        Decimal("10.00"),
        "open",
        check,
        owner.pk,
        customer.created_at,
    )
    (pk,) = insert_rows(Order, columns, [row], returning_pk=True)
    assert Order.objects.get(pk=pk).credit_check == {"ok": True, "note": 'a "b"'}


@pytest.mark.parametrize(
    "text",
    ["", "plain", "a\tb", "line\nnext", "cr\rlf", "back\\slash", "\\N", "\\\\N", "客户 全角１２３", "tab\t\\N\n"],
    ids=["empty", "plain", "tab", "newline", "return", "backslash", "null-marker", "escaped", "chinese", "mixed"],
)
def test_inserted_text_reads_back_as_written(rep, text):
    """COPY's text format: a value holding its separators, escapes or NULL marker is stored exactly as given, and an
    empty string stays an empty string beside a None that becomes NULL (the history keeps whatever a user typed)."""
    customer = make_customer(owner=rep)
    columns = ("customer_id", "at", "by_id", "section", "field", "old", "new")
    rows = [
        (customer.pk, customer.created_at, None, "basic", "address", text, ""),
        (customer.pk, customer.created_at, rep.pk, "basic", "address", "", text),
    ]
    insert_rows(ChangeRecord, columns, rows)
    stored = ChangeRecord.objects.filter(customer=customer, field="address").order_by(F("by_id").asc(nulls_last=True))
    assert [(r.by_id, r.old, r.new) for r in stored] == [(rep.pk, "", text), (None, text, "")]
