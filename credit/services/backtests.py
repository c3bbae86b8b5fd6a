"""Back-tests of a draft policy (DOMAIN §11): started from the policy page or the API, run here or by a worker with
progress. A back-test writes its own record and the kept ledger facts (``BacktestLedger``), nothing else: the policy
and the profiles stay as they are."""

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from credit import backtest_sql, selectors
from credit.models import BacktestLedger, PolicyBacktest
from credit.rules.backtest import (
    BAD_DEBT_DAYS,
    Backtest,
    OrderLedger,
    backtest_ledgers,
    month_labels,
    order_ledger_of,
    order_ledgers,
)
from credit.rules.policy import CreditPolicy
from crm.chunks import threads_may_share_work

_KINDS = {name: type(getattr(CreditPolicy(), name)) for name in CreditPolicy.__dataclass_fields__}
CHUNK = 5000  # customers read, replayed and kept at a time
KEPT_MONTHS = 12  # how far back from its day a kept customer's facts reach
_T = TypeVar("_T")


@transaction.atomic
def policy_backtest_start(*, changes: dict, by: AbstractBaseUser, today: date) -> PolicyBacktest:
    """Record a back-test of the policy in force with ``changes`` (policy field → value), to run as of ``today``."""
    known = {name: value for name, value in changes.items() if name in _KINDS}
    return PolicyBacktest.objects.create(changes=known, policy=selectors.policy_current(), as_of=today, created_by=by)


def policy_backtest_run(*, backtest_id: int) -> PolicyBacktest:
    """Replay the year and keep the figures. Idempotent: a finished back-test is left as it is, so a redelivered
    task does nothing twice; a failed one is marked failed and the error goes on up."""
    run = PolicyBacktest.objects.get(pk=backtest_id)
    if run.status != PolicyBacktest.Status.RUNNING:
        return run
    reported = [run.progress]

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        if percent >= reported[0] + 5:
            reported[0] = percent
            PolicyBacktest.objects.filter(pk=run.pk, status=PolicyBacktest.Status.RUNNING).update(progress=percent)

    try:
        found = policy_backtest_compute(
            changes=policy_changes(run), today=run.as_of, current=run.policy.as_rule(), progress=progress
        )
    except Exception:
        PolicyBacktest.objects.filter(pk=run.pk).update(status=PolicyBacktest.Status.FAILED)
        raise
    run.result, run.status, run.progress = found.as_json(), PolicyBacktest.Status.DONE, 100
    run.save(update_fields=["result", "status", "progress"])
    return run


def policy_changes(run: PolicyBacktest) -> dict:
    """The draft's changes with their policy types back (stored as JSON: decimals as text)."""
    return {name: _KINDS[name](str(value)) for name, value in run.changes.items()}


