"""Issue 11 speed targets for Statistics (DOMAIN §10.2) and receivables ageing (§10.7), on the portfolio of
benchmarks/generate_portfolio.py (1,000,000 customers, 10,000,000 orders):

- each API call for a sales manager (all customers): median < 500 ms warm;
- the ageing report < 2 s cold (the first call after the database's caches were emptied: run it right after a
  PostgreSQL restart for a truly cold figure, or pass --cold-restart to restart it with pg_ctlcluster).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m .venv/bin/python \\
        benchmarks/bench_analytics_pareto_ageing.py [--runs 5] [--user bench_manager]

Prints one line per endpoint: the median of ``--runs`` warm calls, the query count and the response size, and the
first (cold) call of ageing. Also EXPLAIN (ANALYZE, BUFFERS) of the ageing statement with ``--explain``.

Measured 2026-11-30 on crm_bench1m (995,007 live customers, ~10,000,000 orders, 288,104 customers owing),
this 2-core machine at a load average of 10–13 (other sessions' tests and benchmarks), with the index of
credit/migrations/0007 created by hand (the database predates it), --runs 3:

    bench_manager (all customers)            bench_rep00 (one of 200 reps, ~5,000 customers)
    pareto                 13.3 s warm       0.36 s warm
    ageing none            39 s warm, 51 s cold      0.68 s warm, 2.3 s cold
    ageing owner / tier    40 s / 41 s       0.85 s / 0.94 s
    ageing customer        54 s              1.07 s

Since 30 November 2026 a manager who asks for no particular day reads the nightly snapshot (analytics.ReportSnapshot,
refreshed by analytics.services.report_snapshots_refresh; the page says the figures are of yesterday): measured on
crm_bench1m after that refresh, load average 11-12, --runs 5: pareto 38 ms, ageing none / owner / tier / customer
14 / 39 / 17 / 62 ms warm, and 15 ms for ageing's first call once the process has answered any request (the script's
first call includes loading the application, about 13 s under that load). Filters, reps and a chosen day are answered
live as below (ageing as of today, chosen explicitly: 33 s at load 12). Before:

Targets (< 500 ms warm, ageing < 2 s cold) were not met for a manager at 1M. Where the time goes (EXPLAIN): ageing
reads the ~1.3M orders that can still be unpaid (4.5 per debtor) and looks up the payments naming each (~45%),
then sorts them for the window; Pareto ranks 1M customers (three windows and a sort). See the report of the
pareto-ageing branch for the proposals (an open-items table kept by credit's writes; a stored ranking).
"""

import argparse
import time

import _setup
from django.db import connection


def _timed(client, url: str, params: dict) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="bench_manager")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    user = get_user_model().objects.get(username=args.user)
    client = APIClient()
    client.force_authenticate(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_customer WHERE deleted_at IS NULL")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'credit_order'")
        orders = cursor.fetchone()[0]
    print(f"{customers:,} live customers, ~{orders:,} orders, user {args.user}, database {connection.vendor}")

    cold = _timed(client, "/api/v1/analytics/ageing/", {"group": "none"})
    print(f"ageing group=none, first call (cold as the caches are): {cold:.0f} ms")
    endpoints = [
        ("/api/v1/analytics/pareto/", {}),
        ("/api/v1/analytics/ageing/", {"group": "none"}),
        ("/api/v1/analytics/ageing/", {"group": "owner"}),
        ("/api/v1/analytics/ageing/", {"group": "tier"}),
        ("/api/v1/analytics/ageing/", {"group": "customer"}),
    ]
    for url, params in endpoints:
        median, queries, size = _setup.median_get(client, [(url, params)] * args.runs, label=url)
        print(f"{url} {params}: median {median:.0f} ms warm, {queries} queries, {size:,} bytes")
    if args.explain:
        _explain(user)


def _explain(user) -> None:
    from django.utils import timezone

    from analytics.scope import AnalysisScope
    from analytics.selectors.ageing import _sql

    scope = AnalysisScope(user=user, as_of=timezone.localdate(), today=timezone.localdate())
    sql, params = _sql(scope, "none")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
