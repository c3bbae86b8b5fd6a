"""Issue 4 speed targets:

- rules: 1,000,000 feature-analysis scores in one process under 5 s;
- recompute_credit for all customers (≈100,000 with 1,000,000 orders and payments) under 60 s;
- an order credit check (order_place, including the profile refresh) under 20 ms median;
- the credit profile read (API) under 100 ms.

    python benchmarks/bench_credit.py rules
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_credit.py db
"""

import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

import _setup
from django.db import connection, transaction
from django.utils import timezone

from credit.rules.scoring import weighted_score


def rules(count: int = 1_000_000) -> None:
    weights = {f"i{n}": (n % 10) + 1 for n in range(18)}
    ratings = [{key: (n + i) % 11 for i, key in enumerate(weights)} for n in range(1000)]
    started = time.perf_counter()
    for n in range(count):
        weighted_score(ratings[n % 1000], weights)
    elapsed = time.perf_counter() - started
    print(f"feature-analysis scores: {count:,} in {elapsed:.2f} s ({count / elapsed:,.0f}/s, 18 indicators each)")


def database() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.test import APIClient

    from credit import services
    from credit.models import Order, Payment
    from customers.models import Customer

    today = timezone.localdate()
    print(
        f"customers {Customer.objects.count():,}, orders {Order.objects.count():,}, "
        f"payments {Payment.objects.count():,}, database {connection.vendor}"
    )
    started = time.perf_counter()
    count = services.credit_recompute_all(today=today)
    print(f"recompute_credit: {count:,} profiles in {time.perf_counter() - started:.1f} s")

    user = get_user_model().objects.get(username="bench_manager")
    customers = list(Customer.objects.filter(deleted_at__isnull=True).order_by("?")[:21])
    timings = []
    for customer in customers:
        with transaction.atomic():
            begun = time.perf_counter()
            services.order_place(
                customer=customer,
                lines=[services.OrderLineInput("valve", Decimal(2), Decimal(900))],
                order_date=today,
                due_date=today + timedelta(days=30),
                by=user,
                today=today,
            )
            timings.append((time.perf_counter() - begun) * 1000)
            transaction.set_rollback(True)
    print(f"order credit check (order_place with profile refresh): median {statistics.median(timings[1:]):.1f} ms")

    client = APIClient()
    client.force_authenticate(user)
    reads = [(f"/api/v1/customers/{c.code}/credit/", None) for c in customers]
    median, _queries, _size = _setup.median_get(client, reads, label="credit profile")
    print(f"credit profile (GET /api/v1/customers/{{code}}/credit/): median {median:.1f} ms")
    page_client = Client()
    page_client.force_login(user)
    pages = [(f"/customers/{c.code}/credit/", None) for c in customers]
    median, _queries, _size = _setup.median_get(page_client, pages, label="credit page")
    print(f"credit profile page (/customers/{{code}}/credit/): median {median:.1f} ms")


if __name__ == "__main__":
    rules() if sys.argv[1:] == ["rules"] else database()
