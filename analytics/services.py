"""The analysis' own writes, into its own tables: the nightly aggregates it reads instead of the orders (DOMAIN §10.3,
§10.4) and the nightly segmentation (§10.5); each set-based and idempotent."""

import logging
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from analytics.models import (
    CorrelationSnapshot,
    CustomerSegment,
    MonthlyProductSales,
    MonthlySales,
    ReportSnapshot,
    SalesAggregateStamp,
    SegmentationRun,
    SegmentCluster,
)
from analytics.rules.clusters import FEATURES, Clustering, kmeans_clusters
from analytics.rules.rfm import quintile_sql, segment_sql
from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from analytics.selectors import behaviour as behaviour_selectors
from analytics.selectors.composition import composition_rows, composition_rows_every
from analytics.selectors.correlation import correlation_over
from analytics.selectors.pareto import pareto_rows
from analytics.selectors.trend import customer_month_join
from credit.selectors import (
    customers_with_credit_facts,
    live_customers_on_time,
    open_items_sql,
    policy_current,
    rfm_order_facts,
    sales_lines,
    sales_orders,
)
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


OPEN_ITEMS = "analytics_open_items"


def _open_items_kept(scope: AnalysisScope) -> tuple[str, list]:
    """The unpaid items of every ledger as of the scope's day in a temporary table (the allocation runs once for
    every ageing group); returns SQL reading it, for ``ageing_rows``."""
    items_sql, params = open_items_sql(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OPEN_ITEMS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {OPEN_ITEMS} AS SELECT * FROM ({items_sql}) i WHERE i.unpaid > 0",  # noqa: S608
            params,
        )
    return f"SELECT customer_id, order_id, due_date, unpaid FROM {OPEN_ITEMS}", []  # noqa: S608


@transaction.atomic
def report_snapshots_refresh(*, today: date) -> int:
    """Composition, statistics, ageing and behaviour over every live customer as of yesterday, replacing the last ones
    (``analytics.selectors.nightly``): what each report's query returns, stored per report and variant. Returns
    the snapshots written."""
    through = today - timedelta(days=1)
    scope = AnalysisScope.portfolio(as_of=through, today=today)
    with connection.cursor() as cursor:
        if _postgres():  # the sorts and hashes of a million customers in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
    reports = {f"composition:{by}": rows for by, rows in composition_rows_every(scope=scope).items()}
    reports["composition:product"] = composition_rows(scope=scope, by="product")
    reports["pareto"] = pareto_rows(scope=scope)
    items = _open_items_kept(scope)
    for group in ageing_selectors.GROUPS:
        reports[f"ageing:{group}"] = ageing_selectors.ageing_rows(scope=scope, group=group, items=items)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {OPEN_ITEMS}")
    for topic in behaviour_selectors.TOPICS:
        reports[f"behaviour:{topic}"] = behaviour_selectors.behaviour_rows(scope=scope, topic=topic)
    ReportSnapshot.objects.all().delete()
    ReportSnapshot.objects.bulk_create(
        ReportSnapshot(report=name, through=through, rows=rows) for name, rows in reports.items()
    )
    return len(reports)


logger = logging.getLogger(__name__)
ACTIVE_DAYS = 730  # customers with an order in the last 730 days are scored (DOMAIN §10.5)
CHUNK = 100_000
CENTS = Decimal("0.01")
STAGE, LABELS = "analytics_rfm_stage", "analytics_rfm_labels"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _stage(as_of: date) -> None:
    """The stage table: customer_id, recency_days, frequency, monetary, on_time — one row per scored customer."""
    orders_sql, orders_params = rfm_order_facts(
        as_of=as_of, active_days=ACTIVE_DAYS, window_days=policy_current().as_rule().window_days
    ).query.sql_with_params()
    live_sql, live_params = live_customers_on_time().query.sql_with_params()
    if _postgres():
        days, day = "(%s::date - o.last_order)", as_of
    else:
        days, day = "CAST(julianday(%s) - julianday(o.last_order) AS INTEGER)", as_of.isoformat()
    with connection.cursor() as cursor:
        if _postgres():  # the order aggregate's hash and the rank sorts in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} AS"  # noqa: S608 — our names and the selectors' SQL; values are parameters
            f" SELECT o.customer_id AS customer_id, {days} AS recency_days, o.frequency AS frequency,"
            f" o.monetary AS monetary, c.on_time AS on_time"
            f" FROM ({orders_sql}) o JOIN ({live_sql}) c ON c.id = o.customer_id",
            [day, *orders_params, *live_params],
        )


