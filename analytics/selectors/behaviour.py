"""Customer behaviour 客户行为 (DOMAIN §10.6): promotions, products, feedback, retention and response times.

Each topic is one table (the page's table, the API's ``rows``, the exports) over the customers in scope, as of a
day. Counts and sums run in SQL; Python only shapes the few result rows (promotions, months, quarters, owners).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import ProductFirstSale, SalesAggregateStamp
from analytics.rules.shares import percent
from analytics.scope import AnalysisScope
from analytics.selectors.nightly import kept, restored, snapshot_rows
from credit.selectors import (
    products_sold,
    promotion_responder_orders,
    sales_lines,
    sales_orders,
    sales_until,
)
from crm.exports import Column, Table
from crm.replicas import read_connection
from customers.selectors import interaction_kind_labels, interactions_of

TOPICS = {
    "promotions": gettext_lazy("Promotions"),
    "products": gettext_lazy("New products and old customers"),
    "feedback": gettext_lazy("Feedback"),
    "retention": gettext_lazy("Retention"),
    "response": gettext_lazy("Response to complaints"),
}
AFTER_RESPONSE_DAYS = 90
YEAR = 365
MONTHS = 12
QUARTERS = 8
FEEDBACK_KINDS = ("complaint", "quality_feedback", "suggestion")
ANSWERED_KINDS = ("complaint", "quality_feedback")
CENTS = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Behaviour:
    topic: str
    as_of: date
    columns: tuple[Column, ...]
    rows: list[dict]
    extra: dict = field(default_factory=dict)
    snapshot_of: date | None = None  # the nightly snapshot's day, when read from it

    def as_json(self) -> dict:
        return {"topic": self.topic, "as_of": self.as_of, "rows": self.rows, **self.extra}

    def table(self) -> Table:
        return Table(self.columns, self.rows)

    def drill(self, key: str) -> dict[str, str] | None:
        return None


def behaviour(*, scope: AnalysisScope, topic: str) -> Behaviour:
    """A topic's table: from the nightly snapshot where it answers the scope (``analytics.selectors.nightly``),
    its labels and headers in the reader's language; else computed."""
    nightly = snapshot_rows(scope, f"behaviour:{topic}")
    if nightly is None:
        return TOPIC_REPORTS[topic](scope)
    day, stored = nightly
    found = restored(stored)
    rows = found["rows"]
    if topic == "products":
        labels = _product_labels()
        rows = [{**row, "label": labels[row["key"]]} for row in rows]
    return Behaviour(topic, day, TOPIC_COLUMNS[topic](), rows, found["extra"], snapshot_of=day)


def behaviour_rows(*, scope: AnalysisScope, topic: str) -> dict:
    """A topic's rows and extra figures as the nightly snapshot keeps them (``analytics.selectors.nightly.kept``)."""
    report = TOPIC_REPORTS[topic](scope)
    return kept({"rows": report.rows, "extra": report.extra})


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENTS)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(CENTS) if whole else None


def _per_100(count: int, orders: int) -> Decimal | None:
    return (Decimal(count * 100) / orders).quantize(ONE_DECIMAL) if orders else None


def _promotion_sales(scope: AnalysisScope) -> dict[str, tuple[int, Decimal]]:
    pairs = promotion_responder_orders(customers=scope.customers(), until=scope.as_of, days=AFTER_RESPONSE_DAYS)
    sql, params = pairs.query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT promo, COUNT(*), SUM(sale) FROM ({sql}) pairs GROUP BY promo", params)  # noqa: S608
        return {promo: (orders, _money(sales)) for promo, orders, sales in cursor.fetchall()}


def promotions(scope: AnalysisScope) -> Behaviour:
    """Per promotion: responses, positive share, orders and sales from responders on the day of their response or
    in the 90 days after, cost spent and sales ÷ cost (two queries)."""
    responses = (
        interactions_of(customers=scope.customers(), kinds=["promotion_response"], until=scope.as_of)
        .exclude(promotion="")
        .order_by()
        .values("promotion")
        .annotate(responses=Count("pk"), positive=Count("pk", filter=Q(response="positive")), cost=Sum("cost"))
    )
    sales = _promotion_sales(scope)
    rows = []
    for row in responses:
        orders, amount = sales.get(row["promotion"], (0, Decimal(0)))
        cost = _money(row["cost"])
        rows.append(
            {
                "promotion": row["promotion"],
                "responses": row["responses"],
                "positive_share": percent(row["positive"], row["responses"]),
                "orders": orders,
                "sales": amount,
                "cost": cost,
                "sales_per_cost": _ratio(amount, cost),
            }
        )
    rows.sort(key=lambda row: (-row["sales"], row["promotion"]))
    return Behaviour("promotions", scope.as_of, _promotion_columns(), rows)


