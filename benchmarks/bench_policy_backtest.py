"""Back-test (issue 13: 12 months over 100,000 customers and 1M orders < 30 s): the last year of orders replayed
under a draft raising the tier A threshold and tightening the 乙 ratio, the policy in force and credit for all.
Times the reading of the histories and the replay apart, and prints the three scenarios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench100k python benchmarks/bench_policy_backtest.py
"""

import sys
import time
from datetime import date
from decimal import Decimal

import _setup  # noqa: F401
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from credit import selectors
from credit.rules.backtest import backtest
from credit.rules.policy import CreditPolicy

DRAFT = {"tier_a_threshold": Decimal(400_000), "yi_on_time_ratio": Decimal("0.90")}


def main() -> None:
    today = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else timezone.localdate()
    since = today - relativedelta(months=12)
    current = selectors.policy_current().as_rule()
    started = time.perf_counter()
    histories, customers = selectors.backtest_histories(since=since, today=today)
    histories = list(histories)
    read = time.perf_counter() - started
    started = time.perf_counter()
    found = backtest(histories, policies={"current": current, "draft": _draft(current)}, since=since, today=today)
    replayed = time.perf_counter() - started
    print(f"back-test {since} … {today}: {customers:,} customers, {found.orders:,} orders, {found.amount:,.0f} sold")
    print(f"  read {read:.1f} s, replay {replayed:.1f} s, total {read + replayed:.1f} s")
    print(f"  bad debt under credit for all: {found.bad_debt:,.0f}")
    for name, tally in found.tallies.items():
        print(
            f"  {name:15} held {tally.orders_held:>8,} orders {tally.held_amount:>16,.0f}  "
            f"good delayed {tally.good_revenue_delayed:>16,.0f}  bad avoided {tally.bad_debt_avoided:>14,.0f}"
        )
    started = time.perf_counter()
    selectors.policy_backtest(changes=DRAFT, today=today)
    print(f"  policy_backtest end to end: {time.perf_counter() - started:.1f} s")


def _draft(current: CreditPolicy) -> CreditPolicy:
    from dataclasses import replace

    return replace(current, **DRAFT)


if __name__ == "__main__":
    main()
