"""The analysis' own writes: the nightly aggregates it reads instead of the orders (DOMAIN §10.3, issue 11 point 6)."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from analytics.models import CorrelationSnapshot, MonthlyProductSales, MonthlySales, SalesAggregateStamp
from analytics.selectors.correlation import correlation_over
from analytics.selectors.trend import customer_month_join
from credit.selectors import customers_with_credit_facts, sales_lines, sales_orders
from customers.selectors import live_customers


@transaction.atomic
def monthly_sales_refresh(*, today: date) -> int:
    """Rebuild the monthly sums of every live customer's orders dated before ``today`` (through yesterday, a
    complete day): per month, owner, region and tier as of yesterday, then per month, region and tier and per
    month and tier over every owner; line amounts per month, owner and product, then per month and product.
    Set-based (INSERT … SELECT … GROUP BY), so a re-run replaces the same rows. Returns the rows written."""
    through = today - timedelta(days=1)
    customers = live_customers()
    orders = sales_orders(customers=customers, until=through)
    facts = customers_with_credit_facts(customers=customers, as_of=through, today=today).order_by()
    sql, params = customer_month_join(
        orders, facts.values(cid=F("pk"), oid=F("owner_id"), reg=F("region"), tier=F("tier_code"))
    )
    lines = (
        sales_lines(customers=customers, until=through)
        .order_by()
        .values("product", month=TruncMonth("order__order_date"), oid=F("order__customer__owner_id"))
        .annotate(amount=Sum("amount"))
    )
    lines_sql, lines_params = lines.query.sql_with_params()
    sales, products = MonthlySales._meta.db_table, MonthlyProductSales._meta.db_table
    MonthlySales.objects.all().delete()
    MonthlyProductSales.objects.all().delete()
    statements = [  # the detail from the orders, then the sums over owners (and regions) from the detail
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "
            + sql.format(select="o.month, c.oid, c.reg, c.tier, SUM(o.amount)", group="o.month, c.oid, c.reg, c.tier"),
            params,
        ),
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "  # noqa: S608
            f"SELECT month, NULL, region, tier, SUM(amount) FROM {sales} WHERE owner_id IS NOT NULL "
            "GROUP BY month, region, tier",
            [],
        ),
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "  # noqa: S608
            f"SELECT month, NULL, NULL, tier, SUM(amount) FROM {sales} WHERE owner_id IS NULL GROUP BY month, tier",
            [],
        ),
        (
            f"INSERT INTO {products} (month, owner_id, region, product, amount) "  # noqa: S608
            f"SELECT q.month, q.oid, NULL, q.product, q.amount FROM ({lines_sql}) q",
            lines_params,
        ),
        (
            f"INSERT INTO {products} (month, owner_id, region, product, amount) "  # noqa: S608
            f"SELECT month, NULL, NULL, product, SUM(amount) FROM {products} GROUP BY month, product",
            [],
        ),
    ]
    written = 0
    with connection.cursor() as cursor:
        for statement, arguments in statements:
            cursor.execute(statement, arguments)
            written += cursor.rowcount
    SalesAggregateStamp.objects.all().delete()
    SalesAggregateStamp.objects.create(through=through)
    return written


@transaction.atomic
def correlation_snapshot_refresh(*, today: date) -> int:
    """The correlation of every live customer as of yesterday (DOMAIN §10.4), replacing the last one; returns
    the customers it covers."""
    through = today - timedelta(days=1)
    result = correlation_over(customers=live_customers(), as_of=through, today=today)
    CorrelationSnapshot.objects.all().delete()
    CorrelationSnapshot.objects.create(through=through, customers=result.customers, matrices=result.matrices())
    return result.customers
