"""Receivables ageing 账龄 (DOMAIN §10.7): what open and completed orders leave unpaid, by days past due.

One SQL statement per report: the unpaid remainder of every order (``credit.selectors.open_items_sql``, the
allocation of DOMAIN §4 in window functions), put in its bucket, summed per group. ``group=customer`` lists the
``limit`` customers who owe most (default 100, at most 1,000); the total covers every customer in scope.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.rules.ageing import BUCKETS, DSO_DAYS, bucket_starts, dso
from analytics.scope import AnalysisScope
from analytics.selectors.nightly import money, snapshot_rows
from analytics.selectors.sql import fetch_all
from credit.selectors import (
    credit_choice_labels,
    customers_with_credit_facts,
    customers_with_tier,
    open_items_sql,
    sales_orders,
)

GROUPS = {
    "none": gettext_lazy("All customers"),
    "customer": gettext_lazy("Customer"),
    "owner": gettext_lazy("Owner"),
    "tier": gettext_lazy("Tier"),
    "payment_grade": gettext_lazy("Payment grade"),
}
BUCKET_LABELS = {
    "not_due": gettext_lazy("Not yet due"),
    "1_30": gettext_lazy("1–30 days"),
    "31_60": gettext_lazy("31–60 days"),
    "61_90": gettext_lazy("61–90 days"),
    "over_90": gettext_lazy("Over 90 days"),
}
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
CENTS = Decimal("0.01")
SEPARATOR = "|"  # a drill key: group|row key|bucket (bucket empty: the whole row)


@dataclass(frozen=True, slots=True)
class AgeingRow:
    key: str
    label: str
    amounts: dict[str, Decimal]  # bucket → unpaid

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


@dataclass(frozen=True, slots=True)
class Ageing:
    as_of: object
    group: str
    rows: list[AgeingRow]
    total: dict[str, Decimal]
    sales: Decimal  # of the DSO window
    customers: int  # customers in scope who owe something
    limit: int
    snapshot_of: date | None = None  # the nightly snapshot's day, when read from it

    @property
    def receivables(self) -> Decimal:
        return sum(self.total.values(), Decimal(0))

    @property
    def dso(self) -> Decimal | None:
        return dso(receivables=self.receivables, sales=self.sales)

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of,
            "group": self.group,
            "buckets": list(BUCKETS),
            "rows": [{"key": row.key, "label": row.label, **row.amounts, "total": row.total} for row in self.rows],
            "total": {**self.total, "total": self.receivables},
            "dso": self.dso,
            "sales_90_days": self.sales,
            "customers": self.customers,
        }

    def table(self):
        from crm.exports import Column, Table

        columns = [Column("label", str(GROUPS[self.group]))]
        columns += [Column(bucket, str(BUCKET_LABELS[bucket])) for bucket in BUCKETS]
        columns.append(Column("total", _("Total receivables")))
        rows = [{"label": row.label, **row.amounts, "total": row.total} for row in self.rows]
        rows.append({"label": _("Total"), **self.total, "total": self.receivables})
        return Table(columns, rows)

    def drill_key(self, key: str, bucket: str = "") -> str:
        return SEPARATOR.join((self.group, key, bucket))

    def drill(self, key: str) -> dict[str, str] | None:
        return None  # the analysis lists a group's debtors itself (DRILLS["ageing"])


def _groups(scope: AnalysisScope, group: str) -> QuerySet:
    """The customers in scope with ``group_key`` (and what labels it) as of the day."""
    if group == "tier":
        tiers = customers_with_tier(customers=scope.customers(), as_of=scope.as_of)
        return tiers.annotate(group_key=F("tier_code"), label_a=Value(""), label_b=Value(""))
    if group == "payment_grade":
        facts = customers_with_credit_facts(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
        return facts.annotate(group_key=F("grade_code"), label_a=Value(""), label_b=Value(""))
    qs = scope.customers()
    if group == "customer":
        return qs.annotate(group_key=F("code"), label_a=F("code"), label_b=F("name"))
    if group == "owner":
        return qs.annotate(
            group_key=F("owner__username"), label_a=F("owner__first_name"), label_b=F("owner__last_name")
        )
    return qs.annotate(group_key=Value("all"), label_a=Value(""), label_b=Value(""))  # none: one row over all


def _bucket_sums(as_of) -> tuple[str, list]:
    """SUM(unpaid) per bucket, by due date against the bucket starts (DOMAIN §10.7: d = as_of − due)."""
    starts = bucket_starts(as_of)
    parts, params, previous = [], [], None
    for _bucket, start in zip(BUCKETS, starts, strict=False):
        condition = "i.due_date >= %s" + ("" if previous is None else " AND i.due_date < %s")
        params += [start] if previous is None else [start, previous]
        parts.append(f"SUM(CASE WHEN {condition} THEN i.unpaid ELSE 0 END)")
        previous = start
    parts.append("SUM(CASE WHEN i.due_date < %s THEN i.unpaid ELSE 0 END)")
    return ", ".join(parts), [*params, starts[-1]]


def _sql(scope: AnalysisScope, group: str, items: tuple[str, list] | None = None) -> tuple[str, list]:
    """The report's statement over the open items in scope (``items``: SQL of the same columns computed already,
    e.g. the nightly's table of them)."""
    items_sql, items_params = items or open_items_sql(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    sums, sums_params = _bucket_sums(scope.as_of)
    if group == "none":  # the items are the scope's already: no join
        sql = f"""
            SELECT 'all', '', '', COUNT(DISTINCT i.customer_id) AS debtors, {sums}
            FROM ({items_sql}) i WHERE i.unpaid > 0"""  # noqa: S608 - our SQL fragments and table names, values bound
        return f"SELECT * FROM ({sql}) one WHERE debtors > 0", [*sums_params, *items_params]  # noqa: S608 - our SQL, values bound
    groups = _groups(scope, group).order_by().values("pk", "group_key", "label_a", "label_b")
    groups_sql, groups_params = groups.query.sql_with_params()
    sql = f"""
        WITH g (id, group_key, label_a, label_b) AS ({groups_sql})
        SELECT g.group_key, MAX(g.label_a), MAX(g.label_b), COUNT(DISTINCT i.customer_id), {sums}
        FROM ({items_sql}) i JOIN g ON g.id = i.customer_id
        WHERE i.unpaid > 0 GROUP BY g.group_key"""  # noqa: S608 - our SQL fragments and table names, values bound
    return sql, [*groups_params, *sums_params, *items_params]


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENTS)


