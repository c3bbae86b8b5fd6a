"""Trend 趋势 (DOMAIN §10.3): monthly sales in total and per tier, region or product, with a forecast of the total.

Months are order months. The month of ``as_of`` is still running: it is shown apart ("so far") and never fitted.
The window is the ``months`` complete months before it. For a reader of every dossier, or of own dossiers (a sales
rep: the aggregate's rows of their owner), the sums come from the nightly aggregate (``analytics.models``) when it
counts every complete month of the window and nothing after ``as_of``; otherwise they are summed from the orders
in one query.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import MonthlyProductSales, MonthlySales, SalesAggregateStamp
from analytics.rules import forecast as rules
from analytics.scope import AnalysisScope
from credit.selectors import credit_choice_labels, customers_with_credit_facts, sales_lines, sales_orders
from crm import access
from crm.exports import Column, Table
from crm.replicas import read_connection

BY = {  # the API's ``by`` → its human name ("" = the total only)
    "": gettext_lazy("Total"),
    "tier": gettext_lazy("Tier"),
    "region": gettext_lazy("Region"),
    "product": gettext_lazy("Product"),
}
TOTAL = "total"
CENTS = Decimal("0.01")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _key(month) -> str:
    """ "2026-01" from a date, or from the text SQLite returns for a truncated date in raw SQL."""
    return str(month)[:7]


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    values: list[Decimal]
    running: Decimal  # the running month so far


@dataclass(frozen=True, slots=True)
class Trend:
    as_of: date
    by: str
    months: list[str]
    running_month: str
    counted_through: date  # the last order day counted: as_of, or the nightly aggregate's day
    from_aggregate: bool
    series: list[Series]
    months_of_data: int
    forecast_months: list[str]
    forecast: rules.Forecast | None
    backtest: rules.Backtest | None

    def as_json(self) -> dict:
        found = self.forecast
        return {
            "as_of": self.as_of,
            "by": self.by,
            "months": self.months,
            "series": [{"key": s.key, "label": s.label, "values": s.values} for s in self.series],
            "running": {
                "month": self.running_month,
                "through": self.counted_through,
                "values": [s.running for s in self.series],
            },
            "months_of_data": self.months_of_data,
            "forecast": {
                "months": self.forecast_months if found else [],
                "values": found.values if found else [],
                "lower": found.lower if found else [],
                "upper": found.upper if found else [],
                "method": found.method.value if found else None,
                "backtest_mape": self.backtest.model_mape if self.backtest else None,
                "baseline_mape": self.backtest.baseline_mape if self.backtest else None,
            },
        }

    def table(self) -> Table:
        """One row per series and one per forecast line (value, lower and upper bound of the 80% interval); a
        column per month, the running month ("so far"), and the forecast months."""
        columns = [Column("label", str(BY[self.by]) if self.by else _("Sales"))]
        columns += [Column(month, month) for month in self.months]
        columns.append(Column("running", _("%(month)s (so far)") % {"month": self.running_month}))
        if self.forecast:
            label = _("%(month)s (forecast)")
            columns += [Column(f"f{month}", label % {"month": month}) for month in self.forecast_months]
        rows = [
            {"label": s.label, **dict(zip(self.months, s.values, strict=True)), "running": s.running}
            for s in self.series
        ]
        if self.forecast:
            for label, values in (
                (_("Forecast"), self.forecast.values),
                (_("Forecast, lower bound (80%)"), self.forecast.lower),
                (_("Forecast, upper bound (80%)"), self.forecast.upper),
            ):
                rows.append({"label": label, **{f"f{m}": v for m, v in zip(self.forecast_months, values, strict=True)}})
        return Table(columns, rows)

    def row_keys(self) -> list[str]:
        keys = [s.key for s in self.series]
        return keys + (["forecast", "forecast_lower", "forecast_upper"] if self.forecast else [])

    def drill(self, key: str) -> dict[str, str] | None:
        """The customer-list filters for a series' customers (their current tier or region), or None."""
        if self.by == "tier" and key in credit_choice_labels()["tier"]:
            return {"tier": key}
        if self.by == "region" and key:
            return {"region": key}
        return None