def policy_backtest_compute(
    *,
    changes: dict,
    today: date,
    months: int = 12,
    current: CreditPolicy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> selectors.PolicyBacktest:
    """The last ``months`` of real orders replayed under the draft (``current``, by default the policy in force,
    with ``changes``), ``current`` itself and credit for all (``rules.backtest``), a chunk of customers at a time.
    The expensive half — each order's ledger facts on its day — is kept per customer and gathered again (set-based,
    ``_gathered``) only for customers whose trade records changed (``backtest_ledgers_refresh``); the next chunk is
    gathered while this one is decided (``_one_ahead``)."""
    current = current or selectors.policy_current().as_rule()
    policies = {"current": current, "draft": selectors.draft_policy(current, changes)}
    since = today - relativedelta(months=months)
    ids = selectors.backtest_customer_ids(since=since, today=today)
    result = Backtest(since, today, month_labels(since, today))
    windows = {policy.window_days for policy in policies.values()}

    def gather(chunk: list[int]) -> tuple[dict, dict]:
        ledgers, _gathered = _ledgers(chunk, today=today, windows=windows, months=months)
        return ledgers, selectors.backtest_histories(chunk, today=today, trade=False)

    done = 0
    for chunk, (ledgers, histories) in _one_ahead([ids[s : s + CHUNK] for s in range(0, len(ids), CHUNK)], gather):
        rows = ((histories[pk], {w: ledgers[pk, w] for w in windows}) for pk in chunk)
        backtest_ledgers(rows, policies=policies, since=since, today=today, into=result)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return selectors.PolicyBacktest(result)


def _one_ahead(chunks: list[list[int]], gather: Callable[[list[int]], _T]) -> Iterator[tuple[list[int], _T]]:
    """Each chunk with ``gather(chunk)``, the next chunk gathered by a second thread on its own connection while the
    caller decides on this one: PostgreSQL reads the next chunk on one core while Python decides on the other.
    Inside a transaction (another connection would not see its writes) or off PostgreSQL, all of it runs here, in
    order."""
    if not threads_may_share_work() or len(chunks) < 2:
        yield from ((chunk, gather(chunk)) for chunk in chunks)
        return

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            ahead = pool.submit(gather, chunks[0])
            for index, chunk in enumerate(chunks):
                found = ahead.result()
                if index + 1 < len(chunks):
                    ahead = pool.submit(gather, chunks[index + 1])
                yield chunk, found
        finally:
            pool.submit(_close_connection).result()  # the thread's own connection, once it is done


def _close_connection() -> None:
    """Close the calling thread's database connection (``connection`` is looked up in the thread that runs this)."""
    connection.close()


def backtest_ledgers_refresh(*, today: date, months: int = 12) -> int:
    """Bring the kept ledger facts up to date for the policy in force (the nightly job), so that the day's first
    back-test gathers only what changed during the day; returns how many customers were gathered again."""
    window = selectors.policy_current().as_rule().window_days
    ids = selectors.backtest_customer_ids(since=today - relativedelta(months=months), today=today)
    replayed = 0
    for start in range(0, len(ids), CHUNK):
        replayed += len(_ledgers(ids[start : start + CHUNK], today=today, windows={window}, months=months)[1])
    return replayed


def _stale(chunk: list[int], *, today: date, windows: set[int], months: int) -> tuple[list[int], dict, dict[int, str]]:
    """Customers whose kept facts are missing, from another state of their trade records, from a later day, or
    from a shorter span than ``months`` back from ``today``."""
    prints = selectors.backtest_fingerprints(chunk, today=today)
    kept = selectors.backtest_ledgers_kept(chunk, windows=windows)
    since = today - relativedelta(months=months)

    def fresh(pk: int, window: int) -> bool:
        if (pk, window) not in kept:
            return False
        fingerprint, computed_on, _orders = kept[pk, window]
        return (
            fingerprint == prints[pk]
            and since >= computed_on - relativedelta(months=KEPT_MONTHS)
            and computed_on <= today
        )

    stale = [pk for pk in chunk if not all(fresh(pk, w) for w in windows)]
    return stale, kept, prints


def _ledgers(
    chunk: list[int], *, today: date, windows: set[int], months: int
) -> tuple[dict[tuple[int, int], list[OrderLedger]], list[int]]:
    """(customer, window) → its orders of the last ``months`` with their ledger facts: kept ones where the customer's
    trade records are unchanged (and the kept months reach back far enough), the others gathered again
    (``_gathered``) and kept; and the customers gathered again."""
    stale, kept, prints = _stale(chunk, today=today, windows=windows, months=months)
    found = {key: orders for key, (_print, _on, orders) in kept.items()}
    if stale:
        fresh = _gathered(
            stale, since=today - relativedelta(months=max(months, KEPT_MONTHS)), today=today, windows=windows
        )
        found.update(fresh)
        _keep(fresh, prints, today=today)
    return found, stale


def _gathered(
    ids: list[int], *, since: date, today: date, windows: set[int]
) -> dict[tuple[int, int], list[OrderLedger]]:
    """These customers' orders after ``since`` with the ledger facts of their day: the sums read set-based
    (``backtest_sql``) and completed by the rules (``rules.backtest.order_ledger_of``); the customers whose
    allocation that read cannot reproduce replayed by the rule (``rules.backtest.order_ledgers``)."""
    if connection.vendor != "postgresql":  # the set-based read is PostgreSQL's: elsewhere the rule replays each one
        histories = selectors.backtest_histories(ids, today=today, trade=True)
        return {
            (pk, w): order_ledgers(histories[pk], since=since, today=today, window_days=w)
            for pk in ids
            for w in windows
        }
    fresh, replay = {}, set()
    for window in windows:
        read = backtest_sql.checked_orders(
            ids, since=since, today=today, window_days=window, bad_debt_days=BAD_DEBT_DAYS
        )
        fresh.update({(pk, window): [order_ledger_of(sums) for sums in orders] for pk, orders in read.orders.items()})
        replay |= read.replay
    if replay:
        histories = selectors.backtest_histories(sorted(replay), today=today, trade=True)
        fresh.update(
            {
                (pk, w): order_ledgers(histories[pk], since=since, today=today, window_days=w)
                for pk in replay
                for w in windows
            }
        )
    return fresh


@transaction.atomic
def _keep(fresh: dict[tuple[int, int], list[OrderLedger]], prints: dict[int, str], *, today: date) -> None:
    """Replace these customers' kept facts: on PostgreSQL one INSERT of the chunk's rows (its JSON made here, as the
    model's field would make it), not a model instance per customer."""
    customers = {pk for pk, _w in fresh}
    BacktestLedger.objects.filter(customer_id__in=customers, window_days__in={w for _pk, w in fresh}).delete()
    keys = list(fresh)
    if connection.vendor != "postgresql":
        BacktestLedger.objects.bulk_create(
            BacktestLedger(
                customer_id=pk,
                window_days=w,
                fingerprint=prints[pk],
                computed_on=today,
                orders=[selectors.order_ledger_json(order) for order in fresh[pk, w]],
            )
            for pk, w in keys
        )
        return
    orders = [json.dumps([selectors.order_ledger_json(order) for order in fresh[key]]) for key in keys]
    insert = f"""
        INSERT INTO {BacktestLedger._meta.db_table} (customer_id, window_days, fingerprint, computed_on, orders)
        SELECT pk, w, print, %s, orders::jsonb
        FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::text[]) AS kept(pk, w, print, orders)"""  # noqa: S608 - the model's table, values bound
    with connection.cursor() as cursor:
        cursor.execute(
            insert, [today, [pk for pk, _w in keys], [w for _pk, w in keys], [prints[pk] for pk, _w in keys], orders]
        )
