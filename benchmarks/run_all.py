"""Issue 15's speed targets in one command: build or reuse the 1,000,000-customer / 10,000,000-order portfolio
(generate_portfolio.py), measure each target with the bench_* scripts' measuring functions, print one table.

    make bench
    .venv/bin/python benchmarks/run_all.py [--database-url postgres://…/crm_bench1m] [--reads-only]

Pages and API lists: median of 20 requests through Django's test client (server time, no network), after one
warm-up. The writing measures leave the portfolio as they found it: bulk upsert creates its own customers (each
batch updates the previous batch's 500 and adds 500 new ones) and deletes them afterwards; the credit recompute
stores the profiles the portfolio already holds; the cold staleness scan runs with the review intervals one day
longer (every dossier changes), then once more with the policy's own (not timed). ``--reads-only`` leaves them out,
for a database that others are reading at the same time.
"""

import argparse
import os
import sys
import time
import uuid
from dataclasses import dataclass

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench1m"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"  # the recompute's Celery worker: a Redis DB of the benchmark's own
RUNS = 20


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    target: str
    figure: str
    passed: bool | None  # None: not measured


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="default: crm_bench1m on 127.0.0.1")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="broker and results of the recompute's worker")
    parser.add_argument("--reads-only", action="store_true", help="skip bulk upsert, credit recompute, staleness scan")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    import _setup  # noqa: F401  (Django on DATABASE_URL)
    import generate_portfolio
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment
    from django.utils import timezone

    generate_portfolio.build(
        generate_portfolio.Scale(args.customers, args.orders, generate_portfolio.DEFAULT_SEED, timezone.localdate())
    )
    setup_test_environment()
    rows: list[Row] = []
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []},
    ):
        rows += pages()
        rows += api_lists()
        if not args.reads_only:
            rows.append(bulk_upsert())
            rows.append(credit_recompute())
            rows.append(credit_recompute_on_a_worker_host(f"{args.customers:,} customers / {args.orders:,} orders"))
            rows.append(staleness_scan())
    print()
    print(table(rows))
    return 0 if all(row.passed is not False for row in rows) else 1


def _median_row(measure: str, limit_ms: float, client, url: str, params: dict | None) -> Row:
    import _setup

    median, queries, _size = _setup.median_get(client, [(url, params)] * RUNS, label=measure)
    print(f"  {measure:<58}{median:8.1f} ms  {queries} queries", flush=True)
    return Row(measure, f"< {limit_ms:g} ms median", f"{median:.1f} ms", median < limit_ms)