def aggregate_stamp() -> SalesAggregateStamp | None:
    return SalesAggregateStamp.objects.order_by("-refreshed_at").first()


def _own_customers_only(scope: AnalysisScope) -> int | None:
    """The user's id when they read in full only the dossiers they own (a sales rep): the aggregate's rows of that
    owner are exactly their scope."""
    visible = access.dossiers_fully_visible(scope.user)
    return scope.user.pk if visible is not None and visible == Q(owner_id=scope.user.pk) else None


def _aggregate_serves(scope: AnalysisScope, by: str, stamp: SalesAggregateStamp | None) -> bool:
    """The aggregate answers when it counts every complete month before as_of's month and no order after as_of,
    for a reader of every dossier or of own ones (products of one region are summed from the orders)."""
    if stamp is None or (by == "product" and scope.region):
        return False
    if access.dossiers_fully_visible(scope.user) is not None and _own_customers_only(scope) is None:
        return False
    return month_start(scope.as_of) - timedelta(days=1) <= stamp.through <= scope.as_of


def _sum_rows(rows, group: str | None) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        key = (_key(row["month"]), (row[group] or "") if group else TOTAL)
        sums[key] = sums.get(key, Decimal(0)) + Decimal(row["amount"] or 0)
    return sums


def _from_aggregate(scope: AnalysisScope, by: str, start: date) -> dict[tuple[str, str], Decimal]:
    """Sums of the aggregate's rows at the level the scope needs: one owner's detail (an owner filter, or a sales
    rep's own customers), one region's or every region's sums over the owners, or the sums over everyone."""
    table = MonthlyProductSales if by == "product" else MonthlySales
    rows = table.objects.filter(month__gte=start, month__lte=month_start(scope.as_of))
    mine = _own_customers_only(scope)
    if mine is not None:
        rows = rows.filter(owner_id=mine)
    if scope.owner:
        rows = rows.filter(owner__username=scope.owner)
    if mine is not None or scope.owner:
        rows = rows.filter(region=scope.region) if scope.region else rows
    elif scope.region:
        rows = rows.filter(owner__isnull=True, region=scope.region)
    else:
        rows = rows.filter(owner__isnull=True, region__isnull=by != "region")
    group = by or None
    values = ("month", group) if group else ("month",)
    return _sum_rows(rows.order_by().values(*values).annotate(amount=Sum("amount")), group)


def _tier_sums(customers: QuerySet, orders: QuerySet, as_of: date, today: date) -> list[dict]:
    """Sales per month and the customer's tier as of ``as_of``: orders summed per customer and month, joined to
    the customers' tiers (each customer's T computed once), one query."""
    facts = customers_with_credit_facts(customers=customers, as_of=as_of, today=today)
    sql, params = customer_month_join(orders, facts.order_by().values(cid=F("pk"), tier=F("tier_code")))
    with read_connection().cursor() as cursor:  # a report: on a replica when there is one
        cursor.execute(sql.format(select="o.month, c.tier, SUM(o.amount)", group="o.month, c.tier"), params)
        return [{"month": month, "tier": tier, "amount": amount} for month, tier, amount in cursor.fetchall()]


def customer_month_join(orders: QuerySet, customers: QuerySet) -> tuple[str, list]:
    """SQL of ``orders`` summed per customer and order month (``o.cid``, ``o.month``, ``o.amount``) joined to the
    ``customers`` values (``c.cid`` and more), with its parameters: ``WITH c … FROM o JOIN c``, to complete with
    the SELECT list and GROUP BY of a set-based sum (``{select}`` and ``{group}`` in the text). The customers are
    materialised first, so each one's T is computed once, not once per month it bought in."""
    per_month = (
        orders.order_by().values(cid=F("customer_id"), month=TruncMonth("order_date")).annotate(amount=Sum("amount"))
    )
    orders_sql, orders_params = per_month.query.sql_with_params()
    customers_sql, customers_params = customers.query.sql_with_params()
    sql = (
        f"WITH c AS MATERIALIZED ({customers_sql}) SELECT {{select}} FROM ({orders_sql}) o "  # noqa: S608 (compiled querysets)
        "JOIN c ON c.cid = o.cid GROUP BY {group}"
    )
    return sql, [*customers_params, *orders_params]


