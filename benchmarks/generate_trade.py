"""Add orders and payments to the customers already in the database (run generate_customers.py first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/generate_trade.py 600000 400000

Orders spread over two years with 30–90-day terms; payments mostly on time, some late, some never.
"""

import random
import sys
import time
from datetime import timedelta
from decimal import Decimal

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from credit.models import Order, Payment
from crm.bulk import insert_rows
from crm.services import number_sequence_take
from customers.models import Customer

BATCH = 20_000


def generate(order_count: int, payment_count: int) -> None:
    rng, today, now = random.Random(7), timezone.localdate(), timezone.now()
    user = get_user_model().objects.filter(is_superuser=False).order_by("pk").first()
    customers = list(Customer.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
    numbers = number_sequence_take(name="order", count=order_count)
    started, made = time.perf_counter(), []
    columns = (
        "customer_id",
        "number",
        "order_date",
        "due_date",
        "prepaid",
        "amount",
        "status",
        "credit_check",
        "created_by_id",
        "created_at",
    )
    from psycopg2.extras import Json

    for offset in range(0, order_count, BATCH):
        rows = []
        for number in numbers[offset : offset + BATCH]:
            order_date = today - timedelta(days=rng.randrange(0, 730))
            status = rng.choices(["completed", "open", "cancelled", "credit_hold"], [70, 20, 7, 3])[0]
            amount = Decimal(rng.randrange(1_000, 120_000))
            rows.append(
                (
                    rng.choice(customers),
                    f"SO{number:07d}",
                    order_date,
                    order_date + timedelta(days=rng.choice([30, 60, 90])),
                    False,
                    amount,
                    status,
                    Json({}),
                    user.pk,
                    now,
                )
            )
        with transaction.atomic():
            ids = insert_rows(Order, columns, rows, returning_pk=True)
        made += [(pk, r[0], r[3], r[5]) for pk, r in zip(ids, rows, strict=True) if r[6] in ("open", "completed")]
        print(f"  orders {offset + len(rows):>9,}  {time.perf_counter() - started:6.1f} s", flush=True)
    pay_columns = ("customer_id", "paid_on", "amount", "order_id", "created_by_id", "created_at")
    for offset in range(0, payment_count, BATCH):
        rows = []
        for order_id, customer_id, due, amount in rng.sample(made, min(BATCH, payment_count - offset, len(made))):
            delay = rng.choices([-10, 0, 20, 60, 120], [30, 40, 15, 10, 5])[0]
            paid_on = min(due + timedelta(days=delay), today)
            rows.append((customer_id, paid_on, amount, order_id if rng.random() < 0.7 else None, user.pk, now))
        with transaction.atomic():
            insert_rows(Payment, pay_columns, rows)
        print(f"  payments {offset + len(rows):>9,}  {time.perf_counter() - started:6.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE credit_order")
        cursor.execute("VACUUM ANALYZE credit_payment")


if __name__ == "__main__":
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 600_000, int(sys.argv[2]) if len(sys.argv) > 2 else 400_000)
    print(f"orders {Order.objects.count():,}, payments {Payment.objects.count():,}")
