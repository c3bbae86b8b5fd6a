"""Back-test (issue 13: 12 months over 100,000 customers and 1M orders < 30 s): the last year of orders replayed
under a draft raising the tier A threshold and tightening the 乙 ratio, the policy in force and credit for all.

Runs it cold (no kept ledger facts: every customer's year gathered set-based and kept), then warm (the kept facts
read back, as after the nightly ``backtest_ledgers_refresh``), then warm again after a day's worth of new payments
(1% of the customers gathered again). Each line gives the wall time, the CPU of this process (every thread) and of
the database's PostgreSQL backends, and the load average: other work on the machine stretches the wall time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench100k python benchmarks/bench_policy_backtest.py [day]
"""

import os
import sys
import threading
import time
from datetime import date
from decimal import Decimal

import _setup
from django.db import connection
from django.utils import timezone

from credit.models import BacktestLedger
from credit.services import backtests

DRAFT = {"tier_a_threshold": Decimal(400_000), "yi_on_time_ratio": Decimal("0.90")}


def backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds (user + system) so far of each PostgreSQL backend serving ``database`` on this host."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f" {database} ".encode() not in f.read().replace(b"\0", b" ") + b" ":
                    continue
            found[int(pid)] = _setup.process_cpu_seconds(int(pid))
        except OSError:
            continue
    return found


class BackendCpu:
    """The CPU the database's backends spend while the block runs, sampled every 0.2 s (backends that come and go
    between samples are counted to their last sample)."""

    def __init__(self, database: str):
        self.database, self.first, self.last, self.stop = database, backend_cpu(database), {}, threading.Event()

    def __enter__(self):
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self) -> None:
        while not self.stop.wait(0.2):
            self.last.update(backend_cpu(self.database))

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self.last.update(backend_cpu(self.database))

    @property
    def seconds(self) -> float:
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def timed(label: str, today: date):
    started, cpu = time.perf_counter(), time.process_time()
    with BackendCpu(connection.settings_dict["NAME"]) as database:
        found = backtests.policy_backtest_compute(changes=DRAFT, today=today).result
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    load = os.getloadavg()[0]
    pg = database.seconds
    print(f"  {label:38} {wall:6.1f} s   CPU: Python {cpu:5.1f} s, PostgreSQL {pg:5.1f} s; load {load:.1f}")
    return found


def main() -> None:
    today = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else timezone.localdate()
    BacktestLedger.objects.all().delete()
    print(f"back-test as of {today}:")
    timed("cold (every year gathered and kept)", today)
    found = timed("warm (kept ledger facts)", today)
    kept = list(BacktestLedger.objects.order_by("?").values_list("pk", flat=True)[: max(1, found.orders // 1000)])
    BacktestLedger.objects.filter(pk__in=kept).update(fingerprint="changed")
    timed(f"warm, {len(kept):,} customers changed", today)
    print(f"  {found.orders:,} orders, {found.amount:,.0f} sold; bad debt under credit for all {found.bad_debt:,.0f}")
    for name, tally in found.tallies.items():
        print(
            f"  {name:15} held {tally.orders_held:>8,} orders {tally.held_amount:>16,.0f}  "
            f"good delayed {tally.good_revenue_delayed:>16,.0f}  bad avoided {tally.bad_debt_avoided:>14,.0f}"
        )


if __name__ == "__main__":
    main()