def _feature_arrays() -> tuple[np.ndarray, np.ndarray]:
    """Customer ids and the FEATURES of the stage, by id, fetched in chunks into numpy arrays (an unknown on-time
    ratio — nothing due yet — counts as 1)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")  # noqa: S608
        (expected,) = cursor.fetchone()
    ids = np.empty(expected, dtype=np.int64)
    values = np.empty((expected, len(FEATURES)), dtype=np.float64)
    filled = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, recency_days, frequency, CAST(monetary AS DOUBLE PRECISION),"  # noqa: S608
            f" CAST(COALESCE(on_time, 1) AS DOUBLE PRECISION) FROM {STAGE} ORDER BY customer_id"
        )
        while rows := cursor.fetchmany(CHUNK):
            block = np.array(rows, dtype=np.float64)
            ids[filled : filled + len(rows)] = block[:, 0]
            values[filled : filled + len(rows)] = block[:, 1:]
            filled += len(rows)
    return ids[:filled], values[:filled]


def _labels_stage(ids: np.ndarray, labels: np.ndarray) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LABELS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {LABELS} (customer_id bigint PRIMARY KEY, cluster smallint)")
        for start in range(0, len(ids), CHUNK):
            chunk_ids, chunk_labels = ids[start : start + CHUNK].tolist(), labels[start : start + CHUNK].tolist()
            if _postgres():
                cursor.execute(
                    f"INSERT INTO {LABELS} SELECT * FROM unnest(%s::bigint[], %s::smallint[])",  # noqa: S608
                    [chunk_ids, chunk_labels],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {LABELS} VALUES (%s, %s)",  # noqa: S608
                    list(zip(chunk_ids, chunk_labels, strict=True)),
                )


def _scores_insert(as_of: date) -> int:
    """Replace the per-customer table with the stage scored (quintiles with ties), segmented and labelled."""
    count = "COUNT(*) OVER ()"
    table = CustomerSegment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — not TRUNCATE: readers keep the old rows until commit
        cursor.execute(
            f"""INSERT INTO {table} (customer_id, computed_on, recency_days, frequency, monetary, on_time_ratio,
                                    r, f, m, segment, cluster)
            SELECT customer_id, %s, recency_days, frequency, monetary, on_time, r, f, m,
                   {segment_sql("r", "f", "m")}, cluster
            FROM (
                SELECT s.customer_id, s.recency_days, s.frequency, s.monetary, s.on_time, l.cluster,
                       {quintile_sql("RANK() OVER (ORDER BY s.recency_days DESC)", count)} AS r,
                       {quintile_sql("RANK() OVER (ORDER BY s.frequency)", count)} AS f,
                       {quintile_sql("RANK() OVER (ORDER BY s.monetary)", count)} AS m
                FROM {STAGE} s LEFT JOIN {LABELS} l ON l.customer_id = s.customer_id
            ) scored""",  # noqa: S608
            [as_of if _postgres() else as_of.isoformat()],
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(f"DROP TABLE {LABELS}")
        if _postgres():
            cursor.execute(f"ANALYZE {table}")  # fresh statistics for the scoped reads right after the run
    return inserted


def _clusters_keep(clustering: Clustering, as_of: date) -> None:
    SegmentCluster.objects.all().delete()
    SegmentCluster.objects.bulk_create(
        SegmentCluster(
            number=cluster.number,
            computed_on=as_of,
            size=cluster.size,
            recency_days=cluster.centroid["recency_days"],
            frequency=cluster.centroid["frequency"],
            monetary=Decimal(repr(cluster.centroid["monetary"])).quantize(CENTS),
            on_time_ratio=cluster.centroid["on_time_ratio"],
            traits=",".join(cluster.traits),
        )
        for cluster in clustering.clusters
    )


@transaction.atomic
def segmentation_compute(*, today: date) -> SegmentationRun:
    """Score, segment and cluster every live customer with a sale in the 730 days ending ``today``, replacing the
    previous run (DOMAIN §10.5). Running it twice for a day leaves the same rows."""
    started = time.perf_counter()
    _stage(today)
    ids, values = _feature_arrays()
    staged = time.perf_counter()
    clustering = kmeans_clusters(values)
    clustered = time.perf_counter()
    _labels_stage(ids, clustering.labels)
    _scores_insert(today)
    _clusters_keep(clustering, today)
    seconds = time.perf_counter() - started
    logger.info(
        "segmentation %s: %d customers, k=%d; stage %.1f s, k-means %.1f s, write %.1f s",
        today,
        len(ids),
        len(clustering.clusters),
        staged - started,
        clustered - staged,
        seconds - (clustered - started),
    )
    run, _created = SegmentationRun.objects.update_or_create(
        computed_on=today,
        defaults={
            "customers": len(ids),
            "clusters": len(clustering.clusters),
            "silhouette": clustering.silhouette,
            "segments": dict(CustomerSegment.objects.order_by().values_list("segment").annotate(n=Count("pk"))),
            "seconds": round(seconds, 2),
        },
    )
    return run