def _promotion_columns() -> tuple[Column, ...]:
    return (
        Column("promotion", _("Promotion")),
        Column("responses", _("Responses")),
        Column("positive_share", _("Positive (%)")),
        Column("orders", _("Orders within 90 days")),
        Column("sales", _("Sales within 90 days")),
        Column("cost", _("Cost")),
        Column("sales_per_cost", _("Sales ÷ cost")),
    )


def _products_sold_by(day: date) -> tuple[QuerySet, date | None]:
    """The products anyone sold up to ``day``, as a ``product`` values queryset for a subquery, and the day that
    set is counted as of (one query). From the nightly first sales (``ProductFirstSale``) when their stamp's day is
    ``day`` or later: a product first sold by ``day`` as the orders stood that night; orders entered or cancelled
    since, dated ``day`` or earlier, count from the next night. Else (no run yet, or ``day`` after it) from every
    order line up to ``day``, live, and None."""
    counted = SalesAggregateStamp.objects.filter(through__gte=day).filter(Exists(ProductFirstSale.objects.all()))
    through = counted.order_by("-refreshed_at").values_list("through", flat=True).first()
    if through is None:
        return products_sold(until=day), None
    return ProductFirstSale.objects.filter(first_sold_on__lte=day).values("product"), through


def products(scope: AnalysisScope) -> Behaviour:
    """Sales of the trailing 365 days split by new products (first sold by anyone in those days) and by old
    customers (first order older than 365 days), each with its complement, as shares of the sales (three queries).
    ``first_sales_through``: the nightly day the new products are judged as of (``_products_sold_by``), or None."""
    since, until = scope.as_of - timedelta(days=YEAR), scope.as_of
    customers = scope.customers()
    sold_before, first_sales_through = _products_sold_by(since)
    lines = sales_lines(customers=customers, since=since, until=until).aggregate(
        total=Sum("amount"), new=Sum("amount", filter=~Q(product__in=sold_before))
    )
    earlier = sales_until(until=since).filter(customer=OuterRef("customer"))  # a sale by then: the first was too
    orders = (
        sales_orders(customers=customers, since=since, until=until)
        .order_by()
        .values("customer")
        .annotate(bought=Sum("amount"), old_bought=Case(When(Exists(earlier), then=Sum("amount")), default=None))
        .aggregate(total=Sum("bought"), old=Sum("old_bought"))
    )
    parts = [
        ("new_products", lines["new"], lines["total"]),
        ("other_products", _money(lines["total"]) - _money(lines["new"]), lines["total"]),
        ("old_customers", orders["old"], orders["total"]),
        ("new_customers", _money(orders["total"]) - _money(orders["old"]), orders["total"]),
    ]
    labels = _product_labels()
    rows = [
        {"key": key, "label": labels[key], "amount": _money(amount), "share": percent(_money(amount), _money(total))}
        for key, amount, total in parts
    ]
    extra = {"total": _money(orders["total"]), "first_sales_through": first_sales_through}
    return Behaviour("products", scope.as_of, _product_columns(), rows, extra)


def _product_labels() -> dict[str, str]:
    return {
        "new_products": _("New products (first sold in the last 365 days)"),
        "other_products": _("Products sold before"),
        "old_customers": _("Old customers (first order over 365 days ago)"),
        "new_customers": _("New customers"),
    }


def _product_columns() -> tuple[Column, ...]:
    return (
        Column("label", _("Sales from")),
        Column("amount", _("Sales, last 365 days")),
        Column("share", _("Share (%)")),
    )


def _months(as_of: date) -> list[date]:
    """The first days of the 12 calendar months ending with ``as_of``'s month, oldest first."""
    firsts, year, month = [], as_of.year, as_of.month
    for _index in range(MONTHS):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _day(value) -> date:
    """A truncated date as the backend returns it (a date, a datetime or ISO text) → date."""
    return value if type(value) is date else date.fromisoformat(str(value)[:10])


