"""Statistics (DOMAIN §10.2): the Pareto ranking of customers by T, ABC classes, top-10 share and Herfindahl index.

One SQL statement: T per customer in scope (``credit.selectors.customers_with_credit_facts``), ranked with window
functions (ROW_NUMBER and SUM() OVER (ORDER BY T DESC, code)), classed as ``analytics.rules.pareto`` says, and the
summary figures (class counts and sums, top-10 sum, sum of squares) as windows over every customer, so the top
``limit`` rows (default 100, at most 1,000) come back with figures that cover all of them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from analytics.rules.pareto import A_UP_TO, B_UP_TO, AbcClass, herfindahl
from analytics.rules.shares import percent
from analytics.scope import AnalysisScope
from analytics.selectors.nightly import snapshot_rows
from analytics.selectors.sql import fetch_all
from credit.selectors import customers_with_trailing
from crm.exports import Column, Table

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
TOP = 10
CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ParetoRow:
    position: int
    code: str
    name: str
    amount: Decimal
    share: Decimal
    cumulative_share: Decimal
    abc: str


@dataclass(frozen=True, slots=True)
class AbcSummary:
    key: str
    customers: int
    customer_share: Decimal
    amount: Decimal
    amount_share: Decimal


@dataclass(frozen=True, slots=True)
class Pareto:
    as_of: object
    rows: list[ParetoRow]
    classes: list[AbcSummary]
    customers: int
    amount: Decimal
    top10_amount: Decimal
    hhi: Decimal
    limit: int
    snapshot_of: date | None = None  # the nightly snapshot's day, when read from it

    @property
    def customers_for_80_percent(self) -> int:
        """How many of the top customers make 80% of T: the A class (analytics.rules.pareto)."""
        return next(summary.customers for summary in self.classes if summary.key == AbcClass.A)

    @property
    def top10_share(self) -> Decimal:
        return percent(self.top10_amount, self.amount)

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of,
            "rows": [
                {
                    "position": row.position,
                    "code": row.code,
                    "name": row.name,
                    "amount": row.amount,
                    "share": row.share,
                    "cumulative_share": row.cumulative_share,
                    "abc": row.abc,
                }
                for row in self.rows
            ],
            "customers_for_80_percent": self.customers_for_80_percent,
            "top10_share": self.top10_share,
            "hhi": self.hhi,
            "classes": [{name: getattr(summary, name) for name in AbcSummary.__slots__} for summary in self.classes],
            "total": {"customers": self.customers, "amount": self.amount},
            "limit": self.limit,
        }

    def table(self) -> Table:
        columns = [
            Column("position", _("Rank")),
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("amount", _("Purchases, trailing 12 months")),
            Column("share", _("Share of purchases (%)")),
            Column("cumulative_share", _("Cumulative share (%)")),
            Column("abc", _("ABC class")),
        ]
        return Table(columns, [{name: getattr(row, name) for name in ParetoRow.__slots__} for row in self.rows])

    def drill(self, key: str) -> dict[str, str] | None:
        return None  # a row is one customer: its dossier (the page links it)


def _ranked_sql(scope: AnalysisScope) -> tuple[str, list]:
    """Every customer in scope with its T, rank, running sum, the total and its ABC class."""
    facts = customers_with_trailing(customers=scope.customers(), as_of=scope.as_of)
    facts_sql, params = facts.order_by().values("pk", "code", "trailing").query.sql_with_params()
    rank = "ORDER BY t.purchases DESC, t.code"
    sql = f"""
        WITH t (id, code, purchases) AS ({facts_sql}),
        ranked AS (SELECT t.id, t.code, t.purchases AS amount,
                          ROW_NUMBER() OVER ({rank}) AS position,
                          SUM(t.purchases) OVER ({rank} ROWS UNBOUNDED PRECEDING) AS running,
                          SUM(t.purchases) OVER () AS total
                   FROM t)
        SELECT ranked.*,
               CASE WHEN amount <= 0 THEN 'C'
                    WHEN (running - amount) * 100 < {A_UP_TO} * total THEN 'A'
                    WHEN (running - amount) * 100 < {B_UP_TO} * total THEN 'B'
                    ELSE 'C' END AS abc
        FROM ranked"""  # noqa: S608 - our SQL fragments and table names, values bound
    return sql, list(params)


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENTS)


def pareto_rows(*, scope: AnalysisScope, limit: int = MAX_LIMIT) -> list[tuple]:
    """The top ``limit`` customers by T, each row with the summary over every customer (one query): position,
    code, name, T, running sum, total, ABC class, customers, sum of squares, top-10 sum, then customers and T of
    each class. The nightly snapshot stores the top ``MAX_LIMIT``."""
    ranked, params = _ranked_sql(scope)
    per_class = ", ".join(
        f"SUM(CASE WHEN abc = '{key}' THEN 1 ELSE 0 END) OVER () AS s{2 * i}, "
        f"SUM(CASE WHEN abc = '{key}' THEN amount ELSE 0 END) OVER () AS s{2 * i + 1}"
        for i, key in enumerate(AbcClass)
    )
    top = f"""
        SELECT id, position, code, amount, running, total, abc, COUNT(*) OVER () AS customers,
               SUM(amount * amount) OVER () AS squares,
               SUM(CASE WHEN position <= {TOP} THEN amount ELSE 0 END) OVER () AS top_amount, {per_class}
        FROM ({ranked}) classed ORDER BY position LIMIT %s"""  # noqa: S608 - our SQL fragments and table names, values bound
    # the names of the listed customers only: the ranking of every customer sorts narrow rows
    customers = scope.customers().model._meta.db_table
    sql = f"""
        SELECT top.position, top.code, c.name, top.amount, top.running, top.total, top.abc, top.customers, top.squares,
               top.top_amount, {", ".join(f"top.s{i}" for i in range(2 * len(AbcClass)))}
        FROM ({top}) top JOIN {customers} c ON c.id = top.id ORDER BY top.position"""  # noqa: S608 - as above
    return fetch_all(sql, [*params, limit])


def pareto(*, scope: AnalysisScope, limit: int = DEFAULT_LIMIT) -> Pareto:
    """The top ``limit`` customers by T with their shares and classes, the summary over every customer: from the
    nightly snapshot where it answers the scope (``analytics.selectors.nightly``), else one query."""
    nightly = snapshot_rows(scope, "pareto")
    as_of, found = nightly or (scope.as_of, pareto_rows(scope=scope, limit=limit))
    found = found[:limit]
    snapshot_of = as_of if nightly else None
    if not found:
        empty = [AbcSummary(key, 0, Decimal("0.0"), Decimal("0.00"), Decimal("0.0")) for key in AbcClass]
        return Pareto(as_of, [], empty, 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.0"), limit, snapshot_of)
    first = found[0]
    total, customers = _money(first[5]), first[7]
    rows = [
        ParetoRow(
            position, code, name, _money(amount), percent(_money(amount), total), percent(_money(running), total), abc
        )
        for position, code, name, amount, running, _total, abc, *_summary in found
    ]
    sums = first[10:]
    classes = [
        AbcSummary(
            key,
            sums[2 * i],
            percent(sums[2 * i], customers),
            _money(sums[2 * i + 1]),
            percent(_money(sums[2 * i + 1]), total),
        )
        for i, key in enumerate(AbcClass)
    ]
    hhi = herfindahl(sum_of_squares=Decimal(str(first[8] or 0)), total=total)
    return Pareto(as_of, rows, classes, customers, total, _money(first[9]), hhi, limit, snapshot_of)


def abc_members(*, scope: AnalysisScope, key: str) -> QuerySet:
    """A drill-down: the ids of the customers in scope in one ABC class as of the day."""
    if key not in AbcClass.__members__:
        return scope.customers().none().values("pk")
    ranked, params = _ranked_sql(scope)
    return (
        scope.customers()
        .filter(pk__in=RawSQL(f"SELECT id FROM ({ranked}) classed WHERE abc = %s", [*params, key]))  # noqa: S608, S611 - our SQL fragments, values bound
        .values("pk")
    )
