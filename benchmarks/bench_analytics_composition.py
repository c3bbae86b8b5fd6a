"""Composition (DOMAIN §10.1; issue 11: the valve case of 229 customers answers in < 50 ms): the median of the API
call per classification for a sales manager, over every live customer of the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm python benchmarks/bench_analytics_composition.py

Run `manage.py seed_demo` on that database first (300 customers, about the valve case's 229).
"""

import statistics
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from crm import roles
from customers.models import Customer

CLASSIFICATIONS = ("tier", "tier_grade", "payment_grade", "region", "owner", "product")


def main(runs: int = 15) -> None:
    user = get_user_model().objects.filter(groups__name=roles.SALES_MANAGER).first()
    if user is None:
        raise SystemExit("No sales manager: run manage.py seed_demo on this database first.")
    client = APIClient()
    client.force_authenticate(user)
    print(f"{Customer.objects.filter(deleted_at__isnull=True).count():,} live customers")
    for by in CLASSIFICATIONS:
        client.get("/api/v1/analytics/composition/", {"by": by})
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/api/v1/analytics/composition/", {"by": by})
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"composition by {by} answered {response.status_code}")
        print(f"composition by {by:13} median {statistics.median(timings):6.1f} ms")


if __name__ == "__main__":
    main()
