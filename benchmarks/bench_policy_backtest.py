"""Back-test (issue 13: 12 months over 100,000 customers and 1M orders < 30 s): the last year of orders replayed
under a draft raising the tier A threshold and tightening the 乙 ratio, the policy in force and credit for all.

Runs it cold (no kept ledger facts: every customer's year replayed and kept), then warm (the kept facts read
back, as after the nightly ``backtest_ledgers_refresh``), then warm again after a day's worth of new payments
(1% of the customers replayed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench100k python benchmarks/bench_policy_backtest.py [day]
"""

import sys
import time
from datetime import date
from decimal import Decimal

import _setup  # noqa: F401
from django.utils import timezone

from credit.models import BacktestLedger
from credit.services import backtests

DRAFT = {"tier_a_threshold": Decimal(400_000), "yi_on_time_ratio": Decimal("0.90")}


def timed(label: str, today: date):
    started = time.perf_counter()
    found = backtests.policy_backtest_compute(changes=DRAFT, today=today).result
    print(f"  {label:38} {time.perf_counter() - started:6.1f} s")
    return found


def main() -> None:
    today = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else timezone.localdate()
    BacktestLedger.objects.all().delete()
    print(f"back-test as of {today}:")
    timed("cold (every year replayed and kept)", today)
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
