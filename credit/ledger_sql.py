"""The ledger facts of a range of customers in one PostgreSQL statement: the set-based read of the nightly recompute.

``credit.rules.profile.ledger_facts`` reads one customer's orders and payments in Python; this gives the same
``LedgerFacts`` for tens of thousands of customers at once, so that Python decides (``rules.profile.profile_of``)
on one compact row per customer instead of reading ten million orders. SQL gathers facts only: every decision
(tier, grade, risk, limit, classes) stays in ``credit/rules/``.

How the allocation of DOMAIN §4 (``rules.grade.allocate``: payments in date order, each to the order it names up to
what is open on it, the rest oldest due first) becomes window functions:

1. *named shares*: the payments naming a billable order of their customer, in date order, take
   ``least(cumulative paid to it, amount) − least(cumulative before, amount)`` of it;
2. *spills*: what is left of every payment (all of it when it names nothing billable) goes FIFO: the spills in date
   order form the interval ``[spilled before, spilled after)`` on one line, the orders in due order, each as large
   as what named payments left of it, form ``[residual before, residual after)``; a spill pays each order the
   overlap of the two intervals (cumulative due against cumulative paid).

That is the rule's own outcome unless a payment naming an order comes after the FIFO line already reached that
order (the rule then gives the named payment only what FIFO left of it). Such customers are returned as
``replay`` and their ledgers are allocated by the rule in Python; a portfolio whose payments name their orders and
do not overpay them has none.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from credit.rules.policy import CreditPolicy
from credit.rules.profile import LedgerFacts
from credit.rules.tier import BILLABLE

# Every value is a parameter; the statements are fixed text.
#
# The first reads every customer of a range assuming no payment spills (each names a billable order of its customer
# and the payments naming an order never exceed it): then an order's allocations are the payments naming it, and
# one GROUP BY gives them, with no window and no sort. It says which customers do spill. Amounts are summed as
# integer cents (money has two decimal places): numeric sums cost PostgreSQL several times more, and so does
# SUM(bigint), whose state is a 128-bit number allocated per group: ``cents_sum`` (migration credit 0015) adds in
# a plain bigint, exactly, and fails rather than overflow.
_FACTS_SQL = """
WITH o AS MATERIALIZED (
    SELECT id, customer_id, order_date, due_date, (amount * 100)::bigint AS cents, status,
           status = ANY(%(billable)s) AS billable
    FROM credit_order
    WHERE customer_id >= %(first)s AND customer_id <= %(last)s
), pay AS MATERIALIZED (
    SELECT p.customer_id, p.paid_on, (p.amount * 100)::bigint AS cents, o.id AS named, o.due_date
    FROM credit_payment p
    LEFT JOIN o ON o.id = p.order_id AND o.customer_id = p.customer_id AND o.billable
    WHERE p.customer_id >= %(first)s AND p.customer_id <= %(last)s
), by_order AS (
    SELECT named, cents_sum(cents) AS paid, cents_sum(cents) FILTER (WHERE paid_on <= due_date) AS on_time,
           MAX(paid_on - due_date) AS late
    FROM pay WHERE named IS NOT NULL GROUP BY named
), orders AS (
    SELECT o.*, COALESCE(bo.paid, 0) AS paid, COALESCE(bo.on_time, 0) AS on_time, COALESCE(bo.late, 0) AS late,
           o.billable AND ((o.due_date > %(start)s AND o.due_date <= %(today)s)
                           OR (o.cents > COALESCE(bo.paid, 0) AND o.due_date < %(today)s)) AS graded
    FROM o LEFT JOIN by_order bo ON bo.named = o.id
), traded AS (
    SELECT customer_id,
           cents_sum(cents) FILTER (WHERE billable AND order_date > %(start)s AND order_date <= %(today)s) AS trailing,
           MIN(order_date) FILTER (WHERE billable) AS first_order_on,
           MAX(order_date) FILTER (WHERE billable) AS last_order_on,
           BOOL_OR(status = 'open') AS has_open,
           BOOL_OR(status = 'credit_hold') AS has_held,
           cents_sum(cents) FILTER (WHERE billable) AS billable,
           cents_sum(cents) FILTER (WHERE graded) AS due,
           cents_sum(on_time) FILTER (WHERE graded) AS on_time,
           MAX(GREATEST(late, CASE WHEN cents > paid AND due_date < %(today)s THEN %(today)s - due_date ELSE 0 END))
               FILTER (WHERE graded) AS worst,
           BOOL_OR(paid > cents) AS overpaid,
           cents_sum(paid) AS named_paid
    FROM orders GROUP BY customer_id
), unnamed AS (  -- what the orders' named shares leave of "every payment"
    SELECT customer_id, cents_sum(cents) AS paid FROM pay WHERE named IS NULL GROUP BY customer_id
), credited AS (
    SELECT n.customer_id, SUM(n.amount) AS credited
    FROM credit_creditnote n JOIN credit_order o ON o.id = n.order_id AND o.status = ANY(%(billable)s)
    WHERE n.customer_id >= %(first)s AND n.customer_id <= %(last)s
    GROUP BY n.customer_id
)
SELECT c.id, t.trailing, t.first_order_on, t.last_order_on, t.has_open, t.has_held, t.billable,
       COALESCE(t.named_paid, 0) + COALESCE(un.paid, 0) AS paid, t.due, t.on_time, t.worst, cr.credited,
       COALESCE(t.overpaid, FALSE) OR un.paid IS NOT NULL AS spills
