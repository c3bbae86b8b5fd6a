"""Dashboard speed (issue 14): each role's start page, and each panel's queries apart, on the benchmark portfolio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m python benchmarks/bench_dashboards.py [--repeat 5]

Reads only. Times every panel builder of each bench role (median of --repeat runs after one warm-up) and prints
the slowest query of each with its plan's top line, so a panel that scans a big table shows which one.
"""

import argparse
import statistics
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.dashboard import over_90_count
from crm import dashboards, roles
from customers.views import dashboard_windows

BENCH_USERS = {
    roles.SALES: "bench_rep00",
    roles.SALES_MANAGER: "bench_manager",
    roles.CUSTOMER_SERVICE: "bench_service",
    roles.CREDIT_ANALYST: "bench_analyst",
    roles.CREDIT_MANAGER: "bench_creditmgr",
    roles.ARCHIVIST: "bench_archivist",
}


def _time(builder, user, today, windows, repeat: int) -> tuple[float, list[dict]]:
    builder(user=user, today=today, windows=windows)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        builder(user=user, today=today, windows=windows)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        builder(user=user, today=today, windows=windows)
    return statistics.median(timings), list(queries)


def _over_90(*, user, today, windows) -> None:
    """The count the credit manager's page loads afterwards."""
    over_90_count(user=user, today=today)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    today, windows = timezone.localdate(), dashboard_windows()
    for role, username in BENCH_USERS.items():
        user = get_user_model().objects.get(username=username)
        lazy = [_over_90] if role == roles.CREDIT_MANAGER else []
        for builder in [*dashboards._builders[role], *lazy]:
            ms, queries = _time(builder, user, today, windows, args.repeat)
            slowest = max(queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": "(none)"})
            print(
                f"{role:17} {builder.__module__}.{builder.__name__:18} {ms:8.1f} ms  {len(queries)} queries;"
                f" slowest {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:110]}"
            )


if __name__ == "__main__":
    main()
