"""The back-test's ledger facts of many customers in one PostgreSQL statement (DOMAIN §11): for each order after
``since``, what the ledger said before it on its day, as ``rules.backtest.order_ledgers`` replays it in Python.

The replay allocates each order's past (DOMAIN §4) again; this gathers the same facts for a chunk of customers at
once, as ``credit.ledger_sql`` does for today's facts. SQL gathers facts only: the grade, tier, limit and the order
check stay in ``credit/rules/`` (the caller builds ``rules.backtest.OrderLedger`` with ``grade_facts_of_totals``
and ``limits.exposure``).

When every payment names a billable order of its customer, is made on or after that order's date and the payments
naming an order never exceed it, the allocation gives each payment to the order it names, whoever else is in the
ledger. Then, on the day ``d`` of an order ``i``, an earlier order ``j`` (placed before ``i``: by date, then id)
falls due at ``due_j`` and is fully paid on ``full_j`` (the day its last payment brings it to its amount; never
when it is still open), and:

- it is in the grade's window exactly while ``due_j ≤ d < ends_j = max(due_j + window, full_j)`` (due in the
  trailing window, or unpaid past due);
- its part paid on time is what was paid to it by ``due_j`` (``d ≥ due_j`` in the window);
- its days late are ``max(0, min(d, full_j) − due_j)`` (unpaid: days overdue; paid: its last payment's lateness).

So the window's amount due and part paid on time are running sums over a stream of events per customer (an order
enters on its due day, leaves on ``ends_j``; payments and credit notes add up to the exposure; each order after
``since`` reads the sums), and the worst days late is a maximum over the few earlier orders not paid by their due
date. One more case: a payment made on the day of the order it names, while the order being checked is that one
or an earlier one of the same day, names an order not yet in the ledger and goes oldest due first: to the orders
due by then and still unpaid, which it pays late (their days late stay the days overdue) — it changes the facts
only when such an order falls due that day (paid on time) or left the trailing window (paid in full, it leaves the
grade's window). Customers where it could, or whose payments do not name their orders as above, are returned as
``replay``: the caller replays them with the rule.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from credit.rules.backtest import OrderSums
from credit.rules.tier import BILLABLE

# Every value is a parameter; the statement is fixed text. Amounts are summed as integer cents (money has two
# decimal places), far cheaper for PostgreSQL than numeric sums, and turned back into money (× 0.01: numeric with
# two places, as the columns) in the result.
_LEDGERS_SQL = """
WITH ids AS MATERIALIZED (
    SELECT unnest(%(ids)s::bigint[]) AS id
), o AS MATERIALIZED (
    SELECT id, customer_id, order_date AS od, due_date AS due, (amount * 100)::bigint AS cents, prepaid
    FROM credit_order
    WHERE customer_id >= %(first)s AND customer_id <= %(last)s
      AND (%(whole)s OR customer_id IN (SELECT id FROM ids))
      AND status = ANY(%(billable)s) AND order_date <= %(today)s
), pay AS MATERIALIZED (
    SELECT p.customer_id, p.paid_on, (p.amount * 100)::bigint AS cents, o.id AS named, o.od, o.due
    FROM credit_payment p
    LEFT JOIN o ON o.id = p.order_id AND o.customer_id = p.customer_id
    WHERE p.customer_id >= %(first)s AND p.customer_id <= %(last)s
      AND (%(whole)s OR p.customer_id IN (SELECT id FROM ids))
      AND p.paid_on <= %(today)s
), by_order AS (
    SELECT named, SUM(cents) AS paid_cents, SUM(cents) FILTER (WHERE paid_on <= due) AS on_time_cents,
           MAX(paid_on) AS last_paid, SUM(cents) FILTER (WHERE paid_on - due > %(bad_debt_days)s) AS late_cents
    FROM pay WHERE named IS NOT NULL GROUP BY named
), orders AS MATERIALIZED (
    SELECT o.*, bo.paid_cents AS paid, bo.on_time_cents AS on_time, bo.late_cents AS late,
           COALESCE(bo.paid_cents, 0) AS paid_cents, COALESCE(bo.on_time_cents, 0) AS on_time_cents,
           CASE WHEN o.cents = 0 THEN '-infinity'::date
                WHEN bo.paid_cents = o.cents THEN bo.last_paid
                ELSE 'infinity'::date END AS full_on
    FROM o LEFT JOIN by_order bo ON bo.named = o.id
), checked AS MATERIALIZED (
    SELECT * FROM (
        SELECT id, customer_id, od, due, cents, prepaid, paid, on_time, late,
               SUM(cents) OVER (PARTITION BY customer_id ORDER BY od, id ROWS UNBOUNDED PRECEDING) - cents AS billed,
               COALESCE(SUM(cents) OVER (PARTITION BY customer_id ORDER BY od RANGE BETWEEN UNBOUNDED PRECEDING
                                         AND make_interval(days => %(window_days)s) PRECEDING), 0) AS aged
        FROM orders
    ) running
    WHERE od > %(since)s
), events AS (
    -- (day, phase, order date, id, step): phase 0 counts before anything on its day; an order enters the window
    -- (step 1) after it and the orders placed before it read the sums (step 0), before those placed after it.
    SELECT customer_id, due AS day, 1 AS phase, od, id, 1 AS step,
           cents AS due_cents, on_time_cents AS on_time_cents, 0 AS paid_cents, 0 AS credited_cents
    FROM orders WHERE due <= %(today)s
    UNION ALL
    SELECT customer_id, GREATEST(due + %(window_days)s, full_on), 0, NULL, NULL, 1,
           -cents, -on_time_cents, 0, 0
    FROM orders WHERE GREATEST(due + %(window_days)s, full_on) <= %(today)s
    UNION ALL
    SELECT customer_id, paid_on, 0, NULL, NULL, 1, 0, 0, cents, 0 FROM pay
    UNION ALL
    SELECT n.customer_id, n.issued_on, 0, NULL, NULL, 1, 0, 0, 0, (n.amount * 100)::bigint
    FROM credit_creditnote n JOIN credit_order b ON b.id = n.order_id AND b.status = ANY(%(billable)s)
    WHERE n.customer_id >= %(first)s AND n.customer_id <= %(last)s
      AND (%(whole)s OR n.customer_id IN (SELECT id FROM ids))
      AND n.issued_on <= %(today)s
    UNION ALL
    SELECT customer_id, od, 1, od, id, 0, 0, 0, 0, 0 FROM checked
), sums AS (
    SELECT id, SUM(due_cents) OVER w AS due_cents, SUM(on_time_cents) OVER w AS on_time_cents,
           SUM(paid_cents) OVER w AS paid_cents, SUM(credited_cents) OVER w AS credited_cents, step
    FROM events
    WINDOW w AS (PARTITION BY customer_id ORDER BY day, phase, od, id, step ROWS UNBOUNDED PRECEDING)
), late AS MATERIALIZED (
    SELECT customer_id, id, od, due, full_on, GREATEST(due + %(window_days)s, full_on) AS ends
    FROM orders WHERE full_on > due AND due <= %(today)s
), worst AS (
    SELECT c.id, MAX(GREATEST(0, LEAST(c.od, l.full_on) - l.due)) AS worst,
           BOOL_OR(l.full_on > c.od AND (l.due = c.od OR l.due <= c.od - %(window_days)s)) AS spill_counts
    FROM checked c JOIN late l ON l.customer_id = c.customer_id AND l.due <= c.od AND c.od < l.ends
                                  AND (l.od, l.id) < (c.od, c.id)
    GROUP BY c.id
), replay AS (
    SELECT customer_id FROM pay WHERE named IS NULL OR paid_on < od
    UNION
    SELECT customer_id FROM orders WHERE paid_cents > cents
    UNION
    SELECT c.customer_id
    FROM checked c JOIN worst w ON w.id = c.id AND w.spill_counts
    WHERE EXISTS (SELECT FROM pay p WHERE p.customer_id = c.customer_id AND p.paid_on = c.od AND p.od = c.od
                                          AND p.named >= c.id)
)
SELECT c.customer_id, c.id, c.od, c.due, c.cents * 0.01, c.prepaid, (c.billed - c.aged) * 0.01, s.due_cents * 0.01,
       s.on_time_cents * 0.01, COALESCE(w.worst, 0), c.billed * 0.01, s.paid_cents * 0.01, s.credited_cents * 0.01,
       c.paid * 0.01, c.on_time * 0.01, c.late * 0.01, FALSE