def _live(scope: AnalysisScope, by: str, start: date) -> dict[tuple[str, str], Decimal]:
    customers, until = scope.customers(), scope.as_of
    since = start - timedelta(days=1)
    if by == "product":
        lines = sales_lines(customers=customers, since=since, until=until).order_by()
        rows = lines.values("product", month=TruncMonth("order__order_date")).annotate(amount=Sum("amount"))
        return _sum_rows(rows, "product")
    orders = sales_orders(customers=customers, since=since, until=until)
    if by == "tier":
        return _sum_rows(_tier_sums(customers, orders, scope.as_of, scope.today), "tier")
    if by == "region":
        rows = orders.order_by().values(month=TruncMonth("order_date"), region=F("customer__region"))
        return _sum_rows(rows.annotate(amount=Sum("amount")), "region")
    return _sum_rows(orders.order_by().values(month=TruncMonth("order_date")).annotate(amount=Sum("amount")), None)


def _labels(by: str, keys: set[str], sums: dict[tuple[str, str], Decimal]) -> dict[str, str]:
    """The series of a grouping in display order: every tier A–D; regions and products present, largest first."""
    if by == "tier":
        return dict(credit_choice_labels()["tier"])
    totals = {key: sum((v for (_m, k), v in sums.items() if k == key), Decimal(0)) for key in keys}
    ordered = sorted(keys, key=lambda key: (-totals[key], key))
    return {key: key or str(_("(not given)")) for key in ordered}


def _series(key: str, label: str, sums: dict, months: list[str], running: str) -> Series:
    values = [sums.get((month, key), Decimal(0)).quantize(CENTS) for month in months]
    return Series(str(key), str(label), values, sums.get((running, key), Decimal(0)).quantize(CENTS))


def trend(*, scope: AnalysisScope, by: str = "", months: int = 24, horizon: int = 3) -> Trend:
    """Monthly sales of the ``months`` complete months before as_of's month, the running month so far, in total
    and per group, and the forecast of the total's next ``horizon`` months with its backtest (two queries at
    most, three for products)."""
    running = month_start(scope.as_of)
    start = add_months(running, -months)
    keys = rules.month_keys((start.year, start.month), months + 1 + horizon)
    window, running_key, ahead = keys[:months], keys[months], keys[months + 1 :]
    stamp = aggregate_stamp()
    from_aggregate = _aggregate_serves(scope, by, stamp)
    read = _from_aggregate if from_aggregate else _live
    sums = read(scope, by, start)
    totals = read(scope, "", start) if by == "product" else {}
    groups = {group for (_month, group) in sums} if by else set()
    if by and by != "product":
        for (month, _group), value in sums.items():
            totals[(month, TOTAL)] = totals.get((month, TOTAL), Decimal(0)) + value
    elif not by:
        totals = sums
    series = [_series(TOTAL, _("Total"), totals, window, running_key)]
    series += [_series(key, label, sums, window, running_key) for key, label in _labels(by, groups, sums).items()]
    history = list(rules.months_of_data(series[0].values))
    return Trend(
        as_of=scope.as_of,
        by=by,
        months=window,
        running_month=running_key,
        counted_through=stamp.through if from_aggregate else scope.as_of,
        from_aggregate=from_aggregate,
        series=series,
        months_of_data=len(history),
        forecast_months=ahead,
        forecast=rules.forecast(history, horizon, skip=1),  # the running month lies between
        backtest=rules.backtest(history),
    )


def product_buyers(*, scope: AnalysisScope, key: str, months: int = 24) -> QuerySet:
    """The ids of the customers in scope who bought the product in the trend's window (a drill-down)."""
    since = add_months(month_start(scope.as_of), -months) - timedelta(days=1)
    lines = sales_lines(customers=scope.customers(), since=since, until=scope.as_of).filter(product=key)
    return lines.values("order__customer")