def feedback(scope: AnalysisScope) -> Behaviour:
    """Complaints, quality feedback and suggestions per month (the last 12) and per 100 orders (two queries)."""
    months = _months(scope.as_of)
    since = months[0] - timedelta(days=1)
    found = (
        interactions_of(customers=scope.customers(), kinds=FEEDBACK_KINDS, since=since, until=scope.as_of)
        .annotate(month=TruncMonth("occurred_on"))
        .order_by()
        .values("month", "kind")
        .annotate(n=Count("pk"))
    )
    counts = {(_day(row["month"]), row["kind"]): row["n"] for row in found}
    orders = {
        _day(row["month"]): row["n"]
        for row in sales_orders(customers=scope.customers(), since=since, until=scope.as_of)
        .annotate(month=TruncMonth("order_date"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    }
    rows = []
    for month in months:
        row = {"month": f"{month:%Y-%m}", "orders": orders.get(month, 0)}
        for kind in FEEDBACK_KINDS:
            row[kind] = counts.get((month, kind), 0)
            row[f"{kind}_per_100_orders"] = _per_100(row[kind], row["orders"])
        rows.append(row)
    return Behaviour("feedback", scope.as_of, _feedback_columns(), rows)


def _feedback_columns() -> tuple[Column, ...]:
    labels = interaction_kind_labels()
    return (
        Column("month", _("Month")),
        *(Column(kind, labels[kind]) for kind in FEEDBACK_KINDS),
        Column("orders", _("Orders")),
        *(
            Column(f"{kind}_per_100_orders", _("%(kind)s per 100 orders") % {"kind": labels[kind]})
            for kind in FEEDBACK_KINDS
        ),
    )


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters(as_of: date) -> list[date]:
    """The first days of the 8 quarters ending with ``as_of``'s quarter, oldest first."""
    starts, start = [], _quarter_start(as_of)
    for _index in range(QUARTERS):
        starts.append(start)
        start = _quarter_start(start - timedelta(days=1))
    return starts[::-1]


def _quarter_name(start: date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _cohort_counts(scope: AnalysisScope, first_quarter: date) -> dict[tuple[date, date], int]:
    """Customers per (cohort quarter, quarter they ordered in), cohorts from ``first_quarter`` (one query). A
    customer's cohort is its first quarter with a sale in the window when it has no sale before the window. The
    window's orders are read once (each customer's quarters), and the earlier sale is an EXISTS per customer in
    scope on the orders' customer index, not a minimum over every order ever."""
    customers = scope.customers()
    start = first_quarter - timedelta(days=1)
    active = (
        sales_orders(customers=customers, since=start, until=scope.as_of)
        .order_by()
        .annotate(quarter=TruncQuarter("order_date", output_field=DateField()))
        .values("customer", "quarter")
        .distinct()
    )
    earlier = sales_until(until=start).filter(customer=OuterRef("pk"))
    # not "returning": a keyword of SQLite's SQL, which the statement below names unquoted
    earlier_buyers = customers.order_by().annotate(bought_before=Exists(earlier)).values("pk", "bought_before")
    active_sql, active_params = active.query.sql_with_params()
    earlier_sql, earlier_params = earlier_buyers.query.sql_with_params()
    sql = (
        f"WITH a AS MATERIALIZED ({active_sql}),"  # noqa: S608
        " f AS (SELECT customer, MIN(quarter) AS cohort FROM a GROUP BY customer)"
        f" SELECT f.cohort, a.quarter, COUNT(*) FROM a JOIN f ON f.customer = a.customer"
        f" JOIN ({earlier_sql}) r ON r.pk = f.customer WHERE NOT r.bought_before GROUP BY f.cohort, a.quarter"
    )
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*active_params, *earlier_params])
        return {(_day(cohort), _day(quarter)): count for cohort, quarter, count in cursor.fetchall()}


def _churned(scope: AnalysisScope) -> dict:
    """Customers who ordered in the 365 days before the last 365 and not since, of those who ordered then (an
    EXISTS per customer on the orders' customer index for each year)."""
    as_of = scope.as_of
    year_ago, two_years_ago = as_of - timedelta(days=YEAR), as_of - timedelta(days=2 * YEAR)
    before = sales_until(until=year_ago).filter(customer=OuterRef("pk"), order_date__gt=two_years_ago)
    since = sales_until(until=as_of).filter(customer=OuterRef("pk"), order_date__gt=year_ago)
    counts = (
        scope.customers()
        .filter(Exists(before))
        .aggregate(active=Count("pk"), churned=Count("pk", filter=~Exists(since)))
    )
    return {
        "customers": counts["churned"],
        "of": counts["active"],
        "share": percent(counts["churned"], counts["active"]),
    }


def retention(scope: AnalysisScope) -> Behaviour:
    """Customers by the quarter of their first order (the last 8 quarters) and the share of each cohort that
    ordered in each later quarter (``q1`` = the next one; empty where that quarter lies after the day), and the
    churned customers (two queries)."""
    quarters = _quarters(scope.as_of)
    counts = _cohort_counts(scope, quarters[0])
    rows = []
    for index, cohort in enumerate(quarters):
        size = counts.get((cohort, cohort), 0)
        row = {"cohort": _quarter_name(cohort), "customers": size}
        for offset in range(1, QUARTERS):
            later = quarters[index + offset] if index + offset < QUARTERS else None
            row[f"q{offset}"] = percent(counts.get((cohort, later), 0), size) if later and size else None
        rows.append(row)
    return Behaviour("retention", scope.as_of, _retention_columns(), rows, {"churned": _churned(scope)})


def _retention_columns() -> tuple[Column, ...]:
    return (
        Column("cohort", _("First order in")),
        Column("customers", _("Customers")),
        *(Column(f"q{offset}", _("Quarter +%(n)s (%%)") % {"n": offset}) for offset in range(1, QUARTERS)),
    )


def _answer_days(scope: AnalysisScope, since: date) -> list[dict]:
    """Each complaint or quality feedback since ``since`` with its month, owner and the date of the customer's
    next service record on or after it (None if none yet), one query."""
    services = interactions_of(customers=scope.customers(), kinds=["service"], until=scope.as_of).filter(
        customer=OuterRef("customer"), occurred_on__gte=OuterRef("occurred_on")
    )
    return list(
        interactions_of(customers=scope.customers(), kinds=ANSWERED_KINDS, since=since, until=scope.as_of)
        .annotate(
            month=TruncMonth("occurred_on"),
            answered_on=Subquery(services.order_by("occurred_on").values("occurred_on")[:1], output_field=DateField()),
        )
        .values(
            "month",
            "occurred_on",
            "answered_on",
            "customer__owner__username",
            "customer__owner__first_name",
            "customer__owner__last_name",
        )
    )


def _response_row(group: str, key: str, label: str, items: list[dict]) -> dict:
    days = [(_day(item["answered_on"]) - _day(item["occurred_on"])).days for item in items if item["answered_on"]]
    median = Decimal(str(statistics.median(days))).quantize(ONE_DECIMAL) if days else None
    return {
        "group": group,
        "key": key,
        "label": label,
        "items": len(items),
        "answered": len(days),
        "median_days": median,
    }


def response(scope: AnalysisScope) -> Behaviour:
    """Median days from a complaint or quality feedback (the last 12 months) to the customer's next service record,
    per month and per owner; those not yet answered are counted apart."""
    months = _months(scope.as_of)
    items = _answer_days(scope, months[0] - timedelta(days=1))
    by_month, by_owner, names = defaultdict(list), defaultdict(list), {}
    for item in items:
        by_month[_day(item["month"])].append(item)
        owner = item["customer__owner__username"]
        by_owner[owner].append(item)
        full = f"{item['customer__owner__first_name']} {item['customer__owner__last_name']}".strip()
        names[owner] = full or owner
    rows = [_response_row("month", f"{month:%Y-%m}", f"{month:%Y-%m}", by_month[month]) for month in months]
    rows += [_response_row("owner", owner, names[owner], by_owner[owner]) for owner in sorted(by_owner)]
    return Behaviour("response", scope.as_of, _response_columns(), rows)


def _response_columns() -> tuple[Column, ...]:
    return (
        Column("label", _("Month or owner")),
        Column("items", _("Complaints and quality feedback")),
        Column("answered", _("Followed by a service record")),
        Column("median_days", _("Median days to the service record")),
    )


TOPIC_COLUMNS = {
    "promotions": _promotion_columns,
    "products": _product_columns,
    "feedback": _feedback_columns,
    "retention": _retention_columns,
    "response": _response_columns,
}
TOPIC_REPORTS = {
    "promotions": promotions,
    "products": products,
    "feedback": feedback,
    "retention": retention,
    "response": response,
}
