"""Composition 构成分析 (DOMAIN §10.1): customers and trailing-12-month purchases by one classification."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.rules.shares import percent
from analytics.scope import AnalysisScope
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


def composition(*, scope: AnalysisScope, by: str) -> Composition:
    """Customers, T and their shares per group (two queries at most). Closed classifications (tier, grade, risk,
    nature, size, kind) list every class in their order, empty ones too; open ones (region, industry, owner,
    product) list the groups present, largest purchases first."""
    if by == "product":
        return _by_product(scope)
    facts = customers_with_credit_facts(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    if by == "tier_grade":
        return _by_tier_grade(scope, facts)
    column = BY[by][0]
    names = ("owner__first_name", "owner__last_name") if by == "owner" else ()
    found = {
        row[column]: row
        for row in facts.order_by().values(column, *names).annotate(customers=Count("pk"), amount=Sum("trailing"))
    }
    labels = _labels(by)
    if labels:
        keys = list(labels) + [key for key in found if key not in labels]
    else:
        keys = sorted(found, key=lambda key: (-(found[key]["amount"] or 0), str(key)))
    groups = {}
    for key in keys:
        row = found.get(key, {})
        label = labels.get(key) or _open_label(by, key, row)
        groups[key or ""] = (str(label), row.get("customers", 0), row.get("amount") or Decimal(0))
    total = sum(count for _label, count, _amount in groups.values())
    amount = sum((value for _label, _count, value in groups.values()), Decimal(0))
    return Composition(scope.as_of, by, _rows(groups, total, amount), total, amount.quantize(CENTS))


def _open_label(by: str, key: str | None, row: dict) -> str:
    if not key:
        return _("(not given)")
    if by == "owner":
        return " ".join(part for part in (row.get("owner__first_name"), row.get("owner__last_name")) if part) or key
    return key


def _by_tier_grade(scope: AnalysisScope, facts) -> Composition:
    """Every tier × grade cell (keys "A/jia"), empty cells too, tier by tier (DOMAIN §10.1, the seed 004 matrix)."""
    found = {
        (row["tier_code"], row["grade_code"]): (row["customers"], row["amount"] or Decimal(0))
        for row in facts.order_by()
        .values("tier_code", "grade_code")
        .annotate(customers=Count("pk"), amount=Sum("trailing"))
    }
    labels = credit_choice_labels()
    groups = {
        f"{tier}/{grade}": (f"{tier_label} · {grade_label}", *found.get((tier, grade), (0, Decimal(0))))
        for tier, tier_label in labels["tier"].items()
        for grade, grade_label in labels["payment_grade"].items()
    }
    total = sum(count for count, _amount in found.values())
    amount = sum((value for _count, value in found.values()), Decimal(0))
    return Composition(scope.as_of, "tier_grade", _rows(groups, total, amount), total, amount.quantize(CENTS))


def _window(scope: AnalysisScope) -> tuple[date, date]:
    return scope.as_of - timedelta(days=policy_current().as_rule().window_days), scope.as_of


def product_buyers(*, scope: AnalysisScope, key: str) -> QuerySet:
    """The ids of the customers in scope who bought the product in the trailing window (a drill-down)."""
    since, until = _window(scope)
    lines = sales_lines(customers=scope.customers(), since=since, until=until).filter(product=key)
    return lines.values("order__customer")


def _by_product(scope: AnalysisScope) -> Composition:
    """Line amounts per product in the trailing window and the customers who bought it (DOMAIN §10.1)."""
    customers = scope.customers()
    since, until = _window(scope)
    found = list(
        sales_lines(customers=customers, since=since, until=until)
        .order_by()
        .values("product")
        .annotate(customers=Count("order__customer", distinct=True), amount=Sum("amount"))
        .order_by("-amount", "product")
    )
    total = customers.count()
    amount = sum((row["amount"] for row in found), Decimal(0))
    groups = {row["product"]: (row["product"], row["customers"], row["amount"]) for row in found}
    return Composition(scope.as_of, "product", _rows(groups, total, amount), total, amount.quantize(CENTS))