def pages() -> list[Row]:
    """The customer list (first, a middle and the last page), searches with a filter, the dossier page."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from customers.models import Customer

    rep = get_user_model().objects.get(username="bench_rep00")
    client = Client()
    client.force_login(rep)
    middle = client.get("/customers/", {"ordering": "name"}).context["page"].next
    rows = [
        _median_row("customer list, first page (name A-Z)", 50, client, "/customers/", None),
        _median_row("customer list, second page (cursor)", 50, client, "/customers/", {"cursor": middle}),
        _median_row("customer list, last page", 50, client, "/customers/", {"cursor": "last"}),
        _median_row(
            "customer list, owner + stale, by review date",
            50,
            client,
            "/customers/",
            {"owner": "bench_rep00", "stale": "1", "ordering": "review"},
        ),
    ]
    searches = [
        ("name, Latin (golden flow)", {"q": "golden flow"}),
        ("name, Chinese 2 chars + size + sort (阀门)", {"q": "阀门", "size": "medium", "ordering": "-completeness"}),
        ("name, Chinese 4 chars (精工阀门)", {"q": "精工阀门"}),
        ("contact, 2 chars (王伟)", {"q": "王伟"}),
        ("code fragment (184)", {"q": "184"}),
        ("code fragment + size (1842)", {"q": "1842", "size": "large"}),
    ]
    rows += [_median_row(f"search: {label}", 60, client, "/customers/", params) for label, params in searches]
    # the rep's first dossier: the portfolio's own, never one a writing benchmark has just added and will delete
    customer = Customer.objects.filter(owner=rep, deleted_at__isnull=True).order_by("id").first()
    rows.append(_median_row("dossier page (owner)", 30, client, f"/customers/{customer.code}/", None))
    manager = get_user_model().objects.get(username="bench_manager")
    client = Client()
    client.force_login(manager)
    rows.append(_median_row("dossier page (manager, access-logged)", 30, client, f"/customers/{customer.code}/", None))
    return rows


def api_lists() -> list[Row]:
    import bench_api

    client = bench_api.client_for("bench_manager", "sales_manager")
    return [
        _median_row(
            "API list: " + "&".join(f"{k}={v}" for k, v in params.items()), 40, client, "/api/v1/customers/", params
        )
        for params in bench_api.LISTS
    ]


def bulk_upsert(batches: int = 10) -> Row:
    """One client, batches of 1,000 (500 new, 500 changed: the previous batch's), as bench_api.py, on rows of its
    own that it deletes afterwards."""
    import bench_api

    from customers.models import Customer

    client = bench_api.client_for("bench_erp", "integration")
    run = f"RUNALL-{uuid.uuid4().hex[:6]}"
    previous = bench_api.new_records(f"{run}-0", 500)
    if client.post("/api/v1/customers/bulk-upsert/", previous, format="json").json()["created"] != 500:
        raise SystemExit("bulk upsert did not create the first batch")
    posted = []
    for batch_no in range(1, batches + 2):
        new = bench_api.new_records(f"{run}-{batch_no}", 500)
        posted.append([{**record, "phone": f"0571-{batch_no:04d}"} for record in previous] + new)
        previous = new
    try:
        measured = bench_api.upsert_rate(client, posted, created=500, updated=500)
    finally:
        Customer.objects.filter(external_id__startswith=f"{run}-").delete()
    rate, ceiling = measured.rate, ""
    if measured.postgres_ms:  # PostgreSQL on this host: what a batch costs the machine, and so the most its cores
        # can write however well the parts of a batch overlap
        cores = os.cpu_count() or 1
        most = cores * 1_000_000 / (measured.python_ms + measured.postgres_ms)
        ceiling = f", at most {most:,.0f} records/s on {cores} cores"
    print(
        f"  {'bulk upsert, 1,000 a batch, one client':<58}{rate:8,.0f} records/s  (CPU per batch: Python "
        f"{measured.python_ms:.0f} ms, PostgreSQL {measured.postgres_ms:.0f} ms{ceiling}; "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return Row("bulk upsert, 1,000 a batch, one client", "≥ 10,000 records/s", f"{rate:,.0f} records/s", rate >= 10_000)


def credit_recompute() -> Row:
    """The nightly recompute's chunks in this process, as ``recompute_credit`` runs them (two at a time, each thread
    on a connection of its own: ``credit.services.RECOMPUTE_THREADS``; ``bench_recompute_workers.py`` spreads them
    over Celery workers). Also prints the CPU seconds of this process and of the PostgreSQL backends that ran the
    chunks when PostgreSQL runs on this host: on a busy machine, their sum is what the run costs."""
    import _setup
    from django.db import connection
    from django.utils import timezone

    from credit import services

    database_cpu: list[float] = []
    recompute_range = services.credit_profiles_recompute_range

    def measured(**kwargs) -> int:  # each chunk's backend, in whichever thread runs the chunk
        before = _setup.backend_cpu_seconds(connection)
        try:
            return recompute_range(**kwargs)
        finally:
            database_cpu.append(_setup.backend_cpu_seconds(connection) - before)

    services.credit_profiles_recompute_range = measured
    try:
        started, cpu = time.perf_counter(), time.process_time()
        count = services.credit_recompute_all(today=timezone.localdate())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        services.credit_profiles_recompute_range = recompute_range
    print(
        f"  {'credit recompute, one process':<58}{seconds:8.1f} s  ({count:,} profiles; CPU: Python {cpu:.1f} s, "
        f"PostgreSQL {sum(database_cpu):.1f} s; load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return Row("credit recompute, one process (for comparison)", "—", f"{seconds:.1f} s", None)


def credit_recompute_on_a_worker_host(scale: str) -> Row:
    """The nightly task as one worker host runs it: ``celery worker -c N`` with a process per core of this machine,
    the task spreading its chunks over them (``bench_recompute_workers.py``), timed from sending it to its result."""
    import bench_recompute_workers
    from django.utils import timezone

    processes = os.cpu_count() or 1
    seconds = bench_recompute_workers.run(processes, timezone.localdate())
    measure = f"credit recompute, {scale}, one worker host (celery -c {processes})"
    return Row(measure, "< 60 s", f"{seconds:.1f} s", seconds < 60)


def staleness_scan() -> Row:
    from dataclasses import replace

    from django.utils import timezone

    from credit.selectors import review_policy
    from customers.services.review_state import dossier_staleness_scan

    today, policy = timezone.localdate(), review_policy()
    longer = replace(policy, core_days=policy.core_days + 1, other_days=policy.other_days + 1)
    started = time.perf_counter()
    changed = dossier_staleness_scan(today=today, policy=longer)
    seconds = time.perf_counter() - started
    dossier_staleness_scan(today=today, policy=policy)  # back to the portfolio's own review dates
    print(f"  {'staleness scan, cold':<58}{seconds:8.1f} s  ({changed:,} dossiers changed)", flush=True)
    return Row("staleness scan, cold", "< 15 s", f"{seconds:.1f} s", seconds < 15)


def table(rows: list[Row]) -> str:
    widths = [max(len(getattr(row, name)) for row in rows) for name in ("measure", "target", "figure")]
    header = ("measure", "target", "figure", "result")
    lines = [
        " | ".join(text.ljust(width) for text, width in zip(header, [*widths, 6], strict=True)),
        "-+-".join("-" * width for width in [*widths, 6]),
    ]
    for row in rows:
        verdict = "-" if row.passed is None else ("pass" if row.passed else "FAIL")
        cells = (row.measure, row.target, row.figure, verdict)
        lines.append(" | ".join(text.ljust(width) for text, width in zip(cells, [*widths, 6], strict=True)))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
