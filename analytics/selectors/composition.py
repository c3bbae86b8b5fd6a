"""Composition 构成分析 (DOMAIN §10.1): customers and trailing-12-month purchases by one classification."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.rules.shares import percent
from analytics.scope import AnalysisScope
from analytics.selectors.nightly import money, snapshot_rows
from analytics.selectors.sql import fetch_all
from credit.selectors import credit_choice_labels, customers_with_credit_facts, policy_current, sales_lines
from crm.exports import Column, Table
from customers.selectors import customer_choice_labels

BY = {  # the API's ``by`` → the column grouped on, and its human name
    "tier": ("tier_code", gettext_lazy("Tier")),
    "payment_grade": ("grade_code", gettext_lazy("Payment grade")),
    "tier_grade": (None, gettext_lazy("Tier × payment grade")),
    "risk_class": ("risk_code", gettext_lazy("Risk class")),
    "region": ("region", gettext_lazy("Region")),
    "industry": ("industry", gettext_lazy("Industry")),
    "nature": ("nature", gettext_lazy("Nature")),
    "size": ("size", gettext_lazy("Size")),
    "kind": ("kind", gettext_lazy("Kind")),
    "owner": ("owner__username", gettext_lazy("Owner")),
    "product": (None, gettext_lazy("Product")),
}
DRILL_FILTERS = {  # ``by`` → the customer list's filter for a row's key (DOMAIN §10: a bar leads to its customers)
    "tier": "tier",
    "payment_grade": "payment_grade",
    "risk_class": "risk_class",
    "region": "region",
    "industry": "industry",
    "nature": "nature",
    "size": "size",
    "kind": "kind",
    "owner": "owner",
}


@dataclass(frozen=True, slots=True)
class CompositionRow:
    key: str
    label: str
    customers: int
    share: Decimal
    amount: Decimal
    amount_share: Decimal


@dataclass(frozen=True, slots=True)
class Composition:
    as_of: object
    by: str
    rows: list[CompositionRow]
    customers: int
    amount: Decimal
    snapshot_of: date | None = None  # the nightly snapshot's day, when read from it

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of,
            "by": self.by,
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "customers": row.customers,
                    "share": row.share,
                    "amount": row.amount,
                    "amount_share": row.amount_share,
                }
                for row in self.rows
            ],
            "total": {"customers": self.customers, "amount": self.amount},
        }

    def table(self) -> Table:
        columns = [
            Column("label", str(BY[self.by][1])),
            Column("customers", _("Customers")),
            Column("share", _("Share of customers (%)")),
            Column("amount", _("Purchases, trailing 12 months")),
            Column("amount_share", _("Share of purchases (%)")),
        ]
        return Table(columns, [{name: getattr(row, name) for name in CompositionRow.__slots__} for row in self.rows])

    def drill(self, key: str) -> dict[str, str] | None:
        """The customer-list filters that show a row's customers (their current classification), or None when
        the list has no such filter (products: the analysis lists them itself)."""
        if self.by == "tier_grade":
            tier, _sep, grade = key.partition("/")
            return {"tier": tier, "payment_grade": grade}
        name = DRILL_FILTERS.get(self.by)
        return {name: key} if name and key else None


def _labels(by: str) -> dict[str, str]:
    if by in ("tier", "payment_grade", "risk_class"):
        return credit_choice_labels()[by]
    if by in ("nature", "size", "kind"):
        return customer_choice_labels()[by]
    return {}


CENTS = Decimal("0.01")


def _rows(groups: dict[str, tuple[str, int, Decimal]], total: int, amount: Decimal) -> list[CompositionRow]:
    return [
        CompositionRow(key, label, count, percent(count, total), value.quantize(CENTS), percent(value, amount))
        for key, (label, count, value) in groups.items()
    ]


def composition_rows(*, scope: AnalysisScope, by: str) -> dict:
    """What the composition's query returns, before labels (one query; two for products): ``rows`` of
    [key, customers, T, and for owners first and last name]; tier × grade keys "A/jia"; products [product, buyers,
    line amounts] largest first, and ``customers`` in scope. The nightly snapshot stores exactly this."""
    if by == "product":
        since, until = _window(scope)
        found = (
            sales_lines(customers=scope.customers(), since=since, until=until)
            .order_by()
            .values("product")
            .annotate(customers=Count("order__customer", distinct=True), amount=Sum("amount"))
            .order_by("-amount", "product")
        )
        rows = [[row["product"], row["customers"], row["amount"]] for row in found]
        return {"rows": rows, "customers": scope.customers().count()}
    facts = customers_with_credit_facts(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    columns = ("tier_code", "grade_code") if by == "tier_grade" else (BY[by][0],)
    names = ("owner__first_name", "owner__last_name") if by == "owner" else ()
    found = facts.order_by().values(*columns, *names).annotate(customers=Count("pk"), amount=Sum("trailing"))
    return {
        "rows": [
            ["/".join(row[column] for column in columns) if by == "tier_grade" else row[columns[0]],
             row["customers"], row["amount"], *(row[name] for name in names)]
            for row in found
        ]
    }  # fmt: skip


GROUPED = {  # ``by`` → the facts' columns of its grouping set (every classification but products)
    "tier": ("tier_code",),
    "payment_grade": ("grade_code",),
    "tier_grade": ("tier_code", "grade_code"),
    "risk_class": ("risk_code",),
    "region": ("region",),
    "industry": ("industry",),
    "nature": ("nature",),
    "size": ("size",),
    "kind": ("kind",),
    "owner": ("username",),
}


def composition_rows_every(*, scope: AnalysisScope) -> dict[str, dict]:
    """``composition_rows`` of every classification but products, from one statement (the nightly snapshot): the
    customers' facts computed once, grouped by GROUPING SETS, a grouping set per classification (SQLite, which has
    none, groups once per classification)."""
    if connection.vendor != "postgresql":
        return {by: composition_rows(scope=scope, by=by) for by in GROUPED}
    facts = customers_with_credit_facts(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    facts_sql, params = (
        facts.order_by()
        .values(
            "pk",
            "trailing",
            *(BY[by][0] for by in GROUPED if by not in ("tier_grade", "owner")),
            username=F("owner__username"),
            first_name=F("owner__first_name"),
            last_name=F("owner__last_name"),
        )
        .query.sql_with_params()
    )
    columns = list(dict.fromkeys(column for grouped in GROUPED.values() for column in grouped))
    sets = ", ".join(f"({', '.join(f'f.{column}' for column in grouped)})" for grouped in GROUPED.values())
    flags = ", ".join(f"GROUPING(f.{column})" for column in columns)
    sql = f"""
        WITH f AS MATERIALIZED ({facts_sql})
        SELECT {flags}, {", ".join(f"f.{column}" for column in columns)}, MAX(f.first_name), MAX(f.last_name),
               COUNT(*), SUM(f.trailing)
        FROM f GROUP BY GROUPING SETS ({sets})"""  # noqa: S608 - our column names and the selectors' SQL, values bound
    every = {by: {"rows": []} for by in GROUPED}
    for row in fetch_all(sql, list(params)):
        flagged, values = row[: len(columns)], dict(zip(columns, row[len(columns) :], strict=False))
        grouped = tuple(column for column, flag in zip(columns, flagged, strict=True) if flag == 0)
        by = next(by for by, its in GROUPED.items() if its == grouped)
        key = "/".join(values[column] for column in grouped) if by == "tier_grade" else values[grouped[0]]
        names = row[-4:-2] if by == "owner" else []
        every[by]["rows"].append([key, row[-2], row[-1], *names])
    return every


def composition(*, scope: AnalysisScope, by: str) -> Composition:
    """Customers, T and their shares per group: from the nightly snapshot where it answers the scope
    (``analytics.selectors.nightly``), else from the customers in scope (two queries at most). Closed
    classifications (tier, grade, risk, nature, size, kind) list every class in their order, empty ones too; open
    ones (region, industry, owner, product) list the groups present, largest purchases first."""
    nightly = snapshot_rows(scope, f"composition:{by}")
    as_of, grouped = nightly or (scope.as_of, composition_rows(scope=scope, by=by))
    if by == "product":
        groups, total = _by_product(grouped)
    elif by == "tier_grade":
        groups, total = _by_tier_grade(grouped["rows"])
    else:
        groups = _by_column(by, grouped["rows"])
        total = sum(count for _label, count, _amount in groups.values())
    amount = sum((value for _label, _count, value in groups.values()), Decimal(0))
    snapshot_of = as_of if nightly else None
    return Composition(as_of, by, _rows(groups, total, amount), total, amount.quantize(CENTS), snapshot_of)


def _by_column(by: str, rows: list[list]) -> dict[str, tuple[str, int, Decimal]]:
    found = {row[0]: row for row in rows}
    labels = _labels(by)
    if labels:
        keys = list(labels) + [key for key in found if key not in labels]
    else:
        keys = sorted(found, key=lambda key: (-(money(found[key][2]) or 0), str(key)))
    groups = {}
    for key in keys:
        row = found.get(key, [key, 0, None])
        label = labels.get(key) or _open_label(by, key, row[3:])
        groups[key or ""] = (str(label), row[1], money(row[2]) or Decimal(0))
    return groups


def _open_label(by: str, key: str | None, names: list) -> str:
    if not key:
        return _("(not given)")
    if by == "owner":
        return " ".join(part for part in names if part) or key
    return key


def _by_tier_grade(rows: list[list]) -> tuple[dict[str, tuple[str, int, Decimal]], int]:
    """Every tier × grade cell (keys "A/jia"), empty cells too, tier by tier (DOMAIN §10.1, the seed 004 matrix)."""
    found = {key: (count, money(amount) or Decimal(0)) for key, count, amount in rows}
    labels = credit_choice_labels()
    groups = {
        f"{tier}/{grade}": (f"{tier_label} · {grade_label}", *found.get(f"{tier}/{grade}", (0, Decimal(0))))
        for tier, tier_label in labels["tier"].items()
        for grade, grade_label in labels["payment_grade"].items()
    }
    return groups, sum(count for count, _amount in found.values())


def _window(scope: AnalysisScope) -> tuple[date, date]:
    return scope.as_of - timedelta(days=policy_current().as_rule().window_days), scope.as_of


def product_buyers(*, scope: AnalysisScope, key: str) -> QuerySet:
    """The ids of the customers in scope who bought the product in the trailing window (a drill-down)."""
    since, until = _window(scope)
    lines = sales_lines(customers=scope.customers(), since=since, until=until).filter(product=key)
    return lines.values("order__customer")


def _by_product(grouped: dict) -> tuple[dict[str, tuple[str, int, Decimal]], int]:
    """Line amounts per product in the trailing window and the customers who bought it (DOMAIN §10.1); shares of
    customers are of every customer in scope."""
    groups = {product: (product, count, money(amount)) for product, count, amount in grouped["rows"]}
    return groups, grouped["customers"]
