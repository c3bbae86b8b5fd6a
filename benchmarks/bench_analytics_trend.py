"""Issue 11 speed targets for the trend (DOMAIN §10.3) and the correlation (§10.4): each API call for a manager
(all customers) under 500 ms warm, median of RUNS requests through Django's test client; a sales rep's too. Also
times the nightly monthly aggregate (``--refresh``), which the manager's trend reads instead of the orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m python benchmarks/bench_analytics_trend.py --refresh

``--refresh`` rebuilds both nightly tables first (timed); ``--refresh-sales`` or ``--refresh-correlation`` one of
them; ``--trend`` or ``--correlation`` times only those calls (a manager's correlation without its nightly
snapshot is computed over every customer: minutes at 1M).
"""

import sys
import time

import _setup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
from django.utils import timezone

from analytics.services import correlation_snapshot_refresh, monthly_sales_refresh
from credit.models import Order
from customers.models import Customer

RUNS = 7


def _timed(label: str, refresh) -> None:
    started = time.perf_counter()
    count = refresh(today=timezone.localdate())
    print(f"{label}: {count:,} in {time.perf_counter() - started:.1f} s")


def main() -> None:
    setup_test_environment()
    users = get_user_model().objects
    manager = users.filter(groups__name="sales_manager").order_by("pk").first()
    rep = users.filter(groups__name="sales", owned_customers__isnull=False).order_by("pk").first()
    print(f"customers: {Customer.objects.count():,}  orders: {Order.objects.count():,}  database: {connection.vendor}")
    print(f"the rep {rep.username} owns {Customer.objects.filter(owner=rep).count():,} customers")
    if {"--refresh", "--refresh-sales"} & set(sys.argv):
        _timed("nightly monthly aggregate, rows", monthly_sales_refresh)
    if {"--refresh", "--refresh-correlation"} & set(sys.argv):
        _timed("nightly correlation snapshot, customers", correlation_snapshot_refresh)
    trend, correlation = "/api/v1/analytics/trend/", "/api/v1/analytics/correlation/"
    cases = [(f"trend by {by or 'total'}", manager, trend, {"by": by}) for by in ("", "tier", "region", "product")]
    cases.append(("trend page, by tier", manager, "/analytics/trend/", {"by": "tier"}))
    cases += [(f"trend by {by or 'total'} (rep)", rep, trend, {"by": by}) for by in ("", "tier", "product")]
    correlations = [("correlation", manager, correlation, {}), ("correlation (rep)", rep, correlation, {})]
    if "--correlation" in sys.argv:
        cases = correlations
    elif "--trend" not in sys.argv:
        cases += correlations
    print(f"{'call':<34}{'median ms':>10}{'queries':>9}{'bytes':>9}")
    for label, user, url, params in cases:
        client = Client()
        client.force_login(user)
        median, queries, size = _setup.median_get(client, [(url, params)] * RUNS, label=label)
        print(f"{label:<34}{median:>10.1f}{queries:>9}{size:>9}")


if __name__ == "__main__":
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        main()
