"""Issue 3 speed targets, on the database of DATABASE_URL (run generate_portfolio.py first):

- GET /api/v1/customers/?page_size=100 with a filter: median server time of 20 requests < 60 ms;
- bulk-upsert: ≥ 5,000 records/s in batches of 1,000, half new and half changed;
- list and detail query counts do not grow with the page size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_api.py
"""

import time
import uuid
from typing import NamedTuple

import _setup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment
from knox.models import AuthToken
from rest_framework.test import APIClient

from customers.models import Customer

RUNS = 20
LISTS = (  # 100 rows with filters (issue 15: < 40 ms)
    {"page_size": 100, "size": "medium"},
    {"page_size": 100, "kind": "intermediate", "ordering": "-updated_at"},
    {"page_size": 100, "owner": "bench_rep03", "is_stale": "true"},
    {"page_size": 100, "search": "阀门"},
)


def client_for(username: str, role: str) -> APIClient:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


def lists(client: APIClient) -> None:
    print(f"{'GET /api/v1/customers/':<52}{'median ms':>10}{'queries':>9}")
    for params in (*LISTS, {"page_size": 10, "size": "medium"}, {"page_size": 500, "size": "medium"}):
        median, queries, _size = _setup.median_get(client, [("/api/v1/customers/", params)] * RUNS)
        label = "&".join(f"{k}={v}" for k, v in params.items())
        print(f"  {label:<50}{median:>10.1f}{queries:>9}")
    code = Customer.objects.filter(deleted_at__isnull=True).values_list("code", flat=True).last()
    median, queries, _size = _setup.median_get(client, [(f"/api/v1/customers/{code}/", {})] * RUNS)
    print(f"  {'GET /api/v1/customers/{code}/':<50}{median:>10.1f}{queries:>9}")


def new_records(prefix: str, count: int) -> list[dict]:
    """``count`` new customers for bulk-upsert, external ids ``{prefix}-0`` …"""
    return [
        {
            "external_id": f"{prefix}-{i}",
            "name": f"新客户 {prefix} {i}",
            "owner": "bench_rep01",
            "size": "small",
            "basic": {"postcode": "310000"},
        }
        for i in range(count)
    ]


class UpsertRate(NamedTuple):
    rate: float  # records per second
    queries: list[int]  # of every batch
    python_ms: float  # CPU of this process per counted batch (its threads included)
    postgres_ms: float  # CPU of this host's PostgreSQL processes per counted batch (0 when it runs elsewhere)


def upsert_rate(client: APIClient, batches: list[list[dict]], *, created: int, updated: int) -> UpsertRate:
    """Post the batches one after another; the first warms up (first-request costs: imports, caches, cold pages)
    and is not counted. Returns the records per second of the others, the queries of every batch and the CPU the
    counted batches cost; a batch that does not create and update as many records as said stops the benchmark."""
    total, elapsed, queries, python_cpu, postgres_cpu = 0, 0.0, [], 0.0, 0.0
    for batch_no, batch in enumerate(batches):
        with CaptureQueriesContext(connection) as captured:
            server_cpu, cpu, started = _setup.postgres_cpu_seconds(), time.process_time(), time.perf_counter()
            response = client.post("/api/v1/customers/bulk-upsert/", batch, format="json")
            if batch_no:
                elapsed += time.perf_counter() - started
                python_cpu += time.process_time() - cpu
                postgres_cpu += _setup.postgres_cpu_seconds() - server_cpu
        body = response.json()
        if body["errors"] or body["created"] != created or body["updated"] != updated:
            raise SystemExit(
                f"unexpected result: { {k: v for k, v in body.items() if k != 'errors'} } {body['errors'][:2]}"
            )
        total += len(batch) if batch_no else 0
        queries.append(len(captured))
    counted = max(len(batches) - 1, 1)
    return UpsertRate(total / elapsed, queries, python_cpu / counted * 1000, postgres_cpu / counted * 1000)


def bulk(client: APIClient, batches: int = 10) -> None:
    """Sustained throughput: one warm-up batch (first-request costs: imports, caches, cold pages) is not counted,
    then ``batches`` batches of 500 changed + 500 new records are posted one after another."""
    existing = list(
        Customer.objects.filter(external_id__isnull=True, deleted_at__isnull=True).values_list("pk", flat=True)[
            : (batches + 1) * 500
        ]
    )
    for pk in existing:  # give half of each batch an external id so it is an update
        Customer.objects.filter(pk=pk).update(external_id=f"BENCH-{pk}")
    run = uuid.uuid4().hex[:6]
    posted = []
    for batch_no in range(batches + 1):
        changed = [
            {"external_id": f"BENCH-{pk}", "phone": f"0571-{run}", "sales_status": {"cooperation": run}}
            for pk in existing[batch_no * 500 : (batch_no + 1) * 500]
        ]
        posted.append(changed + new_records(f"NEW-{run}-{batch_no}", 500))
    measured = upsert_rate(client, posted, created=500, updated=500)
    print(
        f"bulk-upsert: {batches * 1000:,} records at {measured.rate:,.0f} records/s "
        f"(batches of 1,000: 500 new + 500 changed); queries per batch: {sorted(set(measured.queries))}"
    )
    again = client.post("/api/v1/customers/bulk-upsert/", posted[-1], format="json").json()
    print(
        f"resending the last batch: created {again['created']}, updated {again['updated']}, "
        f"unchanged {again['unchanged']}"
    )


def main() -> None:
    setup_test_environment()
    print(f"customers: {Customer.objects.count():,}  database: {connection.vendor}")
    lists(client_for("bench_manager", "sales_manager"))
    bulk(client_for("bench_erp", "integration"))


if __name__ == "__main__":
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []},
    ):
        main()