def _label(group: str, key, first: str | None, second: str | None, labels: dict[str, str]) -> str:
    if group == "none":
        return str(GROUPS["none"])
    if group == "customer":
        return f"{first} {second}"
    if group == "owner":
        return " ".join(part for part in (first, second) if part) or key
    return str(labels.get(key, key))


def ageing_rows(
    *, scope: AnalysisScope, group: str, limit: int = MAX_LIMIT, items: tuple[str, list] | None = None
) -> dict:
    """What the ageing's queries return, before labels (two queries): ``rows`` of [key, label parts, debtors,
    unpaid per bucket] (``group=customer``: the ``limit`` who owe most), ``total`` per bucket over every row (of
    the tiers or grades there are), ``customers`` who owe and the ``sales`` of the DSO window. The nightly snapshot
    stores exactly this, from the open items it computed once (``items``, see ``_sql``)."""
    sql, params = _sql(scope, group, items)
    found = [
        [str(key), first, second, count, *map(_money, sums)]
        for key, first, second, count, *sums in fetch_all(sql, params)
    ]
    codes = credit_choice_labels().get(group)
    counted = [row for row in found if codes is None or row[0] in codes]
    total = [sum((row[4 + index] for row in counted), Decimal(0)) for index in range(len(BUCKETS))]
    customers = sum(row[3] for row in found)
    if group == "customer":
        found = sorted(found, key=lambda row: (-sum(row[4:], Decimal(0)), row[0]))[:limit]
    since = scope.as_of - timedelta(days=DSO_DAYS)
    sales = sales_orders(customers=scope.customers(), since=since, until=scope.as_of).aggregate(s=Sum("amount"))["s"]
    return {"rows": found, "total": total, "customers": customers, "sales": _money(sales)}


def ageing(*, scope: AnalysisScope, group: str, limit: int = DEFAULT_LIMIT) -> Ageing:
    """Receivables by bucket per group, over the customers in scope, as of the day: from the nightly snapshot where
    it answers the scope (``analytics.selectors.nightly``), else two queries."""
    nightly = snapshot_rows(scope, f"ageing:{group}")
    as_of, found = nightly or (scope.as_of, ageing_rows(scope=scope, group=group, limit=limit))
    labels = credit_choice_labels().get(group, {})
    rows = [
        AgeingRow(key, _label(group, key, first, second, labels), dict(zip(BUCKETS, map(money, sums), strict=True)))
        for key, first, second, _count, *sums in found["rows"]
    ]
    if labels:  # tiers and grades in their order, empty ones too
        present = {row.key: row for row in rows}
        empty = dict.fromkeys(BUCKETS, Decimal("0.00"))
        rows = [present.get(code) or AgeingRow(code, str(label), empty) for code, label in labels.items()]
    else:
        rows.sort(key=lambda row: (-row.total, row.key))
    total = dict(zip(BUCKETS, map(money, found["total"]), strict=True))
    if group == "customer":
        rows = rows[:limit]
    snapshot_of = as_of if nightly else None
    return Ageing(as_of, group, rows, total, money(found["sales"]), found["customers"], limit, snapshot_of)


def ageing_debtors(*, scope: AnalysisScope, key: str) -> QuerySet:
    """A drill-down: the ids of the customers in scope with an unpaid remainder in a group's bucket, the key being
    ``group|row key|bucket`` (bucket empty: any bucket)."""
    group, _sep, rest = key.partition(SEPARATOR)
    row_key, _sep, bucket = rest.partition(SEPARATOR)
    if group not in GROUPS or (bucket and bucket not in BUCKETS):
        return scope.customers().none().values("pk")
    condition, params, due_before = "i.unpaid > 0", [], None
    if bucket:
        index = BUCKETS.index(bucket)
        starts = bucket_starts(scope.as_of)
        if index < len(starts):
            condition += " AND i.due_date >= %s"
            params.append(starts[index])
        if index > 0:
            condition += " AND i.due_date < %s"
            params.append(due_before := starts[index - 1])
    items_sql, items_params = open_items_sql(
        customers=scope.customers(), as_of=scope.as_of, today=scope.today, due_before=due_before
    )
    debtors = RawSQL(f"SELECT i.customer_id FROM ({items_sql}) i WHERE {condition}", [*items_params, *params])  # noqa: S608, S611 - our SQL fragments, values bound
    found = _groups(scope, group).filter(pk__in=debtors)
    if group != "none":
        found = found.filter(group_key=row_key)
    return found.values("pk")
