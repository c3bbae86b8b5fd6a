"""Issue 11 §10.5 speed targets for the segmentation, on the database of DATABASE_URL (1,000,000 customers and
10,000,000 orders: benchmarks/generate_portfolio.py or crm_bench1m):

- the nightly RFM + k-means run (analytics.services.segmentation_compute) < 120 s and < 1 GB peak memory;
- GET /api/v1/analytics/segments/ (cursor list, filters), /segments/summary/ and /clusters/: median < 500 ms warm
  for a sales manager (every customer) and a sales rep (own customers);
- GET /api/v1/analytics/behaviour/?topic=… (DOMAIN §10.6), the same medians (``behaviour`` argument; promotions
  only where the interactions have the promotion columns of customers migration 0009).

Everything runs in one transaction that is rolled back at the end (the analytics tables are created inside it if
the database has none yet), so a shared benchmark database is left as it was:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m python benchmarks/bench_analytics_segments.py
    DATABASE_URL=… python benchmarks/bench_analytics_segments.py behaviour [topic …]
"""

import resource
import sys
import time

import _setup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from analytics.models import CustomerSegment, SegmentationRun, SegmentCluster, SegmentStage
from analytics.services import segmentation_compute
from crm import roles
from customers.models import Customer

RUNS = 15


class Rollback(Exception):
    """Leaves the database as it was."""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tables() -> None:
    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in (SegmentationRun, CustomerSegment, SegmentCluster, SegmentStage):
            if model._meta.db_table not in existing:
                editor.create_model(model)


def _client(username: str, role: str) -> APIClient:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


def nightly(today) -> None:
    print(f"customers {Customer.objects.count():,}; peak memory before the run {_peak_mb():.0f} MB")
    for attempt in (1, 2):  # the second run replaces the first (idempotent)
        started = time.perf_counter()
        run = segmentation_compute(today=today)
        elapsed = time.perf_counter() - started
        print(
            f"run {attempt}: {run.customers:,} customers scored, k={run.clusters} (silhouette {run.silhouette:.3f})"
            f" in {elapsed:.1f} s; process peak memory {_peak_mb():.0f} MB"
        )
    for cluster in SegmentCluster.objects.all():
        print(f"  cluster {cluster.number}: {cluster.size:,} {cluster.traits}")


def api() -> None:
    busiest = (
        Customer.objects.filter(deleted_at__isnull=True)
        .values("owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[0]
    rep = _client(busiest["owner__username"], roles.SALES)
    manager = _client("bench_segments_manager", roles.SALES_MANAGER)
    print(f"{'endpoint':<58}{'who':>9}{'median ms':>11}{'queries':>9}")
    for url, params in (
        ("/api/v1/analytics/segments/", {}),
        ("/api/v1/analytics/segments/", {"segment": "champions"}),
        ("/api/v1/analytics/segments/", {"cluster": 1, "page_size": 500}),
        ("/api/v1/analytics/segments/summary/", {}),
        ("/api/v1/analytics/clusters/", {}),
    ):
        for who, client in (("manager", manager), (f"rep ({busiest['n']:,})", rep)):
            median, queries, _size = _setup.median_get(client, [(url, params)] * RUNS, label=url)
            label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"  {label:<56}{who:>9}{median:>11.1f}{queries:>9}")


def behaviour(only: list[str]) -> None:
    columns = {
        column.name
        for column in connection.introspection.get_table_description(connection.cursor(), "customers_interaction")
    }
    topics = ["products", "feedback", "retention", "response"] + (["promotions"] if "promotion" in columns else [])
    topics = [topic for topic in topics if topic in only] if only else topics
    busiest = (
        Customer.objects.filter(deleted_at__isnull=True)
        .values("owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )[0]
    clients = (
        ("manager", _client("bench_segments_manager", roles.SALES_MANAGER)),
        (f"rep ({busiest['n']:,})", _client(busiest["owner__username"], roles.SALES)),
    )
    print(f"{'GET /api/v1/analytics/behaviour/':<58}{'who':>9}{'median ms':>11}{'queries':>9}")
    for topic in topics:
        for who, client in clients:
            median, queries, _size = _setup.median_get(client, [("/api/v1/analytics/behaviour/", {"topic": topic})] * 3)
            print(f"  {'?topic=' + topic:<56}{who:>9}{median:>11.1f}{queries:>9}")


def main() -> None:
    today = timezone.localdate()
    try:
        with transaction.atomic():
            if sys.argv[1:2] == ["behaviour"]:
                behaviour(sys.argv[2:])
                raise Rollback
            _tables()
            nightly(today)
            api()
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