FROM checked c JOIN sums s ON s.id = c.id AND s.step = 0 LEFT JOIN worst w ON w.id = c.id
UNION ALL
SELECT customer_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, TRUE
FROM replay
"""


@dataclass(frozen=True, slots=True)
class CheckedOrders:
    orders: dict[int, list[OrderSums]]  # customer → its orders after ``since``, by date then id
    replay: frozenset[int]  # customers whose allocation the rule must replay (their ``orders`` are left out)


_ZERO = Decimal(0)


def checked_orders(ids: list[int], *, since: date, today: date, window_days: int, bad_debt_days: int) -> CheckedOrders:
    """The orders of these customers (ids ascending) dated after ``since`` and up to ``today``, each with the ledger
    sums of its day before it, the grade's window ``window_days`` long; PostgreSQL."""
    params = {
        "ids": ids,
        "whole": len(ids) * 2 > ids[-1] - ids[0],  # most of the range: read it all, skip the others here
        "first": ids[0],
        "last": ids[-1],
        "since": since,
        "today": today,
        "window_days": window_days,
        "bad_debt_days": bad_debt_days,
        "billable": sorted(BILLABLE),
    }
    found: dict[int, list[OrderSums]] = {pk: [] for pk in ids}
    replay = set()
    with transaction.atomic(), connection.cursor() as cursor:
        # The chunk's sorts in memory; one core (a worker's other chunk, or the caller's rules, use the other).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(_LEDGERS_SQL, params)
        for customer_id, *row, again in cursor:
            if customer_id not in found:
                continue  # in the range, not asked for
            if again:
                replay.add(customer_id)
                continue
            *sums, paid, on_time, late = row  # money as numeric(…, 2): cents × 0.01, read as Decimal by psycopg
            found[customer_id].append(OrderSums(*sums, paid or _ZERO, on_time or _ZERO, late or _ZERO))
    for pk in replay:
        del found[pk]
    for orders in found.values():
        orders.sort(key=lambda o: (o.order_date, o.order_id))
    return CheckedOrders(found, frozenset(replay))