FROM customers_customer c
LEFT JOIN traded t ON t.customer_id = c.id
LEFT JOIN unnamed un ON un.customer_id = c.id
LEFT JOIN credited cr ON cr.customer_id = c.id
WHERE c.id >= %(first)s AND c.id <= %(last)s AND c.deleted_at IS NULL
"""

# The second gives the grade's window of the customers that spill, with the allocation as the module says.
_SPILLING_SQL = """
WITH b AS MATERIALIZED (
    SELECT id, customer_id, due_date, amount FROM credit_order
    WHERE customer_id = ANY(%(ids)s) AND status = ANY(%(billable)s)
), p AS MATERIALIZED (
    SELECT p.id, p.customer_id, p.paid_on, p.amount, b.id AS named,
           CASE WHEN b.id IS NULL THEN 0 ELSE
               LEAST(SUM(p.amount) OVER named_order, b.amount)
               - LEAST(SUM(p.amount) OVER named_order - p.amount, b.amount)
           END AS share
    FROM credit_payment p
    LEFT JOIN b ON b.id = p.order_id AND b.customer_id = p.customer_id
    WHERE p.customer_id = ANY(%(ids)s)
    WINDOW named_order AS (PARTITION BY b.id ORDER BY p.paid_on, p.id)
), spills AS MATERIALIZED (
    SELECT id, customer_id, paid_on, named, share, amount - share AS spill,
           SUM(amount - share) OVER (PARTITION BY customer_id ORDER BY paid_on, id) AS spilled_after
    FROM p
), residual AS MATERIALIZED (
    SELECT b.id, b.customer_id, b.due_date, b.amount - COALESCE(n.named_paid, 0) AS open,
           SUM(b.amount - COALESCE(n.named_paid, 0)) OVER (PARTITION BY b.customer_id ORDER BY b.due_date, b.id)
               AS open_after
    FROM b
    LEFT JOIN (SELECT named, SUM(share) AS named_paid FROM p WHERE share > 0 GROUP BY named) n ON n.named = b.id
), replay AS (
    SELECT DISTINCT s.customer_id
    FROM spills s JOIN residual r ON r.id = s.named
    WHERE s.share > 0 AND s.spilled_after - s.spill > r.open_after - r.open
), allocations AS (
    SELECT named AS order_id, paid_on, share AS amount FROM p WHERE share > 0
    UNION ALL
    SELECT r.id, s.paid_on,
           LEAST(s.spilled_after, r.open_after) - GREATEST(s.spilled_after - s.spill, r.open_after - r.open)
    FROM spills s JOIN residual r ON r.customer_id = s.customer_id
    WHERE s.spill > 0 AND r.open > 0
      AND s.spilled_after - s.spill < r.open_after AND r.open_after - r.open < s.spilled_after
), paid_orders AS (
    SELECT b.id, SUM(a.amount) AS paid,
           COALESCE(SUM(a.amount) FILTER (WHERE a.paid_on <= b.due_date), 0) AS on_time,
           COALESCE(MAX(a.paid_on - b.due_date), 0) AS late
    FROM allocations a JOIN b ON b.id = a.order_id
    GROUP BY b.id
), window_orders AS (
    SELECT b.customer_id, b.amount, COALESCE(po.on_time, 0) AS on_time,
           GREATEST(COALESCE(po.late, 0),
                    CASE WHEN b.amount > COALESCE(po.paid, 0) AND b.due_date < %(today)s
                         THEN %(today)s - b.due_date ELSE 0 END) AS worst
    FROM b LEFT JOIN paid_orders po ON po.id = b.id
    WHERE (b.due_date > %(start)s AND b.due_date <= %(today)s)
       OR (b.amount > COALESCE(po.paid, 0) AND b.due_date < %(today)s)
), graded AS (
    SELECT customer_id, SUM(amount) AS due, SUM(on_time) AS on_time, MAX(worst) AS worst
    FROM window_orders GROUP BY customer_id
)
SELECT c.id, g.due, g.on_time, g.worst, rp.customer_id IS NOT NULL AS replay
FROM unnest(%(ids)s::bigint[]) AS c(id)
LEFT JOIN graded g ON g.customer_id = c.id
LEFT JOIN replay rp ON rp.customer_id = c.id
"""


def _money(cents: int | None) -> Decimal:
    """Cents summed as integers (far cheaper for PostgreSQL than numeric sums) back to money, exactly."""
    return _ZERO if cents is None else Decimal(cents).scaleb(-2)


_ZERO = Decimal(0)
_NO_END = 2**63 - 1  # the last range is open: customers created since the ranges were drawn are in it


@dataclass(frozen=True, slots=True)
class RangeFacts:
    """The ledger facts of the live customers of a range; ``replay``: those whose allocation the rule must redo."""

    facts: dict[int, LedgerFacts]
    credited: dict[int, Decimal]
    replay: frozenset[int]


def ledger_facts_between(*, first_id: int, last_id: int | None, today: date, policy: CreditPolicy) -> RangeFacts:
    """The facts of the live customers with ``first_id ≤ id ≤ last_id`` (no upper bound when None), PostgreSQL."""
    zero = Decimal(0)
    params = {
        "first": first_id,
        "last": _NO_END if last_id is None else last_id,
        "today": today,
        "start": today - timedelta(days=policy.window_days),
        "billable": sorted(BILLABLE),
    }
    facts, credited, spilling = {}, {}, []
    with connection.cursor() as cursor:
        # The chunk's sorts and hashes in memory, not on disk; one core per chunk (the workers run chunks side by
        # side: parallel query would only make them compete).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(_FACTS_SQL, params)
        for pk, trailing, first, last, has_open, held, billable, paid, due, on_time, worst, notes, spills in (
            cursor.fetchall()  # the rows at once: Django's cursor wraps each step of an iteration
        ):
            facts[pk] = LedgerFacts(
                _money(trailing),
                first,
                last,
                bool(has_open),
                bool(held),
                _money(billable),
                _money(paid),
                _money(due),
                _money(on_time),
                worst or 0,
            )
            credited[pk] = notes or zero
            if spills:
                spilling.append(pk)
        replay = set()
        if spilling:
            cursor.execute(_SPILLING_SQL, {**params, "ids": spilling})
            for pk, due, on_time, worst, again in cursor:
                facts[pk] = replace(facts[pk], due=due or zero, paid_on_time=on_time or zero, max_days_late=worst or 0)
                if again:
                    replay.add(pk)
    return RangeFacts(facts, credited, frozenset(replay))
