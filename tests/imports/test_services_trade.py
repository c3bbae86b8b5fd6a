"""Import of orders and payments (DOMAIN §2.3, §6.4): one row per order line, historical orders by integration
and sales managers only, re-import unchanged, undo while nothing moved on."""

import pytest
from django.utils import timezone

from credit.models import Order, Payment
from crm import roles
from imports import services
from tests.factories import make_customer
from tests.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db
ORDER_ROWS = [
    ["customer", "external_id", "order_date", "due_date", "status", "product", "quantity", "unit_price"],
    ["{code}", "SO-OLD-1", "2026-03-01", "2026-04-01", "completed", "闸阀 DN100", "10", "850.00"],
    ["{code}", "SO-OLD-1", "", "", "", "截止阀 DN50", "4", "420.50"],
    ["{code}", "SO-OLD-2", "2026-05-02", "2026-06-01", "completed", "球阀", "1", "99"],
    ["{code}", "SO-BAD", "2026-05-02", "2026-04-01", "completed", "球阀", "1", "99"],
]


def rows_for(customer, rows):
    return [[cell.replace("{code}", customer.code) for cell in row] for row in rows]


def run(user, target, rows):
    batch = services.import_upload(upload=upload("f.csv", csv_bytes(rows)), target=target, mapping=None, by=user)
    batch = services.import_check(batch_id=batch.pk, today=timezone.localdate())
    services.import_confirm(batch=batch, by=user, create_duplicates=False)
    return batch, services.import_run(batch_id=batch.pk, today=timezone.localdate())


def test_a_managers_historical_orders_with_their_lines_reimport_and_undo(manager, rep, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 1)  # an order's lines stay in one chunk whatever its size
    customer = make_customer(owner=rep, name="台州阀门")
    checked, done = run(manager, "orders", rows_for(customer, ORDER_ROWS))
    assert checked.summary == {"create": 3, "update": 0, "unchanged": 0, "invalid": 1, "suspected_duplicates": 0}
    assert "due_date" in checked.row_set.get(number=5).errors
    order = Order.objects.get(external_id="SO-OLD-1")
    assert (order.status, order.amount, order.lines.count()) == ("completed", 10182, 2)
    assert Order.objects.count() == 2

    again, _done = run(manager, "orders", rows_for(customer, ORDER_ROWS))
    assert again.summary["unchanged"] == 3
    assert Order.objects.count() == 2

    services.import_undo(batch=done, by=manager, today=timezone.localdate())
    assert not Order.objects.exists()


def test_a_reps_completed_orders_are_refused_and_open_ones_pass_the_credit_check(rep):
    customer = make_customer(owner=rep, name="台州阀门")
    rows = rows_for(customer, ORDER_ROWS[:2])
    checked, _done = run(rep, "orders", rows)
    assert checked.summary["invalid"] == 1
    assert "status" in checked.row_set.get().errors
    rows[1][4] = "open"
    _checked, done = run(rep, "orders", rows)
    assert Order.objects.get().status in {"open", "credit_hold"}
    assert done.summary["create"] == 1


def test_payments_are_recorded_reimported_unchanged_and_undone_unless_the_order_moved_on(manager, rep, make_user):
    erp = make_user(roles.INTEGRATION, username="erp")
    customer = make_customer(owner=rep, name="台州阀门")
    _checked, orders = run(erp, "orders", rows_for(customer, ORDER_ROWS[:2]))
    rows = [
        ["customer", "external_id", "paid_on", "amount", "order"],
        [customer.code, "PAY-1", "2026-04-01", "8500", "SO-OLD-1"],
    ]
    checked, done = run(erp, "payments", rows)
    assert checked.summary["create"] == 1
    assert Payment.objects.get().order.external_id == "SO-OLD-1"
    assert run(erp, "payments", rows)[0].summary["unchanged"] == 1
    with pytest.raises(services.ImportRefused):  # the order has a payment the order import did not record
        services.import_undo(batch=orders, by=erp, today=timezone.localdate())
    services.import_undo(batch=done, by=erp, today=timezone.localdate())
    assert not Payment.objects.exists()
